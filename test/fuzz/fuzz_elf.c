/*
 * fuzz_elf.c - libFuzzer target for the ELF validator (kernel/lib/elf_check.c), the code that
 * stands between the loader/kernel and any file. Beyond "no crash" (ASan/UBSan), it checks the
 * validator's promise: when a file is accepted, every loadable segment lies inside the file and
 * inside the allowed range, segments are ordered and disjoint, and the entry is executable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/lib/elf_check.c"

static void check_accepted(const uint8_t *data, size_t size, const elf_check_params_t *p,
                           const elf_image_t *img)
{
    uint64_t prev_end = 0;
    int entry_ok = 0;
    for (unsigned n = 0; n < img->load_count; n++) {
        elf_segment_t seg;
        if (!elf_segment_at(data, img, n, &seg))
            abort();
        if (seg.filesz > seg.memsz || seg.offset > size || seg.filesz > size - seg.offset)
            abort();
        if (seg.memsz && (seg.vaddr < p->addr_min || seg.memsz - 1 > p->addr_last - seg.vaddr))
            abort();
        if (n > 0 && seg.vaddr < prev_end)
            abort();
        prev_end = seg.vaddr + seg.memsz;
        if ((seg.flags & ELF_PF_X) && img->entry >= seg.vaddr && img->entry - seg.vaddr < seg.memsz)
            entry_ok = 1;
    }
    if (!entry_ok || img->span_end - img->span_start > p->max_span)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const elf_check_params_t user = {
        .addr_min = 0x1000, .addr_last = 0x00007FFFFFFFFFFFULL, .max_span = 1ULL << 32,
        .load_bias = 0x555500000000ULL, .allowed_types = ELF_ALLOW_EXEC | ELF_ALLOW_DYN,
        .max_phdrs = 64,
    };
    static const elf_check_params_t kernel = {
        .addr_min = 0xFFFFFFFF80000000ULL, .addr_last = UINT64_MAX, .max_span = 256ULL << 20,
        .load_bias = 0, .allowed_types = ELF_ALLOW_EXEC, .max_phdrs = 64,
    };
    const elf_check_params_t *params[] = { &user, &kernel };
    /* an exact-size heap copy, so ASan sees any read past the end */
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    for (int i = 0; i < 2; i++) {
        elf_image_t img;
        if (elf_check(copy, size, params[i], &img) == ELF_OK)
            check_accepted(copy, size, params[i], &img);
        (void)elf_status_name(elf_check(copy, size, params[i], &img));
    }
    free(copy);
    return 0;
}
