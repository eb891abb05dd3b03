/*
 * abi.h - constants and structures that cross the user/kernel boundary (besides the
 * system-call numbers, which are generated from syscalls.spec into syscall_nums.h, and the
 * error codes in errno.h).
 *
 * Calling convention (x86-64 `syscall`): number in RAX; arguments in RDI, RSI, RDX, R10, R8,
 * R9; result in RAX; RCX and R11 are clobbered, every other register is preserved. Every
 * argument is read as a full 64-bit register. A failing call returns ERR (all ones) - or NULL
 * for calls that return a user pointer - and records an error code (errno.h) in the calling
 * thread; SYS_ERRNO returns that code.
 *
 * Flag sets are X-macro lists X(NAME, value, mask): a flag is "set" in v when
 * (v & mask) == value. That form covers single bits (mask == value) and fields such as the
 * open access mode (O_RDONLY is 0 within mask 3). The tracer prints flags by name from these
 * same lists (the spec names the set, e.g. flags:OPEN -> SPINDLE_FLAGS_OPEN). Plain macros for
 * each name are defined below from the lists, so the numbers exist in one place only.
 *
 * Structures use fixed-width fields only and explicit padding: the kernel copies them whole.
 */
#ifndef SPINDLE_ABI_H
#define SPINDLE_ABI_H

#include <stdint.h>

#define ERR ((uint64_t)-1)

/* A timeout argument that means "wait forever". */
#define CLOCK_NEVER ((uint64_t)-1)

/* spawn(): flags. */
#define SPINDLE_FLAGS_SPAWN(X) \
    X(SPAWN_EMPTY_FDS, 0x1, 0x1) /* child gets only the fds listed (default: inherits 0, 1, 2) */

/* spawn(): fd table for the child, an array ended by an entry with child == SPAWN_FD_END.
 * Each entry makes the parent's fd `parent` the child's fd `child`. */
typedef struct {
    int32_t child;
    int32_t parent;
} spawn_fd_t;
#define SPAWN_FD_END (-1)

/* wait(): flags, and pid value meaning "any child". */
#define SPINDLE_FLAGS_WAIT(X) \
    X(WNOHANG, 0x1, 0x1) /* return 0 at once if no child has ended */
#define WAIT_ANY ((uint64_t)-1)

/* wait(): the status word written for a child: its exit code (0..255, the low byte of what it
 * passed to process_exit), or WAIT_STATUS_KILLED | code when it was ended by kill(). */
#define WAIT_STATUS_KILLED 0x100
#define WAIT_STATUS_CODE(s) ((s) & 0xff)

/* kill(): codes (the "signal" a process is ended with; recorded in the wait status). */
#define KILL_TERM 15

/* open(), openat(): flags. Values follow Linux so ported code reads naturally. */
#define SPINDLE_FLAGS_OPEN(X) \
    X(O_RDONLY, 0x0, 0x3) \
    X(O_WRONLY, 0x1, 0x3) \
    X(O_RDWR, 0x2, 0x3) \
    X(O_CREAT, 0x40, 0x40) \
    X(O_EXCL, 0x80, 0x80) \
    X(O_TRUNC, 0x200, 0x200) \
    X(O_APPEND, 0x400, 0x400) \
    X(O_NONBLOCK, 0x800, 0x800) \
    X(O_DIRECTORY, 0x10000, 0x10000)
#define O_ACCMODE 0x3

/* openat(): dirfd meaning "the current directory". */
#define AT_FDCWD ((uint64_t)-100)

/* seek(): origin. */
#define SPINDLE_FLAGS_SEEK(X) \
    X(SEEK_SET, 0, 0x3) \
    X(SEEK_CUR, 1, 0x3) \
    X(SEEK_END, 2, 0x3)

/* mmap(), mprotect(): protection. */
#define SPINDLE_FLAGS_PROT(X) \
    X(PROT_NONE, 0x0, 0x7) \
    X(PROT_READ, 0x1, 0x1) \
    X(PROT_WRITE, 0x2, 0x2) \
    X(PROT_EXEC, 0x4, 0x4)

/* mmap(): flags. */
#define SPINDLE_FLAGS_MAP(X) \
    X(MAP_SHARED, 0x1, 0x1) \
    X(MAP_PRIVATE, 0x2, 0x2) \
    X(MAP_FIXED, 0x10, 0x10) \
    X(MAP_ANONYMOUS, 0x20, 0x20)

/* futex(): operation. */
#define SPINDLE_FLAGS_FUTEX(X) \
    X(FUTEX_WAIT, 0, 0xff) /* sleep while *addr == value (or until the timeout) */ \
    X(FUTEX_WAKE, 1, 0xff) /* wake up to value waiters; returns how many woke */

/* poll(): events. */
#define SPINDLE_FLAGS_POLL(X) \
    X(POLLIN, 0x1, 0x1) \
    X(POLLOUT, 0x4, 0x4) \
    X(POLLERR, 0x8, 0x8) \
    X(POLLHUP, 0x10, 0x10)

typedef struct {
    int32_t fd;
    uint16_t events;  /* POLL* wanted */
    uint16_t revents; /* POLL* that happened (written by the kernel) */
} pollfd_t;

/* open2(): the two fds it opens (e.g. both ends of a pipe). */
typedef struct {
    int32_t fd[2];
} fd_pair_t;

/* stat(): what the kernel reports about a path. The file issue may add fields at the end
 * (using the reserved words keeps the size fixed). */
#define STAT_FILE 1
#define STAT_DIR  2
typedef struct {
    uint64_t size;     /* bytes */
    uint32_t type;     /* STAT_* */
    uint32_t links;
    uint64_t mtime_ns; /* since the Unix epoch */
    uint64_t reserved[5];
} stat_t;

/* The single-bit or field names as plain constants, expanded from the lists above. Host
 * tests link libc, whose headers define many of these names as macros (same values: they
 * follow Linux), so there they are spelled SPINDLE_NAME instead. */
#ifdef SPINDLE_HOST_TEST
#define SPINDLE_ABI_ENUM_(name, value, mask) SPINDLE_##name = value,
#else
#define SPINDLE_ABI_ENUM_(name, value, mask) name = value,
#endif
enum {
    SPINDLE_FLAGS_SPAWN(SPINDLE_ABI_ENUM_)
    SPINDLE_FLAGS_WAIT(SPINDLE_ABI_ENUM_)
    SPINDLE_FLAGS_OPEN(SPINDLE_ABI_ENUM_)
    SPINDLE_FLAGS_SEEK(SPINDLE_ABI_ENUM_)
    SPINDLE_FLAGS_PROT(SPINDLE_ABI_ENUM_)
    SPINDLE_FLAGS_MAP(SPINDLE_ABI_ENUM_)
    SPINDLE_FLAGS_FUTEX(SPINDLE_ABI_ENUM_)
    SPINDLE_FLAGS_POLL(SPINDLE_ABI_ENUM_)
};
#undef SPINDLE_ABI_ENUM_

#endif
