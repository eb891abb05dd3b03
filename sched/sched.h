/*
 * sched.h - the scheduler: threads with guard-paged kernel stacks, per-CPU run queues ordered
 * by weighted virtual run time (sched/runq.c), preemption from the LAPIC timer, sleeping and
 * timeouts (sched/timer.c), and an idle thread per CPU that halts with interrupts on.
 *
 * Finding the current thread never uses GS (user GS stays live in the kernel): every kernel
 * stack is the top of a 256 KiB-aligned slot (mm/vmm.c) and its last 8 bytes hold the
 * owning thread, so sched_current() masks RSP. The boot thread (on the loader's stack) and
 * code on IST stacks fall back to the per-CPU record, found through IA32_TSC_AUX/RDTSCP
 * (or, without RDTSCP, the APIC id looked up in the per-CPU records: smp_cpu_index).
 *
 * Locking: every run queue, timer list, thread state and wait queue is covered by the one
 * scheduler lock (sched_lock: recursive, interrupts off, held across the switch; sched.c).
 * Threads are placed on the least loaded CPU, woken where their cache is warm, pulled by
 * idle CPUs; a CPU that gets work from another is kicked with a reschedule IPI.
 * Preemption: a timer tick or a wake-up sets cpu->need_resched; the switch happens when an
 * interrupt returns to code that had interrupts enabled and preempt_count == 0, or when a
 * system call returns. Interrupts-off sections are therefore never preempted.
 * See docs/design.md, "Scheduler".
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/arch/arch.h"
#include "mm/aspace.h"
#include "syscall/syscall_ctx.h"

#define SCHED_KSTACK_SIZE (16 * 1024)
#define SCHED_MAX_CPUS    ARCH_MAX_CPUS /* every CPU arch can bring up */
#define SCHED_NICE_MIN    (-20)
#define SCHED_NICE_MAX    19
#define SCHED_NICE_0_WEIGHT 1024

struct process;

typedef enum {
    THREAD_READY = 1,
    THREAD_RUNNING,
    THREAD_BLOCKED,
    THREAD_DEAD,
} thread_state_t;

typedef struct thread {
    syscall_ctx_t ctx;        /* reached by the SYSCALL entry through KERNEL_GS_BASE */
    uint64_t saved_rsp;       /* kernel RSP while switched out (switch.S frame) */
    uint64_t kstack_top;      /* 0 for the boot thread (it keeps the loader's stack) */
    uint64_t tid;
    struct process *process;  /* owner; the kernel process for kernel threads */
    thread_state_t state;
    struct thread *next;      /* wait queue link (thread_queue_t) */
    struct thread *proc_next; /* the owner's thread list */
    uint64_t fs_base, gs_base;/* user segment bases, saved while switched out */
    uint64_t error;           /* code of the last failing system call (SYS_ERRNO) */
    char name[16];

    /* Scheduling (sched/runq.c): the run queue is a leftist min-heap on vruntime. */
    uint64_t vruntime;        /* weighted ns of CPU time; the heap key */
    uint64_t exec_start;      /* clock when it last got the CPU (or was last accounted) */
    uint64_t cpu_ns;          /* CPU time used, unweighted */
    uint32_t weight;          /* from nice */
    int nice;
    unsigned cpu;             /* CPU whose run queue it belongs to */
    bool pinned;              /* runs only on pin_cpu (sched_start_on, setaffinity) */
    unsigned pin_cpu;
    int preempt_count;        /* > 0: not preempted (interrupts still taken) */
    bool on_rq;
    uint32_t rq_rank;         /* leftist heap: length of the right spine */
    struct thread *rq_left, *rq_right;

    /* Blocking: who can take it off what it waits on, and why it woke. */
    void (*wait_cancel)(struct thread *t); /* unlinks t (scheduler lock held); NULL: not cancellable */
    void *wait_obj;
    int wait_result;          /* 0, EINTR or ETIMEDOUT */

    /* One timer per thread (sched/timer.c): a sorted list per CPU. */
    uint64_t timer_deadline;
    void (*timer_fn)(struct thread *t);
    struct thread *timer_next, *timer_prev;
    unsigned timer_cpu;       /* whose list it is on */
    bool timer_armed;
    uint32_t lock_depth;      /* scheduler lock depth while switched out (sched_lock) */
    uint64_t last_ran_ns;     /* when it last left a CPU (cache-warm placement) */

    uint64_t ustack_base, ustack_len; /* user stack region the kernel made (thread.c), or 0 */
    uint64_t exit_word;       /* user word cleared + woken when the thread ends (0: none) */
    uint64_t sigmask;         /* Linux rt_sigprocmask: recorded, no delivery yet */
    uint64_t robust_list;     /* Linux set_robust_list head: recorded, not walked yet */

    /* x87/SSE/AVX state of user code (XSAVE or FXSAVE image, 64-byte aligned), swapped on
     * every switch: the kernel itself never touches these registers (-mgeneral-regs-only). */
    uint8_t *fpu;
    void *fpu_alloc;
} thread_t;

