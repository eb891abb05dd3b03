/*
 * linux_abi.h - the x86-64 Linux values and structures the Linux ABI handlers (syscall/linux/)
 * translate to and from. Numbers and layouts are Linux's (asm/stat.h, asm-generic/fcntl.h,
 * linux/sched.h, linux/futex.h, asm-generic/termbits.h, ...), written down here once; the
 * tracer names flags from the LINUX_FLAGS_* lists (X(NAME, value, mask) as in abi.h).
 * Names carry a LINUX_ prefix so they never clash with the native ones in abi.h.
 */
#ifndef SPINDLE_LINUX_ABI_H
#define SPINDLE_LINUX_ABI_H

#include <stdint.h>

/* Results: -4095..-1 are -errno (errno values match spindle/errno.h). */
#define LINUX_ERRNO_MAX 4095

#define LINUX_FLAGS_OPEN(X) \
    X(O_RDONLY, 0x0, 0x3) X(O_WRONLY, 0x1, 0x3) X(O_RDWR, 0x2, 0x3) \
    X(O_CREAT, 0x40, 0x40) X(O_EXCL, 0x80, 0x80) X(O_NOCTTY, 0x100, 0x100) \
    X(O_TRUNC, 0x200, 0x200) X(O_APPEND, 0x400, 0x400) X(O_NONBLOCK, 0x800, 0x800) \
    X(O_DSYNC, 0x1000, 0x1000) X(O_DIRECT, 0x4000, 0x4000) X(O_LARGEFILE, 0x8000, 0x8000) \
    X(O_DIRECTORY, 0x10000, 0x10000) X(O_NOFOLLOW, 0x20000, 0x20000) \
    X(O_NOATIME, 0x40000, 0x40000) X(O_CLOEXEC, 0x80000, 0x80000) X(O_PATH, 0x200000, 0x200000)
#define LINUX_O_ACCMODE   0x3
#define LINUX_O_CREAT     0x40
#define LINUX_O_EXCL      0x80
#define LINUX_O_TRUNC     0x200
#define LINUX_O_APPEND    0x400
#define LINUX_O_NONBLOCK  0x800
#define LINUX_O_DIRECTORY 0x10000
#define LINUX_O_CLOEXEC   0x80000

#define LINUX_FLAGS_SEEK(X) X(SEEK_SET, 0, 0x3) X(SEEK_CUR, 1, 0x3) X(SEEK_END, 2, 0x3)

#define LINUX_FLAGS_PROT(X) \
    X(PROT_NONE, 0x0, 0x7) X(PROT_READ, 0x1, 0x1) X(PROT_WRITE, 0x2, 0x2) X(PROT_EXEC, 0x4, 0x4)

#define LINUX_FLAGS_MAP(X) \
    X(MAP_SHARED, 0x1, 0x3) X(MAP_PRIVATE, 0x2, 0x3) X(MAP_SHARED_VALIDATE, 0x3, 0x3) \
    X(MAP_FIXED, 0x10, 0x10) X(MAP_ANONYMOUS, 0x20, 0x20) X(MAP_GROWSDOWN, 0x100, 0x100) \
    X(MAP_DENYWRITE, 0x800, 0x800) X(MAP_EXECUTABLE, 0x1000, 0x1000) \
    X(MAP_LOCKED, 0x2000, 0x2000) X(MAP_NORESERVE, 0x4000, 0x4000) \
    X(MAP_POPULATE, 0x8000, 0x8000) X(MAP_NONBLOCK, 0x10000, 0x10000) \
    X(MAP_STACK, 0x20000, 0x20000) X(MAP_HUGETLB, 0x40000, 0x40000) \
    X(MAP_FIXED_NOREPLACE, 0x100000, 0x100000)
#define LINUX_MAP_TYPE            0x3
#define LINUX_MAP_SHARED          0x1
#define LINUX_MAP_PRIVATE         0x2
#define LINUX_MAP_FIXED           0x10
#define LINUX_MAP_ANONYMOUS       0x20
#define LINUX_MAP_FIXED_NOREPLACE 0x100000
/* Hints Spindle may ignore without changing what the program sees. */
#define LINUX_MAP_IGNORED (0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000)

