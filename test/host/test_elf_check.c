/*
 * test_elf_check.c - host tests of the ELF validator shared by the loader and the kernel.
 *
 * Each test builds a small, valid two-segment image in memory (text RX + data/bss RW, like
 * the kernel's linker script produces), breaks exactly one property and expects the
 * matching status. Buffers are heap copies of the exact size so ASan catches any read past
 * the end, including in the mutation sweep at the bottom.
 */
#include <stdint.h>
#include <string.h>
#include "host_test.h"
#include "kernel/lib/elf_check.c"

#define KBASE     0xFFFFFFFF80000000ULL
#define FILE_SIZE 0x3000u
#define MAX_PHDRS 8u

typedef struct {
    uint8_t b[FILE_SIZE];
} test_elf_t;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static uint8_t *phdr(test_elf_t *e, unsigned i) { return e->b + 64 + 56 * i; }

static void phdr_set(test_elf_t *e, unsigned i, uint32_t type, uint32_t flags, uint64_t off,
                     uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
    uint8_t *p = phdr(e, i);
    put32(p, type);
    put32(p + 4, flags);
    put64(p + 8, off);
    put64(p + 16, vaddr);
    put64(p + 24, vaddr);
    put64(p + 32, filesz);
    put64(p + 40, memsz);
    put64(p + 48, align);
}

/* text at KBASE (file 0x1000, 0x100 bytes, RX), data at KBASE+0x1000 (0x80 file, 0x2000 mem) */
static void elf_build(test_elf_t *e)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->b, "\x7f" "ELF", 4);
    e->b[4] = 2;  /* ELFCLASS64 */
    e->b[5] = 1;  /* little-endian */
    e->b[6] = 1;  /* EV_CURRENT */
    put16(e->b + 16, 2);  /* ET_EXEC */
    put16(e->b + 18, 62); /* EM_X86_64 */
    put32(e->b + 20, 1);
    put64(e->b + 24, KBASE + 0x10);
    put64(e->b + 32, 64); /* e_phoff */
    put16(e->b + 52, 64);
    put16(e->b + 54, 56);
    put16(e->b + 56, 2);
    phdr_set(e, 0, 1, ELF_PF_R | ELF_PF_X, 0x1000, KBASE, 0x100, 0x100, 0x1000);
    phdr_set(e, 1, 1, ELF_PF_R | ELF_PF_W, 0x2000, KBASE + 0x1000, 0x80, 0x2000, 0x1000);
    memset(e->b + 0x1000, 0x90, 0x100);
}

static elf_check_params_t kernel_params(void)
{
    return (elf_check_params_t){ .addr_min = KBASE, .addr_last = UINT64_MAX,
                                 .max_span = 256u << 20, .allowed_types = ELF_ALLOW_EXEC,
                                 .max_phdrs = MAX_PHDRS };
}

/* Runs the checker on an exact-size heap copy of the first `size` bytes. */
static elf_status_t run_check(const test_elf_t *e, size_t size, const elf_check_params_t *p,
                              elf_image_t *img)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, e->b, size);
    elf_status_t st = elf_check(copy, size, p, img);
    free(copy);
    return st;
}

static elf_status_t check_default(const test_elf_t *e)
{
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    return run_check(e, FILE_SIZE, &p, &img);
}

HOST_TEST(valid_kernel_image_is_accepted_with_its_layout)
{
    test_elf_t e;
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_OK);
    CHECK(img.entry == KBASE + 0x10);
    CHECK(img.span_start == KBASE);
    CHECK(img.span_end == KBASE + 0x3000);
    CHECK_EQ(img.load_count, 2);
    elf_segment_t s;
    CHECK(elf_segment_at(e.b, &img, 1, &s));
    CHECK(s.vaddr == KBASE + 0x1000);
    CHECK_EQ(s.offset, 0x2000);
    CHECK_EQ(s.filesz, 0x80);
    CHECK_EQ(s.memsz, 0x2000);
    CHECK_EQ(s.flags, ELF_PF_R | ELF_PF_W);
    CHECK(!elf_segment_at(e.b, &img, 2, &s));
}

