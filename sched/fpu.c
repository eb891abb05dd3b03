/*
 * fpu.c - user FPU/SSE/AVX state, saved and restored eagerly on every switch between two
 * threads. XSAVE (x87 | SSE | AVX, whatever the CPU offers of these) when CPUID reports it,
 * FXSAVE otherwise. The kernel is built with -mgeneral-regs-only, so between the save and
 * the restore nothing in the kernel touches these registers.
 *
 * A fresh image is all zeros except the x87 control word and MXCSR at their reset values
 * (all exceptions masked, round to nearest); with XSTATE_BV = 0 XRSTOR loads the init state
 * for every component and MXCSR from the legacy area.
 */
#include "sched/sched.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/smp.h"
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/heap.h"

#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)
#define FXSAVE_SIZE 512
#define FPU_ALIGN   64

static bool use_xsave;
static uint64_t xcr0_mask;
static size_t state_size = FXSAVE_SIZE;

static void xsetbv0(uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void fpu_init_cpu(void)
{
    if (!cpu_features.xsave)
        return;
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a < 0xD)
        return;
    write_cr4(read_cr4() | CR4_OSXSAVE);
    cpuid(0xD, 0, &a, &b, &c, &d);
    uint64_t supported = a | ((uint64_t)d << 32);
    xcr0_mask = supported & (XCR0_X87 | XCR0_SSE | XCR0_AVX);
    if ((xcr0_mask & (XCR0_X87 | XCR0_SSE)) != (XCR0_X87 | XCR0_SSE)) {
        write_cr4(read_cr4() & ~CR4_OSXSAVE);
        return;
    }
    xsetbv0(xcr0_mask);
    cpuid(0xD, 0, &a, &b, &c, &d); /* EBX: the size for the features now enabled */
    ASSERT(b >= FXSAVE_SIZE + 64);
    state_size = b;
    use_xsave = true;
    if (smp_cpu_index() == 0) /* every CPU gets the same set; APs never print */
        kprintf("sched: FPU state with XSAVE, XCR0 0x%lx, %lu bytes per thread\n",
                (unsigned long)xcr0_mask, (unsigned long)state_size);
}

bool fpu_uses_xsave(void)
{
    return use_xsave;
}

size_t fpu_state_size(void)
{
    return state_size;
}

bool fpu_alloc_state(thread_t *t)
{
    uint8_t *raw = kzalloc(state_size + FPU_ALIGN);
    if (!raw)
        return false;
    t->fpu_alloc = raw;
    t->fpu = (uint8_t *)(((uint64_t)raw + FPU_ALIGN - 1) & ~(uint64_t)(FPU_ALIGN - 1));
    uint16_t fcw = 0x037F;
    uint32_t mxcsr = 0x1F80;
    memcpy(&t->fpu[0], &fcw, sizeof fcw);
    memcpy(&t->fpu[24], &mxcsr, sizeof mxcsr);
    return true;
}

void fpu_free_state(thread_t *t)
{
    kfree(t->fpu_alloc);
    t->fpu_alloc = NULL;
    t->fpu = NULL;
}

void fpu_save(thread_t *t)
{
    if (use_xsave)
        __asm__ volatile("xsave64 (%0)" : : "r"(t->fpu), "a"((uint32_t)xcr0_mask),
                         "d"((uint32_t)(xcr0_mask >> 32)) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" : : "r"(t->fpu) : "memory");
}

void fpu_restore(thread_t *t)
{
    if (use_xsave)
        __asm__ volatile("xrstor64 (%0)" : : "r"(t->fpu), "a"((uint32_t)xcr0_mask),
                         "d"((uint32_t)(xcr0_mask >> 32)) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(t->fpu) : "memory");
}
