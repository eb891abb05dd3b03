/*
 * panic.c - the end of the line for kernel bugs: report, stop every CPU, leave QEMU with the
 * panic code (under `qemu_exit`), halt.
 *
 * Invariants: the panic path takes no lock (consoles are forced unlocked) and reads no
 * memory it has not checked (frame pointers are probed with arch_kernel_addr_mapped), so a
 * corrupt kernel still gets its report out. A panic inside a panic prints one short line;
 * a third level halts silently, so a broken console cannot loop us forever.
 */
#include <stdarg.h>
#include "kernel/panic.h"
#include "kernel/arch/smp.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/console/console.h"
#include "kernel/kprintf.h"
#include "kernel/ktest.h"
#include "kernel/power.h"

#define BACKTRACE_MAX_DEPTH 32

extern const char __text_start[], __text_end[];

static unsigned panic_depth;

static bool backtrace_in_text(uint64_t addr)
{
    return addr >= (uint64_t)__text_start && addr < (uint64_t)__text_end;
}

/* A frame record is two quadwords (saved rbp, return address) on a kernel stack. Stacks grow
 * down, so each caller's record sits strictly above its callee's. */
static bool backtrace_frame_ok(uint64_t rbp, uint64_t below)
{
    return rbp > below && (rbp & 7) == 0 && arch_kernel_addr_mapped(rbp) &&
           arch_kernel_addr_mapped(rbp + 8);
}

unsigned backtrace_collect(uint64_t rip, uint64_t rbp, uint64_t *frames, unsigned max)
{
    unsigned n = 0;
    if (max == 0)
        return 0;
    frames[n++] = rip;
    uint64_t below = 0;
    while (n < max && backtrace_frame_ok(rbp, below)) {
        const uint64_t *record = (const uint64_t *)rbp;
        uint64_t ret = record[1];
        if (!backtrace_in_text(ret))
            break;
        frames[n++] = ret;
        below = rbp;
        rbp = record[0];
    }
    return n;
}

/* A return address may point just past a call that ends its function (noreturn callees), so
 * it is looked up one byte back and the offset shown is still relative to the real address. */
static void backtrace_print_frames(const uint64_t *frames, unsigned n, bool first_is_return)
{
    kprintf("backtrace:\n");
    for (unsigned i = 0; i < n; i++) {
        bool is_return = i > 0 || first_is_return;
        uint64_t off;
        const char *name = ksyms_lookup(frames[i] - is_return, &off);
        if (name)
            kprintf("  #%u 0x%016lx %s+0x%lx\n", i, frames[i], name, off + is_return);
        else
            kprintf("  #%u 0x%016lx ?\n", i, frames[i]);
    }
}

void panic_print_backtrace(uint64_t rip, uint64_t rbp)
{
    uint64_t frames[BACKTRACE_MAX_DEPTH];
    unsigned n = backtrace_collect(rip, rbp, frames, BACKTRACE_MAX_DEPTH);
    backtrace_print_frames(frames, n, false);
}

#define PANIC_NO_CPU (~0u)
static unsigned panic_cpu = PANIC_NO_CPU;

bool panic_in_progress(void)
{
    return __atomic_load_n(&panic_depth, __ATOMIC_ACQUIRE) != 0;
}

unsigned panic_begin(void)
{
    cpu_cli();
    /* One CPU reports; any other that panics meanwhile halts (the reporter's NMI marks it
     * stopped), so two reports never interleave and "nested" means the same CPU. */
    unsigned me = smp_cpu_index(), none = PANIC_NO_CPU;
    if (!__atomic_compare_exchange_n(&panic_cpu, &none, me, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE) && none != me)
        cpu_halt_forever();
    unsigned depth = __atomic_add_fetch(&panic_depth, 1, __ATOMIC_ACQ_REL);
    if (depth > 2) {
        power_qemu_exit(POWER_QEMU_PANIC);
        cpu_halt_forever();
    }
    if (depth == 1)
        console_force_unlocked();
    return depth;
}

void panic_finish(void)
{
    panic_stop_other_cpus();
    kprintf("panic: system halted\n");
    power_qemu_exit(POWER_QEMU_PANIC);
    cpu_halt_forever();
}

void panic(const char *fmt, ...)
{
    /* Our own frame record gives the caller's rbp and the address we return to. */
    const uint64_t *record = __builtin_frame_address(0);
    if (panic_begin() > 1) {
        kprintf("\nPANIC: nested panic (\"%s\") while panicking; halted\n", fmt);
        panic_finish();
    }
    va_list ap;
    va_start(ap, fmt);
    kprintf("PANIC: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);

    uint64_t frames[BACKTRACE_MAX_DEPTH];
    unsigned n = backtrace_collect(record[1], record[0], frames, BACKTRACE_MAX_DEPTH);
    backtrace_print_frames(frames, n, true);
    panic_finish();
}

/* ---------------------------------------------------------------- self-tests */

static __attribute__((noinline)) unsigned ktest_backtrace_leaf(uint64_t *frames, unsigned max)
{
    uint64_t rip;
    __asm__ volatile("leaq (%%rip), %0" : "=r"(rip));
    unsigned n = backtrace_collect(rip, (uint64_t)__builtin_frame_address(0), frames, max);
    __asm__ volatile("" ::: "memory"); /* keep this a real call, not a tail call */
    return n;
}

static __attribute__((noinline)) unsigned ktest_backtrace_middle(uint64_t *frames, unsigned max)
{
    unsigned n = ktest_backtrace_leaf(frames, max);
    __asm__ volatile("" ::: "memory");
    return n;
}

static bool ktest_frame_is(uint64_t addr, const char *want)
{
    uint64_t off;
    const char *name = ksyms_lookup(addr - 1, &off);
    if (!name)
        return false;
    while (*want && *name == *want) {
        name++;
        want++;
    }
    return *want == 0 && (*name == 0 || *name == '.'); /* gcc clones: foo.constprop.0 */
}

KTEST(panic_backtrace_walks_through_callers)
{
    uint64_t frames[8];
    unsigned n = ktest_backtrace_middle(frames, 8);
    KTEST_EXPECT(n >= 3);
    KTEST_EXPECT(ktest_frame_is(frames[0] + 1, "ktest_backtrace_leaf"));
    KTEST_EXPECT(ktest_frame_is(frames[1], "ktest_backtrace_middle"));
    KTEST_EXPECT(ktest_frame_is(frames[2], "ktest_fn_panic_backtrace_walks_through_callers"));
}

KTEST(panic_backtrace_stops_on_bad_frame_pointer)
{
    uint64_t frames[8];
    KTEST_EXPECT(backtrace_collect(0x1234, 0xdead0000, frames, 8) == 1); /* user half */
    KTEST_EXPECT(backtrace_collect(0x1234, (uint64_t)frames + 1, frames, 8) == 1); /* misaligned */
    KTEST_EXPECT(backtrace_collect(0x1234, 0, frames, 8) == 1);
    KTEST_EXPECT(frames[0] == 0x1234);
}
