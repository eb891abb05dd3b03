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

/* cputime(): the tid that means the whole calling process. */
#define CPUTIME_PROCESS ((uint64_t)-1)

/* Aux vector entries the kernel gives every program (Linux's numbers and meanings). */
#define AT_NULL            0
#define AT_PHDR            3
#define AT_PHENT           4
#define AT_PHNUM           5
#define AT_PAGESZ          6
#define AT_BASE            7
#define AT_FLAGS           8
#define AT_ENTRY           9
#define AT_UID             11
#define AT_EUID            12
#define AT_GID             13
#define AT_EGID            14
#define AT_PLATFORM        15   /* "x86_64" */
#define AT_HWCAP           16   /* CPUID.1:EDX */
#define AT_CLKTCK          17   /* 100 */
#define AT_SECURE          23
#define AT_RANDOM          25
#define AT_HWCAP2          26
#define AT_EXECFN          31   /* the path the program was started as */
#define HWCAP2_FSGSBASE    (1u << 1) /* user code may use RD/WRFSBASE and RD/WRGSBASE */

/* spawn(): flags. */
#define SPINDLE_FLAGS_SPAWN(X) \
    X(SPAWN_EMPTY_FDS, 0x1, 0x1) /* child gets only the fds listed (default: inherits 0, 1, 2) */ \
    X(SPAWN_SHARE_MEMORY, 0x2, 0x2) /* child gets every MAP_SHARED region, same address */

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
    X(O_DIRECTORY, 0x10000, 0x10000) \
    X(O_CLOSPAWN, 0x80000, 0x80000) /* not inherited by spawn's default fds 0-2 */
#define O_ACCMODE 0x3
/* O_CREAT | O_DIRECTORY creates a directory (with O_EXCL: fails with EEXIST if it exists). */

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
    X(MAP_ANONYMOUS, 0x20, 0x20) \
    X(MAP_WX, 0x1000000, 0x1000000) /* region may be writable and executable at once */

/* meminfo(): memory figures (pages are 4 KiB). The free count is exact: tests compare it
 * before and after work to prove every page came back. */
typedef struct {
    uint64_t page_size;       /* 4096 */
    uint64_t total_pages;     /* managed by the kernel */
    uint64_t free_pages;      /* free now */
    uint64_t reserve_pages;   /* kept for the kernel: user memory never takes these */
    uint64_t heap_bytes;      /* kernel heap in use */
    uint64_t proc_pages;      /* the caller's resident private pages */
    uint64_t proc_mapped_pages; /* size of the caller's regions (counted against the limit) */
    uint64_t proc_limit_pages;  /* mmap() past this gives ENOMEM */
    uint64_t reserved[4];
} meminfo_t;

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
#define STAT_DEV  3        /* a device (/dev) */
#define STAT_PIPE 4        /* a pipe end (IOCTL_STAT only) */
typedef struct {
    uint64_t size;     /* bytes */
    uint32_t type;     /* STAT_* */
    uint32_t links;
    uint64_t mtime_ns; /* since the Unix epoch */
    uint64_t ino;      /* unique per file while it exists */
    uint64_t reserved[4];
} stat_t;

/* getdents(): records packed into the caller's buffer, each 8-byte aligned (reclen bytes,
 * name NUL-terminated). "." and ".." are not listed. */
typedef struct {
    uint64_t ino;
    uint16_t reclen;   /* bytes from this record to the next */
    uint16_t namelen;  /* without the NUL */
    uint8_t type;      /* STAT_* */
    uint8_t pad[3];
    char name[];
} dirent_t;

/* ioctl(): requests any fd answers, then per device. */
#define IOCTL_STAT      0x0001 /* arg: stat_t out (fstat) */
#define IOCTL_CLOSPAWN  0x0002 /* arg: uint32_t in, 1 = close on spawn, 0 = inherit */
#define IOCTL_FIONREAD  0x0003 /* arg: uint64_t out, bytes readable now (pipes, console) */
#define IOCTL_NONBLOCK  0x0004 /* arg: uint32_t in, 1 = O_NONBLOCK on the open file, 0 = off */
#define IOCTL_FB_INFO   0x0100 /* /dev/fb0, arg: fb_info_t out */
#define IOCTL_CONSOLE_RAW 0x0200 /* /dev/console, arg: uint32_t in: 1 = raw (bytes as typed,
                                   no echo, no line editing; a shell's editor), 0 = line mode */
typedef struct {
    uint64_t phys_base;
    uint64_t size;     /* bytes */
    uint32_t width, height;
    uint32_t pitch;    /* pixels per scan line */
    uint32_t format;   /* boot_fb_format_t: 1 = RGBX, 2 = BGRX, 3 = bitmask, 0 = none */
} fb_info_t;

/* trace(): what to trace (see docs/abi.md, "Tracing"). */
#define SPINDLE_FLAGS_TRACE(X) \
    X(TRACE_ON, 0x1, 0x1)       /* trace the process itself from now on */ \
    X(TRACE_CHILDREN, 0x2, 0x2) /* trace the children it spawns from now on */ \
    X(TRACE_FOLLOW, 0x4, 0x4)   /* traced processes pass tracing on to their children */ \
    X(TRACE_COUNT, 0x8, 0x8)    /* count calls; print a summary when the traced ones end */

/* trace(): the set of call numbers to show, bit n of bits[n / 64] for call n. */
#define TRACE_SET_MAX 256
typedef struct {
    uint64_t bits[TRACE_SET_MAX / 64];
} trace_set_t;

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
    SPINDLE_FLAGS_TRACE(SPINDLE_ABI_ENUM_)
};
#undef SPINDLE_ABI_ENUM_

#endif
