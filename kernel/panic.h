/*
 * panic.h - loud death for kernel bugs: message, register dump where known, symbolized
 * backtrace, every CPU stopped; under `qemu_exit` QEMU leaves with code 3.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdint.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

#define ASSERT(cond) \
    do { \
        if (__builtin_expect(!(cond), 0)) \
            panic("assertion failed: %s (%s:%d, %s)", #cond, __FILE__, __LINE__, __func__); \
    } while (0)

/* Prints "  [addr] symbol+off" lines walking the frame-pointer chain from rbp. */
void panic_print_backtrace(uint64_t rip, uint64_t rbp);

/* Finds the symbol containing addr; returns its name and writes the offset, or NULL. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

#endif
