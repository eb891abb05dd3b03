/*
 * exec.c - ELF program loading and the initial user stack (see exec.h). The file is
 * untrusted: elf_check() validates every header, bound, alignment and overlap first, and
 * this code only uses the values it vouched for. Pages are written through the direct map
 * (aspace_write), never through user addresses.
 */
#include "sched/exec.h"
#include <spindle/errno.h>
#include <spindle/abi.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"
#include "kernel/lib/elf_check.h"
#include "kernel/lib/string.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"

#define AUXV_PAIRS 9
#define ELF_PHENT 56
#define PT_INTERP 3

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

/* Writes, from EXEC_STACK_TOP down: 16 random bytes, the argument strings, then (16-byte
 * aligned) argc, argv[], NULL, envp NULL, auxv. auxv's AT_RANDOM value is filled in here. */
static int exec_build_stack(aspace_t *as, const char *const *argv, size_t argc,
                            uint64_t *auxv, exec_start_t *out)
{
    if (argc > EXEC_ARGC_MAX)
        return E2BIG;
    size_t strings = 0;
    for (size_t i = 0; i < argc; i++)
        strings += strlen(argv[i]) + 1;
    size_t words = 1 + argc + 1 + 1 + 2 * AUXV_PAIRS;
    if (strings + 16 + words * 8 > EXEC_ARGS_MAX)
        return E2BIG;
    /* Only the pages the argument block touches are mapped now; the rest on demand. */
    if (aspace_stack_create(as, EXEC_STACK_TOP, EXEC_STACK_LIMIT,
                            strings + 16 + words * 8 + 16 + PAGE_SIZE))
        return ENOMEM;

    uint64_t random_at = EXEC_STACK_TOP - 16;
    uint8_t rnd[16];
    exec_random_bytes(rnd);
    aspace_write(as, random_at, rnd, sizeof rnd);
    for (unsigned i = 0; i < AUXV_PAIRS; i++)
        if (auxv[2 * i] == AT_RANDOM)
            auxv[2 * i + 1] = random_at;

    uint64_t str_at = random_at - strings;
    stack_writer_t w = { as, (str_at - words * 8) & ~0xFULL };
    out->stack_pointer = w.at;
    stack_put(&w, argc);
    for (size_t i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]) + 1;
        aspace_write(as, str_at, argv[i], n);
        stack_put(&w, str_at);
        str_at += n;
    }
    stack_put(&w, 0); /* argv terminator */
    stack_put(&w, 0); /* envp: empty */
    for (unsigned i = 0; i < 2 * AUXV_PAIRS; i++)
        stack_put(&w, auxv[i]);
    return 0;
}

int exec_load(aspace_t *as, const uint8_t *file, size_t size, const char *const *argv,
              size_t argc, exec_start_t *out)
{
    elf_image_t img;
    elf_status_t st = elf_check(file, size, &exec_elf_params, &img);
    if (st != ELF_OK) {
        /* A file that is no ELF at all (a script the shell then runs) is no news; a broken
         * ELF is worth a line. */
        if (st != ELF_ERR_MAGIC && st != ELF_ERR_TOO_SMALL)
            kprintf("exec: %s: not a loadable program (%s)\n", argc ? argv[0] : "?",
                    elf_status_name(st));
        return ENOEXEC;
    }
    if (exec_wants_interpreter(file, &img)) {
        kprintf("exec: %s: dynamically linked (PT_INTERP); only static programs run\n",
                argc ? argv[0] : "?");
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
    uint64_t auxv[AUXV_PAIRS * 2] = {
        AT_PHDR, exec_phdr_addr(file, &img), AT_PHENT, ELF_PHENT, AT_PHNUM, img.phnum,
        AT_PAGESZ, PAGE_SIZE, AT_BASE, img.bias, AT_ENTRY, img.entry,
        AT_RANDOM, 0 /* filled in by exec_build_stack */,
        AT_HWCAP2, arch_user_fsgsbase() ? HWCAP2_FSGSBASE : 0, AT_NULL, 0,
    };
    out->entry = img.entry;
    return exec_build_stack(as, argv, argc, auxv, out);
}
