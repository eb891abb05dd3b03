/*
 * syscall.c - the native system-call table (sorted and checked at boot), the ABI records and
 * the dispatcher (each process's calls go to the table of the ABI it speaks, syscall_abi.h),
 * and the per-CPU SYSCALL MSR setup. The entry and exit paths themselves are in entry.S.
 */
#include "syscall/syscall.h"
#include <spindle/linux_abi.h>
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"
#include "kernel/panic.h"
#include "kernel/trace/trace.h"
#include "proc/exec.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/syscall_abi.h"
#include "syscall/syscall_ctx.h"

#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_DF (1ULL << 10)
#define RFLAGS_NT (1ULL << 14)
#define RFLAGS_RF (1ULL << 16)
#define RFLAGS_AC (1ULL << 18)

extern syscall_descriptor_t __syscall_table_start[], __syscall_table_end[];
extern void syscall_entry(void);

static uint64_t syscall_count;

void syscall_init_cpu(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* SYSCALL: CS = 0x08, SS = 0x10. SYSRET: CS = 0x10 + 16 | 3 = 0x23, SS = 0x10 + 8 | 3 = 0x1B. */
    wrmsr(MSR_STAR, ((uint64_t)GDT_KERNEL_CODE << 32) | ((uint64_t)(GDT_USER_DATA - 8 - 3) << 48));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* The entry runs with interrupts off until it is on the kernel stack; TF/DF/AC/NT must
     * not leak from user space into kernel code. */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);
}

_Static_assert(GDT_USER_DATA - 8 - 3 + 16 + 3 == GDT_USER_CODE, "STAR needs user code 16 above base");
_Static_assert(GDT_KERNEL_CODE + 8 == GDT_KERNEL_DATA, "STAR needs kernel data right after code");

static void syscall_table_sort(syscall_descriptor_t *t, uint64_t n)
{
    for (uint64_t i = 1; i < n; i++) {
        syscall_descriptor_t d = t[i];
        uint64_t j = i;
        for (; j > 0 && t[j - 1].num > d.num; j--)
            t[j] = t[j - 1];
        t[j] = d;
    }
}

void syscall_init(void)
{
    syscall_descriptor_t *t = __syscall_table_start;
    uint64_t n = (uint64_t)(__syscall_table_end - __syscall_table_start);
    syscall_table_sort(t, n);
    for (uint64_t i = 0; i < n; i++) {
        if (t[i].num == i)
            continue;
        if (i > 0 && t[i].num == t[i - 1].num)
            panic("syscall: number %lu defined twice (%s, %s)", t[i].num, t[i - 1].name, t[i].name);
        panic("syscall: no handler for number %lu (next is %s)", i, t[i].name);
    }
    if (n != SYS_COUNT)
        panic("syscall: table has %lu entries, syscalls.spec has %d", n, SYS_COUNT);
    syscall_count = n;
    kprintf("syscall: %lu calls registered\n", n);
    syscall_process_hooks_register();
}

uint64_t syscall_table_size(void)
{
    return syscall_count;
}

const syscall_descriptor_t *syscall_table_entry(uint64_t num)
{
    return num < syscall_count ? &__syscall_table_start[num] : NULL;
}

uint64_t syscall_fail(int code)
{
    sched_current()->error = (uint64_t)code;
    return ERR;
}

uint64_t syscall_invoke(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5)
{
    if (num >= syscall_count)
        return syscall_fail(ENOSYS);
    syscall_fn_t fn = (syscall_fn_t)__syscall_table_start[num].handler;
    return fn(a0, a1, a2, a3, a4, a5);
}

_Static_assert((int)EXEC_ABI_NATIVE == (int)SYSCALL_ABI_NATIVE &&
               (int)EXEC_ABI_LINUX == (int)SYSCALL_ABI_LINUX, "process_t.abi holds either");

