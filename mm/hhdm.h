/*
 * hhdm.h - the direct map: every physical address p is reachable at HHDM_BASE + p.
 *
 * Host unit tests (SPINDLE_HOST_TEST) fake physical memory with a malloc'ed arena: there
 * HHDM_BASE is a variable the test sets so that phys_to_virt(fake_phys) lands in the arena.
 */
#ifndef MM_HHDM_H
#define MM_HHDM_H

#include <stdint.h>
#include <spindle/boot.h>

#ifdef SPINDLE_HOST_TEST
extern uint64_t hhdm_host_base; /* defined by the test (test/host/mm_fake.h) */
#define HHDM_BASE hhdm_host_base
#else
#define HHDM_BASE BOOT_HHDM_BASE
#endif
#define PAGE_SIZE 4096ULL
/* Most physical memory the kernel maps and manages: caps the cost of a hostile hhdm_size. */
#define HHDM_SIZE_MAX (1ULL << 40)
#define PAGE_ALIGN_DOWN(x) ((x) & ~(PAGE_SIZE - 1))
#define PAGE_ALIGN_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static inline void *phys_to_virt(uint64_t phys) { return (void *)(phys + HHDM_BASE); }
static inline uint64_t virt_to_phys(const void *virt) { return (uint64_t)virt - HHDM_BASE; }

#endif
