/*
 * mm_fake.h - fake physical memory and kernel hooks for the mm host tests.
 *
 * Physical address p is arena + p (hhdm_host_base = arena), so every page the allocators
 * touch lies inside one malloc'ed block that ASan watches. The boot_info_t and the memory
 * map live in the arena too (pages 1 and 2), where the real loader would put them, and are
 * marked BOOT_MEM_LOADER. panic() records its message and longjmps back to the test that
 * armed MM_EXPECT_PANIC; an unexpected panic aborts the program loudly.
 */
#ifndef MM_FAKE_H
#define MM_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spindle/boot.h>
#include "mm/hhdm.h"

#define FAKE_ARENA_SIZE (256ULL << 20) /* reserved; only FAKE_HHDM_SIZE is filled by default */
#define FAKE_HHDM_SIZE  (16ULL << 20)
#define FAKE_INFO_PHYS  0x1000ULL
#define FAKE_MAP_PHYS   0x2000ULL
#define FAKE_MAP_MAX    ((0x10000 - FAKE_MAP_PHYS) / sizeof(boot_mem_region_t))

uint64_t hhdm_host_base; /* mm/hhdm.h: HHDM_BASE on the host */
static uint8_t *fake_arena;
static char fake_panic_msg[512];
static jmp_buf fake_panic_jmp;
static int fake_panic_armed;
static char fake_log[4096];

/* Runs stmt; true when it panicked (message in fake_panic_msg). */
#define MM_EXPECT_PANIC(stmt) \
    ({ \
        int mm_panicked_ = 0; \
        fake_panic_msg[0] = 0; \
        fake_panic_armed = 1; \
        if (setjmp(fake_panic_jmp) == 0) { \
            stmt; \
        } else { \
            mm_panicked_ = 1; \
        } \
        fake_panic_armed = 0; \
        mm_panicked_; \
    })

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_panic_msg, sizeof fake_panic_msg, fmt, ap);
    va_end(ap);
    if (fake_panic_armed)
        longjmp(fake_panic_jmp, 1);
    fprintf(stderr, "unexpected panic: %s\n", fake_panic_msg);
    abort();
}

void kprintf(const char *fmt, ...)
{
    size_t used = strlen(fake_log);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_log + used, sizeof fake_log - used, fmt, ap);
    va_end(ap);
}

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    (void)addr;
    if (offset)
        *offset = 0;
    return "host_caller";
}

static inline void *fake_phys(uint64_t p) { return fake_arena + p; }

/* A fresh arena and a boot_info_t whose map is `regions` (count as given, even if hostile). */
static boot_info_t *fake_boot(const boot_mem_region_t *regions, uint32_t n, uint32_t claimed)
{
    if (!fake_arena) {
        fake_arena = aligned_alloc(4096, FAKE_ARENA_SIZE);
        if (!fake_arena)
            abort();
    }
    memset(fake_arena, 0xA5, FAKE_HHDM_SIZE); /* garbage, as in real RAM */
    memset(fake_arena + FAKE_MAP_PHYS, 0, FAKE_MAP_MAX * sizeof(boot_mem_region_t));
    hhdm_host_base = (uint64_t)fake_arena;
    fake_log[0] = 0;
    boot_info_t *bi = fake_phys(FAKE_INFO_PHYS);
    memset(bi, 0, sizeof *bi);
    bi->magic = BOOT_INFO_MAGIC;
    bi->version = BOOT_INFO_VERSION;
    bi->size = sizeof *bi;
    bi->hhdm_base = BOOT_HHDM_BASE;
    bi->hhdm_size = FAKE_HHDM_SIZE;
    bi->mem_regions_phys = FAKE_MAP_PHYS;
    bi->mem_region_count = claimed;
    if (n > FAKE_MAP_MAX)
        abort();
    memcpy(fake_phys(FAKE_MAP_PHYS), regions, n * sizeof *regions);
    return bi;
}

#endif
