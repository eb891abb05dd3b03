/*
 * crt_start.c - what runs between _start (crt0.S) and main: self-relocation for PIE
 * programs, then main(argc, argv, envp) and exit() with its result.
 *
 * crt_self_relocate runs before relocation, so it must not read any global variable or
 * function pointer (their addresses may still be link-time values). It only follows the
 * pointers it is given, adjusted by base.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <spindle/abi.h>
#include <spindle/syscall_stubs.h>
#include <sys/auxv.h>
#include "libc_tls.h"

#define DT_NULL            0
#define DT_RELA            7
#define DT_RELASZ          8
#define DT_RELAENT         9
#define R_X86_64_NONE      0
#define R_X86_64_RELATIVE  8
#define CRT_BAD_RELOC_EXIT 127

typedef struct {
    int64_t tag;
    uint64_t val;
} crt_dyn_t;

typedef struct {
    uint64_t offset;
    uint64_t info;
    int64_t addend;
} crt_rela_t;

void crt_self_relocate(const crt_dyn_t *dyn, uintptr_t base);
_Noreturn void crt_start(uint64_t *sp);
int main(int argc, char **argv, char **envp);

char **environ;

void crt_self_relocate(const crt_dyn_t *dyn, uintptr_t base)
{
    uint64_t rela = 0, relasz = 0, relaent = sizeof(crt_rela_t);
    for (; dyn->tag != DT_NULL; dyn++) {
        if (dyn->tag == DT_RELA)
            rela = dyn->val;
        else if (dyn->tag == DT_RELASZ)
            relasz = dyn->val;
        else if (dyn->tag == DT_RELAENT)
            relaent = dyn->val;
    }
    if (rela == 0 || relaent < sizeof(crt_rela_t))
        return;
    for (uint64_t off = 0; off + relaent <= relasz; off += relaent) {
        const crt_rela_t *r = (const crt_rela_t *)(base + rela + off);
        uint32_t type = (uint32_t)r->info;
        if (type == R_X86_64_NONE)
            continue;
        /* A static PIE has only RELATIVE entries; anything else means a broken link. */
        if (type != R_X86_64_RELATIVE)
            sys_process_exit(CRT_BAD_RELOC_EXIT);
        *(uint64_t *)(base + r->offset) = base + (uint64_t)r->addend;
    }
}

static const uint64_t *crt_auxv; /* the aux vector pairs, after envp's NULL */

unsigned long getauxval(unsigned long type)
{
    for (const uint64_t *a = crt_auxv; a && a[0] != AT_NULL; a += 2)
        if (a[0] == type)
            return a[1];
    return 0;
}

_Noreturn void crt_start(uint64_t *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    environ = argv + argc + 1;
    char **envp_end = environ;
    while (*envp_end)
        envp_end++;
    crt_auxv = (const uint64_t *)(envp_end + 1);
    libc_tls_init_main(getauxval(AT_HWCAP2)); /* errno is per thread from here on */
    exit(main(argc, argv, environ));
}
