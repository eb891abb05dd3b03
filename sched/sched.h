/*
 * sched.h - the minimal scheduler core: threads with guard-paged kernel stacks, a FIFO run
 * queue, cooperative switching (yield, block, wake) and an idle thread per CPU.
 *
 * Finding the current thread never uses GS (user GS stays live in the kernel): each CPU has
 * a sched_cpu_t in an array indexed by the CPU number, which sched_init_cpu() stores in
 * IA32_TSC_AUX and RDTSCP reads back (CPU 0 when the CPU lacks RDTSCP, which is fine while
 * only the boot CPU runs).
 *
 * Locking: the run queue and every wait queue are touched only with interrupts disabled on
 * the single CPU that schedules. SMP needs a lock here (the scheduler issue).
 * Preemption is not done yet: threads switch only when they yield, block or exit.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "syscall/syscall_ctx.h"

#define SCHED_KSTACK_SIZE (16 * 1024)
#define SCHED_MAX_CPUS    16

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
    struct thread *next;      /* run queue or wait queue link */
    uint64_t fs_base, gs_base;/* user segment bases, saved while switched out */
    uint64_t error;           /* code of the last failing system call (SYS_ERRNO) */
    char name[16];
    /* x87/SSE state (FXSAVE image) of user code, swapped on every switch: the kernel itself
     * never touches these registers (-mgeneral-regs-only). AVX upper halves are not kept. */
    uint8_t fpu_state[512] __attribute__((aligned(16)));
} thread_t;

typedef struct {
    thread_t *head, *tail;
} thread_queue_t;

typedef struct {
    thread_t *current;
    thread_t *idle;
    thread_t *reap;           /* dead thread whose stack is freed once we are off it */
    unsigned index;
} sched_cpu_t;

/* Makes the caller (kernel_main) the boot thread of process kproc and starts an idle thread. */
void sched_init(struct process *kproc);
/* Per CPU: records the CPU number for sched_cpu_this() (IA32_TSC_AUX). */
void sched_init_cpu(unsigned index);

sched_cpu_t *sched_cpu_this(void);
thread_t *sched_current(void);

/* A kernel thread running fn(arg); fn must end in sched_exit_current(). Not started yet. */
thread_t *thread_create_kernel(struct process *p, const char *name, void (*fn)(void *), void *arg);
/* A thread that enters ring 3 at rip with stack rsp (through iretq). Not started yet. */
thread_t *thread_create_user(struct process *p, const char *name, uint64_t rip, uint64_t rsp);
/* Frees a thread that never ran. */
void thread_destroy_unstarted(thread_t *t);

/* Puts a READY/new thread on the run queue. */
void sched_start(thread_t *t);
void sched_yield(void);
/* The caller set its state to THREAD_BLOCKED with interrupts off; runs someone else until
 * sched_wake(). Returns with interrupts as they were at the sched_block_current() call. */
void sched_block_current(void);
void sched_wake(thread_t *t);
/* The current thread ends: its stack and struct are freed after the next switch. */
__attribute__((noreturn)) void sched_exit_current(void);

/* Wait queues: sched_wait() must be called with interrupts disabled, after the caller
 * checked its condition, so a wake-up cannot be lost on this CPU. */
void sched_wait(thread_queue_t *q);
void sched_wake_all(thread_queue_t *q);

/* Called by new threads and after every switch (switch.S trampoline / sched.c). */
void sched_finish_switch(void);

uint64_t sched_irq_save(void);
void sched_irq_restore(uint64_t flags);

/* Kernel-stack frame + switch primitives (switch.S). */
void sched_switch_stacks(uint64_t *save_rsp, uint64_t new_rsp);
void sched_thread_trampoline(void);

#endif
