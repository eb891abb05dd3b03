/*
 * exec.c - ELF program loading and the initial user stack (see exec.h). The file is
 * untrusted: elf_check() validates every header, bound, alignment and overlap first, and
 * this code only uses the values it vouched for. Pages are written through the direct map
 * (aspace_write), never through user addresses.
 */
#include "proc/exec.h"
#include <spindle/errno.h>
#include <spindle/abi.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"
#include "kernel/lib/elf_check.h"
#include "kernel/lib/string.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"

#define AUXV_PAIRS 20 /* room for every entry exec_auxv_fill writes, AT_NULL included */
#define ELF_PHENT 56
#define PT_INTERP 3
#define PT_NOTE 4
#define EXEC_PLATFORM "x86_64"

static const elf_check_params_t exec_elf_params = {
    .addr_min = EXEC_ADDR_MIN,
    .addr_last = EXEC_STACK_TOP - EXEC_STACK_LIMIT - 2 * PAGE_SIZE - 1, /* below the guard */
    .max_span = EXEC_MAX_SPAN,
    .load_bias = EXEC_PIE_BASE,
    .allowed_types = ELF_ALLOW_EXEC | ELF_ALLOW_DYN,
    .max_phdrs = EXEC_MAX_PHDRS,
};

static int exec_map_segment(aspace_t *as, const uint8_t *file, const elf_segment_t *s)
{
    unsigned flags = (s->flags & ELF_PF_W ? ASPACE_WRITE : 0) |
                     (s->flags & ELF_PF_X ? ASPACE_EXEC : 0);
    uint64_t end = PAGE_ALIGN_UP(s->vaddr + s->memsz);
    for (uint64_t va = PAGE_ALIGN_DOWN(s->vaddr); va < end; va += PAGE_SIZE)
        if (!aspace_map_zeroed(as, va, flags))
            return ENOMEM;
    if (!aspace_write(as, s->vaddr, file + s->offset, s->filesz))
        return ENOMEM; /* cannot happen: every page was just mapped */
    return 0;
}

/* Only static programs are run: there is no dynamic linker to honour PT_INTERP. The
 * program header table lies inside the file (elf_check vouched for it). */
static bool exec_wants_interpreter(const uint8_t *file, const elf_image_t *img)
{
    for (unsigned i = 0; i < img->phnum; i++) {
        uint32_t type;
        memcpy(&type, file + img->phoff + (uint64_t)i * ELF_PHENT, sizeof type);
        if (type == PT_INTERP)
            return true;
    }
    return false;
}

/* True when one note of the PT_NOTE range [off, off + size) is the native brand. Notes are
 * 4-byte aligned records: namesz, descsz, type, name, desc (both padded to 4). */
static bool exec_notes_have_brand(const uint8_t *file, uint64_t off, uint64_t size)
{
    static const char name[] = EXEC_NOTE_NAME;
    while (size >= 12) {
        uint32_t h[3];
        memcpy(h, file + off, sizeof h);
        uint64_t nsz = ((uint64_t)h[0] + 3) & ~3ULL, dsz = ((uint64_t)h[1] + 3) & ~3ULL;
        if (nsz + dsz > size - 12)
            return false;
        if (h[2] == EXEC_NOTE_TYPE && h[0] == sizeof name &&
            memcmp(file + off + 12, name, sizeof name) == 0)
            return true;
        off += 12 + nsz + dsz;
        size -= 12 + nsz + dsz;
    }
    return false;
}

/* The program's ABI: native when a PT_NOTE inside the file carries the brand. */
static exec_abi_t exec_brand(const uint8_t *file, size_t size, const elf_image_t *img)
{
    for (unsigned i = 0; i < img->phnum; i++) {
        const uint8_t *ph = file + img->phoff + (uint64_t)i * ELF_PHENT;
        uint32_t type;
        uint64_t off, filesz;
        memcpy(&type, ph, sizeof type);
        memcpy(&off, ph + 8, sizeof off);
        memcpy(&filesz, ph + 32, sizeof filesz);
        if (type != PT_NOTE || off > size || filesz > size - off)
            continue;
        if (exec_notes_have_brand(file, off, filesz))
            return EXEC_ABI_NATIVE;
    }
    return EXEC_ABI_LINUX;
}

