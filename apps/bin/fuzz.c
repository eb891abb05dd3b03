/*
 * fuzz.c - /bin/fuzz: throws hostile and random arguments at every system call.
 *
 *   fuzz [-s SEED] [-n COUNT] [-p PROCS] [-t THREADS] [-L] [-x MASK]
 *
 * -L compares free pages and kernel heap before and after the run (leak check), after
 * putting the file tree back as it was (see tree_snapshot; bind is left out then); -x MASK
 * leaves out the calls whose bit is set in the random phase (to bisect a finding).
 *
 * Phase 1 (boundary): every call, every argument in turn set to each boundary value (0, -1,
 * 2^63, kernel addresses, read-only and unmapped pages, pointers straddling the user/kernel
 * border, huge lengths, bad descriptors) while the others stay benign. Every failure must
 * come back as ERR with an error code the call documents in the spec (or EFAULT/ENOSYS);
 * anything else is reported as a FAIL line. Calls that can end or maim the caller (exits,
 * munmap/mprotect/mmap, kill) run in a child process.
 * Phase 2 (random): PROCS child processes, each with THREADS threads when THREAD_CREATE works,
 * make COUNT random calls between them with random and semi-valid arguments drawn from the
 * spec's argument kinds. Children get no descriptors (nothing they do reaches the console),
 * never kill anything but themselves, and are killed if they outlive a deadline.
 * Phase 1b (drills): classes of bugs found by hand, replayed in a child with seeded variations
 * (see run_drills): private and shared mappings of a file of every file system, touched by the
 * program and by the kernel; futex waiters whose page is unmapped under them (private, shared
 * and file pages) while fresh pages are woken; sparse writes at random offsets up to 2^40
 * (each must cost a few pages, never the kernel heap), then truncation and removal.
 * Everything is derived from SEED, printed first, so a run can be repeated.
 * The kernel must neither panic nor hang; the runner also compares free memory before/after.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spindle.h>
#include <spindle/abi.h>
#include <spindle/errno.h>
#include <spindle/syscall_meta.h>
#include <spindle/syscall_nums.h>
#include <spindle/syscall_stubs.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/mman.h>

#define USER_END      0x0000800000000000ULL
#define KERNEL_TEXT   0xFFFFFFFF80000000ULL
#define DIRECT_MAP    0xFFFF800000000000ULL
#define PAGE          4096ULL
#define MAX_THREADS   8
#define CHILD_DEADLINE_NS (60ULL * 1000000000ULL)

typedef struct {
    uint64_t state;
} rng_t;

static uint64_t rng_next(rng_t *r)
{
    uint64_t x = r->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t rng_below(rng_t *r, uint64_t n) { return n ? rng_next(r) % n : 0; }

static uint64_t raw_syscall(uint64_t n, const uint64_t a[6])
{
    register uint64_t r10 __asm__("r10") = a[3];
    register uint64_t r8 __asm__("r8") = a[4];
    register uint64_t r9 __asm__("r9") = a[5];
    uint64_t ret, a0 = a[0], a1 = a[1], a2 = a[2];
    __asm__ volatile("syscall"
                     : "=a"(ret), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
                     : "a"(n)
                     : "rcx", "r11", "memory");
    return ret;
}

/* Memory the arguments point into: a writable scratch area and a read-only page. The scratch
 * area is its own mapping (with unmapped guard gaps around it), so a call that writes past a
 * buffer the fuzzer pointed into it faults or gets EFAULT instead of silently corrupting the
 * fuzzer's own data; the static area is the fallback when mmap is refused. */
#define SCRATCH_SIZE (4 * PAGE)
static uint8_t scratch_static[SCRATCH_SIZE] __attribute__((aligned(4096)));
static uint8_t *scratch = scratch_static;

static void scratch_init(void)
{
    void *p = mmap(NULL, SCRATCH_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p && p != (void *)-1)
        scratch = p;
}
static const uint8_t rodata_page[PAGE] __attribute__((aligned(4096))) = "read-only page";

/* Strings a path argument may get: plausible, missing, empty, huge. The pool's files to
 * create or truncate live in FUZZ_DIR; other pool paths are directories, devices or names
 * that cannot be opened for writing (junk names read back into the scratch area can still
 * land anywhere: the leak check restores the whole tree). Never a path that reaches the
 * console or starts a test program (their output would confuse the runner). */
