/*
 * sched.c - threads, the switch path and the scheduling decisions (see sched.h; the run
 * queue itself is sched/runq.c, timers sched/timer.c, FPU state sched/fpu.c).
 *
 * A switch loads everything the next thread's ring-3 half needs: its syscall_ctx_t into
 * MSR_KERNEL_GS_BASE, its kernel stack into TSS.RSP0, its user FS/GS bases, its FPU/SSE
 * state, and its address space into CR3 (only when it differs). The idle thread runs only
 * when the run queue is empty and is never queued itself.
 *
 * Policy: the thread with the smallest vruntime runs. vruntime grows by CPU time scaled by
 * SCHED_NICE_0_WEIGHT / weight, so over any interval busy threads get CPU in proportion to
 * their weights. A tick preempts the running thread once a queued one has a smaller
 * vruntime; a woken thread is placed no further back than min_vruntime - SCHED_WAKE_CREDIT,
 * so sleeping earns no unbounded credit and a runnable thread waits a bounded time.
 */
#include "sched/sched.h"
#include <spindle/errno.h>
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/arch/spinlock.h"
#include "kernel/arch/tlb.h"
#include "kernel/cmdline.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"
#include "mm/aspace.h"
#include "mm/heap.h"
#include "mm/vmm.h"

/* The top 16 bytes of every thread's kernel stack: a magic word and the owner
 * (sched_current). IST stacks come from the same allocator but hold the CPU's interrupt
 * frame there (SS at top - 8), so both words and the owner's own kstack_top are checked. */
#define KSTACK_RESERVED 16
#define KSTACK_OWNER    8
#define KSTACK_MAGIC_AT 16
#define KSTACK_MAGIC    0x5350494E444C4554ULL /* "SPINDLET" */
#define KERNEL_HALF     0xFFFF800000000000ULL
/* A woken thread may be at most this far (weighted ns) behind min_vruntime. */
#define SCHED_WAKE_CREDIT 3000000ULL
/* A woken thread preempts the running one when it is this far ahead of it. */
#define SCHED_WAKE_GRAN   1000000ULL


static sched_cpu_t sched_cpus[SCHED_MAX_CPUS];
static uint64_t next_tid = 1;
static bool sched_tickless_enabled;
static bool sched_ready;              /* the boot CPU finished sched_init */
static struct process *sched_kproc;   /* owner of the idle threads */
static const sched_owner_t *sched_owner; /* registered by proc/ (sched_owner_register) */
bool sched_verify_enabled;

extern void sched_kthread_entry(void);
extern void sched_user_first_entry(void);

/* Weight per nice level, -20..19: each level is 1.25x the next, nice 0 = 1024. */
static const uint32_t nice_weights[40] = {
    88818, 71054, 56843, 45475, 36380, 29104, 23283, 18626, 14901, 11921,
    9537,  7629,  6104,  4883,  3906,  3125,  2500,  2000,  1600,  1280,
    1024,  819,   655,   524,   419,   336,   268,   215,   172,   137,
    110,   88,    70,    56,    45,    36,    29,    23,    18,    15,
};

uint32_t sched_nice_to_weight(int nice)
{
    ASSERT(nice >= SCHED_NICE_MIN && nice <= SCHED_NICE_MAX);
    return nice_weights[nice - SCHED_NICE_MIN];
}

/* TSC_AUX already holds the CPU number (kernel/arch/smp.c sets it on every CPU). */
void sched_init_cpu(unsigned index)
{
    ASSERT(index < SCHED_MAX_CPUS);
    sched_cpus[index].index = index;
    fpu_init_cpu();
    /* User code may set its own FS/GS bases (TLS) with WRFSBASE/WRGSBASE: safe here because
     * the kernel never relies on GS (see syscall/entry.S); switches save and restore both. */
    if (cpu_features.fsgsbase)
        write_cr4(read_cr4() | CR4_FSGSBASE);
}

/* RDTSCP's TSC_AUX, or the APIC id looked up on CPUs without RDTSCP (smp_cpu_index). */
sched_cpu_t *sched_cpu_this(void)
{
    return &sched_cpus[smp_cpu_index()];
}

