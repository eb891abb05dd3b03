/*
 * syscall_ctx.h - the per-thread block the SYSCALL entry reaches through MSR_KERNEL_GS_BASE.
 *
 * The scheduler writes the running thread's ctx address into MSR_KERNEL_GS_BASE, so the
 * entry's `swapgs` exposes exactly this block for three instructions: it parks the user RSP
 * and fetches the thread's kernel stack top, then swaps back. User GS stays live in the
 * kernel; no kernel code relies on GS. Offsets are shared with entry.S and checked against
 * the struct at compile time.
 */
#ifndef SYSCALL_SYSCALL_CTX_H
#define SYSCALL_SYSCALL_CTX_H

#define SYSCALL_CTX_KERNEL_RSP 0
#define SYSCALL_CTX_USER_RSP   8

/* ctx.flags: the kernel rewrote the saved user context, so return with iretq (SYSRET would
 * clobber RCX/R11 and cannot load arbitrary CS/SS/RFLAGS). */
#define SYSCALL_CTX_FORCE_IRET 0x1u

/* Not a CPU vector: marks an interrupt_frame_t built by the SYSCALL entry. */
#define SYSCALL_FRAME_VECTOR 0x100

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t kernel_rsp; /* top of the owning thread's kernel stack */
    uint64_t user_rsp;   /* scratch slot: the user RSP during entry */
    uint64_t flags;      /* SYSCALL_CTX_* */
} syscall_ctx_t;

_Static_assert(offsetof(syscall_ctx_t, kernel_rsp) == SYSCALL_CTX_KERNEL_RSP, "entry.S offset");
_Static_assert(offsetof(syscall_ctx_t, user_rsp) == SYSCALL_CTX_USER_RSP, "entry.S offset");

/* Call after changing a thread's saved user registers (e.g. signal delivery, exec). */
static inline void syscall_ctx_mark_rewritten(syscall_ctx_t *ctx)
{
    ctx->flags |= SYSCALL_CTX_FORCE_IRET;
}
#endif

#endif
