/*
 * process.h - processes: an address space, threads (proc/thread.h), a parent, children, a
 * descriptor table and working directory (kernel/fs), and an exit status kept while the process is a zombie.
 *
 * Lifetime: a process is ALIVE until its last thread exits; then its address space is
 * freed at once and it stays a ZOMBIE (only this struct) until its parent's wait() reaps
 * it. Children of an exiting process are orphaned: a zombie orphan is freed at once, a live
 * one frees itself when it exits. Thread stacks are freed by the scheduler after the switch
 * away from the dead thread. pid 0 is the kernel process (kernel_main, idle).
 * An exit, a kill or a fatal fault of any thread sets kill_pending (the first status wins):
 * every other thread is interrupted and leaves at its next safe point.
 *
 * A process killed by a CPU exception in user mode ends with status
 * WAIT_STATUS_KILLED | (PROCESS_FAULT_BASE + vector), e.g. 0x18e for a page fault.
 */
#ifndef SCHED_PROCESS_H
#define SCHED_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <spindle/boot.h>
#include "kernel/fs/procfs.h" /* process_info_t, process_state_t, PROCESS_NAME_MAX */
#include "mm/aspace.h"
#include "sched/sched.h"

#define PROCESS_MAX_FDS    64  /* == FDTABLE_MAX (kernel/fs/fdtable.h) */
#define PROCESS_FAULT_BASE 128

struct fdtable;
struct vnode;

typedef struct process {
    uint64_t pid;
    char name[PROCESS_NAME_MAX];
    process_state_t state;
    aspace_t *aspace;               /* NULL for the kernel process and for zombies */
    thread_t *main_thread;
    thread_t *threads;              /* threads that have not exited (proc/thread.c) */
    uint32_t thread_count;
    uint64_t cpu_ns_ended;          /* CPU time of its threads that have left (thread.c) */
    uint32_t thread_slots;          /* threads counted against the limits (proc/thread.c) */
    struct process *parent;         /* NULL once orphaned */
    struct process *children;       /* first child; siblings linked by next_sibling */
    struct process *next_sibling;
    struct process *next_in_table;
    thread_queue_t child_waiters;   /* threads of this process blocked in wait() */
    uint64_t exit_status;
    bool kill_pending;              /* kill(): exit with kill_status at the next safe point */
    uint64_t kill_status;
    struct fdtable *fdt;            /* descriptors (kernel/fs/fdtable.h); NULL once exited */
    struct vnode *cwd;              /* working directory (a reference); NULL once exited */
    struct trace_proc *trace;       /* tracing settings (kernel/trace); NULL when untraced */
    struct process *vfork_parent;   /* a vfork child still running in this parent's space */
    thread_queue_t vfork_waiters;   /* the vforking thread, until vfork_parent is NULL */
    uint8_t abi;                    /* exec_abi_t: the system-call ABI its program speaks */
    uint64_t brk_start, brk_end;    /* Linux brk(): the heap [start, end) above the image;
                                     * brk_end changes only by compare-and-swap in brk */
    void *sigactions;               /* Linux rt_sigaction records (syscall/linux), NULL until
                                     * the first one; freed with the process or by execve */
    char *exe_path;                 /* the program's absolute path (Linux /proc/self/exe);
                                     * kmalloc'ed, NULL when unknown */
    uint32_t umask;                 /* Linux umask (recorded: files have no modes yet) */
    uint64_t enosys_seen[8];        /* Linux calls < 512 already reported as missing (atomic
                                     * bits: one console line per process and call) */
    uint64_t start_ns;              /* clock_now_ns() when it joined the table (procfs stat) */
} process_t;

/* What a new process starts with (all strings are kernel copies). */
typedef struct {
    const char *path;
    const char *const *argv;        /* argc entries */
    size_t argc;
    const char *const *envp;        /* envc entries (may be NULL when envc is 0) */
    size_t envc;
    struct fdtable *fdt;            /* the child's descriptors: process_spawn takes it over */
    struct vnode *cwd;              /* its working directory (a reference, taken over too);
                                     * relative paths resolve from it; NULL: the root */
    aspace_t *share_from;           /* SPAWN_SHARE_MEMORY: its MAP_SHARED regions go along */
} spawn_request_t;

