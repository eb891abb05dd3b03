/*
 * syscall_ktest.c - self-tests of the system-call table and its error convention.
 */
#include "kernel/ktest.h"
#include "sched/sched.h"
#include "syscall/syscall.h"

KTEST(syscall_table_is_sorted_and_complete)
{
    KTEST_EXPECT(syscall_table_size() == SYS_COUNT);
    for (uint64_t i = 0; i < SYS_COUNT; i++) {
        const syscall_descriptor_t *d = syscall_table_entry(i);
        KTEST_EXPECT(d && d->num == i && d->handler);
    }
    KTEST_EXPECT(syscall_table_entry(SYS_COUNT) == NULL);
}

static bool enosys_for(uint64_t num)
{
    sched_current()->error = 0;
    if (syscall_invoke(num, 1, 2, 3, 4, 5, 6) != ERR)
        return false;
    return syscall_invoke(SYS_ERRNO, 0, 0, 0, 0, 0, 0) == ENOSYS;
}

KTEST(syscall_numbers_outside_the_table_get_enosys)
{
    KTEST_EXPECT(enosys_for(SYS_COUNT));
    KTEST_EXPECT(enosys_for(SYS_COUNT + 1));
    KTEST_EXPECT(enosys_for((uint64_t)-1));
    KTEST_EXPECT(enosys_for(1ULL << 63));
    KTEST_EXPECT(enosys_for(1ULL << 32));
}

KTEST(syscall_errno_keeps_the_last_failure)
{
    sched_current()->error = 0;
    KTEST_EXPECT(syscall_invoke(SYS_ERRNO, 0, 0, 0, 0, 0, 0) == 0);
    KTEST_EXPECT(syscall_invoke(SYS_WAIT, (uint64_t)-1, 0, 0x80, 0, 0, 0) == ERR); /* bad flag */
    KTEST_EXPECT(syscall_invoke(SYS_ERRNO, 0, 0, 0, 0, 0, 0) == EINVAL);
    KTEST_EXPECT(syscall_invoke(SYS_GETTID, 0, 0, 0, 0, 0, 0) == sched_current()->tid);
    KTEST_EXPECT(syscall_invoke(SYS_ERRNO, 0, 0, 0, 0, 0, 0) == EINVAL); /* success keeps it */
}
