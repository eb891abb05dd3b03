/*
 * elf_check.h - validation of untrusted ELF64 executables before anything is loaded.
 *
 * Shared by the UEFI loader (the kernel image), the kernel (user programs) and host tests,
 * so it is freestanding: no allocation, no libc, reads the file through byte loads (any
 * alignment, any endianness of the host is fine).
 *
 * Guarantee when elf_check() returns ELF_OK: the ELF header and every program header lie
 * inside the file; every PT_LOAD segment has offset+filesz inside the file, filesz <= memsz,
 * no arithmetic wrap-around, offset and vaddr congruent modulo the page size, all of
 * [vaddr, vaddr+memsz) canonical and inside [addr_min, addr_last]; the PT_LOAD segments are
 * sorted by vaddr and do not overlap; the entry point lies inside an executable PT_LOAD;
 * the page-rounded span of all segments is at most max_span bytes. Callers can then copy
 * segments with the values from elf_segment_at() without further checks.
 */
#ifndef KERNEL_LIB_ELF_CHECK_H
#define KERNEL_LIB_ELF_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_PAGE_SIZE 4096ULL

/* Allowed e_type values (bit mask for elf_check_params_t.allowed_types). */
#define ELF_ALLOW_EXEC 0x1u /* ET_EXEC */
#define ELF_ALLOW_DYN  0x2u /* ET_DYN (position independent; addresses are biased) */

/* Program header flags as in the ELF spec. */
#define ELF_PF_X 0x1u
#define ELF_PF_W 0x2u
#define ELF_PF_R 0x4u

typedef enum {
    ELF_OK = 0,
    ELF_ERR_ARGS,             /* NULL pointer or nonsensical parameters from the caller */
    ELF_ERR_TOO_SMALL,        /* shorter than an ELF64 header */
    ELF_ERR_MAGIC,            /* not \x7fELF */
    ELF_ERR_CLASS,            /* not ELF64 */
    ELF_ERR_DATA,             /* not little-endian */
    ELF_ERR_VERSION,          /* e_ident version or e_version not 1 */
    ELF_ERR_MACHINE,          /* not x86-64 */
    ELF_ERR_TYPE,             /* e_type not allowed by the caller */
    ELF_ERR_HEADER_SIZE,      /* e_ehsize or e_phentsize wrong */
    ELF_ERR_TOO_MANY_PHDRS,   /* e_phnum above the caller's limit */
    ELF_ERR_PHDR_BOUNDS,      /* program header table not inside the file */
    ELF_ERR_NO_LOAD,          /* no PT_LOAD segment */
    ELF_ERR_SEG_FILE_BOUNDS,  /* offset+filesz beyond the end of the file */
    ELF_ERR_SEG_FILESZ,       /* filesz > memsz */
    ELF_ERR_SEG_OVERFLOW,     /* offset+filesz, vaddr+memsz or bias arithmetic wraps */
    ELF_ERR_SEG_ALIGN,        /* bad p_align, or vaddr and offset not congruent mod page */
    ELF_ERR_SEG_NONCANONICAL, /* segment covers a non-canonical address */
    ELF_ERR_SEG_RANGE,        /* segment outside [addr_min, addr_last] */
    ELF_ERR_SEG_ORDER,        /* PT_LOAD segments not sorted by vaddr */
    ELF_ERR_SEG_OVERLAP,      /* two PT_LOAD segments share bytes */
    ELF_ERR_SPAN,             /* page-rounded image span larger than max_span */
    ELF_ERR_ENTRY,            /* entry point not inside an executable PT_LOAD */
    ELF_ERR_COUNT
} elf_status_t;

typedef struct {
    uint64_t addr_min;      /* lowest virtual address a segment may use */
    uint64_t addr_last;     /* highest virtual address (inclusive) a segment may use */
    uint64_t max_span;      /* limit for span_end - span_start */
    uint64_t load_bias;     /* added to every address of an ET_DYN file; ignored for ET_EXEC */
    uint32_t allowed_types; /* ELF_ALLOW_* mask */
    uint32_t max_phdrs;     /* limit for e_phnum (also bounds the work done) */
} elf_check_params_t;

/* Summary of a checked file; addresses include the load bias. */
typedef struct {
    uint64_t entry;
    uint64_t span_start;   /* lowest PT_LOAD vaddr rounded down to a page */
    uint64_t span_end;     /* highest PT_LOAD end rounded up to a page (exclusive) */
    uint64_t bias;         /* bias applied (0 for ET_EXEC) */
    uint64_t phoff;
    uint16_t type;         /* 2 = ET_EXEC, 3 = ET_DYN */
    uint16_t phnum;
    uint16_t load_count;   /* number of PT_LOAD segments */
    uint16_t reserved;
} elf_image_t;

typedef struct {
    uint64_t vaddr;  /* biased */
    uint64_t memsz;
    uint64_t offset; /* in the file */
    uint64_t filesz;
    uint32_t flags;  /* ELF_PF_* */
    uint32_t reserved;
} elf_segment_t;

/* Checks `file` (size bytes). On ELF_OK fills *out; on failure *out is zeroed. */
elf_status_t elf_check(const void *file, size_t size, const elf_check_params_t *params,
                       elf_image_t *out);

/* The n-th PT_LOAD segment (0 <= n < img->load_count) of a file elf_check() accepted. */
bool elf_segment_at(const void *file, const elf_image_t *img, unsigned n, elf_segment_t *seg);

/* Short human-readable reason for a status; never NULL. */
const char *elf_status_name(elf_status_t st);

#endif