sched_cpu_t *sched_cpu(unsigned index)
{
    ASSERT(index < SCHED_MAX_CPUS);
    return &sched_cpus[index];
}

/* The owner of the kernel stack RSP is on; off the thread stacks (boot stack, IST stacks)
 * the per-CPU record. */
thread_t *sched_current(void)
{
    uint64_t rsp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
    if (rsp >= VMM_KSTACK_BASE && rsp < VMM_KSTACK_BASE + VMM_KSTACK_SLOTS * VMM_KSTACK_SLOT) {
        uint64_t top = (rsp | (VMM_KSTACK_SLOT - 1)) + 1;
        uint64_t magic = *(volatile uint64_t *)(top - KSTACK_MAGIC_AT);
        thread_t *t = *(thread_t *volatile *)(top - KSTACK_OWNER);
        if (magic == KSTACK_MAGIC && (uint64_t)t >= KERNEL_HALF && t->kstack_top == top)
            return t;
    }
    return sched_cpu_this()->current;
}

void sched_owner_register(const sched_owner_t *owner)
{
    ASSERT(sched_owner == NULL);
    ASSERT(owner && owner->aspace && owner->kill_pending && owner->thread_attach &&
           owner->thread_detach && owner->check_killed);
    sched_owner = owner;
}

static const sched_owner_t *sched_owner_get(void)
{
    ASSERT(sched_owner != NULL);
    return sched_owner;
}

bool sched_kill_pending(const thread_t *t)
{
    return t->process && sched_owner_get()->kill_pending(t->process);
}

static aspace_t *sched_thread_aspace(const thread_t *t)
{
    return t->process ? sched_owner_get()->aspace(t->process) : NULL;
}

static void queue_push(thread_queue_t *q, thread_t *t)
{
    t->next = NULL;
    if (q->tail)
        q->tail->next = t;
    else
        q->head = t;
    q->tail = t;
}

static thread_t *queue_pop(thread_queue_t *q)
{
    thread_t *t = q->head;
    if (t) {
        q->head = t->next;
        if (!q->head)
            q->tail = NULL;
        t->next = NULL;
    }
    return t;
}

bool sched_queue_remove(thread_queue_t *q, thread_t *t)
{
    thread_t *prev = NULL;
    for (thread_t *c = q->head; c; prev = c, c = c->next) {
        if (c != t)
            continue;
        if (prev)
            prev->next = c->next;
        else
            q->head = c->next;
        if (q->tail == c)
            q->tail = prev;
        c->next = NULL;
        return true;
    }
    return false;
}

static thread_t *thread_alloc(struct process *p, const char *name)
{
    thread_t *t = kzalloc(sizeof *t);
    if (!t)
        return NULL;
    if (!fpu_alloc_state(t)) {
        kfree(t);
        return NULL;
    }
    t->kstack_top = vmm_alloc_kstack(SCHED_KSTACK_SIZE);
    if (!t->kstack_top) {
        fpu_free_state(t);
        kfree(t);
        return NULL;
    }
    ASSERT((t->kstack_top & (VMM_KSTACK_SLOT - 1)) == 0);
    *(uint64_t *)(t->kstack_top - KSTACK_MAGIC_AT) = KSTACK_MAGIC;
    *(thread_t **)(t->kstack_top - KSTACK_OWNER) = t;
    uint64_t f = sched_lock();
    t->tid = next_tid++;
    sched_unlock(f);
    t->process = p;
    t->ctx.kernel_rsp = t->kstack_top - KSTACK_RESERVED;
    t->weight = SCHED_NICE_0_WEIGHT;
    strlcpy(t->name, name, sizeof t->name);
    return t;
}

/* Lays the first switch frame below `above`: the trampoline continues at `cont`. */
static void thread_prepare_stack(thread_t *t, uint64_t above, void (*cont)(void),
                                 uint64_t arg, uint64_t fn)
{
    uint64_t *sp = (uint64_t *)above;
    *--sp = (uint64_t)sched_thread_trampoline;
    *--sp = 0;                /* rbp */
    *--sp = 0;                /* rbx */
    *--sp = (uint64_t)cont;   /* r12 */
    *--sp = arg;              /* r13 */
    *--sp = fn;               /* r14 */
    *--sp = 0;                /* r15 */
    t->saved_rsp = (uint64_t)sp;
}