HOST_TEST(non_load_headers_are_skipped)
{
    test_elf_t e;
    elf_build(&e);
    put16(e.b + 56, 3);
    phdr_set(&e, 2, 1, ELF_PF_R | ELF_PF_W, 0x2000, KBASE + 0x1000, 0x80, 0x2000, 0x1000);
    phdr_set(&e, 1, 0x6474e551 /* PT_GNU_STACK */, ELF_PF_R | ELF_PF_W, 0, 0, 0, 0, 16);
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_OK);
    CHECK_EQ(img.load_count, 2);
    elf_segment_t s;
    CHECK(elf_segment_at(e.b, &img, 1, &s));
    CHECK(s.vaddr == KBASE + 0x1000);
}

HOST_TEST(rejects_null_arguments_and_bad_params)
{
    test_elf_t e;
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    CHECK_EQ(elf_check(NULL, FILE_SIZE, &p, &img), ELF_ERR_ARGS);
    CHECK_EQ(elf_check(e.b, FILE_SIZE, NULL, &img), ELF_ERR_ARGS);
    CHECK_EQ(elf_check(e.b, FILE_SIZE, &p, NULL), ELF_ERR_ARGS);
    p.allowed_types = 0;
    CHECK_EQ(elf_check(e.b, FILE_SIZE, &p, &img), ELF_ERR_ARGS);
    p = kernel_params();
    p.addr_min = 10, p.addr_last = 5;
    CHECK_EQ(elf_check(e.b, FILE_SIZE, &p, &img), ELF_ERR_ARGS);
}

HOST_TEST(rejects_file_shorter_than_header)
{
    test_elf_t e;
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    CHECK_EQ(run_check(&e, 0, &p, &img), ELF_ERR_TOO_SMALL);
    CHECK_EQ(run_check(&e, 63, &p, &img), ELF_ERR_TOO_SMALL);
}

HOST_TEST(rejects_bad_magic)
{
    test_elf_t e;
    elf_build(&e);
    e.b[1] = 'X';
    CHECK_EQ(check_default(&e), ELF_ERR_MAGIC);
}

HOST_TEST(rejects_32bit_class)
{
    test_elf_t e;
    elf_build(&e);
    e.b[4] = 1;
    CHECK_EQ(check_default(&e), ELF_ERR_CLASS);
}

HOST_TEST(rejects_big_endian)
{
    test_elf_t e;
    elf_build(&e);
    e.b[5] = 2;
    CHECK_EQ(check_default(&e), ELF_ERR_DATA);
}

HOST_TEST(rejects_bad_versions)
{
    test_elf_t e;
    elf_build(&e);
    e.b[6] = 0;
    CHECK_EQ(check_default(&e), ELF_ERR_VERSION);
    elf_build(&e);
    put32(e.b + 20, 2);
    CHECK_EQ(check_default(&e), ELF_ERR_VERSION);
}

HOST_TEST(rejects_other_machine)
{
    test_elf_t e;
    elf_build(&e);
    put16(e.b + 18, 3); /* EM_386 */
    CHECK_EQ(check_default(&e), ELF_ERR_MACHINE);
}

HOST_TEST(rejects_types_not_allowed)
{
    test_elf_t e;
    elf_build(&e);
    put16(e.b + 16, 1); /* ET_REL */
    CHECK_EQ(check_default(&e), ELF_ERR_TYPE);
    put16(e.b + 16, 3); /* ET_DYN, kernel only allows ET_EXEC */
    CHECK_EQ(check_default(&e), ELF_ERR_TYPE);
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    p.allowed_types = ELF_ALLOW_DYN;
    elf_image_t img;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_ERR_TYPE);
}

