/*
 * stack_guard.c - the canary for -fstack-protector-strong. Compilers read __stack_chk_guard
 * in every protected function's prologue and compare it in the epilogue, so it must be set
 * before the first protected function runs and never change afterwards: kernel_entry calls
 * stack_guard_init before kernel_main. The value comes from RDSEED/RDRAND when the CPU has
 * them, mixed with the TSC, and its lowest byte is zero so a string overflow cannot copy it.
 */
#include <stdint.h>
#include "kernel/arch/cpu.h"
#include "kernel/panic.h"

uint64_t __stack_chk_guard = 0x595e9fbd94fda766ULL;

static bool stack_guard_rdrand(uint64_t *out)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    return (c & (1u << 30)) && cpu_random_word(false, 16, out); /* CPUID.1:ECX.RDRAND */
}

__attribute__((no_stack_protector)) void stack_guard_init(void)
{
    uint64_t seed = 0;
    stack_guard_rdrand(&seed);
    uint64_t tsc = rdtsc();
    seed ^= tsc * 0x9E3779B97F4A7C15ULL;
    seed ^= seed >> 29;
    __stack_chk_guard = (seed ^ __stack_chk_guard) & ~0xFFULL;
}

__attribute__((noreturn)) void __stack_chk_fail(void)
{
    panic("stack smashing detected: a kernel stack buffer overflowed into the canary");
}

#include "kernel/ktest.h"
#include "kernel/lib/string.h"

KTEST(stack_guard_canary_is_random_looking_with_a_zero_low_byte)
{
    KTEST_EXPECT((__stack_chk_guard & 0xFF) == 0);
    KTEST_EXPECT(__stack_chk_guard != (0x595e9fbd94fda766ULL & ~0xFFULL));
    KTEST_EXPECT(__stack_chk_guard >> 8 != 0);
}

/* A protected function really reads the canary: look in its first bytes for a RIP-relative
 * operand (disp32 ending the instruction) that points at __stack_chk_guard. */
static __attribute__((noinline)) size_t stack_guard_sample(const char *s)
{
    char buf[64];
    size_t n = strlcpy(buf, s, sizeof buf);
    return n + (size_t)buf[0];
}

KTEST(stack_guard_protected_function_references_the_canary)
{
    const uint8_t *code = (const uint8_t *)(uint64_t)stack_guard_sample;
    bool found = false;
    for (int i = 0; i + 4 <= 96 && !found; i++) {
        int32_t disp;
        memcpy(&disp, code + i, 4);
        found = (uint64_t)(code + i + 4) + (uint64_t)(int64_t)disp == (uint64_t)&__stack_chk_guard;
    }
    KTEST_EXPECT(stack_guard_sample("x") == 1 + 'x');
    KTEST_EXPECT(found);
}