#define FUZZ_DIR "/tmp/fuzz"
static const char *const string_pool[] = {
    FUZZ_DIR "/f", FUZZ_DIR "/new", FUZZ_DIR, "", "/", "/bin", "/nonexistent/x", "..",
    "/../../..", "a/b/c/d/e/f/g", "/dev/null", "/proc/self", "/proc/self/status",
};
/* Programs a random spawn may start (quietly: the children have no descriptors). */
static const char *const program_pool[] = { "/bin/hello", "/t/bad-magic.elf", "/nonexistent" };
static char long_string[5000];

static uint64_t boundary_values[] = {
    0, 1, (uint64_t)-1, 1ULL << 63, 0x7FFFFFFF, 0xFFFFFFFF, KERNEL_TEXT, DIRECT_MAP,
    USER_END - 1, USER_END - 8, USER_END, 0x00007FFFFFFFF000ULL, 1ULL << 62, PAGE, 1000,
    0 /* rodata_page, set at start */, 0 /* straddles the end of scratch, set at start */,
};
#define BOUNDARY_COUNT (sizeof boundary_values / sizeof boundary_values[0])

static void boundary_values_init(void)
{
    scratch_init();
    boundary_values[BOUNDARY_COUNT - 2] = (uint64_t)rodata_page;
    boundary_values[BOUNDARY_COUNT - 1] = (uint64_t)scratch + SCRATCH_SIZE - 3;
    memset(long_string, 'x', sizeof long_string - 1);
}

/* Calls that may end or damage the calling process: only ever made in a child. */
static int call_is_self_harming(uint64_t nr)
{
    return nr == SYS_PROCESS_EXIT || nr == SYS_THREAD_EXIT || nr == SYS_MUNMAP ||
           nr == SYS_MPROTECT || nr == SYS_MMAP || nr == SYS_KILL ||
           nr == SYS_THREAD_CREATE || /* a thread started at a junk entry faults: the process ends */
           nr == SYS_SET_FS_BASE ||    /* junk TLS: the next errno access faults */
           nr == SYS_THREAD_EXIT_WORD || /* a junk word is cleared when the thread ends */
           nr == SYS_TRACE;           /* tracing itself would flood the console */
}

/* Calls that may block for as long as an argument says: bounded by the child deadline. */
static int call_may_block(uint64_t nr)
{
    return nr == SYS_NANOSLEEP || nr == SYS_FUTEX || nr == SYS_POLL || nr == SYS_READ ||
           nr == SYS_WAIT;
}

/* ------------------------------------------------------------------ argument generation */

static uint64_t gen_number(rng_t *r)
{
    switch (rng_below(r, 6)) {
    case 0: return boundary_values[rng_below(r, BOUNDARY_COUNT)];
    case 1: return rng_below(r, 17);
    case 2: return rng_below(r, 64) * PAGE;
    case 3: return rng_next(r);
    case 4: return (uint64_t)-(int64_t)rng_below(r, 5);
    default: return rng_below(r, 1u << 16);
    }
}

static uint64_t gen_pointer(rng_t *r)
{
    switch (rng_below(r, 8)) {
    case 0: return 0;
    case 1: return KERNEL_TEXT + rng_below(r, 1u << 20);
    case 2: return (uint64_t)rodata_page + rng_below(r, PAGE);
    case 3: return USER_END - rng_below(r, 64);
    case 4: return rng_next(r);
    default: return (uint64_t)scratch + rng_below(r, SCRATCH_SIZE);
    }
}

static uint64_t gen_string(rng_t *r)
{
    switch (rng_below(r, 6)) {
    case 0: return gen_pointer(r);
    case 1: return (uint64_t)long_string;
    case 2: /* unterminated: the scratch area's last bytes, filled with non-NUL */
        memset(scratch + SCRATCH_SIZE - 16, 'z', 16);
        return (uint64_t)scratch + SCRATCH_SIZE - 16;
    default: return (uint64_t)string_pool[rng_below(r, sizeof string_pool / sizeof string_pool[0])];
    }
}

static uint64_t gen_string_vector(rng_t *r, uint64_t *storage)
{
    if (rng_below(r, 4) == 0)
        return gen_pointer(r);
    unsigned n = (unsigned)rng_below(r, 4);
    for (unsigned i = 0; i < n; i++)
        storage[i] = i == 0 && rng_below(r, 2)
                         ? (uint64_t)program_pool[rng_below(r, sizeof program_pool / sizeof program_pool[0])]
                         : gen_string(r);
    storage[n] = rng_below(r, 8) ? 0 : gen_pointer(r); /* sometimes no terminator */
    return (uint64_t)storage;
}

