/*
 * gdt.c - per-CPU GDT and TSS. Selector order (null, kernel code, kernel data, user data,
 * user code, TSS) is fixed by SYSCALL/SYSRET: STAR derives kernel SS = CS + 8 and user
 * SS = base + 8, user CS = base + 16, so user data must sit just below user code.
 *
 * Invariant: a CPU's tables live as long as the kernel (they are static) and are loaded only
 * by that CPU; ltr marks the TSS busy, so gdt_init_cpu runs once per CPU.
 */
#include "kernel/arch/gdt.h"
#include "kernel/arch/arch.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"

/* Access byte: present, DPL, S=1 (code/data), type. Flags nibble: G, D/B, L. */
#define SEG_ACCESS_KCODE 0x9A   /* P, DPL0, execute/read */
#define SEG_ACCESS_KDATA 0x92   /* P, DPL0, read/write */
#define SEG_ACCESS_UDATA 0xF2   /* P, DPL3, read/write */
#define SEG_ACCESS_UCODE 0xFA   /* P, DPL3, execute/read */
#define SEG_FLAGS_CODE64 0xA    /* G, L (64-bit code) */
#define SEG_FLAGS_DATA   0xC    /* G, B */
#define TSS_TYPE_AVAILABLE 0x89 /* P, DPL0, 64-bit TSS (available) */

static arch_cpu_tables_t gdt_cpus[ARCH_MAX_CPUS];

/* Base 0, limit 4 GiB: ignored in long mode except for the attributes, but kept canonical. */
static uint64_t gdt_segment(uint8_t access, uint8_t flags)
{
    return 0xFFFFULL | ((uint64_t)access << 40) | (0xFULL << 48) | ((uint64_t)flags << 52);
}

static void gdt_set_tss(uint64_t *slot, const tss_t *tss)
{
    uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
    slot[0] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | ((uint64_t)TSS_TYPE_AVAILABLE << 40) |
              (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    slot[1] = base >> 32;
}

/* lgdt, then a far return to reload CS and plain moves for the data segments. FS and GS get
 * the null selector: their old values index the firmware's GDT, and the kernel uses neither. */
static void gdt_load(const arch_cpu_tables_t *t)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } gdtr = { sizeof(t->gdt) - 1, (uint64_t)t->gdt };

    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ds\n\t"
        "movw %w2, %%es\n\t"
        "movw %w2, %%ss\n\t"
        "movw %w3, %%fs\n\t"
        "movw %w3, %%gs\n\t"
        "ltr %w4"
        :
        : "m"(gdtr), "i"(GDT_KERNEL_CODE), "r"(GDT_KERNEL_DATA), "r"(0), "r"(GDT_TSS)
        : "rax", "memory");
}

void gdt_init_cpu(unsigned cpu, const uint64_t ist_tops[IST_STACK_COUNT], uint64_t rsp0)
{
    ASSERT(cpu < ARCH_MAX_CPUS);
    arch_cpu_tables_t *t = &gdt_cpus[cpu];

    t->gdt[0] = 0;
    t->gdt[GDT_KERNEL_CODE >> 3] = gdt_segment(SEG_ACCESS_KCODE, SEG_FLAGS_CODE64);
    t->gdt[GDT_KERNEL_DATA >> 3] = gdt_segment(SEG_ACCESS_KDATA, SEG_FLAGS_DATA);
    t->gdt[GDT_USER_DATA >> 3] = gdt_segment(SEG_ACCESS_UDATA, SEG_FLAGS_DATA);
    t->gdt[GDT_USER_CODE >> 3] = gdt_segment(SEG_ACCESS_UCODE, SEG_FLAGS_CODE64);

    t->tss = (tss_t){ 0 };
    t->tss.rsp[0] = rsp0;
    for (int i = 0; i < IST_STACK_COUNT; i++) {
        ASSERT(ist_tops[i] != 0 && (ist_tops[i] & 15) == 0);
        t->tss.ist[i] = ist_tops[i];
    }
    t->tss.iomap_base = sizeof(tss_t); /* no I/O bitmap: every port traps in ring 3 */
    gdt_set_tss(&t->gdt[GDT_TSS >> 3], &t->tss);

    gdt_load(t);
}

tss_t *gdt_cpu_tss(unsigned cpu)
{
    ASSERT(cpu < ARCH_MAX_CPUS);
    return &gdt_cpus[cpu].tss;
}

void gdt_set_ist(unsigned cpu, unsigned ist, uint64_t top)
{
    ASSERT(ist >= 1 && ist <= IST_STACK_COUNT && top != 0 && (top & 15) == 0);
    gdt_cpu_tss(cpu)->ist[ist - 1] = top;
}

void arch_set_kernel_stack(unsigned cpu, uint64_t rsp0)
{
    gdt_cpu_tss(cpu)->rsp[0] = rsp0;
}

KTEST(gdt_boot_cpu_runs_on_our_selectors)
{
    uint16_t cs, ds, ss, tr;
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } gdtr;
    __asm__ volatile("mov %%cs, %0; mov %%ds, %1; mov %%ss, %2; str %3; sgdt %4"
                     : "=r"(cs), "=r"(ds), "=r"(ss), "=r"(tr), "=m"(gdtr));
    KTEST_EXPECT(cs == GDT_KERNEL_CODE);
    KTEST_EXPECT(ds == GDT_KERNEL_DATA && ss == GDT_KERNEL_DATA);
    KTEST_EXPECT(tr == GDT_TSS);
    KTEST_EXPECT(gdtr.base == (uint64_t)gdt_cpus[0].gdt);
    KTEST_EXPECT(gdtr.limit == sizeof(gdt_cpus[0].gdt) - 1);
    /* ltr set the busy bit: proof the CPU accepted our descriptor as a TSS. */
    KTEST_EXPECT(((gdt_cpus[0].gdt[GDT_TSS >> 3] >> 40) & 0xF) == 0xB);
    for (int i = 0; i < IST_STACK_COUNT; i++)
        KTEST_EXPECT(gdt_cpus[0].tss.ist[i] != 0);
}
