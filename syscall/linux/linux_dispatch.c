/*
 * linux_dispatch.c - the Linux ABI record (syscall_abi.h): the generated table
 * (linux_syscall_table.c, from linux_syscalls.spec), -ENOSYS with one console line per
 * process and missing call, and the helpers every handler shares.
 */
#include "kernel/kprintf.h"
#include "kernel/uaccess.h"
#include "sched/sched.h"
#include "syscall/linux/linux.h"
#include "syscall/syscall.h"
#include "syscall/syscall_abi.h"

#define NSEC_PER_SEC 1000000000ULL

typedef int64_t (*linux_fn_t)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
extern const linux_fn_t linux_syscall_table[LINUX_NR_COUNT];
extern const syscall_meta_t linux_syscall_meta[LINUX_NR_COUNT];

/* The first time a process makes a call Linux has and Spindle does not, the console says so:
 * the one line that tells a porter what to write next. Bits are set atomically, so threads
 * racing on the same call print it once. */
static void linux_report_missing(uint64_t nr)
{
    process_t *p = process_current();
    const char *name = nr < LINUX_NR_COUNT ? linux_syscall_meta[nr].name : NULL;
    /* Numbers past the bitmap share its last bit: one line for all of them, so no number
     * can make the console print without end. */
    const uint64_t bits = 64 * sizeof p->enosys_seen / sizeof p->enosys_seen[0];
    uint64_t at = nr < bits ? nr : bits - 1;
    uint64_t bit = 1ULL << (at % 64);
    if (__atomic_fetch_or(&p->enosys_seen[at / 64], bit, __ATOMIC_RELAXED) & bit)
        return;
    kprintf("linux: pid %lu (%s): syscall %lu %s not implemented\n", (unsigned long)p->pid,
            p->name, (unsigned long)nr, name ? name : "(unknown)");
}

static uint64_t linux_invoke(uint64_t nr, const uint64_t a[6])
{
    if (nr < LINUX_NR_COUNT && linux_syscall_table[nr])
        return (uint64_t)linux_syscall_table[nr](a[0], a[1], a[2], a[3], a[4], a[5]);
    linux_report_missing(nr);
    return (uint64_t)-ENOSYS;
}

const syscall_abi_t syscall_abi_linux = {
    .name = "linux", .id = SYSCALL_ABI_LINUX, .count = LINUX_NR_COUNT,
    .meta = linux_syscall_meta, .negative_errno = true, .invoke = linux_invoke,
};

/* Calls the spec marks `fallback`: libcs probe them and do without, so no console line. */
int64_t linux_sys_fallback(void);
int64_t linux_sys_fallback(void)
{
    return -ENOSYS;
}

int64_t linux_native(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5)
{
    uint64_t r = syscall_invoke(nr, a0, a1, a2, a3, a4, a5);
    return r == ERR ? -(int64_t)sched_current()->error : (int64_t)r;
}

int64_t linux_native_ptr(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5)
{
    uint64_t r = syscall_invoke(nr, a0, a1, a2, a3, a4, a5);
    return r == 0 ? -(int64_t)sched_current()->error : (int64_t)r;
}

int linux_timespec_read(const void *uts, uint64_t *ns)
{
    linux_timespec_t ts;
    if (copy_from_user(&ts, uts, sizeof ts))
        return EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
        return EINVAL;
    /* Beyond ~584 years is forever. */
    if ((uint64_t)ts.tv_sec >= (CLOCK_NEVER - 1) / NSEC_PER_SEC - 1)
        *ns = CLOCK_NEVER;
    else
        *ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
    return 0;
}

int linux_timespec_write(void *uts, uint64_t ns)
{
    linux_timespec_t ts = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
    return copy_to_user(uts, &ts, sizeof ts) ? EFAULT : 0;
}