HOST_TEST(rejects_wrong_header_sizes)
{
    test_elf_t e;
    elf_build(&e);
    put16(e.b + 54, 32);
    CHECK_EQ(check_default(&e), ELF_ERR_HEADER_SIZE);
    elf_build(&e);
    put16(e.b + 52, 52);
    CHECK_EQ(check_default(&e), ELF_ERR_HEADER_SIZE);
}

HOST_TEST(rejects_too_many_phdrs)
{
    test_elf_t e;
    elf_build(&e);
    put16(e.b + 56, MAX_PHDRS + 1);
    CHECK_EQ(check_default(&e), ELF_ERR_TOO_MANY_PHDRS);
    put16(e.b + 56, 0xFFFF); /* PN_XNUM: extended numbering is not supported */
    CHECK_EQ(check_default(&e), ELF_ERR_TOO_MANY_PHDRS);
}

HOST_TEST(rejects_phdr_table_outside_file)
{
    test_elf_t e;
    elf_build(&e);
    put64(e.b + 32, FILE_SIZE - 56); /* table of 2 runs past the end */
    CHECK_EQ(check_default(&e), ELF_ERR_PHDR_BOUNDS);
    put64(e.b + 32, FILE_SIZE + 1);
    CHECK_EQ(check_default(&e), ELF_ERR_PHDR_BOUNDS);
    put64(e.b + 32, UINT64_MAX - 8); /* offset + size would wrap */
    CHECK_EQ(check_default(&e), ELF_ERR_PHDR_BOUNDS);
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    CHECK_EQ(run_check(&e, 64 + 56, &p, &img), ELF_ERR_PHDR_BOUNDS); /* file cut inside */
}

HOST_TEST(rejects_files_without_load_segments)
{
    test_elf_t e;
    elf_build(&e);
    put16(e.b + 56, 0);
    CHECK_EQ(check_default(&e), ELF_ERR_NO_LOAD);
    elf_build(&e);
    put32(phdr(&e, 0), 4); /* PT_NOTE */
    put32(phdr(&e, 1), 4);
    CHECK_EQ(check_default(&e), ELF_ERR_NO_LOAD);
}

HOST_TEST(rejects_segment_data_outside_file)
{
    test_elf_t e;
    elf_build(&e);
    put64(phdr(&e, 1) + 32, 0x1001); /* filesz: 0x2000 + 0x1001 > 0x3000 */
    put64(phdr(&e, 1) + 40, 0x2000);
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_FILE_BOUNDS);
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    CHECK_EQ(run_check(&e, 0x2040, &p, &img), ELF_ERR_SEG_FILE_BOUNDS); /* truncated file */
}

HOST_TEST(rejects_filesz_larger_than_memsz)
{
    test_elf_t e;
    elf_build(&e);
    put64(phdr(&e, 0) + 32, 0x101);
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_FILESZ);
}

HOST_TEST(rejects_wrapping_offset_and_address)
{
    test_elf_t e;
    elf_build(&e);
    put64(phdr(&e, 1) + 8, UINT64_MAX - 0x10); /* offset + filesz wraps */
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_OVERFLOW);
    elf_build(&e);
    put64(phdr(&e, 1) + 40, UINT64_MAX - 0x100); /* vaddr + memsz wraps */
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_OVERFLOW);
    elf_build(&e);
    put64(phdr(&e, 1) + 16, UINT64_MAX - 0xFFF); /* top page: rounded end would wrap */
    put64(phdr(&e, 1) + 40, 0x1000);
    put64(phdr(&e, 1) + 32, 0);
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_OVERFLOW);
}

HOST_TEST(rejects_misaligned_segments)
{
    test_elf_t e;
    elf_build(&e);
    put64(phdr(&e, 1) + 16, KBASE + 0x1008); /* vaddr % align != offset % align */
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_ALIGN);
    elf_build(&e);
    put64(phdr(&e, 1) + 48, 0x1800); /* not a power of two */
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_ALIGN);
}