static uint64_t gen_flags(rng_t *r, const syscall_flag_name_t *names)
{
    uint64_t v = 0;
    if (names && rng_below(r, 4)) {
        unsigned count = 0;
        while (names[count].name)
            count++;
        for (unsigned i = 0; i < count; i++)
            if (rng_below(r, 3) == 0)
                v = (v & ~names[i].mask) | names[i].value;
    } else {
        v = gen_number(r);
    }
    return v;
}

static uint64_t gen_arg(rng_t *r, const syscall_arg_meta_t *a, uint64_t *strv_storage)
{
    switch (a->kind) {
    case SYSCALL_ARG_FD: return rng_below(r, 4) ? rng_below(r, 24) : gen_number(r);
    case SYSCALL_ARG_PID:
    case SYSCALL_ARG_TID: return rng_below(r, 2) ? rng_below(r, 64) : gen_number(r);
    case SYSCALL_ARG_NS: return rng_below(r, 8) ? rng_below(r, 1000000) : gen_number(r);
    case SYSCALL_ARG_FLAGS: return gen_flags(r, a->flags);
    case SYSCALL_ARG_USTR: return gen_string(r);
    case SYSCALL_ARG_USTRV: return gen_string_vector(r, strv_storage);
    case SYSCALL_ARG_UBUF_IN:
    case SYSCALL_ARG_UBUF_OUT:
    case SYSCALL_ARG_UBUF_IO:
    case SYSCALL_ARG_UPTR:
    case SYSCALL_ARG_UPTR_IN:
    case SYSCALL_ARG_UPTR_OUT: return gen_pointer(r);
    case SYSCALL_ARG_SIZE: return rng_below(r, 3) ? rng_below(r, 2 * PAGE) : gen_number(r);
    default: return gen_number(r);
    }
}

/* Keeps a random call from hurting anyone else and from blocking for good: kill only targets
 * pids that cannot exist (ending itself is left to the boundary phase's child), waits do not
 * block, and sleeps and timeouts stay short (a thread blocked for ever stops its share of the
 * calls; the child would only be killed at its deadline). */
#define CONTAINED_TIMEOUT_NS 1000000ULL
static void args_make_contained(uint64_t nr, uint64_t a[6], rng_t *r)
{
    if (nr == SYS_KILL)
        a[0] = (1ULL << 40) + rng_below(r, 100);
    if (nr == SYS_WAIT)
        a[2] |= WNOHANG;
    if (nr == SYS_NANOSLEEP)
        a[0] %= CONTAINED_TIMEOUT_NS;
    if (nr == SYS_POLL)
        a[2] %= CONTAINED_TIMEOUT_NS;
    if (nr == SYS_FUTEX)
        a[3] = 1 + a[3] % CONTAINED_TIMEOUT_NS;
}

/* New descriptors become non-blocking, so a read of an empty pipe this child owns both ends
 * of answers EAGAIN instead of waiting for ever. */
static void result_make_contained(uint64_t nr, const uint64_t a[6], uint64_t ret)
{
    uint32_t on = 1;
    if (ret == ERR)
        return;
    if (nr == SYS_OPEN2) {
        const fd_pair_t *pair = (const fd_pair_t *)a[1];
        if ((uint64_t)pair >= (uint64_t)scratch && (uint64_t)pair + sizeof *pair <= (uint64_t)scratch + SCRATCH_SIZE) {
            sys_ioctl((uint64_t)pair->fd[0], IOCTL_NONBLOCK, &on, sizeof on);
            sys_ioctl((uint64_t)pair->fd[1], IOCTL_NONBLOCK, &on, sizeof on);
        }
    } else if (nr == SYS_OPEN || nr == SYS_OPENAT || nr == SYS_DUP || nr == SYS_DUP2 ||
               nr == SYS_CLAIM) {
        sys_ioctl(ret, IOCTL_NONBLOCK, &on, sizeof on);
    }
}

/* ------------------------------------------------------------------ checking results */

static int violations;

static int errno_documented(const syscall_meta_t *m, uint64_t code)
{
    if (code == EFAULT || code == ENOSYS || code == EINVAL)
        return 1;
    for (unsigned i = 0; i < m->error_count; i++)
        if (m->errors[i] == code)
            return 1;
    return 0;
}

/* A failed call must say so the documented way; reports each distinct problem once. */
static void check_result(uint64_t nr, uint64_t ret)
{
    static uint8_t reported[SYS_COUNT];
    const syscall_meta_t *m = syscall_meta_get(nr);
    int failed = m->ret == SYSCALL_RET_UPTR ? ret == 0 : ret == ERR;
    if (!failed || m->ret == SYSCALL_RET_ERRNO || m->ret == SYSCALL_RET_VOID)
        return;
    uint64_t code = sys_errno();
    if (errno_documented(m, code) || reported[nr])
        return;
    reported[nr] = 1;
    violations++;
    printf("FAIL fuzz.errno-documented.%s: error %s (%llu) is not in the spec\n", m->name,
           spindle_errno_name((int)code), (unsigned long long)code);
}

