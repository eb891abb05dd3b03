/* hhdm.h - the direct map: every physical address p is reachable at HHDM_BASE + p. */
#ifndef MM_HHDM_H
#define MM_HHDM_H

#include <stdint.h>
#include <spindle/boot.h>

#define HHDM_BASE BOOT_HHDM_BASE
#define PAGE_SIZE 4096ULL
#define PAGE_ALIGN_DOWN(x) ((x) & ~(PAGE_SIZE - 1))
#define PAGE_ALIGN_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static inline void *phys_to_virt(uint64_t phys) { return (void *)(phys + HHDM_BASE); }
static inline uint64_t virt_to_phys(const void *virt) { return (uint64_t)virt - HHDM_BASE; }

#endif
