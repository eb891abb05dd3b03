/*
 * thread.c - the threads of user processes (see thread.h): membership, THREAD_CREATE,
 * leaving, and the thread limits. Lists change under the scheduler lock; the limit counters
 * are atomics, so a slot is taken before anything is allocated and no two creators can both
 * take the last one.
 */
#include "proc/thread.h"
#include <spindle/errno.h>
#include <spindle/limits.h>
#include "kernel/arch/cpu.h"
#include "kernel/panic.h"
#include "kernel/uaccess.h"
#include "mm/aspace.h"
#include "mm/pmm.h"
#include "sched/futex.h"
#include "proc/process.h"

/* User threads of the whole system counted against SPINDLE_THREAD_MAX (each also counts in
 * its process's thread_slots against SPINDLE_THREADS_PER_PROCESS_MAX). */
static uint32_t thread_slots_total;

int thread_slot_take(process_t *p)
{
    if (__atomic_add_fetch(&p->thread_slots, 1, __ATOMIC_RELAXED) >
        SPINDLE_THREADS_PER_PROCESS_MAX)
        goto undo_process;
    if (__atomic_add_fetch(&thread_slots_total, 1, __ATOMIC_RELAXED) > SPINDLE_THREAD_MAX)
        goto undo_total;
    /* A kernel stack and its bookkeeping come from the pages user memory may not take: a
     * storm of small threads must not drain them either. */
    if (pmm_free_pages() <= aspace_reserve_pages()) {
        thread_slot_release(p);
        return ENOMEM;
    }
    return 0;
undo_total:
    __atomic_sub_fetch(&thread_slots_total, 1, __ATOMIC_RELAXED);
undo_process:
    __atomic_sub_fetch(&p->thread_slots, 1, __ATOMIC_RELAXED);
    return EAGAIN;
}

void thread_slot_release(process_t *p)
{
    uint32_t was_p = __atomic_fetch_sub(&p->thread_slots, 1, __ATOMIC_RELAXED);
    uint32_t was_total = __atomic_fetch_sub(&thread_slots_total, 1, __ATOMIC_RELAXED);
    ASSERT(was_p > 0 && was_total > 0);
}

size_t thread_slots_used(void)
{
    return __atomic_load_n(&thread_slots_total, __ATOMIC_RELAXED);
}

void thread_attach(process_t *p, thread_t *t)
{
    uint64_t f = sched_lock();
    t->proc_next = p->threads;
    p->threads = t;
    p->thread_count++;
    sched_unlock(f);
}

/* Drops the stack region the kernel made for t (if any). A failed unmap only leaves the
 * region to aspace_destroy. */
static void ustack_release(process_t *p, thread_t *t)
{
    if (t->ustack_len && p->aspace)
        aspace_munmap(p->aspace, t->ustack_base, t->ustack_len);
    t->ustack_base = t->ustack_len = 0;
}

void thread_detach(process_t *p, thread_t *t)
{
    uint64_t f = sched_lock();
    for (thread_t **pp = &p->threads; *pp; pp = &(*pp)->proc_next) {
        if (*pp == t) {
            *pp = t->proc_next;
            t->proc_next = NULL;
            ASSERT(p->thread_count > 0);
            p->thread_count--;
            p->cpu_ns_ended += sched_thread_cpu_ns(t);
            thread_slot_release(p);
            break;
        }
    }
    bool last = p->thread_count == 0;
    sched_unlock(f);
    if (!last) /* the last thread's process frees the whole space right after */
        ustack_release(p, t);
}

int thread_exit_word_check(uint64_t word)
{
    if (word & 3)
        return EINVAL;
    return word && !uaccess_range_ok(word, sizeof(uint32_t)) ? EFAULT : 0;
}

void thread_exit_notify(void)
{
    thread_t *self = sched_current();
    process_t *p = self->process;
    ustack_release(p, self);
    uint64_t word = self->exit_word;
    self->exit_word = 0;
    uint32_t zero = 0;
    /* A bad word is the program's loss only (as in Linux): nothing to report to a thread
     * that is leaving. */
    if (word && copy_to_user((void *)word, &zero, sizeof zero) == 0)
        futex_wake(p->aspace, word, 1);
}

void thread_exit_current(uint64_t last_status)
{
    thread_exit_notify();
    uint64_t f = sched_lock();
    if (thread_leave_process())
        sched_exit_current();
    sched_unlock(f);
    process_exit_current(last_status);
}

thread_t *thread_find(process_t *p, uint64_t tid)
{
    for (thread_t *t = p->threads; t; t = t->proc_next)
        if (t->tid == tid)
            return t;
    return NULL;
}

/* An anonymous RW region with a guard page at its bottom; 0 or an error code. */
static int ustack_create(process_t *p, uint64_t *base, uint64_t *len)
{
    aspace_map_req_t req = { .length = THREAD_USTACK_SIZE + THREAD_USTACK_GUARD,
                             .prot = VMA_READ | VMA_WRITE, .kind = VMA_ANON };
    int err = aspace_mmap(p->aspace, &req, base);
    if (err)
        return err;
    *len = req.length;
    err = aspace_mprotect(p->aspace, *base, THREAD_USTACK_GUARD, 0);
    if (err)
        aspace_munmap(p->aspace, *base, *len);
    return err;
}