typedef struct {
    thread_t *head, *tail;
} thread_queue_t;

typedef struct {
    thread_t *current;
    thread_t *idle;
    thread_t *reap;           /* dead thread whose stack is freed once we are off it */
    unsigned index;
    /* Run queue (sched/runq.c). */
    thread_t *rq_root;
    uint32_t rq_count;
    uint64_t rq_weight;       /* sum of queued weights */
    uint64_t min_vruntime;    /* never decreases; where new and woken threads are placed */
    bool need_resched;
    bool tickless;            /* idle stopped the periodic tick (one-shot to the next timer) */
    bool online;              /* schedules threads (boot CPU, and each AP from sched_ap_entry) */
    uint64_t steals;          /* threads pulled from other CPUs' queues */
    uint64_t switches;
    /* Armed timers, earliest first (sched/timer.c). */
    thread_t *timers;
} sched_cpu_t;

/* What the scheduler needs of the layer that owns threads (proc/): threads carry an opaque
 * struct process, and only these calls look inside it. Registered once by that layer
 * before its first thread (sched_owner_register ASSERTs every member is set); the
 * scheduler ASSERTs that it was before it uses one. */
typedef struct {
    /* The address space p's threads run in; NULL for the kernel and an exited process. */
    aspace_t *(*aspace)(const struct process *p);
    /* p is a user process being killed (exit, kill, fatal fault): its waits end with EINTR. */
    bool (*kill_pending)(const struct process *p);
    /* A user thread joins p (thread_create_user) / a thread that never ran leaves it. */
    void (*thread_attach)(struct process *p, thread_t *t);
    void (*thread_detach)(struct process *p, thread_t *t);
    /* An interrupt returns to ring 3: the running thread stops if its process is killed. */
    void (*check_killed)(void);
} sched_owner_t;
void sched_owner_register(const sched_owner_t *owner);

/* Makes the caller (kernel_main) the boot thread of process kproc and starts an idle thread. */
void sched_init(struct process *kproc);
/* True when idle CPUs stop the periodic tick (the default; `notickless` turns it off). */
bool sched_tickless(void);
/* Per CPU: its sched_cpu_t record, XSAVE and FSGSBASE. */
void sched_init_cpu(unsigned index);

sched_cpu_t *sched_cpu_this(void);
sched_cpu_t *sched_cpu(unsigned index);
thread_t *sched_current(void);
/* True when t belongs to a user process that is being killed: its sleeps and waits end early
 * (EINTR) so it reaches its next safe point. Any context. */
bool sched_kill_pending(const thread_t *t);
/* CPU time t has had, up to now when it is running. Scheduler lock held. */
uint64_t sched_thread_cpu_ns(const thread_t *t);

/* A kernel thread running fn(arg); fn must end in sched_exit_current(). Not started yet. */
thread_t *thread_create_kernel(struct process *p, const char *name, void (*fn)(void *), void *arg);
/* A thread that enters ring 3 at rip with stack rsp (through iretq). Not started yet. */
thread_t *thread_create_user(struct process *p, const char *name, uint64_t rip, uint64_t rsp);
/* Frees a thread that never ran. */
void thread_destroy_unstarted(thread_t *t);
/* The saved user registers of a thread that has not run yet (to pass arguments). */
interrupt_frame_t *thread_user_frame(thread_t *t);

/* Puts a READY/new thread on the run queue of the least loaded CPU. */
void sched_start(thread_t *t);
/* The same, on CPU cpu (online), where it stays for its whole life. */
void sched_start_on(thread_t *t, unsigned cpu);
/* Keeps t on CPU cpu from now on (SCHED_CPU_ANY: anywhere again); EINVAL when cpu is not
 * online. A thread running or queued elsewhere moves at its next scheduling decision
 * (at once: its CPU is kicked). Scheduler lock held or not. */
#define SCHED_CPU_ANY (~0u)
int sched_set_affinity(thread_t *t, unsigned cpu);
void sched_yield(void);
/* The caller set its state to THREAD_BLOCKED under the scheduler lock; runs someone else
 * until sched_wake(). Returns with the lock held as at the call. */
void sched_block_current(void);
void sched_wake(thread_t *t);
/* The current thread ends: its stack and struct are freed after the next switch. */
__attribute__((noreturn)) void sched_exit_current(void);

/* Wait queues: sched_wait() must be called with the scheduler lock held, after the caller
 * checked its condition, so a wake-up cannot be lost on any CPU. */
