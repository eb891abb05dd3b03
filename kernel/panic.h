/*
 * panic.h - loud death for kernel bugs: message, register dump where known, symbolized
 * backtrace, every CPU stopped; under `qemu_exit` QEMU leaves with code 3.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>
#include <stdint.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define ASSERT(cond) \
    do { \
        if (__builtin_expect(!(cond), 0)) \
            panic("assertion failed: %s (%s:%d, %s)", #cond, __FILE__, __LINE__, __func__); \
    } while (0)

/* Prints "backtrace:" and "  #N 0xADDR symbol+0xOFF" lines: rip (exact), then the return
 * addresses found walking the frame-pointer chain from rbp (at most 32 frames). */
void panic_print_backtrace(uint64_t rip, uint64_t rbp);

/* Finds the symbol containing addr; returns its name and writes the offset, or NULL. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

/* ---- for fatal paths that print their own report (exceptions) ---- */

/* Interrupts off, consoles unlocked, returns how many panics are under way including this
 * one: 1 = print the full report; 2 = nested (print one short line, then panic_finish). A
 * third nesting halts inside panic_begin without printing. */
unsigned panic_begin(void);
/* Stops the other CPUs, leaves QEMU with the panic code under `qemu_exit`, halts. */
__attribute__((noreturn)) void panic_finish(void);
bool panic_in_progress(void);

/* Tells every other CPU to stop with an NMI (kernel/arch/smp_nmi.c; exception_handle halts
 * on it). */
void panic_stop_other_cpus(void);

/* Walks the frame-pointer chain from rbp; frames[0] = rip. Every frame address is checked
 * before it is read. Returns how many addresses it stored (at most max), rip included. */
unsigned backtrace_collect(uint64_t rip, uint64_t rbp, uint64_t *frames, unsigned max);

#endif
