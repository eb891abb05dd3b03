/*
 * sched.c - threads, the FIFO run queue and the context switch path (see sched.h).
 *
 * A switch loads everything the next thread's ring-3 half needs: its syscall_ctx_t into
 * MSR_KERNEL_GS_BASE, its kernel stack top into TSS.RSP0, its user FS/GS bases, and its
 * address space into CR3. The idle thread runs only when the queue is empty and is never
 * queued itself.
 */
#include "sched/sched.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/aspace.h"
#include "mm/heap.h"
#include "mm/vmm.h"
#include "sched/process.h"

#define MSR_TSC_AUX 0xC0000103
#define RFLAGS_IF   (1ULL << 9)

static sched_cpu_t sched_cpus[SCHED_MAX_CPUS];
static thread_queue_t run_queue;
static uint64_t next_tid = 1;
static bool have_rdtscp;

extern void sched_kthread_entry(void);
extern void sched_user_first_entry(void);

uint64_t sched_irq_save(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; pop %0; cli" : "=r"(f) : : "memory");
    return f;
}

void sched_irq_restore(uint64_t flags)
{
    if (flags & RFLAGS_IF)
        cpu_sti();
}

void sched_init_cpu(unsigned index)
{
    uint32_t a, b, c, d;
    ASSERT(index < SCHED_MAX_CPUS);
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        have_rdtscp = d & (1u << 27);
    }
    if (have_rdtscp)
        wrmsr(MSR_TSC_AUX, index);
    sched_cpus[index].index = index;
}

sched_cpu_t *sched_cpu_this(void)
{
    uint32_t lo, hi, aux = 0;
    if (have_rdtscp)
        __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return &sched_cpus[aux < SCHED_MAX_CPUS ? aux : 0];
}

thread_t *sched_current(void)
{
    return sched_cpu_this()->current;
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

/* The FXSAVE image of a fresh thread: x87 control word and MXCSR at their reset values
 * (all exceptions masked, round to nearest), everything else zero. */
static void thread_fpu_init(thread_t *t)
{
    uint16_t fcw = 0x037F;
    uint32_t mxcsr = 0x1F80;
    memcpy(&t->fpu_state[0], &fcw, sizeof fcw);
    memcpy(&t->fpu_state[24], &mxcsr, sizeof mxcsr);
}

static thread_t *thread_alloc(struct process *p, const char *name)
{
    thread_t *t = kzalloc(sizeof *t);
    if (!t)
        return NULL;
    ASSERT(((uint64_t)t->fpu_state & 15) == 0);
    thread_fpu_init(t);
    t->kstack_top = vmm_alloc_kstack(SCHED_KSTACK_SIZE);
    if (!t->kstack_top) {
        kfree(t);
        return NULL;
    }
    uint64_t f = sched_irq_save();
    t->tid = next_tid++;
    sched_irq_restore(f);
    t->process = p;
    t->ctx.kernel_rsp = t->kstack_top;
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
    thread_prepare_stack(t, t->kstack_top - 16, sched_kthread_entry, (uint64_t)arg, (uint64_t)fn);
    return t;
}

thread_t *thread_create_user(struct process *p, const char *name, uint64_t rip, uint64_t rsp)
{
    thread_t *t = thread_alloc(p, name);
    if (!t)
        return NULL;
    interrupt_frame_t *f = (interrupt_frame_t *)(t->kstack_top - sizeof *f);
    memset(f, 0, sizeof *f);
    f->rip = rip;
    f->cs = GDT_USER_CODE;
    f->rflags = RFLAGS_IF | 0x2;
    f->rsp = rsp;
    f->ss = GDT_USER_DATA;
    thread_prepare_stack(t, (uint64_t)f, sched_user_first_entry, 0, 0);
    return t;
}

static void thread_free(thread_t *t)
{
    if (t->kstack_top)
        vmm_free_kstack(t->kstack_top, SCHED_KSTACK_SIZE);
    kfree(t);
}

void thread_destroy_unstarted(thread_t *t)
{
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

/* Interrupts are off. Loads next's user-facing state and switches stacks. */
static void sched_switch_to(sched_cpu_t *cpu, thread_t *next)
{
    thread_t *prev = cpu->current;
    next->state = THREAD_RUNNING;
    if (next == prev)
        return;
    __asm__ volatile("fxsave64 %0" : "=m"(prev->fpu_state));
    __asm__ volatile("fxrstor64 %0" : : "m"(next->fpu_state));
    prev->fs_base = rdmsr(MSR_FS_BASE);
    prev->gs_base = rdmsr(MSR_GS_BASE);
    wrmsr(MSR_FS_BASE, next->fs_base);
    wrmsr(MSR_GS_BASE, next->gs_base);
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)&next->ctx);
    if (next->kstack_top)
        arch_set_kernel_stack(cpu->index, next->kstack_top);
    aspace_activate(next->process ? next->process->aspace : NULL);
    cpu->current = next;
    sched_switch_stacks(&prev->saved_rsp, next->saved_rsp);
    sched_finish_switch();
}

