/*
 * uaccess_ktest.c - the user-memory door refuses kernel, straddling, wrapping and
 * non-canonical ranges without touching them, turns a real fault into EFAULT, and copies
 * real user pages (with SMAP on when the CPU has it).
 */
#include <spindle/errno.h>
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/uaccess.h"
#include "mm/aspace.h"
#include "mm/hhdm.h"

static uint64_t kernel_secret = 0x5ec7e7;

KTEST(uaccess_rejects_kernel_addresses)
{
    uint64_t v = 0;
    KTEST_EXPECT(copy_from_user(&v, &kernel_secret, sizeof v) == EFAULT);
    KTEST_EXPECT(v == 0);
    KTEST_EXPECT(copy_to_user(&kernel_secret, &v, sizeof v) == EFAULT);
    KTEST_EXPECT(kernel_secret == 0x5ec7e7);
    char s[16];
    KTEST_EXPECT(copy_string_from_user(s, "kernel string", sizeof s, NULL) == EFAULT);
}

KTEST(uaccess_rejects_ranges_crossing_into_the_kernel_half)
{
    uint8_t b[64];
    KTEST_EXPECT(!uaccess_range_ok(USER_ADDR_END - 8, 16));
    KTEST_EXPECT(copy_from_user(b, (void *)(USER_ADDR_END - 8), 16) == EFAULT);
    KTEST_EXPECT(uaccess_range_ok(USER_ADDR_END - 16, 16));
    KTEST_EXPECT(!uaccess_range_ok(USER_ADDR_END, 0));
}

KTEST(uaccess_rejects_wrap_around_and_non_canonical)
{
    uint8_t b[64];
    KTEST_EXPECT(!uaccess_range_ok(0x1000, (size_t)-1));
    KTEST_EXPECT(!uaccess_range_ok(0xFFFFFFFFFFFFFFF0ULL, 32));
    KTEST_EXPECT(copy_from_user(b, (void *)0xFFFFFFFFFFFFFFF0ULL, 32) == EFAULT);
    KTEST_EXPECT(copy_from_user(b, (void *)0x0000900000000000ULL, 8) == EFAULT);
    KTEST_EXPECT(copy_to_user((void *)0x8000000000000000ULL, b, 8) == EFAULT);
}

KTEST(uaccess_fault_in_unmapped_user_page_becomes_efault)
{
    /* The kernel's own tables map nothing in the lower half: this really faults. */
    uint8_t b[16] = { 0 };
    KTEST_EXPECT(copy_from_user(b, (void *)0x1000, sizeof b) == EFAULT);
    KTEST_EXPECT(copy_to_user((void *)0x7FFF0000, b, sizeof b) == EFAULT);
    char s[8];
    KTEST_EXPECT(copy_string_from_user(s, (void *)0x2000, sizeof s, NULL) == EFAULT);
}

KTEST(uaccess_copies_real_user_pages)
{
    aspace_t *as = aspace_create();
    KTEST_EXPECT(as);
    const uint64_t va = 0x400000, top = USER_ADDR_END - PAGE_SIZE;
    bool ok = aspace_map_zeroed(as, va, ASPACE_WRITE) && aspace_map_zeroed(as, top, ASPACE_WRITE);
    if (ok) {
        memset(phys_to_virt(aspace_translate(as, top)), 'a', PAGE_SIZE); /* no NUL up to the end */
        aspace_write(as, va + 100, "hi\0", 3);
    }
    aspace_activate(as);
    char out[8] = "xyz", in[8] = { 0 }, s[8];
    size_t len = 0;
    int e1 = ok ? copy_to_user((void *)(va + 4090), out, 8) : -1; /* crosses into an unmapped page */
    int e2 = ok ? copy_to_user((void *)va, out, 4) : -1;
    int e3 = ok ? copy_from_user(in, (void *)va, 4) : -1;
    int e4 = ok ? copy_string_from_user(s, (void *)(va + 100), sizeof s, &len) : -1;
    int e5 = ok ? copy_string_from_user(s, (void *)(va + 4000), 3, NULL) : -1; /* "" fits */
    int e6 = ok ? copy_string_from_user(s, (void *)(top + 8), 8, NULL) : -1;
    char big[PAGE_SIZE + 64];
    int e7 = ok ? copy_string_from_user(big, (void *)top, sizeof big, NULL) : -1;
    aspace_activate(NULL);
    aspace_destroy(as);
    KTEST_EXPECT(ok);
    KTEST_EXPECT(e1 == EFAULT);
    KTEST_EXPECT(e2 == 0 && e3 == 0 && memcmp(in, "xyz", 4) == 0);
    KTEST_EXPECT(e4 == 0 && len == 2);
    KTEST_EXPECT(e5 == 0);
    KTEST_EXPECT(e6 == ENAMETOOLONG);
    KTEST_EXPECT(e7 == EFAULT); /* the string runs into the kernel half */
}