static uint64_t native_invoke(uint64_t nr, const uint64_t a[6])
{
    return syscall_invoke(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

const syscall_abi_t syscall_abi_native = {
    .name = "spindle", .id = SYSCALL_ABI_NATIVE, .count = SYS_COUNT,
    .meta = syscall_meta_table, .negative_errno = false, .invoke = native_invoke,
};

const syscall_abi_t *syscall_abi_of(const process_t *p)
{
    return p->abi == SYSCALL_ABI_LINUX ? &syscall_abi_linux : &syscall_abi_native;
}

const syscall_meta_t *syscall_abi_meta(const syscall_abi_t *abi, uint64_t nr)
{
    return nr < abi->count && abi->meta[nr].name ? &abi->meta[nr] : NULL;
}

bool syscall_abi_failed(const syscall_abi_t *abi, uint64_t nr, uint64_t ret,
                        uint64_t thread_error, uint64_t *err)
{
    if (abi->negative_errno) {
        *err = -ret;
        return ret >= (uint64_t)-LINUX_ERRNO_MAX;
    }
    *err = thread_error;
    const syscall_meta_t *m = syscall_abi_meta(abi, nr);
    if (!m)
        return ret == ERR;
    if (m->ret == SYSCALL_RET_VOID || m->ret == SYSCALL_RET_ERRNO)
        return false;
    return m->ret == SYSCALL_RET_UPTR ? ret == 0 : ret == ERR;
}

/* SYSRET is only safe for the context the SYSCALL saved, unchanged: it reloads RIP from
 * RCX and RFLAGS from R11 and fixes CS/SS. A non-canonical RIP would fault in ring 0 on
 * Intel CPUs (with the user RSP already loaded), so such returns, and any context the
 * kernel rewrote (ctx flag), leave through iretq; so do TF/RF, which SYSRET cannot
 * reproduce faithfully. Interrupts are off. */
static uint64_t syscall_exit_may_sysret(thread_t *t, const interrupt_frame_t *f)
{
    bool forced = t->ctx.flags & SYSCALL_CTX_FORCE_IRET;
    t->ctx.flags &= ~(uint64_t)SYSCALL_CTX_FORCE_IRET;
    if (forced || f->rip >= USER_ADDR_END)
        return 0;
    /* As Linux: the frame must still be what SYSCALL left (RCX = RIP, R11 = RFLAGS), so a
     * rewrite that forgot the flag still returns exactly. */
    if (f->rcx != f->rip || f->r11 != f->rflags)
        return 0;
    if (f->rflags & (RFLAGS_TF | RFLAGS_RF))
        return 0;
    return f->cs == GDT_USER_CODE && f->ss == GDT_USER_DATA;
}

/* The thread is looked up once: the kernel stack this runs on is its own to the end (a
 * switch in sched_syscall_exit comes back on the same stack), so every later step reuses
 * it instead of walking sched_current() again. */
uint64_t syscall_dispatch(interrupt_frame_t *f)
{
    thread_t *t = sched_current();
    process_t *p = t->process;
    /* SPINDLE_NO_TRACE_HOOK: only the `make bench` variant kernel (kernel-nohook.elf)
     * defines it, to measure what this branch costs the null system call. */
#ifndef SPINDLE_NO_TRACE_HOOK
    if (__builtin_expect(trace_enabled, 0)) { /* tracing off: this one predictable branch */
        trace_syscall(f, syscall_abi_of(p));
    } else
#endif
    if (__builtin_expect(p->abi == SYSCALL_ABI_NATIVE, 1)) {
        f->rax = syscall_invoke(f->rax, f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
    } else {
        const uint64_t args[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
        f->rax = syscall_abi_linux.invoke(f->rax, args);
    }
    sched_syscall_exit(); /* a wake-up or tick asked for a switch */
    /* A kill() that came while this call ran. t->process is read again (exec and vfork may
     * change what the call left); the full check runs only when a kill is pending. */
    if (__builtin_expect(t->process->kill_pending, 0))
        process_check_killed();
    /* Off before anything of the user context is restored (entry.S): the SYSRET checks
     * must still hold when the registers are reloaded. */
    cpu_cli();
    return syscall_exit_may_sysret(t, f);
}