void sched_wait(thread_queue_t *q);
void sched_wake_all(thread_queue_t *q);
/* Unlinks t from q; false when it was not there. Scheduler lock held. */
bool sched_queue_remove(thread_queue_t *q, thread_t *t);

/* Takes a blocked thread off whatever it waits on (if cancellable) and wakes it with
 * wait_result = EINTR; a thread running on another CPU gets a reschedule IPI, so it checks
 * its process at once. Used to stop the threads of an exiting process. */
void sched_interrupt(thread_t *t);

/* Called by new threads and after every switch (switch.S trampoline / sched.c). */
void sched_finish_switch(void);

/* The scheduler lock (recursive; interrupts off while held; see sched.c). sched_lock
 * returns the RFLAGS to hand back to sched_unlock. */
uint64_t sched_lock(void);
void sched_unlock(uint64_t flags);
bool sched_lock_held(void);
/* The switch path (sched.c): the depth travels with the thread, the lock with the CPU. */
uint32_t sched_lock_depth(void);
void sched_lock_set_depth(uint32_t depth);
const void *sched_lock_id(void);

/* Placement and balancing (sched/balance.c); scheduler lock held. */
unsigned sched_load(const sched_cpu_t *cpu);
bool sched_pinned(const thread_t *t);
/* The CPU t must run on: its pin, or here when it may run anywhere. */
sched_cpu_t *sched_home(thread_t *t, sched_cpu_t *here);
/* The CPU a new (woken false) or woken thread should be queued on. */
sched_cpu_t *sched_place(thread_t *t, bool woken);
/* Moves t's vruntime from one queue's scale to another's. */
void sched_rebase(thread_t *t, const sched_cpu_t *from, const sched_cpu_t *to);
/* Pulls one queued thread onto cpu from a CPU with at least margin more load. */
bool sched_pull(sched_cpu_t *cpu, unsigned margin);
/* On busy's tick: a thread that could move waits in its queue, so one idle CPU that
 * stopped its own tick (tickless) is woken to pull it. */
void sched_kick_idle_puller(sched_cpu_t *busy);

/* Preemption off/on for the current thread (interrupts stay on). */
void sched_preempt_disable(void);
void sched_preempt_enable(void);

/* Scheduling weight of the calling thread or of t; EINVAL outside SCHED_NICE_MIN..MAX. */
int sched_set_nice(thread_t *t, int nice);
uint32_t sched_nice_to_weight(int nice);

/* Hooks: every LAPIC tick (after EOI), the end of every interrupt (may switch), and the end
 * of every system call (may switch); the first two and sched_ap_entry are registered with
 * kernel/arch/hooks.h by kernel_main. */
void sched_timer_tick(void);
void sched_interrupt_exit(interrupt_frame_t *frame);
void sched_syscall_exit(void);
/* An AP once online (interrupts off, on its bring-up stack): waits until the boot CPU has
 * finished sched_init, then schedules; never returns. */
void sched_ap_entry(unsigned cpu);

/* Run queue (sched/runq.c); scheduler lock held. */
void runq_insert(sched_cpu_t *cpu, thread_t *t);
thread_t *runq_pop_min(sched_cpu_t *cpu);
thread_t *runq_peek_min(const sched_cpu_t *cpu);
/* Checks every scheduler invariant of cpu; panics with the first broken one. */
void sched_verify(sched_cpu_t *cpu);
/* The same checks: NULL when they hold, else what is broken (tests). */
const char *sched_check(const sched_cpu_t *cpu);
/* True when sched_verify runs on every decision (command-line flag `sched_verify`, or
 * `ktest`). */
extern bool sched_verify_enabled;

/* FPU state (sched/fpu.c). */
void fpu_init_cpu(void);
bool fpu_alloc_state(thread_t *t);
void fpu_free_state(thread_t *t);
void fpu_save(thread_t *t);
void fpu_restore(thread_t *t);
size_t fpu_state_size(void);
bool fpu_uses_xsave(void);

/* Timers (sched/timer.c); scheduler lock held for the arm/disarm calls. */
void timer_arm(thread_t *t, uint64_t deadline_ns, void (*fn)(thread_t *t));
void timer_disarm(thread_t *t);
/* Runs the function of every timer whose deadline has passed (tick context). */
void timer_expire(sched_cpu_t *cpu, uint64_t now_ns);
/* Arms a timeout for a thread about to block: at deadline it is taken off what it waits on
 * (wait_cancel) and woken with wait_result = ETIMEDOUT. */
void timer_arm_timeout(thread_t *t, uint64_t deadline_ns);
/* Sleeps at least ns; 0 or EINTR (interrupted by the process ending). */
int sched_sleep_ns(uint64_t ns);

/* Kernel-stack frame + switch primitives (switch.S). */
void sched_switch_stacks(uint64_t *save_rsp, uint64_t new_rsp);
void sched_thread_trampoline(void);

#endif