thread_t *thread_create_kernel(struct process *p, const char *name, void (*fn)(void *), void *arg)
{
    thread_t *t = thread_alloc(p, name);
    if (!t)
        return NULL;
    thread_prepare_stack(t, t->kstack_top - KSTACK_RESERVED, sched_kthread_entry,
                         (uint64_t)arg, (uint64_t)fn);
    return t;
}

interrupt_frame_t *thread_user_frame(thread_t *t)
{
    return (interrupt_frame_t *)(t->kstack_top - KSTACK_RESERVED - sizeof(interrupt_frame_t));
}

thread_t *thread_create_user(struct process *p, const char *name, uint64_t rip, uint64_t rsp)
{
    thread_t *t = thread_alloc(p, name);
    if (!t)
        return NULL;
    interrupt_frame_t *f = thread_user_frame(t);
    memset(f, 0, sizeof *f);
    f->rip = rip;
    f->cs = GDT_USER_CODE;
    f->rflags = RFLAGS_IF | 0x2;
    f->rsp = rsp;
    f->ss = GDT_USER_DATA;
    thread_prepare_stack(t, (uint64_t)f, sched_user_first_entry, 0, 0);
    sched_owner_get()->thread_attach(p, t);
    return t;
}

static void thread_free(thread_t *t)
{
    if (t->kstack_top)
        vmm_free_kstack(t->kstack_top, SCHED_KSTACK_SIZE);
    fpu_free_state(t);
    kfree(t);
}

void thread_destroy_unstarted(thread_t *t)
{
    sched_owner_get()->thread_detach(t->process, t);
    thread_free(t);
}

void sched_finish_switch(void)
{
    sched_cpu_t *cpu = sched_cpu_this();
    thread_t *dead = cpu->reap;
    if (dead && dead != cpu->current) {
        cpu->reap = NULL;
        thread_free(dead);
    }
}

/* A new thread's first code (switch.S trampoline): the switch that started it left the
 * scheduler lock held for it at depth 1; drop it (interrupts stay off until its entry). */
void sched_thread_first_run(void)
{
    sched_finish_switch();
    sched_lock_set_depth(1);
    sched_unlock(0);
}

/* Scheduler lock held. Loads next's user-facing state and switches stacks. */
static void sched_switch_to(sched_cpu_t *cpu, thread_t *next)
{
    thread_t *prev = cpu->current;
    next->state = THREAD_RUNNING;
    if (next == prev)
        return;
    fpu_save(prev);
    fpu_restore(next);
    prev->fs_base = rdmsr(MSR_FS_BASE);
    prev->gs_base = rdmsr(MSR_GS_BASE);
    wrmsr(MSR_FS_BASE, next->fs_base);
    wrmsr(MSR_GS_BASE, next->gs_base);
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)&next->ctx);
    if (next->kstack_top)
        arch_set_kernel_stack(cpu->index, next->kstack_top - KSTACK_RESERVED);
    /* CR3 always holds the current thread's space (an exiting process drops its own to
     * NULL before its last thread leaves), so equal spaces need no reload. */
    aspace_t *prev_as = sched_thread_aspace(prev);
    aspace_t *next_as = sched_thread_aspace(next);
    if (prev_as != next_as)
        aspace_switch(prev_as, next_as, cpu->index);
    cpu->current = next;
    cpu->switches++;
    prev->last_ran_ns = clock_now_ns();
    if (lock_debug_enabled)
        lock_debug_check_switch(sched_lock_id());
    prev->lock_depth = sched_lock_depth();
    sched_switch_stacks(&prev->saved_rsp, next->saved_rsp);
    sched_lock_set_depth(prev->lock_depth); /* prev is the thread running again here */
    sched_finish_switch();
}