HOST_TEST(rejects_non_canonical_addresses)
{
    test_elf_t e;
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    p.addr_min = 0; /* allow everything so only canonicity can fail */
    elf_image_t img;
    put64(e.b + 24, 0x0000800000000010ULL);
    put64(phdr(&e, 0) + 16, 0x0000800000000000ULL);
    put64(phdr(&e, 1) + 16, 0x0000800000001000ULL);
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_ERR_SEG_NONCANONICAL);
    /* a segment that starts canonical (low half) and runs into the hole */
    elf_build(&e);
    put64(e.b + 24, 0x00007FFFFFFFF010ULL);
    put64(phdr(&e, 0) + 16, 0x00007FFFFFFFF000ULL);
    put64(phdr(&e, 0) + 40, 0x2000);
    put64(phdr(&e, 1) + 16, 0x0000800000001000ULL);
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_ERR_SEG_NONCANONICAL);
}

HOST_TEST(rejects_segments_outside_allowed_range)
{
    test_elf_t e;
    elf_build(&e);
    put64(e.b + 24, 0x401010);
    put64(phdr(&e, 0) + 16, 0x401000); /* a user address, not the kernel half */
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_RANGE);
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    p.addr_last = KBASE + 0x2FFF; /* data's bss ends at KBASE + 0x3000 */
    p.addr_last -= 1;
    elf_image_t img;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_ERR_SEG_RANGE);
    p.addr_last += 1;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_OK);
}

HOST_TEST(rejects_unsorted_segments)
{
    test_elf_t e;
    elf_build(&e);
    phdr_set(&e, 0, 1, ELF_PF_R | ELF_PF_W, 0x2000, KBASE + 0x1000, 0x80, 0x2000, 0x1000);
    phdr_set(&e, 1, 1, ELF_PF_R | ELF_PF_X, 0x1000, KBASE, 0x100, 0x100, 0x1000);
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_ORDER);
}

HOST_TEST(rejects_overlapping_segments)
{
    test_elf_t e;
    elf_build(&e);
    put64(phdr(&e, 0) + 40, 0x1001); /* text memsz reaches one byte into data */
    CHECK_EQ(check_default(&e), ELF_ERR_SEG_OVERLAP);
    put64(phdr(&e, 0) + 40, 0x1000); /* touching is fine */
    CHECK_EQ(check_default(&e), ELF_OK);
}

HOST_TEST(rejects_entry_outside_executable_segment)
{
    test_elf_t e;
    elf_build(&e);
    put64(e.b + 24, KBASE + 0x1010); /* inside data, which is not executable */
    CHECK_EQ(check_default(&e), ELF_ERR_ENTRY);
    put64(e.b + 24, KBASE + 0x100); /* one past the end of text */
    CHECK_EQ(check_default(&e), ELF_ERR_ENTRY);
    put64(e.b + 24, 0);
    CHECK_EQ(check_default(&e), ELF_ERR_ENTRY);
    put64(e.b + 24, KBASE + 0xFF); /* last byte of text */
    CHECK_EQ(check_default(&e), ELF_OK);
}

HOST_TEST(rejects_image_span_over_limit)
{
    test_elf_t e;
    elf_build(&e);
    put64(phdr(&e, 1) + 40, (256u << 20)); /* bss of 256 MiB plus text > limit */
    CHECK_EQ(check_default(&e), ELF_ERR_SPAN);
    put64(phdr(&e, 1) + 40, (256u << 20) - 0x1000); /* exactly the limit */
    CHECK_EQ(check_default(&e), ELF_OK);
}

