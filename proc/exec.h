/*
 * exec.h - loading a static ELF64 executable (ET_EXEC, or ET_DYN/PIE at EXEC_PIE_BASE) into
 * a fresh address space, and its System V initial stack: argc, argv, envp and the auxiliary
 * vector as Linux gives it (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_ENTRY,
 * AT_RANDOM, AT_HWCAP, AT_HWCAP2, AT_CLKTCK, AT_UID/EUID/GID/EGID, AT_SECURE, AT_EXECFN,
 * AT_PLATFORM). AT_BASE is the load bias of a native program (0 for ET_EXEC), which a
 * self-relocating crt0 may use; a Linux program gets 0, as from Linux for a static one.
 *
 * The brand: a program whose PT_NOTE holds the note EXEC_NOTE_NAME / EXEC_NOTE_TYPE (added
 * by apps/lib/crt0.S) is native; every other ELF is a Linux program (exec_start_t.abi).
 *
 * User layout: program at or above EXEC_ADDR_MIN, its stack just below EXEC_STACK_TOP: a
 * region of EXEC_STACK_LIMIT bytes filled on demand (only the argument block is mapped at
 * start), with a guard page under it. Segments become regions (mm/aspace.h) so munmap,
 * mprotect and the fault path treat them like any mapping.
 */
#ifndef SCHED_EXEC_H
#define SCHED_EXEC_H

#include <stddef.h>
#include <stdint.h>
#include "mm/aspace.h"

#define EXEC_ADDR_MIN   0x0000000000010000ULL
#define EXEC_PIE_BASE   0x0000555500000000ULL
#define EXEC_STACK_TOP  0x00007FFFFFFFF000ULL
#define EXEC_STACK_SIZE (64 * 1024ULL)   /* most the argument block may take */
#define EXEC_STACK_LIMIT (4ULL << 20)    /* the stack grows on demand down to this */
#define EXEC_MAX_SPAN   (1ULL << 30)
#define EXEC_MAX_PHDRS  64
#define EXEC_ARGS_MAX   (32 * 1024) /* bytes of argument strings + pointers */
#define EXEC_ARGC_MAX   1024

#define EXEC_ENVC_MAX   1024
#define EXEC_CLKTCK     100         /* AT_CLKTCK: Linux's USER_HZ */
#define EXEC_NOTE_NAME  "Spindle"   /* the native brand's note (with its NUL: 8 bytes) */
#define EXEC_NOTE_TYPE  1

typedef enum { EXEC_ABI_NATIVE = 0, EXEC_ABI_LINUX = 1 } exec_abi_t;

/* What the new program is given (kernel copies; argc/envc entries, no NULL needed). */
typedef struct {
    const char *const *argv;
    size_t argc;
    const char *const *envp;
    size_t envc;
    const char *execfn;     /* AT_EXECFN: the path as exec was asked for it */
} exec_args_t;

typedef struct exec_start {
    uint64_t entry;
    uint64_t stack_pointer; /* points at argc, 16-byte aligned */
    uint64_t image_end;     /* first page above the program: where brk() starts */
    exec_abi_t abi;         /* which system-call ABI it speaks (its brand) */
} exec_start_t;

/* 0, ENOEXEC (file rejected by elf_check), E2BIG (arguments too big) or ENOMEM. On failure
 * the space may hold some mappings: the caller destroys it. */
int exec_load(aspace_t *as, const uint8_t *file, size_t size, const exec_args_t *args,
              exec_start_t *out);

#endif