static thread_t *sched_pick_next(sched_cpu_t *cpu)
{
    thread_t *t = queue_pop(&run_queue);
    return t ? t : cpu->idle;
}

void sched_start(thread_t *t)
{
    uint64_t f = sched_irq_save();
    t->state = THREAD_READY;
    queue_push(&run_queue, t);
    sched_irq_restore(f);
}

void sched_yield(void)
{
    uint64_t f = sched_irq_save();
    sched_cpu_t *cpu = sched_cpu_this();
    if (run_queue.head) {
        thread_t *cur = cpu->current;
        if (cur != cpu->idle) {
            cur->state = THREAD_READY;
            queue_push(&run_queue, cur);
        }
        sched_switch_to(cpu, queue_pop(&run_queue));
    }
    sched_irq_restore(f);
}

void sched_block_current(void)
{
    uint64_t f = sched_irq_save();
    sched_cpu_t *cpu = sched_cpu_this();
    ASSERT(cpu->current->state == THREAD_BLOCKED);
    ASSERT(cpu->current != cpu->idle);
    sched_switch_to(cpu, sched_pick_next(cpu));
    sched_irq_restore(f);
}

void sched_wake(thread_t *t)
{
    uint64_t f = sched_irq_save();
    if (t->state == THREAD_BLOCKED) {
        t->state = THREAD_READY;
        queue_push(&run_queue, t);
    }
    sched_irq_restore(f);
}

void sched_exit_current(void)
{
    cpu_cli();
    sched_cpu_t *cpu = sched_cpu_this();
    thread_t *cur = cpu->current;
    ASSERT(cur != cpu->idle && cur->kstack_top);
    ASSERT(!cpu->reap);
    cur->state = THREAD_DEAD;
    cpu->reap = cur;
    sched_switch_to(cpu, sched_pick_next(cpu));
    panic("sched: dead thread %lu was scheduled again", (unsigned long)cur->tid);
}

void sched_wait(thread_queue_t *q)
{
    ASSERT(!cpu_irqs_enabled());
    thread_t *cur = sched_current();
    cur->state = THREAD_BLOCKED;
    queue_push(q, cur);
    sched_block_current();
}

void sched_wake_all(thread_queue_t *q)
{
    uint64_t f = sched_irq_save();
    thread_t *t;
    while ((t = queue_pop(q)))
        sched_wake(t);
    sched_irq_restore(f);
}

static void sched_idle_loop(void *arg)
{
    (void)arg;
    for (;;) {
        cpu_cli();
        if (run_queue.head) {
            sched_yield(); /* returns here with interrupts off once nothing is runnable */
            continue;
        }
        __asm__ volatile("sti; hlt" ::: "memory"); /* sti's shadow: no wake-up is lost */
    }
}

void sched_init(struct process *kproc)
{
    sched_init_cpu(0);
    sched_cpu_t *cpu = sched_cpu_this();
    thread_t *boot = kzalloc(sizeof *boot);
    ASSERT(boot);
    boot->tid = next_tid++;
    boot->process = kproc;
    boot->state = THREAD_RUNNING;
    thread_fpu_init(boot);
    strlcpy(boot->name, "kmain", sizeof boot->name);
    cpu->current = boot;
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)&boot->ctx);
    cpu->idle = thread_create_kernel(kproc, "idle", sched_idle_loop, NULL);
    ASSERT(cpu->idle);
    cpu->idle->state = THREAD_READY;
}
