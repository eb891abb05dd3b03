/*
 * thread.h - the threads of a user process: membership, THREAD_CREATE's user stacks, and
 * how a thread leaves (the last one out ends the process, see process.c).
 *
 * A stack the kernel provides (THREAD_CREATE with stack 0) is an anonymous region placed
 * like an mmap (filled on demand): THREAD_USTACK_SIZE bytes with a no-access guard page
 * below. It is unmapped when its thread exits (the thread is on its kernel stack by then),
 * so stacks never outlive their threads.
 *
 * All functions run with the scheduler lock held or take it themselves.
 */
#ifndef SCHED_THREAD_H
#define SCHED_THREAD_H

#include <stddef.h>
#include <stdint.h>
#include "sched/sched.h"

#define THREAD_USTACK_SIZE  (64 * 1024ULL)
#define THREAD_USTACK_GUARD 4096ULL

struct process;

/* Counts one more thread of p against the limits of spindle/limits.h before it is made:
 * 0, EAGAIN (a limit is reached) or ENOMEM (only the kernel's page reserve is left). Every
 * thread_create_user of a user thread needs a slot; thread_detach gives it back, and a
 * creator whose thread was never made gives it back with thread_slot_release. */
int thread_slot_take(struct process *p);
void thread_slot_release(struct process *p);
/* User threads counted against SPINDLE_THREAD_MAX now (tests). */
size_t thread_slots_used(void);

/* Links t into p's thread list / takes it out (thread_create_user, destroy). */
void thread_attach(struct process *p, thread_t *t);
void thread_detach(struct process *p, thread_t *t);

/* THREAD_CREATE: a thread of the calling process entering entry(arg) on stack (0: a stack
 * from the kernel's slots). Returns the tid, or 0 with *err (EINVAL, ENOMEM, EFAULT, EAGAIN
 * at a limit of spindle/limits.h). */
uint64_t thread_spawn_user(uint64_t entry, uint64_t arg, uint64_t stack, int *err);

/* t (new, not started) will return from the system call the running thread `from` is in,
 * with from's registers, RAX 0, RSP sp, from's FS/GS bases, signal mask and priority. */
void thread_frame_copy(thread_t *t, thread_t *from, uint64_t sp);
/* Linux clone of a thread: a new thread of the calling process that returns from the same
 * system call with RAX 0, on stack sp, FS base fs_base, and exit_word as its thread_exit_word
 * (0: none); its tid is stored in the 32-bit user words tid_words[0..1] (0: none) before it
 * runs. Returns the tid, or 0 with *err (EINVAL for a bad address, EAGAIN, ENOMEM). */
uint64_t thread_clone_user(uint64_t sp, uint64_t fs_base, uint64_t exit_word,
                           const uint64_t tid_words[2], int *err);
/* The calling thread leaves its process. Returns true when other threads remain (then the
 * caller must sched_exit_current()); false when it was the last (the caller ends the
 * process). When the process is being killed, the others are interrupted. */
bool thread_leave_process(void);
/* Whether word may be a thread's exit word: 0 (NULL or a 4-byte aligned user address),
 * EINVAL (unaligned) or EFAULT (outside the user half). */
int thread_exit_word_check(uint64_t word);
/* First step of thread_exit, before any lock: drops the stack the kernel made for the
 * calling thread, then clears and wakes its exit word (thread_exit_word), so a joiner that
 * wakes finds the stack gone. */
void thread_exit_notify(void);
/* thread_exit: the calling thread ends (exit word first); when it was the last one, its
 * process ends with last_status. */
__attribute__((noreturn)) void thread_exit_current(uint64_t last_status);
/* Wakes every blocked thread of p with EINTR (kill, exit). */
void thread_interrupt_all(struct process *p);

/* Looks up a live thread of p by tid (NULL if none). Scheduler lock held. */
thread_t *thread_find(struct process *p, uint64_t tid);

#endif