#define LINUX_FLAGS_CLONE(X) \
    X(CSIGNAL, 0, 0) X(CLONE_VM, 0x100, 0x100) X(CLONE_FS, 0x200, 0x200) \
    X(CLONE_FILES, 0x400, 0x400) X(CLONE_SIGHAND, 0x800, 0x800) \
    X(CLONE_PIDFD, 0x1000, 0x1000) X(CLONE_PTRACE, 0x2000, 0x2000) \
    X(CLONE_VFORK, 0x4000, 0x4000) X(CLONE_PARENT, 0x8000, 0x8000) \
    X(CLONE_THREAD, 0x10000, 0x10000) X(CLONE_NEWNS, 0x20000, 0x20000) \
    X(CLONE_SYSVSEM, 0x40000, 0x40000) X(CLONE_SETTLS, 0x80000, 0x80000) \
    X(CLONE_PARENT_SETTID, 0x100000, 0x100000) X(CLONE_CHILD_CLEARTID, 0x200000, 0x200000) \
    X(CLONE_DETACHED, 0x400000, 0x400000) X(CLONE_UNTRACED, 0x800000, 0x800000) \
    X(CLONE_CHILD_SETTID, 0x1000000, 0x1000000) X(SIGCHLD, 17, 0xff)
#define LINUX_CSIGNAL              0xff
#define LINUX_CLONE_VM             0x100
#define LINUX_CLONE_FS             0x200
#define LINUX_CLONE_FILES          0x400
#define LINUX_CLONE_SIGHAND        0x800
#define LINUX_CLONE_VFORK          0x4000
#define LINUX_CLONE_THREAD         0x10000
#define LINUX_CLONE_SYSVSEM        0x40000
#define LINUX_CLONE_SETTLS         0x80000
#define LINUX_CLONE_PARENT_SETTID  0x100000
#define LINUX_CLONE_CHILD_CLEARTID 0x200000
#define LINUX_CLONE_DETACHED       0x400000
#define LINUX_CLONE_CHILD_SETTID   0x1000000
#define LINUX_SIGCHLD              17

#define LINUX_FLAGS_FUTEX(X) \
    X(FUTEX_WAIT, 0, 0x7f) X(FUTEX_WAKE, 1, 0x7f) X(FUTEX_REQUEUE, 3, 0x7f) \
    X(FUTEX_CMP_REQUEUE, 4, 0x7f) X(FUTEX_WAKE_OP, 5, 0x7f) X(FUTEX_WAIT_BITSET, 9, 0x7f) \
    X(FUTEX_WAKE_BITSET, 10, 0x7f) X(FUTEX_PRIVATE_FLAG, 0x80, 0x80) \
    X(FUTEX_CLOCK_REALTIME, 0x100, 0x100)
#define LINUX_FUTEX_CMD_MASK       0x7f
#define LINUX_FUTEX_WAIT           0
#define LINUX_FUTEX_WAKE           1
#define LINUX_FUTEX_REQUEUE        3
#define LINUX_FUTEX_CMP_REQUEUE    4
#define LINUX_FUTEX_WAIT_BITSET    9
#define LINUX_FUTEX_WAKE_BITSET    10
#define LINUX_FUTEX_PRIVATE_FLAG   0x80
#define LINUX_FUTEX_CLOCK_REALTIME 0x100

#define LINUX_FLAGS_WAIT(X) \
    X(WNOHANG, 1, 1) X(WUNTRACED, 2, 2) X(WEXITED, 4, 4) X(WCONTINUED, 8, 8) \
    X(WNOWAIT, 0x1000000, 0x1000000) X(__WALL, 0x40000000, 0x40000000)
#define LINUX_WNOHANG 1
#define LINUX_WEXITED 4
#define LINUX_WALL    0x40000000
#define LINUX_WCLONE  0x80000000u