uint64_t sched_thread_cpu_ns(const thread_t *t)
{
    ASSERT(sched_lock_held());
    uint64_t ns = t->cpu_ns;
    if (t->state == THREAD_RUNNING) {
        uint64_t now = clock_now_ns();
        if (now > t->exec_start)
            ns += now - t->exec_start;
    }
    return ns;
}

/* Charges t for the CPU time since it was last accounted. */
static void sched_account(sched_cpu_t *cpu, thread_t *t, uint64_t now)
{
    if (now > t->exec_start) {
        uint64_t d = now - t->exec_start;
        t->cpu_ns += d;
        if (t != cpu->idle)
            t->vruntime += d * SCHED_NICE_0_WEIGHT / t->weight;
    }
    t->exec_start = now;
}

static void sched_update_min_vruntime(sched_cpu_t *cpu)
{
    uint64_t v = UINT64_MAX;
    thread_t *cur = cpu->current;
    if (cur != cpu->idle && cur->state == THREAD_RUNNING)
        v = cur->vruntime;
    thread_t *min = runq_peek_min(cpu);
    if (min && min->vruntime < v)
        v = min->vruntime;
    if (v != UINT64_MAX && v > cpu->min_vruntime)
        cpu->min_vruntime = v;
}

static void sched_send_home(sched_cpu_t *from, thread_t *t, sched_cpu_t *home);

/* Scheduler lock held. The current thread's state says what becomes of it: RUNNING goes back on
 * the queue (preemption, yield), BLOCKED and DEAD do not. Picks the smallest vruntime. */
static void sched_reschedule(sched_cpu_t *cpu)
{
    thread_t *prev = cpu->current;
    ASSERT(sched_lock_held());
    ASSERT(prev->preempt_count == 0);
    if (cpu->tickless) { /* leaving idle: whoever runs next needs its slice ended */
        cpu->tickless = false;
        apic_timer_resume_periodic();
    }
    uint64_t now = clock_now_ns();
    sched_account(cpu, prev, now);
    sched_update_min_vruntime(cpu);
    cpu->need_resched = false;
    thread_t *next = runq_pop_min(cpu);
    for (sched_cpu_t *home; next && (home = sched_home(next, cpu)) != cpu;) {
        sched_send_home(cpu, next, home); /* pinned elsewhere since it was queued here */
        next = runq_pop_min(cpu);
    }
    if (prev->state == THREAD_RUNNING) {
        sched_cpu_t *home = sched_home(prev, cpu);
        if (!next && home == cpu)
            return; /* nothing else to run: keep going */
        prev->state = THREAD_READY;
        if (prev != cpu->idle) {
            if (home != cpu)
                sched_send_home(cpu, prev, home);
            else
                runq_insert(cpu, prev);
        }
    }
    if (!next)
        next = cpu->idle;
    next->exec_start = now;
    if (sched_verify_enabled) {
        cpu->current = next; /* verify sees the state just after the decision */
        next->state = THREAD_RUNNING;
        sched_verify(cpu);
        cpu->current = prev;
    }
    sched_switch_to(cpu, next);
}

/* t was put on cpu's queue: make cpu look at it now if it should run it. */
static void sched_kick(sched_cpu_t *cpu, const thread_t *t)
{
    thread_t *cur = cpu->current;
    if (cur == cpu->idle) {
        cpu->need_resched = true;
    } else {
        sched_account(cpu, cur, clock_now_ns());
        if (t->vruntime + SCHED_WAKE_GRAN < cur->vruntime)
            cpu->need_resched = true;
    }
    if (cpu->need_resched && cpu != sched_cpu_this())
        ipi_send_resched(cpu->index);
}

void sched_start_on(thread_t *t, unsigned cpu)
{
    ASSERT(cpu < SCHED_MAX_CPUS && sched_cpus[cpu].online);
    t->cpu = cpu;
    t->pinned = true;
    t->pin_cpu = cpu;
    sched_start(t);
}

