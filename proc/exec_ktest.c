/*
 * exec_ktest.c - the ELF program loader on in-memory crafted files: a good file loads with
 * a System V stack, every kind of bad file gets ENOEXEC (never a panic), and nothing leaks.
 */
#include <spindle/errno.h>
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "mm/aspace.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "proc/exec.h"

#define T_FILE_SIZE 0x2000
#define T_VADDR     0x401000ULL

static uint8_t t_file[T_FILE_SIZE];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* A static ET_EXEC: one R+X PT_LOAD of 16 bytes (memsz 0x2000) at T_VADDR, entry there. */
static void t_build(void)
{
    memset(t_file, 0, sizeof t_file);
    uint8_t *e = t_file, *ph = t_file + 64;
    memcpy(e, "\x7f" "ELF", 4);
    e[4] = 2; e[5] = 1; e[6] = 1;
    put16(e + 16, 2);          /* ET_EXEC */
    put16(e + 18, 62);         /* x86-64 */
    put32(e + 20, 1);
    put64(e + 24, T_VADDR);    /* entry */
    put64(e + 32, 64);         /* phoff */
    put16(e + 52, 64);         /* ehsize */
    put16(e + 54, 56);         /* phentsize */
    put16(e + 56, 1);          /* phnum */
    put32(ph + 0, 1);          /* PT_LOAD */
    put32(ph + 4, 5);          /* R X */
    put64(ph + 8, 0x1000);     /* offset */
    put64(ph + 16, T_VADDR);
    put64(ph + 24, T_VADDR);
    put64(ph + 32, 16);        /* filesz */
    put64(ph + 40, 0x2000);    /* memsz */
    put64(ph + 48, 0x1000);    /* align */
    memcpy(t_file + 0x1000, "\xeb\xfe spin forever", 16);
}

static int t_load(size_t size, exec_start_t *st)
{
    static const char *const argv[] = { "/bin/t", "arg one" };
    aspace_t *as = aspace_create();
    if (!as)
        return -1;
    exec_start_t dummy;
    exec_args_t args = { .argv = argv, .argc = 2, .execfn = argv[0] };
    int r = exec_load(as, t_file, size, &args, st ? st : &dummy);
    aspace_destroy(as);
    return r;
}

static uint64_t t_read64(const aspace_t *as, uint64_t va)
{
    uint64_t p = aspace_translate(as, va);
    return p ? *(uint64_t *)phys_to_virt(p) : 0xBAD;
}

KTEST(exec_loads_a_good_file_with_a_sysv_stack)
{
    static const char *const argv[] = { "/bin/t", "arg one" };
    t_build();
    aspace_t *as = aspace_create();
    KTEST_EXPECT(as);
    exec_start_t st;
    exec_args_t args = { .argv = argv, .argc = 2, .execfn = argv[0] };
    int r = exec_load(as, t_file, T_FILE_SIZE, &args, &st);
    uint64_t code = aspace_translate(as, T_VADDR);
    bool code_ok = code && memcmp(phys_to_virt(code), "\xeb\xfe", 2) == 0;
    bool bss_mapped = aspace_translate(as, T_VADDR + 0x1fff) != 0;
    uint64_t argc = t_read64(as, st.stack_pointer);
    uint64_t argv1 = t_read64(as, st.stack_pointer + 16);
    uint64_t a1 = aspace_translate(as, argv1);
    bool argv1_ok = a1 && strcmp(phys_to_virt(a1), "arg one") == 0;
    bool nulls = t_read64(as, st.stack_pointer + 24) == 0 && t_read64(as, st.stack_pointer + 32) == 0;
    uint64_t entry_aux = 0, pagesz_aux = 0;
    for (uint64_t at = st.stack_pointer + 40; t_read64(as, at) != 0; at += 16) {
        if (t_read64(as, at) == 9)
            entry_aux = t_read64(as, at + 8);
        if (t_read64(as, at) == 6)
            pagesz_aux = t_read64(as, at + 8);
    }
    aspace_destroy(as);
    KTEST_EXPECT(r == 0);
    KTEST_EXPECT(st.entry == T_VADDR);
    KTEST_EXPECT(code_ok && bss_mapped);
    KTEST_EXPECT((st.stack_pointer & 15) == 0);
    KTEST_EXPECT(st.stack_pointer < EXEC_STACK_TOP && st.stack_pointer > EXEC_STACK_TOP - EXEC_STACK_SIZE);
    KTEST_EXPECT(argc == 2 && argv1_ok && nulls);
    KTEST_EXPECT(entry_aux == T_VADDR && pagesz_aux == 4096);
    KTEST_EXPECT(st.abi == EXEC_ABI_LINUX); /* no Spindle note: a Linux program */
    KTEST_EXPECT(st.image_end == T_VADDR + 0x2000);
}

KTEST(exec_rejects_bad_files_with_enoexec)
{
    heap_trim(); /* the heap may keep one empty slab per class: compare without them */
    size_t before = pmm_free_pages();
    t_build();
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == 0);
    KTEST_EXPECT(t_load(63, NULL) == ENOEXEC);                       /* truncated header */
    KTEST_EXPECT(t_load(0x1008, NULL) == ENOEXEC);                   /* segment past the end */
    t_file[1] = 'X';
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* magic */
    t_build(); put16(t_file + 18, 3);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* i386 */
    t_build(); put64(t_file + 32, 0x7ff0);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* phdrs outside the file */
    t_build(); put16(t_file + 56, 0xffff);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* absurd phnum */
    t_build(); put64(t_file + 64 + 32, 0x3000);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* filesz > memsz */
    t_build(); put64(t_file + 64 + 16, 0xFFFFFFFF80000000ULL);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* kernel half */
    t_build(); put64(t_file + 64 + 16, 0x1000); put64(t_file + 24, 0x1000);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* below EXEC_ADDR_MIN */
    t_build(); put64(t_file + 64 + 16, EXEC_STACK_TOP - 0x3000); put64(t_file + 24, EXEC_STACK_TOP - 0x3000);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* over the stack */
    t_build(); put64(t_file + 64 + 40, 0xFFFFFFFFFFFFF000ULL);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* memsz wraps */
    t_build(); put64(t_file + 24, T_VADDR + 0x5000);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* entry outside */
    t_build(); put32(t_file + 64 + 4, 6);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* entry not executable */
    t_build(); put64(t_file + 64 + 8, 0x1001);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);              /* offset/vaddr incongruent */
    t_build(); put16(t_file + 56, 2);                                /* second phdr = copy, overlapping */
    memcpy(t_file + 64 + 56, t_file + 64, 56);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);
    t_build(); put16(t_file + 56, 2);                                /* second phdr: PT_INTERP */
    put32(t_file + 64 + 56, 3);
    KTEST_EXPECT(t_load(T_FILE_SIZE, NULL) == ENOEXEC);
    heap_trim();
    KTEST_EXPECT(pmm_free_pages() == before);
}

KTEST(exec_huge_bss_fails_cleanly_or_loads)
{
    heap_trim();
    size_t before = pmm_free_pages();
    t_build();
    put64(t_file + 64 + 40, EXEC_MAX_SPAN - 0x10000); /* memsz near the span limit */
    int r = t_load(T_FILE_SIZE, NULL);
    heap_trim();
    KTEST_EXPECT(r == 0 || r == ENOMEM);
    KTEST_EXPECT(pmm_free_pages() == before);
}