/* Where the program headers are visible in memory (AT_PHDR), or 0. */
static uint64_t exec_phdr_addr(const uint8_t *file, const elf_image_t *img)
{
    uint64_t phsize = (uint64_t)img->phnum * ELF_PHENT;
    for (unsigned i = 0; i < img->load_count; i++) {
        elf_segment_t s;
        if (!elf_segment_at(file, img, i, &s))
            continue;
        if (img->phoff >= s.offset && img->phoff - s.offset <= s.filesz &&
            phsize <= s.filesz - (img->phoff - s.offset))
            return s.vaddr + (img->phoff - s.offset);
    }
    return 0;
}

static void exec_random_bytes(uint8_t out[16])
{
    for (int i = 0; i < 2; i++) {
        uint64_t v = 0;
        if (!cpu_features.rdrand || !cpu_random_word(false, 10, &v))
            v = rdtsc() * 0x9E3779B97F4A7C15ULL ^ (rdtsc() >> 7);
        memcpy(out + 8 * i, &v, 8);
    }
}

/* Appends 8-byte words to the user stack through the direct map. */
typedef struct {
    aspace_t *as;
    uint64_t at;
} stack_writer_t;

static void stack_put(stack_writer_t *w, uint64_t v)
{
    aspace_write(w->as, w->at, &v, sizeof v);
    w->at += sizeof v;
}

static size_t strv_bytes(const char *const *v, size_t n)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += strlen(v[i]) + 1;
    return bytes;
}

/* Copies n strings to str_at upward and their addresses to the pointer area, then NULL. */
static uint64_t stack_put_strings(stack_writer_t *w, uint64_t str_at, const char *const *v,
                                  size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        aspace_write(w->as, str_at, v[i], len);
        stack_put(w, str_at);
        str_at += len;
    }
    stack_put(w, 0);
    return str_at;
}

/* Replaces the value of entry `type` (filled in once its string is on the stack). */
static void auxv_set(uint64_t *auxv, uint64_t type, uint64_t value)
{
    for (unsigned i = 0; i < AUXV_PAIRS; i++)
        if (auxv[2 * i] == type)
            auxv[2 * i + 1] = value;
}

/* Writes, from EXEC_STACK_TOP down: 16 random bytes, the platform string, the execfn string,
 * the argument and environment strings, then (16-byte aligned) argc, argv[], NULL, envp[],
 * NULL, auxv. AT_RANDOM, AT_PLATFORM and AT_EXECFN are filled in here. */
static int exec_build_stack(aspace_t *as, const exec_args_t *a, uint64_t *auxv,
                            exec_start_t *out)
{
    if (a->argc > EXEC_ARGC_MAX || a->envc > EXEC_ENVC_MAX)
        return E2BIG;
    size_t fn_len = strlen(a->execfn) + 1, plat_len = sizeof EXEC_PLATFORM;
    size_t strings = strv_bytes(a->argv, a->argc) + strv_bytes(a->envp, a->envc);
    size_t words = 1 + a->argc + 1 + a->envc + 1 + 2 * AUXV_PAIRS;
    size_t block = strings + fn_len + plat_len + 16 + words * 8;
    if (block > EXEC_ARGS_MAX)
        return E2BIG;
    /* Only the pages the argument block touches are mapped now; the rest on demand. */
    if (aspace_stack_create(as, EXEC_STACK_TOP, EXEC_STACK_LIMIT, block + 16 + PAGE_SIZE))
        return ENOMEM;

    uint64_t random_at = EXEC_STACK_TOP - 16;
    uint8_t rnd[16];
    exec_random_bytes(rnd);
    aspace_write(as, random_at, rnd, sizeof rnd);
    uint64_t plat_at = random_at - plat_len, fn_at = plat_at - fn_len;
    aspace_write(as, plat_at, EXEC_PLATFORM, plat_len);
    aspace_write(as, fn_at, a->execfn, fn_len);
    auxv_set(auxv, AT_RANDOM, random_at);
    auxv_set(auxv, AT_PLATFORM, plat_at);
    auxv_set(auxv, AT_EXECFN, fn_at);

    uint64_t str_at = fn_at - strings;
    stack_writer_t w = { as, (str_at - words * 8) & ~0xFULL };
    out->stack_pointer = w.at;
    stack_put(&w, a->argc);
    str_at = stack_put_strings(&w, str_at, a->argv, a->argc);
    stack_put_strings(&w, str_at, a->envp, a->envc);
    for (unsigned i = 0; i < 2 * AUXV_PAIRS; i++)
        stack_put(&w, auxv[i]);
    return 0;
}