/* ------------------------------------------------------------------ phase 1: boundaries */

static uint64_t benign_arg(const syscall_arg_meta_t *a)
{
    switch (a->kind) {
    case SYSCALL_ARG_FD: return (uint64_t)-1;
    case SYSCALL_ARG_USTR: return (uint64_t)"/nonexistent";
    case SYSCALL_ARG_NS: return 1000;
    case SYSCALL_ARG_UBUF_IN:
    case SYSCALL_ARG_UBUF_OUT:
    case SYSCALL_ARG_UBUF_IO:
    case SYSCALL_ARG_UPTR_IN:
    case SYSCALL_ARG_UPTR_OUT: return (uint64_t)scratch;
    case SYSCALL_ARG_SIZE: return 16;
    default: return 0;
    }
}

/* Runs the boundary sweep over calls for which wanted(nr) holds; returns calls made. */
static uint64_t boundary_sweep(int (*wanted)(uint64_t nr))
{
    uint64_t calls = 0;
    for (uint64_t nr = 0; nr < SYS_COUNT; nr++) {
        const syscall_meta_t *m = syscall_meta_get(nr);
        if (!wanted(nr) || nr == SYS_PROCESS_EXIT || nr == SYS_THREAD_EXIT)
            continue;
        for (unsigned i = 0; i < m->argc; i++) {
            for (unsigned v = 0; v < BOUNDARY_COUNT; v++) {
                uint64_t a[6] = { 0 };
                for (unsigned j = 0; j < m->argc; j++)
                    a[j] = benign_arg(&m->args[j]);
                a[i] = boundary_values[v];
                if (nr == SYS_KILL && i == 0 && a[0] < (1ULL << 32))
                    continue; /* never a real pid */
                if (call_may_block(nr) && m->args[i].kind == SYSCALL_ARG_NS)
                    continue; /* -1 ns is CLOCK_NEVER: it would wait forever by design */
                if (m->args[i].kind == SYSCALL_ARG_FD && a[i] < 3)
                    continue; /* the console: junk written there would confuse the runner */
                check_result(nr, raw_syscall(nr, a));
                calls++;
            }
        }
    }
    return calls;
}

static int wanted_safe(uint64_t nr) { return !call_is_self_harming(nr); }
static int wanted_harming(uint64_t nr) { return call_is_self_harming(nr); }

/* ------------------------------------------------------------------ phase 2: random calls */

typedef struct {
    rng_t rng;
    uint64_t count;
    volatile uint64_t done;
} worker_t;

static worker_t workers[MAX_THREADS];
static uint64_t excluded_calls; /* -x: bit nr set = never call nr in the random phase */
static uint8_t thread_stacks[MAX_THREADS][16 * 1024] __attribute__((aligned(16)));

static void worker_run(worker_t *w)
{
    uint64_t strv[8];
    for (uint64_t i = 0; i < w->count; i++) {
        uint64_t nr = rng_below(&w->rng, SYS_COUNT + 2); /* a few past the end: ENOSYS */
        if (nr == SYS_PROCESS_EXIT || nr == SYS_THREAD_EXIT || (nr < 64 && (excluded_calls >> nr) & 1))
            continue;
        uint64_t a[6] = { 0 };
        const syscall_meta_t *m = syscall_meta_get(nr);
        for (unsigned j = 0; m && j < m->argc; j++)
            a[j] = gen_arg(&w->rng, &m->args[j], strv);
        if (nr == SYS_TRACE || (call_is_self_harming(nr) && rng_below(&w->rng, 50000)))
            continue; /* rarely (a few per child): these mostly just end the child early */
        args_make_contained(nr, a, &w->rng);
        result_make_contained(nr, a, raw_syscall(nr, a));
        w->done++;
    }
}

static void worker_thread_entry(void *arg)
{
    worker_run(arg);
    sys_thread_exit();
}

