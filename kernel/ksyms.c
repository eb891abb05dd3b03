/*
 * ksyms.c - address -> function name for backtraces. The table is generated from the first
 * link by tools/gen-ksyms.sh and linked into section .ksyms (layout described there):
 * ascending addresses, one name per address, and the end of kernel text as the upper bound.
 *
 * Lookup is a binary search for the last entry at or below the address; it reads only the
 * read-only table, so it is safe on the panic path.
 */
#include <stddef.h>
#include <stdint.h>
#include <spindle/boot.h>
#include "kernel/ktest.h"
#include "kernel/panic.h"

typedef struct {
    uint64_t count;
    uint64_t text_end;          /* first address past kernel text; 0 = unknown */
    const uint64_t *addrs;      /* count entries, strictly ascending */
    const uint32_t *name_offs;  /* count offsets into names */
    const char *names;
} ksyms_table_t;

static const char *ksyms_table_lookup(const ksyms_table_t *t, uint64_t addr, uint64_t *offset)
{
    if (t->count == 0 || addr < t->addrs[0] || (t->text_end && addr >= t->text_end))
        return NULL;
    uint64_t lo = 0, hi = t->count; /* invariant: addrs[lo] <= addr < addrs[hi] (hi = end) */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (t->addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (offset)
        *offset = addr - t->addrs[lo];
    return t->names + t->name_offs[lo];
}

#ifndef SPINDLE_HOST_TEST

/* Emitted by tools/gen-ksyms.sh. */
extern const uint64_t ksyms_count, ksyms_text_end, ksyms_addrs[];
extern const uint32_t ksyms_name_offs[];
extern const char ksyms_names[];

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    const ksyms_table_t table = {
        .count = ksyms_count, .text_end = ksyms_text_end, .addrs = ksyms_addrs,
        .name_offs = ksyms_name_offs, .names = ksyms_names,
    };
    return ksyms_table_lookup(&table, addr, offset);
}

/* Declared here only for the test: main.c has no header for it. */
void kernel_main(boot_info_t *bi);

KTEST(ksyms_lookup_names_kernel_functions)
{
    uint64_t off = 99;
    const char *name = ksyms_lookup((uint64_t)&kernel_main, &off);
    KTEST_EXPECT(name != NULL);
    KTEST_EXPECT(off == 0);
    const char *want = "kernel_main";
    for (; *want && *name == *want; name++, want++)
        ;
    KTEST_EXPECT(*want == 0 && *name == 0);

    name = ksyms_lookup((uint64_t)&ksyms_lookup + 3, &off);
    KTEST_EXPECT(name != NULL && off == 3);
    KTEST_EXPECT(ksyms_lookup(0x1000, &off) == NULL);
    KTEST_EXPECT(ksyms_count > 100); /* the real table, not the empty first-pass one */
}

#endif