/* CPUID.1:EDX, what Linux reports as AT_HWCAP on x86-64. */
static uint64_t exec_hwcap(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    return d;
}

/* The aux vector of Linux's static binaries (unused pairs stay AT_IGNORE-free: AT_NULL
 * ends the list and the rest of the array is never written). */
static void exec_auxv_fill(uint64_t *auxv, const uint8_t *file, const elf_image_t *img,
                           exec_abi_t abi)
{
    const uint64_t v[] = {
        AT_PHDR, exec_phdr_addr(file, img), AT_PHENT, ELF_PHENT, AT_PHNUM, img->phnum,
        AT_PAGESZ, PAGE_SIZE, AT_BASE, abi == EXEC_ABI_NATIVE ? img->bias : 0,
        AT_FLAGS, 0, AT_ENTRY, img->entry, AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0,
        AT_SECURE, 0, AT_CLKTCK, EXEC_CLKTCK, AT_HWCAP, exec_hwcap(),
        AT_HWCAP2, arch_user_fsgsbase() ? HWCAP2_FSGSBASE : 0,
        AT_RANDOM, 0, AT_PLATFORM, 0, AT_EXECFN, 0, /* filled in by exec_build_stack */
        AT_NULL, 0,
    };
    _Static_assert(sizeof v <= AUXV_PAIRS * 2 * sizeof(uint64_t), "AUXV_PAIRS too small");
    memset(auxv, 0, AUXV_PAIRS * 2 * sizeof(uint64_t));
    memcpy(auxv, v, sizeof v);
}

int exec_load(aspace_t *as, const uint8_t *file, size_t size, const exec_args_t *args,
              exec_start_t *out)
{
    const char *name = args->argc ? args->argv[0] : "?";
    elf_image_t img;
    elf_status_t st = elf_check(file, size, &exec_elf_params, &img);
    if (st != ELF_OK) {
        /* A file that is no ELF at all (a script the shell then runs) is no news; a broken
         * ELF is worth a line. */
        if (st != ELF_ERR_MAGIC && st != ELF_ERR_TOO_SMALL)
            kprintf("exec: %s: not a loadable program (%s)\n", name, elf_status_name(st));
        return ENOEXEC;
    }
    if (exec_wants_interpreter(file, &img)) {
        kprintf("exec: %s: dynamically linked (PT_INTERP); only static programs run\n", name);
        return ENOEXEC;
    }
    /* A hostile file may ask for up to EXEC_MAX_SPAN of zeroed memory: refuse early rather
     * than drain the allocator and give it all back. */
    uint64_t pages = (img.span_end - img.span_start + EXEC_STACK_SIZE) / PAGE_SIZE;
    if (pages > pmm_free_pages())
        return ENOMEM;
    /* The image and the stack region count against the process limit like any mapping
     * (aspace_adopt_mapped adds them to mapped_pages): a bss past it is refused here. */
    uint64_t charged = (PAGE_ALIGN_UP(img.span_end) - PAGE_ALIGN_DOWN(img.span_start) +
                        EXEC_STACK_LIMIT) / PAGE_SIZE;
    if (charged > as->limit_pages)
        return ENOMEM;
    for (unsigned i = 0; i < img.load_count; i++) {
        elf_segment_t s;
        if (!elf_segment_at(file, &img, i, &s))
            return ENOEXEC;
        int err = exec_map_segment(as, file, &s);
        if (err)
            return err;
    }
    if (aspace_adopt_mapped(as, PAGE_ALIGN_DOWN(img.span_start), PAGE_ALIGN_UP(img.span_end)))
        return ENOMEM;
    out->abi = exec_brand(file, size, &img);
    uint64_t auxv[AUXV_PAIRS * 2];
    exec_auxv_fill(auxv, file, &img, out->abi);
    out->entry = img.entry;
    out->image_end = PAGE_ALIGN_UP(img.span_end);
    return exec_build_stack(as, args, auxv, out);
}