int sched_set_affinity(thread_t *t, unsigned cpu)
{
    if (cpu != SCHED_CPU_ANY && (cpu >= SCHED_MAX_CPUS || !sched_cpus[cpu].online))
        return EINVAL;
    uint64_t f = sched_lock();
    t->pinned = cpu != SCHED_CPU_ANY;
    t->pin_cpu = t->pinned ? cpu : 0;
    if (t->pinned && t->cpu != cpu) {
        sched_cpu_t *at = &sched_cpus[t->cpu];
        if (t->state == THREAD_BLOCKED) {
            sched_rebase(t, at, &sched_cpus[cpu]); /* sched_wake places it on its pin */
            t->cpu = cpu;
        } else { /* running or queued there: its CPU moves it at its next decision */
            at->need_resched = true;
            if (at != sched_cpu_this())
                ipi_send_resched(at->index);
        }
    }
    sched_unlock(f);
    return 0;
}

/* Moves t (READY, on no queue) to its pinned CPU's queue and wakes that CPU up. */
static void sched_send_home(sched_cpu_t *from, thread_t *t, sched_cpu_t *home)
{
    sched_rebase(t, from, home);
    runq_insert(home, t);
    sched_kick(home, t);
}

void sched_start(thread_t *t)
{
    uint64_t f = sched_lock();
    sched_cpu_t *cpu = sched_place(t, false);
    t->cpu = cpu->index;
    t->vruntime = cpu->min_vruntime;
    t->state = THREAD_READY;
    runq_insert(cpu, t);
    if (cpu->current == cpu->idle) {
        cpu->need_resched = true;
        if (cpu != sched_cpu_this())
            ipi_send_resched(cpu->index);
    }
    sched_unlock(f);
}

void sched_yield(void)
{
    uint64_t f = sched_lock();
    sched_cpu_t *cpu = sched_cpu_this();
    if (cpu->rq_root)
        sched_reschedule(cpu);
    sched_unlock(f);
}

void sched_block_current(void)
{
    uint64_t f = sched_lock();
    sched_cpu_t *cpu = sched_cpu_this();
    ASSERT(cpu->current->state == THREAD_BLOCKED);
    ASSERT(cpu->current != cpu->idle);
    sched_reschedule(cpu);
    sched_unlock(f);
}

void sched_wake(thread_t *t)
{
    uint64_t f = sched_lock();
    if (t->state == THREAD_BLOCKED) {
        timer_disarm(t);
        t->wait_cancel = NULL;
        t->wait_obj = NULL;
        sched_cpu_t *cpu = sched_place(t, true);
        if (cpu->index != t->cpu)
            sched_rebase(t, sched_cpu(t->cpu), cpu);
        uint64_t floor = cpu->min_vruntime > SCHED_WAKE_CREDIT
                             ? cpu->min_vruntime - SCHED_WAKE_CREDIT : 0;
        if (t->vruntime < floor)
            t->vruntime = floor;
        t->state = THREAD_READY;
        runq_insert(cpu, t);
        sched_kick(cpu, t);
    }
    sched_unlock(f);
}

void sched_exit_current(void)
{
    sched_lock(); /* never released by this thread: the next one takes it over */
    sched_cpu_t *cpu = sched_cpu_this();
    thread_t *cur = cpu->current;
    ASSERT(cur != cpu->idle && cur->kstack_top);
    ASSERT(!cpu->reap);
    timer_disarm(cur);
    cur->state = THREAD_DEAD;
    cpu->reap = cur;
    sched_reschedule(cpu);
    panic("sched: dead thread %lu was scheduled again", (unsigned long)cur->tid);
}

static void sched_queue_cancel(thread_t *t)
{
    sched_queue_remove(t->wait_obj, t);
}

void sched_wait(thread_queue_t *q)
{
    ASSERT(sched_lock_held());
    thread_t *cur = sched_current();
    cur->state = THREAD_BLOCKED;
    cur->wait_result = 0;
    cur->wait_obj = q;
    cur->wait_cancel = sched_queue_cancel;
    queue_push(q, cur);
    sched_block_current();
}

void sched_wake_all(thread_queue_t *q)
{
    uint64_t f = sched_lock();
    thread_t *t;
    while ((t = queue_pop(q)))
        sched_wake(t);
    sched_unlock(f);
}