/* A child of the random phase: its share of the calls, split over threads when it can. */
static int child_main(uint64_t seed, uint64_t count, unsigned threads)
{
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if (threads == 0)
        threads = 1;
    for (unsigned t = 0; t < threads; t++) {
        workers[t].rng.state = seed * 0x9E3779B97F4A7C15ULL + t + 1;
        workers[t].count = count / threads;
    }
    unsigned started = 1;
    for (unsigned t = 1; t < threads; t++) {
        uint64_t top = (uint64_t)thread_stacks[t] + sizeof thread_stacks[t];
        uint64_t a[6] = { (uint64_t)worker_thread_entry, (uint64_t)&workers[t], top, 0, 0, 0 };
        if (raw_syscall(SYS_THREAD_CREATE, a) == ERR) {
            workers[0].count += workers[t].count;
            continue;
        }
        started++;
    }
    worker_run(&workers[0]);
    (void)started;
    return 0;
}

/* Runs argv as a child with no descriptors; returns its pid or 0. */
static uint64_t spawn_quiet(const char *const argv[])
{
    spawn_fd_t none[] = { { .child = SPAWN_FD_END } };
    uint64_t pid = sys_spawn(argv, none, NULL, SPAWN_EMPTY_FDS);
    return pid == ERR ? 0 : pid;
}

/* Waits for pid until the deadline, then kills it. Returns its status word. */
static int32_t wait_or_kill(uint64_t pid, uint64_t deadline)
{
    int32_t status = -1;
    while (sys_uptime() < deadline) {
        uint64_t r = sys_wait(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r == ERR)
            return -1;
        if (sys_nanosleep(2000000) == ERR)
            sys_yield(); /* no sleep yet: at least let the child run */
    }
    printf("fuzz: child %llu outlived its deadline, killing it\n", (unsigned long long)pid);
    sys_kill(pid, KILL_TERM);
    sys_wait(pid, &status, 0);
    return status;
}

/* ------------------------------------------------------------------ phase 1b: drills */

/* A file of every file system, plus a pipe: what each lets map is its own decision (tmpfs
 * files map privately, the framebuffer shared, everything else is ENODEV), but no mapping
 * may ever hurt the kernel, whoever touches it first. */
static const char *const drill_map_paths[] = {
    FUZZ_DIR "/map", "/bin/hello", "/proc/self/status", "/proc/self/name", "/proc/system",
    "/proc/1/memory", "/dev/zero", "/dev/null", "/dev/fb0", "/dev/pipe/new", "/", "/proc",
};

static void drill_touch(volatile uint8_t *m, uint64_t len, rng_t *r)
{
    for (uint64_t off = 0; off < len; off += PAGE)
        (void)m[off]; /* the program touches it */
    uint64_t z = sys_open("/dev/zero", O_RDONLY);
    if (z != ERR) {
        /* the kernel touches it: a read into the mapping faults the pages from inside */
        uint64_t at = rng_below(r, len);
        sys_read(z, (void *)(m + at), len - at);
        sys_close(z);
    }
}

static void drill_file_mappings(rng_t *r)
{
    int fd = open(FUZZ_DIR "/map", O_CREAT | O_RDWR);
    if (fd >= 0) {
        write(fd, "fuzz", 4);
        close(fd);
    }
    for (unsigned i = 0; i < sizeof drill_map_paths / sizeof drill_map_paths[0]; i++) {
        for (unsigned k = 0; k < 4; k++) {
            uint64_t f = sys_open(drill_map_paths[i], k & 1 ? O_RDWR : O_RDONLY);
            if (f == ERR)
                continue;
            uint64_t len = (1 + rng_below(r, 3)) * PAGE;
            int flags = (k & 2 ? MAP_SHARED : MAP_PRIVATE);
            uint64_t off = rng_below(r, 4) ? 0 : rng_below(r, 3) * PAGE;
            void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, (int)f, (off_t)off);
            if (m != MAP_FAILED) {
                drill_touch(m, len, r);
                munmap(m, len);
            } else {
                check_result(SYS_MMAP, 0);
            }
            sys_close(f);
        }
    }
    unlink(FUZZ_DIR "/map");
}

/* Futex waiters whose page goes away under them: threads wait (short timeouts) on a word
 * of a private, shared or file page; the page is unmapped, fresh pages are mapped, touched
 * and woken. Nothing may hang, panic or be woken that did not wait there. */
static volatile uint64_t *drill_futex_word;
static volatile int drill_futex_done;

static void drill_futex_waiter(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++)
        sys_futex((void *)drill_futex_word, FUTEX_WAIT, 0, 2000000);
    __atomic_fetch_add(&drill_futex_done, 1, __ATOMIC_RELEASE);
    sys_thread_exit();
}

static void *drill_map_page(unsigned kind)
{
    int flags = kind == 1 ? MAP_SHARED | MAP_ANONYMOUS : MAP_PRIVATE | MAP_ANONYMOUS;
    int fd = -1;
    if (kind == 2) {
        fd = open(FUZZ_DIR "/futex", O_CREAT | O_RDWR);
        flags = MAP_PRIVATE;
    }
    void *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (fd >= 0)
        close(fd);
    return m == MAP_FAILED ? NULL : m;
}