/* fcntl, *at */
#define LINUX_F_DUPFD         0
#define LINUX_F_GETFD         1
#define LINUX_F_SETFD         2
#define LINUX_F_GETFL         3
#define LINUX_F_SETFL         4
#define LINUX_F_DUPFD_CLOEXEC 1030
#define LINUX_FD_CLOEXEC      1
#define LINUX_AT_FDCWD        (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_REMOVEDIR    0x200
#define LINUX_AT_EMPTY_PATH   0x1000

/* asm/stat.h, x86-64: 144 bytes. */
#define LINUX_S_IFIFO 0010000
#define LINUX_S_IFCHR 0020000
#define LINUX_S_IFDIR 0040000
#define LINUX_S_IFREG 0100000
typedef struct {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    uint64_t st_atime, st_atime_nsec;
    uint64_t st_mtime, st_mtime_nsec;
    uint64_t st_ctime, st_ctime_nsec;
    int64_t reserved[3];
} linux_stat_t;
_Static_assert(sizeof(linux_stat_t) == 144, "Linux x86-64 struct stat is 144 bytes");

/* getdents64 records: ino, off, reclen, type, name + NUL, padded to 8. */
#define LINUX_DT_FIFO 1
#define LINUX_DT_CHR  2
#define LINUX_DT_DIR  4
#define LINUX_DT_REG  8
typedef struct {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
} __attribute__((packed)) linux_dirent64_t;

typedef struct {
    int64_t tv_sec;
    int64_t tv_nsec;
} linux_timespec_t;

typedef struct {
    int64_t tv_sec;
    int64_t tv_usec;
} linux_timeval_t;

typedef struct {
    uint64_t base;
    uint64_t len;
} linux_iovec_t;

#define LINUX_UTS_LEN 65
typedef struct {
    char sysname[LINUX_UTS_LEN], nodename[LINUX_UTS_LEN], release[LINUX_UTS_LEN];
    char version[LINUX_UTS_LEN], machine[LINUX_UTS_LEN], domainname[LINUX_UTS_LEN];
} linux_utsname_t;

typedef struct {
    uint64_t cur, max;
} linux_rlimit_t;
#define LINUX_RLIM_INFINITY (~0ULL)
#define LINUX_RLIMIT_STACK  3
#define LINUX_RLIMIT_NOFILE 7
#define LINUX_RLIMIT_NLIMITS 16

/* Clocks. */
#define LINUX_CLOCK_REALTIME           0
#define LINUX_CLOCK_MONOTONIC          1
#define LINUX_CLOCK_PROCESS_CPUTIME_ID 2
#define LINUX_CLOCK_THREAD_CPUTIME_ID  3
#define LINUX_CLOCK_MONOTONIC_RAW      4
#define LINUX_CLOCK_REALTIME_COARSE    5
#define LINUX_CLOCK_MONOTONIC_COARSE   6
#define LINUX_CLOCK_BOOTTIME           7
#define LINUX_TIMER_ABSTIME            1

/* ioctl on a terminal (asm-generic/ioctls.h, termbits.h). */
#define LINUX_TCGETS     0x5401
#define LINUX_TCSETS     0x5402
#define LINUX_TIOCGWINSZ 0x5413
#define LINUX_FIONBIO    0x5421
typedef struct {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
} linux_termios_t; /* the kernel's 36 bytes */
typedef struct {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
} linux_winsize_t;

/* prctl, arch_prctl */
#define LINUX_PR_SET_NAME   15
#define LINUX_PR_GET_NAME   16
#define LINUX_ARCH_SET_GS   0x1001
#define LINUX_ARCH_SET_FS   0x1002
#define LINUX_ARCH_GET_FS   0x1003
#define LINUX_ARCH_GET_GS   0x1004

/* Signals (recorded only). */
#define LINUX_NSIG      64
#define LINUX_SIGKILL   9
#define LINUX_SIGSTOP   19
#define LINUX_SIG_BLOCK   0
#define LINUX_SIG_UNBLOCK 1
#define LINUX_SIG_SETMASK 2
typedef struct {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
} linux_sigaction_t;

/* waitid */
#define LINUX_P_ALL 0
#define LINUX_P_PID 1
#define LINUX_CLD_EXITED 1
#define LINUX_CLD_KILLED 2

#endif