void sched_interrupt(thread_t *t)
{
    uint64_t f = sched_lock();
    if (t->state == THREAD_BLOCKED && t->wait_cancel) {
        t->wait_cancel(t);
        t->wait_result = EINTR;
        sched_wake(t);
    } else if (t->state == THREAD_RUNNING && t->cpu != sched_cpu_this()->index) {
        /* Running elsewhere: an IPI makes it look at its process (kill, exit) now rather
         * than at its next tick. */
        ipi_send_resched(t->cpu);
    }
    sched_unlock(f);
}

/* Switches if this CPU was asked to (need_resched) and its thread may be preempted. */
static void sched_switch_if_asked(void)
{
    uint64_t f = sched_lock();
    sched_cpu_t *cpu = sched_cpu_this();
    if (cpu->need_resched && cpu->current->preempt_count == 0)
        sched_reschedule(cpu);
    sched_unlock(f);
}

void sched_preempt_disable(void)
{
    __atomic_add_fetch(&sched_current()->preempt_count, 1, __ATOMIC_RELAXED);
    __asm__ volatile("" ::: "memory");
}

void sched_preempt_enable(void)
{
    __asm__ volatile("" ::: "memory");
    thread_t *t = sched_current();
    ASSERT(t->preempt_count > 0);
    if (__atomic_sub_fetch(&t->preempt_count, 1, __ATOMIC_RELAXED) == 0 && cpu_irqs_enabled() &&
        sched_cpu_this()->need_resched)
        sched_switch_if_asked();
}

int sched_set_nice(thread_t *t, int nice)
{
    if (nice < SCHED_NICE_MIN || nice > SCHED_NICE_MAX)
        return EINVAL;
    uint64_t f = sched_lock();
    sched_cpu_t *cpu = sched_cpu(t->cpu);
    if (t->state == THREAD_RUNNING)
        sched_account(cpu, t, clock_now_ns()); /* time so far at the old weight */
    bool queued = t->on_rq;
    t->nice = nice;
    cpu->rq_weight -= queued ? t->weight : 0;
    t->weight = sched_nice_to_weight(nice);
    cpu->rq_weight += queued ? t->weight : 0;
    sched_unlock(f);
    return 0;
}

/* ---------------------------------------------------------------- preemption hooks */

void sched_timer_tick(void)
{
    uint64_t f = sched_lock();
    sched_cpu_t *cpu = sched_cpu_this();
    uint64_t now = clock_now_ns();
    timer_expire(cpu, now);
    thread_t *cur = cpu->current;
    if (cur == cpu->idle) {
        if (cpu->rq_root || sched_pull(cpu, 1))
            cpu->need_resched = true;
        sched_unlock(f);
        return;
    }
    sched_account(cpu, cur, now);
    sched_pull(cpu, 2);
    sched_kick_idle_puller(cpu);
    thread_t *min = runq_peek_min(cpu);
    if (min && min->vruntime < cur->vruntime)
        cpu->need_resched = true;
    sched_unlock(f);
}

void sched_interrupt_exit(interrupt_frame_t *frame)
{
    /* These run on IST stacks (shared per CPU): never switch away from one. */
    if (frame->vector == VECTOR_NMI || frame->vector == VECTOR_DOUBLE_FAULT ||
        frame->vector == VECTOR_MACHINE_CHECK)
        return;
    if (frame->rflags & RFLAGS_IF)
        sched_switch_if_asked();
    if ((frame->cs & 3) == 3)
        sched_owner_get()->check_killed();
}

/* The flag is read without the lock first: a remote waker sets it under the lock and then
 * sends an IPI, so a stale read here only delays the switch to that interrupt. */
void sched_syscall_exit(void)
{
    if (__atomic_load_n(&sched_cpu_this()->need_resched, __ATOMIC_RELAXED))
        sched_switch_if_asked();
}

/* ---------------------------------------------------------------- idle and boot */

/* Nothing to run: instead of a tick every period, one timer interrupt at the earliest
 * timer deadline (none at all without timers). Scheduler lock held. */