static void drill_futex_unmap(rng_t *r)
{
    for (unsigned round = 0; round < 6; round++) {
        unsigned kind = (unsigned)rng_below(r, 3);
        uint8_t *page = drill_map_page(kind);
        if (!page)
            continue;
        drill_futex_word = (volatile uint64_t *)(page + 8 * rng_below(r, PAGE / 8));
        *drill_futex_word = 0;
        drill_futex_done = 0;
        int started = 0;
        for (int t = 1; t <= 2; t++) {
            uint64_t top = (uint64_t)thread_stacks[t] + sizeof thread_stacks[t];
            uint64_t a[6] = { (uint64_t)drill_futex_waiter, 0, top, 0, 0, 0 };
            started += raw_syscall(SYS_THREAD_CREATE, a) != ERR;
        }
        sys_nanosleep(rng_below(r, 3000000));
        munmap(page, PAGE);
        for (int i = 0; i < 8; i++) {
            uint8_t *fresh = drill_map_page((unsigned)rng_below(r, 3));
            if (!fresh)
                continue;
            fresh[(uint64_t)drill_futex_word & (PAGE - 1)] = 0;
            sys_futex(fresh + ((uint64_t)drill_futex_word & (PAGE - 4)), FUTEX_WAKE, 4, 0);
            munmap(fresh, PAGE);
        }
        while (__atomic_load_n(&drill_futex_done, __ATOMIC_ACQUIRE) < started)
            sys_nanosleep(1000000);
    }
    unlink(FUZZ_DIR "/futex");
}

/* Sparse writes: one byte at random offsets up to 2^40 in a few files, truncations to random
 * sizes, then removal. The page index is charged to tmpfs, so the heap must not move by
 * more than slack, and removal must always work. */
static void drill_sparse_writes(rng_t *r)
{
    meminfo_t before, after;
    int have = sys_meminfo(&before) == 0;
    char path[48];
    for (unsigned i = 0; i < 24; i++) {
        snprintf(path, sizeof path, FUZZ_DIR "/sparse%u", (unsigned)rng_below(r, 4));
        int fd = open(path, O_CREAT | O_RDWR | (rng_below(r, 6) ? 0 : O_TRUNC));
        if (fd < 0)
            continue;
        uint64_t off = rng_below(r, 2) ? rng_next(r) % (1ULL << 40) : rng_below(r, 1ULL << 24);
        if (lseek(fd, (off_t)off, SEEK_SET) == (off_t)off)
            write(fd, "s", 1);
        close(fd);
    }
    if (have && sys_meminfo(&after) == 0 && after.heap_bytes > before.heap_bytes + 64 * 1024)
        violations++; /* the index came from the kernel heap again */
    for (unsigned i = 0; i < 4; i++) {
        snprintf(path, sizeof path, FUZZ_DIR "/sparse%u", i);
        if (unlink(path) != 0 && errno != ENOENT)
            violations++; /* removal must always work */
    }
}

/* The drills child: every class in turn, variations drawn from seed. */
static int drills_main(uint64_t seed)
{
    rng_t r = { seed * 0x9E3779B97F4A7C15ULL + 7 };
    drill_file_mappings(&r);
    drill_futex_unmap(&r);
    drill_sparse_writes(&r);
    return violations ? 1 : 0;
}

static void run_drills(uint64_t seed)
{
    char seed_s[24];
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    const char *argv[] = { "/bin/fuzz", "-drills", "-s", seed_s, NULL };
    uint64_t pid = spawn_quiet(argv);
    int32_t status = pid ? wait_or_kill(pid, sys_uptime() + CHILD_DEADLINE_NS) : -1;
    int ok = status == 0;
    printf("%s fuzz.drills: file mappings of every file system, futex then unmap, sparse writes (status 0x%x)\n",
           ok ? "ok" : "FAIL", (unsigned)status);
    if (!ok)
        violations++;
}

/* ------------------------------------------------------------------ main */

static uint64_t arg_number(int argc, char **argv, const char *flag, uint64_t fallback)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return strtoull(argv[i + 1], NULL, 0);
    return fallback;
}

static int has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------ leak check */

/* Slack for what the kernel keeps cached on purpose (one empty slab per heap size class). */
#define LEAK_SLACK_PAGES 64
#define LEAK_SLACK_HEAP  (16 * 1024)

