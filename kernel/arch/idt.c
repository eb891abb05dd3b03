/*
 * idt.c - the shared IDT and the C side of interrupt entry. Every vector has a stub
 * (isr.S); interrupt_dispatch routes a vector to its registered handler, sends unclaimed
 * exceptions (0..31) to exception_handle, and logs other unclaimed vectors once each as
 * spurious and carries on.
 *
 * Invariants: gates are written only by idt_init (before interrupts are enabled); handlers
 * are single pointers updated atomically, so idt_set_handler is safe with interrupts on.
 * No swapgs anywhere: the kernel never uses GS base, so a ring-3 entry needs no GS switch.
 */
#include <stddef.h>
#include "kernel/arch/idt.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/gdt.h"
#include "kernel/arch/hooks.h"
#include "kernel/arch/isr_frame.h"
#include "kernel/kprintf.h"
#include "kernel/ktest.h"

_Static_assert(offsetof(interrupt_frame_t, vector) == FRAME_VECTOR, "isr_frame.h");
_Static_assert(offsetof(interrupt_frame_t, error_code) == FRAME_ERROR_CODE, "isr_frame.h");
_Static_assert(offsetof(interrupt_frame_t, rip) == FRAME_RIP, "isr_frame.h");
_Static_assert(offsetof(interrupt_frame_t, cs) == FRAME_CS, "isr_frame.h");
_Static_assert(offsetof(interrupt_frame_t, rflags) == FRAME_RFLAGS, "isr_frame.h");
_Static_assert(offsetof(interrupt_frame_t, rsp) == FRAME_RSP, "isr_frame.h");
_Static_assert(sizeof(interrupt_frame_t) == FRAME_SIZE, "isr_frame.h");

#define IDT_VECTORS      256
#define GATE_INTERRUPT   0x8E  /* P, DPL0, 64-bit interrupt gate (IF cleared on entry) */
#define GATE_DPL3        0x60  /* reachable by `int n` from ring 3 */

typedef struct __attribute__((packed)) {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} idt_gate_t;

_Static_assert(sizeof(idt_gate_t) == 16, "IDT gate layout");

extern const uint64_t isr_stub_table[IDT_VECTORS]; /* isr.S */

static idt_gate_t idt[IDT_VECTORS] __attribute__((aligned(16)));
static interrupt_handler_t idt_handlers[IDT_VECTORS];
static uint8_t idt_spurious_logged[IDT_VECTORS / 8];
static uint64_t idt_spurious_total;

static void idt_set_gate(uint8_t vector, uint64_t stub, uint8_t ist, uint8_t type_attr)
{
    idt[vector] = (idt_gate_t){
        .offset_low = (uint16_t)stub,
        .selector = GDT_KERNEL_CODE,
        .ist = ist,
        .type_attr = type_attr,
        .offset_mid = (uint16_t)(stub >> 16),
        .offset_high = (uint32_t)(stub >> 32),
    };
}

static uint8_t idt_ist_for(unsigned vector)
{
    switch (vector) {
    case 2: return IST_NMI;
    case 8: return IST_DOUBLE_FAULT;
    case 18: return IST_MACHINE_CHECK;
    default: return 0;
    }
}

void idt_init(void)
{
    for (unsigned v = 0; v < IDT_VECTORS; v++)
        idt_set_gate((uint8_t)v, isr_stub_table[v], idt_ist_for(v), GATE_INTERRUPT);
    /* int3 from ring 3 must reach the kernel (debuggers); other gates stay ring-0 only, so a
     * user `int n` on them raises #GP instead of faking a hardware interrupt. */
    idt_set_gate(3, isr_stub_table[3], 0, GATE_INTERRUPT | GATE_DPL3);
}

void idt_load(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } idtr = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void idt_set_handler(uint8_t vector, interrupt_handler_t handler)
{
    __atomic_store_n(&idt_handlers[vector], handler, __ATOMIC_RELEASE);
}

interrupt_handler_t idt_get_handler(uint8_t vector)
{
    return __atomic_load_n(&idt_handlers[vector], __ATOMIC_ACQUIRE);
}

