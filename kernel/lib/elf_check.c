/*
 * elf_check.c - structural validation of untrusted ELF64 x86-64 executables.
 *
 * Every field is read with explicit little-endian byte loads, so the buffer may have any
 * alignment and no struct layout is trusted. Every addition on a file-controlled value is
 * checked for wrap-around before it is used in a comparison. The checks run in a fixed
 * order so a given defect always produces the same status (the host tests depend on it).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/lib/elf_check.h"

#define EHDR_SIZE  64u
#define PHDR_SIZE  56u
#define ET_EXEC    2u
#define ET_DYN     3u
#define EM_X86_64  62u
#define PT_LOAD    1u
#define PN_XNUM    0xFFFFu

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

/* 4-level paging: bits 63..47 all equal. */
static bool addr_canonical(uint64_t a)
{
    uint64_t top = a >> 47;
    return top == 0 || top == 0x1FFFFu;
}

static void image_clear(elf_image_t *img)
{
    *img = (elf_image_t){ 0 };
}

static elf_status_t check_header(const uint8_t *f, size_t size, const elf_check_params_t *p,
                                 elf_image_t *img)
{
    if (size < EHDR_SIZE)
        return ELF_ERR_TOO_SMALL;
    if (f[0] != 0x7F || f[1] != 'E' || f[2] != 'L' || f[3] != 'F')
        return ELF_ERR_MAGIC;
    if (f[4] != 2)
        return ELF_ERR_CLASS;
    if (f[5] != 1)
        return ELF_ERR_DATA;
    if (f[6] != 1)
        return ELF_ERR_VERSION;
    uint16_t type = rd16(f + 16);
    if (rd16(f + 18) != EM_X86_64)
        return ELF_ERR_MACHINE;
    if (!((type == ET_EXEC && (p->allowed_types & ELF_ALLOW_EXEC)) ||
          (type == ET_DYN && (p->allowed_types & ELF_ALLOW_DYN))))
        return ELF_ERR_TYPE;
    if (rd32(f + 20) != 1)
        return ELF_ERR_VERSION;
    if (rd16(f + 52) != EHDR_SIZE || rd16(f + 54) != PHDR_SIZE)
        return ELF_ERR_HEADER_SIZE;
    uint16_t phnum = rd16(f + 56);
    if (phnum == PN_XNUM || phnum > p->max_phdrs)
        return ELF_ERR_TOO_MANY_PHDRS;
    if (phnum == 0)
        return ELF_ERR_NO_LOAD;
    uint64_t phoff = rd64(f + 32);
    uint64_t table = (uint64_t)phnum * PHDR_SIZE;
    if (phoff > size || table > size - phoff)
        return ELF_ERR_PHDR_BOUNDS;
    img->type = type;
    img->phnum = phnum;
    img->phoff = phoff;
    img->bias = type == ET_DYN ? p->load_bias : 0;
    return ELF_OK;
}

static void segment_read(const uint8_t *ph, uint64_t bias, elf_segment_t *seg)
{
    seg->flags = rd32(ph + 4);
    seg->offset = rd64(ph + 8);
    seg->vaddr = rd64(ph + 16) + bias; /* wrap is detected by segment_check */
    seg->filesz = rd64(ph + 32);
    seg->memsz = rd64(ph + 40);
    seg->reserved = 0;
}

/* Checks one PT_LOAD on its own (not against its neighbours). */
static elf_status_t segment_check(const uint8_t *ph, size_t size, const elf_check_params_t *p,
                                  uint64_t bias, elf_segment_t *seg)
{
    segment_read(ph, bias, seg);
    uint64_t raw_vaddr = rd64(ph + 16);
    uint64_t align = rd64(ph + 48);

    if (seg->filesz > seg->memsz)
        return ELF_ERR_SEG_FILESZ;
    if (seg->offset + seg->filesz < seg->offset)
        return ELF_ERR_SEG_OVERFLOW;
    if (seg->offset + seg->filesz > size)
        return ELF_ERR_SEG_FILE_BOUNDS;
    if (seg->vaddr < raw_vaddr)
        return ELF_ERR_SEG_OVERFLOW; /* bias wrapped */
    if (seg->memsz > 0 && seg->vaddr + (seg->memsz - 1) < seg->vaddr)
        return ELF_ERR_SEG_OVERFLOW;
    if (align > 1 && ((align & (align - 1)) != 0 || raw_vaddr % align != seg->offset % align))
        return ELF_ERR_SEG_ALIGN;
    uint64_t last = seg->memsz > 0 ? seg->vaddr + (seg->memsz - 1) : seg->vaddr;
    if (!addr_canonical(seg->vaddr) || !addr_canonical(last) ||
        (seg->vaddr >> 63) != (last >> 63))
        return ELF_ERR_SEG_NONCANONICAL;
    if (seg->vaddr < p->addr_min || last > p->addr_last)
        return ELF_ERR_SEG_RANGE;
    /* The page-rounded end must be representable: reject segments in the top page. */
    if (last > UINT64_MAX - ELF_PAGE_SIZE)
        return ELF_ERR_SEG_OVERFLOW;
    return ELF_OK;
}