/* What the namespace held before the run. Random calls reach far beyond FUZZ_DIR: a junk
 * string read back into the scratch area is a relative name, and the working directory may be
 * "/" or /bin by then, so new files (sparse ones too, with a large page index) turn up
 * anywhere in the tmpfs tree, and existing files may grow. The leak check puts the tree back
 * instead of trusting one directory: every entry whose (path, inode) pair is not in this
 * snapshot is removed (directories recursively), and files that grew are cut back. */
typedef struct {
    uint64_t ino;
    uint64_t size;
    char *path;
} tree_entry_t;

#define TREE_MAX_ENTRIES 4096
#define TREE_MAX_DEPTH   16
static tree_entry_t *tree;
static unsigned tree_count;

/* /dev and /proc are other file systems whose nodes the run cannot add to. */
static int tree_skipped(const char *path)
{
    return strcmp(path, "/dev") == 0 || strcmp(path, "/proc") == 0;
}

static int tree_child_path(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", strcmp(dir, "/") ? dir : "", name);
    return n > 0 && (size_t)n < size;
}

static void tree_snapshot_dir(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1024];
    while (d && (e = readdir(d)) != NULL && tree_count < TREE_MAX_ENTRIES) {
        struct stat st;
        if (!tree_child_path(path, sizeof path, dir, e->d_name) || tree_skipped(path) ||
            stat(path, &st) != 0)
            continue;
        char *copy = malloc(strlen(path) + 1);
        if (!copy)
            break;
        strcpy(copy, path);
        tree[tree_count++] = (tree_entry_t){ st.st_ino, (uint64_t)st.st_size, copy };
        if (e->d_type == DT_DIR && depth < TREE_MAX_DEPTH)
            tree_snapshot_dir(path, depth + 1);
    }
    if (d)
        closedir(d);
}

static void tree_snapshot(void)
{
    tree = malloc(TREE_MAX_ENTRIES * sizeof *tree);
    if (tree)
        tree_snapshot_dir("/", 0);
}

static const tree_entry_t *tree_find(const char *path, uint64_t ino)
{
    for (unsigned i = 0; i < tree_count; i++)
        if (tree[i].ino == ino && strcmp(tree[i].path, path) == 0)
            return &tree[i];
    return NULL;
}

/* Removes path and, for a directory, everything below it first. */
static void tree_remove(const char *path, int depth)
{
    DIR *d = depth < TREE_MAX_DEPTH ? opendir(path) : NULL;
    struct dirent *e;
    char child[1024];
    while (d && (e = readdir(d)) != NULL)
        if (tree_child_path(child, sizeof child, path, e->d_name))
            tree_remove(child, depth + 1);
    if (d)
        closedir(d);
    if (unlink(path) != 0)
        rmdir(path);
}

/* Cuts a file back to its old size: no truncate call, so keep the head, empty it, rewrite. */
static void tree_shrink(const char *path, uint64_t size)
{
    uint8_t *keep = malloc(size ? size : 1);
    int fd = keep ? open(path, O_RDONLY) : -1;
    int64_t got = fd >= 0 ? read(fd, keep, size) : -1;
    if (fd >= 0)
        close(fd);
    if (got == (int64_t)size && (fd = open(path, O_WRONLY | O_TRUNC)) >= 0) {
        if (write(fd, keep, size) != (int64_t)size)
            printf("fuzz: could not restore %s\n", path);
        close(fd);
    }
    free(keep);
}

static unsigned tree_restore_dir(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1024];
    unsigned removed = 0;
    while (d && (e = readdir(d)) != NULL) {
        struct stat st;
        if (!tree_child_path(path, sizeof path, dir, e->d_name) || tree_skipped(path))
            continue;
        const tree_entry_t *old = tree_find(path, e->d_ino);
        if (!old) {
            tree_remove(path, depth + 1);
            removed++;
        } else if (e->d_type == DT_DIR && depth < TREE_MAX_DEPTH) {
            removed += tree_restore_dir(path, depth + 1);
        } else if (e->d_type == DT_REG && stat(path, &st) == 0 && (uint64_t)st.st_size > old->size) {
            tree_shrink(path, old->size);
        }
    }
    if (d)
        closedir(d);
    return removed;
}

static int meminfo_read(meminfo_t *m)
{
    return sys_meminfo(m) == 0;
}

