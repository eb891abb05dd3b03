/*
 * sys_futex.c - the futex call (sched/futex.c does the work).
 */
#include "sched/futex.h"
#include "proc/process.h"
#include "syscall/syscall.h"

SYSCALL_DEFINE(SYS_FUTEX, uint64_t, uptr_t addr, uint64_t op, uint64_t value, uint64_t timeout)
{
    aspace_t *as = process_current()->aspace;
    if (op == FUTEX_WAIT) {
        if (value > UINT32_MAX)
            return syscall_fail(EINVAL);
        int err = futex_wait(as, addr.addr, (uint32_t)value, timeout);
        return err ? syscall_fail(err) : 0;
    }
    if (op == FUTEX_WAKE) {
        int64_t n = futex_wake(as, addr.addr, value);
        return n < 0 ? syscall_fail((int)-n) : (uint64_t)n;
    }
    return syscall_fail(EINVAL);
}
