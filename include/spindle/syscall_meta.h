/*
 * syscall_meta.h - what the tracer knows about each system call: its name, what it returns,
 * and the kind of each argument (so it can print a path as a string, a buffer with its
 * length, flags by name, an out-pointer after the call). The table itself,
 * syscall_meta_table, is generated from include/spindle/syscalls.spec into
 * BUILD/gen/syscall_meta.c and linked into the kernel; nothing here is written by hand twice.
 */
#ifndef SPINDLE_SYSCALL_META_H
#define SPINDLE_SYSCALL_META_H

#include <stddef.h>
#include <stdint.h>
#include <spindle/syscall_nums.h>

/* Argument kinds, as named in the spec (upper-cased). */
typedef enum {
    SYSCALL_ARG_INT,      /* signed 64-bit */
    SYSCALL_ARG_UINT,     /* unsigned 64-bit */
    SYSCALL_ARG_SIZE,     /* byte count */
    SYSCALL_ARG_OFF,      /* signed file offset */
    SYSCALL_ARG_NS,       /* nanoseconds; CLOCK_NEVER = forever */
    SYSCALL_ARG_FD,
    SYSCALL_ARG_PID,
    SYSCALL_ARG_TID,
    SYSCALL_ARG_FLAGS,    /* print with .flags */
    SYSCALL_ARG_USTR,     /* NUL-terminated user string (in) */
    SYSCALL_ARG_USTRV,    /* NULL-terminated array of user strings (in) */
    SYSCALL_ARG_UBUF_IN,  /* user buffer, length in args[len_arg] (read by the kernel) */
    SYSCALL_ARG_UBUF_OUT, /* same, written by the kernel: show after the call, up to the result */
    SYSCALL_ARG_UBUF_IO,  /* same, read and written */
    SYSCALL_ARG_UPTR,     /* user address, shown as a pointer */
    SYSCALL_ARG_UPTR_IN,  /* pointer to type (type_size bytes each) read by the kernel */
    SYSCALL_ARG_UPTR_OUT, /* pointer to one type (type_size bytes) written by the kernel */
} syscall_arg_kind_t;

/* Result kinds. Failure is ERR for all but UPTR (NULL on failure), VOID and ERRNO. */
typedef enum {
    SYSCALL_RET_VOID,   /* does not return */
    SYSCALL_RET_STATUS, /* 0 */
    SYSCALL_RET_ERRNO,  /* an error code; never fails */
    SYSCALL_RET_INT,
    SYSCALL_RET_UINT,
    SYSCALL_RET_SIZE,
    SYSCALL_RET_OFF,
    SYSCALL_RET_NS,
    SYSCALL_RET_FD,
    SYSCALL_RET_PID,
    SYSCALL_RET_TID,
    SYSCALL_RET_UPTR,
} syscall_ret_kind_t;

/* One name of a flag set: it applies to a value v when (v & mask) == value. A table ends with
 * name == NULL. */
typedef struct {
    const char *name;
    uint64_t value;
    uint64_t mask;
} syscall_flag_name_t;

typedef struct {
    const char *name;
    syscall_arg_kind_t kind;
    int8_t len_arg;                   /* UBUF_*: index of the length argument; else -1 */
    uint16_t type_size;               /* UPTR_IN, UPTR_OUT: sizeof(type) */
    const char *type;                 /* UPTR_IN, UPTR_OUT: C type name */
    const syscall_flag_name_t *flags; /* FLAGS: the set's names */
} syscall_arg_meta_t;

typedef struct {
    const char *name;           /* "write" */
    syscall_ret_kind_t ret;
    uint8_t argc;
    uint8_t error_count;
    const uint16_t *errors;     /* codes the call documents (besides EFAULT, ENOSYS) */
    syscall_arg_meta_t args[SYSCALL_MAX_ARGS];
} syscall_meta_t;

extern const syscall_meta_t syscall_meta_table[SYS_COUNT];

/* The entry for call number nr, or NULL when nr is not a call (the kernel answers ENOSYS). */
static inline const syscall_meta_t *syscall_meta_get(uint64_t nr)
{
    return nr < SYS_COUNT ? &syscall_meta_table[nr] : NULL;
}

#endif