/* Everything the run took must have come back (within the documented slack). */
static void leak_check(const meminfo_t *before)
{
    meminfo_t after;
    unsigned removed = tree_restore_dir("/", 0);
    printf("fuzz: removed %u entries the run left in the tree\n", removed);
    if (!meminfo_read(&after)) {
        printf("FAIL fuzz.no-leak: meminfo failed\n");
        violations++;
        return;
    }
    int64_t pages = (int64_t)before->free_pages - (int64_t)after.free_pages;
    int64_t heap = (int64_t)after.heap_bytes - (int64_t)before->heap_bytes;
    int ok = pages <= LEAK_SLACK_PAGES && heap <= LEAK_SLACK_HEAP;
    printf("%s fuzz.no-leak: free pages %llu -> %llu, kernel heap %llu -> %llu bytes\n",
           ok ? "ok" : "FAIL", (unsigned long long)before->free_pages,
           (unsigned long long)after.free_pages, (unsigned long long)before->heap_bytes,
           (unsigned long long)after.heap_bytes);
    if (!ok)
        violations++;
}

static void run_boundary_phase(void)
{
    uint64_t calls = boundary_sweep(wanted_safe);
    const char *argv[] = { "/bin/fuzz", "-harm", NULL };
    uint64_t pid = spawn_quiet(argv);
    int32_t status = pid ? wait_or_kill(pid, sys_uptime() + CHILD_DEADLINE_NS) : -1;
    printf("%s fuzz.boundary-phase: %llu calls here, self-harming calls in a child (status 0x%x)\n",
           pid ? "ok" : "FAIL", (unsigned long long)calls, (unsigned)status);
    if (!pid)
        violations++;
}

static void run_random_phase(uint64_t seed, uint64_t count, unsigned procs, unsigned threads)
{
    char seed_s[24], count_s[24], threads_s[8];
    uint64_t pids[16];
    if (procs > 16)
        procs = 16;
    uint64_t deadline = sys_uptime() + CHILD_DEADLINE_NS;
    for (unsigned p = 0; p < procs; p++) {
        snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)(seed + p));
        snprintf(count_s, sizeof count_s, "%llu", (unsigned long long)(count / procs));
        snprintf(threads_s, sizeof threads_s, "%u", threads);
        char excl_s[24];
        snprintf(excl_s, sizeof excl_s, "%llu", (unsigned long long)excluded_calls);
        const char *argv[] = { "/bin/fuzz", "-child", "-s", seed_s, "-n", count_s, "-t",
                               threads_s, "-x", excl_s, NULL };
        pids[p] = spawn_quiet(argv);
    }
    unsigned ok = 0, completed = 0;
    for (unsigned p = 0; p < procs; p++) {
        int32_t status = pids[p] ? wait_or_kill(pids[p], deadline) : -1;
        ok += status >= 0;
        completed += status == 0; /* the others ended themselves early (kill, munmap...) */
    }
    printf("%s fuzz.random-seed-%llu: %llu calls in %u children x %u threads (%u reaped, %u "
           "completed their share)\n",
           ok == procs ? "ok" : "FAIL", (unsigned long long)seed, (unsigned long long)count,
           procs, threads, ok, completed);
    if (ok != procs)
        violations++;
}

int main(int argc, char **argv)
{
    uint64_t seed = arg_number(argc, argv, "-s", 0);
    uint64_t count = arg_number(argc, argv, "-n", 100000);
    unsigned threads = (unsigned)arg_number(argc, argv, "-t", 4);
    unsigned procs = (unsigned)arg_number(argc, argv, "-p", 4);
    excluded_calls = arg_number(argc, argv, "-x", 0);
    boundary_values_init();
    if (has_flag(argc, argv, "-harm")) {
        boundary_sweep(wanted_harming);
        return 0;
    }
    if (has_flag(argc, argv, "-child"))
        return child_main(seed, count, threads);
    if (has_flag(argc, argv, "-drills"))
        return drills_main(seed);
    if (seed == 0)
        seed = sys_uptime() | 1;
    printf("fuzz: seed %llu, %llu random calls, %u processes x %u threads\n",
           (unsigned long long)seed, (unsigned long long)count, procs, threads);
    meminfo_t before;
    int leak_check_on = has_flag(argc, argv, "-L");
    if (leak_check_on) {
        /* A bind hides what lies under its mountpoint and the run does not track where
         * random binds went to unbind them: the leak-checked run leaves bind out. */
        excluded_calls |= 1ULL << SYS_BIND;
        tree_snapshot(); /* before the figures: its own memory is then not counted */
    }
    int have_meminfo = leak_check_on && meminfo_read(&before);
    mkdir(FUZZ_DIR, 0755);
    run_boundary_phase();
    run_drills(seed);
    run_random_phase(seed, count, procs, threads);
    if (have_meminfo)
        leak_check(&before);
    printf("fuzz: done, %d problem(s)\n", violations);
    return violations ? 1 : 0;
}