uint64_t idt_spurious_count(void)
{
    return __atomic_load_n(&idt_spurious_total, __ATOMIC_RELAXED);
}

/* A vector nobody handles may still have come through the LAPIC (an interrupt the firmware
 * left pending, or one that arrived just after its handler was removed): if it is in service
 * it must be acknowledged, or it blocks every lower-priority vector, the timer included.
 * A true APIC spurious interrupt (0xFF) is never in service and gets no EOI. */
static void idt_log_spurious(const interrupt_frame_t *f)
{
    unsigned v = (unsigned)f->vector;
    if (v >= 32 && v != APIC_SPURIOUS_VECTOR && apic_in_service((uint8_t)v))
        apic_eoi();
    __atomic_fetch_add(&idt_spurious_total, 1, __ATOMIC_RELAXED);
    uint8_t bit = (uint8_t)(1u << (v % 8));
    if (__atomic_fetch_or(&idt_spurious_logged[v / 8], bit, __ATOMIC_RELAXED) & bit)
        return;
    kprintf("idt: spurious interrupt on vector %u (rip 0x%016lx), ignored from now on\n", v,
            f->rip);
}

void interrupt_dispatch(interrupt_frame_t *frame)
{
    /* SMAP must not be lifted for the handler by an AC flag left set by ring 3 or by an
     * interrupted user-copy; iretq restores the interrupted RFLAGS. */
    if (cpu_features.smap)
        __asm__ volatile("clac" ::: "memory");

    uint8_t vector = (uint8_t)frame->vector;
    interrupt_handler_t handler = idt_get_handler(vector);
    if (handler)
        handler(frame);
    else if (vector < 32)
        exception_handle(frame);
    else
        idt_log_spurious(frame);
    /* The scheduler may switch threads here (preemption) and stops a killed process's
     * thread before it returns to user mode. */
    arch_hooks()->interrupt_exit(frame);
}

/* ---------------------------------------------------------------- self-tests */

static volatile uint64_t ktest_bp_hits, ktest_bp_rip;
static volatile uint64_t ktest_bp_cs;

static void ktest_bp_handler(interrupt_frame_t *f)
{
    ktest_bp_hits++;
    ktest_bp_rip = f->rip;
    ktest_bp_cs = f->cs;
}

KTEST(idt_int3_reaches_registered_handler_and_returns)
{
    interrupt_handler_t old = idt_get_handler(3);
    uint64_t after_int3;
    ktest_bp_hits = 0;
    idt_set_handler(3, ktest_bp_handler);
    __asm__ volatile("int3\n\t"
                     "1: leaq 1b(%%rip), %0" : "=r"(after_int3) : : "memory");
    idt_set_handler(3, old);
    KTEST_EXPECT(ktest_bp_hits == 1);
    KTEST_EXPECT(ktest_bp_cs == GDT_KERNEL_CODE);
    KTEST_EXPECT(ktest_bp_rip == after_int3); /* #BP is a trap: rip is past the int3 */
}

KTEST(idt_unregistered_vector_is_logged_and_survived)
{
    uint64_t before = idt_spurious_count();
    __asm__ volatile("int $0xEE" ::: "memory");
    __asm__ volatile("int $0xEE" ::: "memory");
    KTEST_EXPECT(idt_spurious_count() == before + 2);
}

KTEST(idt_registers_are_preserved_across_an_interrupt)
{
    uint64_t in = 0x1122334455667788ULL, out_r12, out_r15;
    interrupt_handler_t old = idt_get_handler(3);
    idt_set_handler(3, ktest_bp_handler);
    __asm__ volatile("mov %2, %%r12\n\t"
                     "mov %2, %%r15\n\t"
                     "not %%r15\n\t"
                     "int3\n\t"
                     "mov %%r12, %0\n\t"
                     "mov %%r15, %1"
                     : "=r"(out_r12), "=r"(out_r15) : "r"(in) : "r12", "r15", "memory");
    idt_set_handler(3, old);
    KTEST_EXPECT(out_r12 == in);
    KTEST_EXPECT(out_r15 == ~in);
}