HOST_TEST(dyn_image_is_biased_and_bias_wrap_rejected)
{
    test_elf_t e;
    elf_build(&e);
    put16(e.b + 16, 3); /* ET_DYN linked at 0 */
    put64(e.b + 24, 0x10);
    put64(phdr(&e, 0) + 16, 0);
    put64(phdr(&e, 1) + 16, 0x1000);
    elf_check_params_t p = { .addr_min = 0x1000, .addr_last = 0x00007FFFFFFFFFFFULL,
                             .max_span = 1u << 30, .allowed_types = ELF_ALLOW_DYN,
                             .max_phdrs = MAX_PHDRS, .load_bias = 0x400000 };
    elf_image_t img;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_OK);
    CHECK_EQ(img.entry, 0x400010);
    CHECK_EQ(img.span_start, 0x400000);
    elf_segment_t s;
    CHECK(elf_segment_at(e.b, &img, 1, &s));
    CHECK_EQ(s.vaddr, 0x401000);
    p.load_bias = 0; /* page 0 is outside the user range */
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_ERR_SEG_RANGE);
    p.load_bias = UINT64_MAX - 0x800; /* text would wrap */
    p.addr_last = UINT64_MAX;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_ERR_SEG_OVERFLOW);
}

HOST_TEST(failure_clears_output)
{
    test_elf_t e;
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_OK);
    e.b[0] = 0;
    CHECK_EQ(run_check(&e, FILE_SIZE, &p, &img), ELF_ERR_MAGIC);
    CHECK_EQ(img.load_count, 0);
    CHECK(img.entry == 0);
}

HOST_TEST(every_status_has_a_distinct_name)
{
    for (int i = 0; i < ELF_ERR_COUNT; i++) {
        const char *a = elf_status_name((elf_status_t)i);
        CHECK(a && a[0] && strcmp(a, "unknown ELF status") != 0);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(a, elf_status_name((elf_status_t)j)) != 0);
    }
    CHECK(strcmp(elf_status_name(ELF_ERR_COUNT), "unknown ELF status") == 0);
    CHECK(strcmp(elf_status_name((elf_status_t)-1), "unknown ELF status") == 0);
}

/* Every truncation of a valid file must be refused without reading past the end. */
HOST_TEST(every_truncation_is_rejected_safely)
{
    test_elf_t e;
    elf_build(&e);
    elf_check_params_t p = kernel_params();
    elf_image_t img;
    for (size_t n = 0; n < 0x2080; n++)
        CHECK(run_check(&e, n, &p, &img) != ELF_OK);
    CHECK_EQ(run_check(&e, 0x2080, &p, &img), ELF_OK); /* data's file part ends here */
}

/*
 * Random header corruption: whatever the verdict, an accepted file must satisfy the
 * guarantees the loader relies on (ASan checks the reads).
 */
HOST_TEST(random_header_mutations_keep_the_guarantees)
{
    test_elf_t e;
    elf_check_params_t p = kernel_params();
    uint64_t rng = 0x9E3779B97F4A7C15ULL;
    int accepted = 0;
    for (int round = 0; round < 20000; round++) {
        elf_build(&e);
        for (int k = 0; k < 3; k++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned pos = (unsigned)(rng >> 33) % (64 + 56 * 2);
            e.b[pos] ^= (uint8_t)(1u << ((rng >> 20) & 7));
        }
        elf_image_t img;
        if (run_check(&e, FILE_SIZE, &p, &img) != ELF_OK)
            continue;
        accepted++;
        CHECK(img.span_start >= KBASE && img.span_end > img.span_start);
        CHECK(img.span_end - img.span_start <= p.max_span);
        CHECK(img.entry >= img.span_start && img.entry < img.span_end);
        for (unsigned i = 0; i < img.load_count; i++) {
            elf_segment_t s;
            CHECK(elf_segment_at(e.b, &img, i, &s));
            CHECK(s.filesz <= s.memsz && s.offset + s.filesz <= FILE_SIZE);
            CHECK(s.vaddr >= img.span_start && s.vaddr + s.memsz <= img.span_end);
        }
    }
    CHECK(accepted > 0); /* some flips hit don't-care bytes: the sweep really ran */
}