uint64_t thread_spawn_user(uint64_t entry, uint64_t arg, uint64_t stack, int *err)
{
    process_t *p = process_current();
    thread_t *self = sched_current();
    if (entry >= USER_ADDR_END || (stack && (stack < 16 || stack > USER_ADDR_END))) {
        *err = EINVAL;
        return 0;
    }
    /* A thread started where nothing executable is mapped would only fault and take the
     * whole process with it: refuse it here instead. */
    aspace_fault_t why;
    if (!aspace_user_phys(p->aspace, entry, ASPACE_ACCESS_EXEC, &why)) {
        *err = EINVAL;
        return 0;
    }
    *err = thread_slot_take(p);
    if (*err)
        return 0;
    uint64_t ubase = 0, ulen = 0;
    if (!stack) {
        *err = ustack_create(p, &ubase, &ulen);
        if (*err) {
            thread_slot_release(p);
            return 0;
        }
        stack = ubase + ulen;
    }
    /* As after a call: RSP + 8 is 16-byte aligned; the return address is 0, so returning
     * from entry faults (threads end with thread_exit). */
    uint64_t sp = (stack & ~15ULL) - 8;
    uint64_t zero = 0;
    *err = copy_to_user((void *)sp, &zero, sizeof zero);
    thread_t *t = NULL;
    if (!*err) {
        t = thread_create_user(p, p->name, entry, sp);
        *err = t ? 0 : ENOMEM;
    }
    if (*err) {
        if (ulen)
            aspace_munmap(p->aspace, ubase, ulen);
        thread_slot_release(p); /* t was never made, so never attached */
        return 0;
    }
    t->ustack_base = ubase;
    t->ustack_len = ulen;
    thread_user_frame(t)->rdi = arg;
    /* Like clone() without CLONE_SETTLS: the creator's TLS until the thread sets its own,
     * so a raw thread's errno still lands somewhere valid. */
    t->fs_base = arch_user_fs_base();
    t->gs_base = rdmsr(MSR_GS_BASE);
    t->nice = self->nice;
    t->weight = self->weight;
    sched_start(t);
    return t->tid;
}

void thread_frame_copy(thread_t *t, thread_t *from, uint64_t sp)
{
    /* The registers as the SYSCALL saved them; only the segments the kernel chooses, RAX (0
     * in the child) and RSP differ. */
    ASSERT(from == sched_current()); /* its FS/GS bases are read from the MSRs below */
    interrupt_frame_t *f = thread_user_frame(t);
    uint64_t cs = f->cs, ss = f->ss;
    *f = *thread_user_frame(from);
    f->cs = cs;
    f->ss = ss;
    f->rflags |= RFLAGS_IF;
    f->rax = 0;
    f->rsp = sp;
    t->fs_base = arch_user_fs_base(); /* from is the running thread: its bases are live */
    t->gs_base = rdmsr(MSR_GS_BASE);
    t->sigmask = from->sigmask;
    t->nice = from->nice;
    t->weight = from->weight;
}

uint64_t thread_clone_user(uint64_t sp, uint64_t fs_base, uint64_t exit_word,
                           const uint64_t tid_words[2], int *err)
{
    process_t *p = process_current();
    thread_t *self = sched_current();
    if (!sp || !uaccess_range_ok(sp, 0) || !uaccess_range_ok(fs_base, 0) ||
        thread_exit_word_check(exit_word)) {
        *err = EINVAL;
        return 0;
    }
    *err = thread_slot_take(p);
    if (*err)
        return 0;
    thread_t *t = thread_create_user(p, p->name, 0, sp);
    if (!t) {
        thread_slot_release(p);
        *err = ENOMEM;
        return 0;
    }
    thread_frame_copy(t, self, sp);
    t->fs_base = fs_base;
    t->exit_word = exit_word;
    /* Before the thread runs, as Linux does: it may read its own tid from there at once. A
     * word that cannot be written is the program's loss (Linux ignores it too). */
    uint32_t tid32 = (uint32_t)t->tid;
    for (int i = 0; i < 2; i++)
        if (tid_words[i])
            (void)copy_to_user((void *)tid_words[i], &tid32, sizeof tid32);
    sched_start(t);
    return tid32;
}

void thread_interrupt_all(process_t *p)
{
    uint64_t f = sched_lock();
    for (thread_t *t = p->threads; t; t = t->proc_next)
        sched_interrupt(t);
    sched_unlock(f);
}

bool thread_leave_process(void)
{
    ASSERT(sched_lock_held());
    thread_t *self = sched_current();
    process_t *p = self->process;
    thread_detach(p, self);
    if (p->thread_count == 0)
        return false;
    if (p->kill_pending)
        thread_interrupt_all(p);
    return true;
}