/* What the system-call layer does as processes start and end (the tracer's lines, the end
 * of a process's share() offers), registered once at boot from above (syscall_init);
 * process_hooks_register ASSERTs every member is set, the calls ASSERT it was done. */
typedef struct {
    /* A child was made and is about to run (argv for the tracer's +++ line). */
    void (*started)(process_t *parent, process_t *child, const char *const *argv,
                    uint64_t argc);
    /* The calling process ends with status (wait() word); its threads are all out. */
    void (*exited)(process_t *p, uint64_t status);
} process_hooks_t;
void process_hooks_register(const process_hooks_t *hooks);

/* The process layer's answers to the layers below it (the scheduler's owner calls, the
 * page-fault handler's address-space lookup, /proc's source): kernel_main registers them
 * once, before process_init (process_register.c). */
void process_register_lower(void);

/* Creates the kernel process and makes the caller its thread; reads the root archive. */
void process_init(const boot_info_t *bi);
process_t *process_kernel(void);
process_t *process_current(void);

/* Starts a child of parent. Returns its pid, or 0 with *err set (ENOENT, ENOEXEC, E2BIG,
 * ENOMEM, EAGAIN: SPINDLE_PROCESS_MAX processes exist already, see spindle/limits.h). */
uint64_t process_spawn(process_t *parent, const spawn_request_t *req, int *err);
/* The absolute form of path as seen from directory dir (kmalloc'ed; NULL on failure). */
char *process_exe_path(struct vnode *dir, const char *path);
/* Linux execve: replaces the calling process's program by req's (path, argv, envp; fdt and
 * cwd unused) in a new address space; the old one is freed (or given back to a vfork
 * parent). Close-on-spawn descriptors are closed. The caller must then start the thread at
 * start->entry / start->stack_pointer. 0, or ENOENT, ENOEXEC, E2BIG, ENOMEM, EBUSY (other
 * threads exist), with the process unchanged. */
struct exec_start;
int process_exec(const spawn_request_t *req, struct exec_start *start);
/* Linux vfork: a child process that runs in the caller's address space, from the caller's
 * registers (RAX 0) on stack sp, with a copy of its descriptors, until it execs or exits;
 * the calling thread sleeps until then. started (may be NULL) is called before the child
 * runs (the tracer's +++ line). Returns the child's pid, or 0 with *err (EAGAIN, ENOMEM). */
uint64_t process_vfork(uint64_t sp, void (*started)(process_t *parent, process_t *child),
                       int *err);
/* Scheduler lock held: p no longer uses its vfork parent's space (exec, exit). */
void process_vfork_release(process_t *p);
/* Waits for child pid (WAIT_ANY: any). Returns its pid and stores its status, 0 when
 * nohang and none has ended, or ERR with *err = ECHILD. */
uint64_t process_wait(process_t *parent, uint64_t pid, bool nohang, uint64_t *status, int *err);
/* Ends the calling process with status (does not return). */
__attribute__((noreturn)) void process_exit_current(uint64_t status);

/* Ends process pid with WAIT_STATUS_KILLED | code: at once when it is the caller, else at
 * its next safe point (before entering or leaving user mode, or when its wait() wakes).
 * 0, ESRCH (no such live process), EPERM (the kernel process) or EINVAL (code > 255). */
int process_kill(uint64_t pid, uint64_t code);
/* Safe point: ends the calling process if a kill() is pending for it. */
void process_check_killed(void);
/* A ring-3 exception (kernel/arch/hooks.h user_fault): reports it and kills the process. */
void process_user_fault(interrupt_frame_t *f);

/* Spawns /bin/init (or kernel_cmdline's init argv), waits for it, returns its status. */
int process_run_init(void);

/* Counts processes in the table (tests). */
size_t process_count(void);
/* Processes counted against SPINDLE_PROCESS_MAX: those in the table and spawns under way. */
size_t process_slots_used(void);

/* A copy of what procfs shows about one process (process_info_t: kernel/fs/procfs.h). */
bool process_info(uint64_t pid, process_info_t *out);
/* CPU time of every thread p has had, ended ones included. Scheduler lock held. */
uint64_t process_cpu_ns(const process_t *p);
/* The smallest pid >= from in the table; false when none. */
bool process_next_pid(uint64_t from, uint64_t *pid);

#endif