static void sched_idle_stop_tick(sched_cpu_t *cpu)
{
    if (!sched_tickless_enabled || (cpu->index == 0 && apic_timer_has_hooks()))
        return; /* CPU 0's tick also polls drivers without interrupts (xHCI without MSI) */
    uint64_t ns = 0;
    if (cpu->timers) {
        uint64_t now = clock_now_ns(), at = cpu->timers->timer_deadline;
        ns = at > now ? at - now : 1;
    }
    if (apic_timer_oneshot_ns(ns))
        cpu->tickless = true;
}

/* A waker that queues work here sends a reschedule IPI after it sets need_resched; the IPI
 * stays pending while interrupts are off, and sti's shadow makes hlt take it, so no
 * wake-up is lost between the unlock and the hlt. */
static void sched_idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        uint64_t f = sched_lock();
        sched_cpu_t *cpu = sched_cpu_this();
        if (cpu->rq_root || sched_pull(cpu, 1)) {
            sched_reschedule(cpu); /* back here, lock held, once nothing is runnable */
            sched_unlock(f);
            continue;
        }
        sched_idle_stop_tick(cpu);
        sched_unlock(f & ~RFLAGS_IF);
        __asm__ volatile("sti; hlt" ::: "memory");
    }
}

bool sched_tickless(void)
{
    return sched_tickless_enabled;
}

/* Makes the code already running on cpu (on a stack that is not a thread stack: the
 * loader's, or an AP's bring-up stack) its current thread, owned by p. */
static thread_t *sched_adopt_running(sched_cpu_t *cpu, struct process *p, const char *name)
{
    thread_t *t = kzalloc(sizeof *t);
    if (!t || !fpu_alloc_state(t))
        panic("sched: no memory for CPU %u's %s thread", cpu->index, name);
    uint64_t f = sched_lock();
    t->tid = next_tid++;
    sched_unlock(f);
    t->process = p;
    t->state = THREAD_RUNNING;
    t->weight = SCHED_NICE_0_WEIGHT;
    t->exec_start = clock_now_ns();
    t->cpu = cpu->index;
    strlcpy(t->name, name, sizeof t->name);
    cpu->current = t;
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)&t->ctx);
    return t;
}

void sched_init(struct process *kproc)
{
    sched_init_cpu(0);
    sched_verify_enabled = cmdline_has(&kernel_cmdline, "sched_verify") ||
                           cmdline_has(&kernel_cmdline, "ktest");
    /* Tickless idle is the default; `notickless` keeps the periodic tick on idle CPUs. */
    sched_tickless_enabled = !cmdline_has(&kernel_cmdline, "notickless");
    sched_cpu_t *cpu = sched_cpu_this();
    sched_adopt_running(cpu, kproc, "kmain");
    cpu->idle = thread_create_kernel(kproc, "idle", sched_idle_loop, NULL);
    ASSERT(cpu->idle);
    cpu->idle->state = THREAD_READY;
    cpu->idle->cpu = cpu->index;
    cpu->online = true;
    sched_kproc = kproc;
    __atomic_store_n(&sched_ready, true, __ATOMIC_RELEASE); /* APs may join now */
}

/* An AP, online and parked (kernel/arch/smp.c), joins once the boot CPU has the scheduler
 * and the LAPIC timer set up. Its bring-up context becomes its idle thread (pinned: it
 * runs on the bring-up stack, which is not a thread stack). */
void sched_ap_entry(unsigned index)
{
    while (!__atomic_load_n(&sched_ready, __ATOMIC_ACQUIRE))
        cpu_pause();
    sched_init_cpu(index);
    tlb_flush_all_local(); /* kernel mappings may have changed while it waited */
    sched_cpu_t *cpu = &sched_cpus[index];
    cpu->idle = sched_adopt_running(cpu, sched_kproc, "idle");
    apic_timer_start_ap();
    tlb_cpu_ready(index);
    uint64_t f = sched_lock();
    cpu->online = true;
    sched_unlock(f);
    cpu_sti();
    sched_idle_loop(NULL);
}