static elf_status_t check_segments(const uint8_t *f, size_t size, const elf_check_params_t *p,
                                   elf_image_t *img)
{
    uint64_t raw_entry = rd64(f + 24);
    uint64_t entry = raw_entry + img->bias;
    bool entry_found = false;
    bool have_prev = false;
    uint64_t prev_start = 0, prev_end = 0, lowest = 0;
    unsigned count = 0;

    for (unsigned i = 0; i < img->phnum; i++) {
        const uint8_t *ph = f + img->phoff + (uint64_t)i * PHDR_SIZE;
        if (rd32(ph) != PT_LOAD)
            continue;
        elf_segment_t seg;
        elf_status_t st = segment_check(ph, size, p, img->bias, &seg);
        if (st != ELF_OK)
            return st;
        uint64_t end = seg.vaddr + seg.memsz; /* no wrap: checked above */
        if (have_prev && seg.vaddr < prev_start)
            return ELF_ERR_SEG_ORDER;
        if (have_prev && seg.vaddr < prev_end)
            return ELF_ERR_SEG_OVERLAP;
        if (!have_prev)
            lowest = seg.vaddr;
        if ((seg.flags & ELF_PF_X) && entry >= seg.vaddr && entry < end)
            entry_found = true;
        have_prev = true;
        prev_start = seg.vaddr;
        prev_end = end;
        count++;
    }
    if (count == 0)
        return ELF_ERR_NO_LOAD;
    if (!entry_found || entry < raw_entry) /* second test: the bias wrapped the entry */
        return ELF_ERR_ENTRY;
    img->entry = entry;
    img->load_count = (uint16_t)count;
    img->span_start = lowest & ~(ELF_PAGE_SIZE - 1);
    img->span_end = (prev_end + ELF_PAGE_SIZE - 1) & ~(ELF_PAGE_SIZE - 1);
    if (img->span_end - img->span_start > p->max_span)
        return ELF_ERR_SPAN;
    return ELF_OK;
}

elf_status_t elf_check(const void *file, size_t size, const elf_check_params_t *params,
                       elf_image_t *out)
{
    if (!out)
        return ELF_ERR_ARGS;
    image_clear(out);
    if (!file || !params || params->addr_min > params->addr_last || params->max_span == 0 ||
        params->allowed_types == 0)
        return ELF_ERR_ARGS;
    elf_image_t img;
    image_clear(&img);
    elf_status_t st = check_header(file, size, params, &img);
    if (st == ELF_OK)
        st = check_segments(file, size, params, &img);
    if (st == ELF_OK)
        *out = img;
    return st;
}

bool elf_segment_at(const void *file, const elf_image_t *img, unsigned n, elf_segment_t *seg)
{
    if (!file || !img || !seg || n >= img->load_count)
        return false;
    const uint8_t *f = file;
    unsigned seen = 0;
    for (unsigned i = 0; i < img->phnum; i++) {
        const uint8_t *ph = f + img->phoff + (uint64_t)i * PHDR_SIZE;
        if (rd32(ph) != PT_LOAD)
            continue;
        if (seen++ == n) {
            segment_read(ph, img->bias, seg);
            return true;
        }
    }
    return false;
}

const char *elf_status_name(elf_status_t st)
{
    static const char *const names[ELF_ERR_COUNT] = {
        [ELF_OK] = "ok",
        [ELF_ERR_ARGS] = "bad arguments to elf_check",
        [ELF_ERR_TOO_SMALL] = "file smaller than an ELF64 header",
        [ELF_ERR_MAGIC] = "not an ELF file (bad magic)",
        [ELF_ERR_CLASS] = "not a 64-bit ELF file",
        [ELF_ERR_DATA] = "not a little-endian ELF file",
        [ELF_ERR_VERSION] = "unknown ELF version",
        [ELF_ERR_MACHINE] = "not an x86-64 ELF file",
        [ELF_ERR_TYPE] = "ELF type not allowed here",
        [ELF_ERR_HEADER_SIZE] = "unexpected ELF/program header size",
        [ELF_ERR_TOO_MANY_PHDRS] = "too many program headers",
        [ELF_ERR_PHDR_BOUNDS] = "program header table outside the file",
        [ELF_ERR_NO_LOAD] = "no loadable segment",
        [ELF_ERR_SEG_FILE_BOUNDS] = "segment data outside the file",
        [ELF_ERR_SEG_FILESZ] = "segment file size larger than memory size",
        [ELF_ERR_SEG_OVERFLOW] = "segment offset/address arithmetic overflows",
        [ELF_ERR_SEG_ALIGN] = "segment alignment invalid",
        [ELF_ERR_SEG_NONCANONICAL] = "segment at a non-canonical address",
        [ELF_ERR_SEG_RANGE] = "segment outside the allowed address range",
        [ELF_ERR_SEG_ORDER] = "segments not sorted by address",
        [ELF_ERR_SEG_OVERLAP] = "segments overlap",
        [ELF_ERR_SPAN] = "image too large",
        [ELF_ERR_ENTRY] = "entry point not in an executable segment",
    };
    if ((unsigned)st >= ELF_ERR_COUNT || !names[st])
        return "unknown ELF status";
    return names[st];
}
