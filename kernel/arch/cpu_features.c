/*
 * cpu_features.c - what the CPU offers (CPUID) and which of it the kernel turns on, plus
 * the arch_* bring-up steps kernel_main calls in order:
 *   arch_init_early         CPUID, EFER.NXE (vmm builds NX mappings right after), SSE
 *   arch_init_cpu           GDT, TSS, IDT on the boot CPU
 *   arch_enable_protection  CR0.WP, SMEP, SMAP, UMIP, PGE, once the kernel's own tables are
 *                           live (the loader's tables are not built for them), and IST
 *                           stacks with guard pages (from the allocator kernel_main passes:
 *                           vmm's, which can map them by then)
 * The per-CPU steps are separate functions so secondary CPUs can repeat them.
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/gdt.h"
#include "kernel/arch/idt.h"
#include "kernel/kprintf.h"
#include "kernel/ktest.h"

#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR0_NE (1ULL << 5)

/* CPUID bits (Intel SDM vol. 2, CPUID; AMD APM vol. 3). */
#define ID1_ECX_PCID         (1u << 17)
#define ID1_ECX_X2APIC       (1u << 21)
#define ID1_ECX_TSC_DEADLINE (1u << 24)
#define ID1_ECX_XSAVE        (1u << 26)
#define ID1_ECX_RDRAND       (1u << 30)
#define ID1_EDX_PGE          (1u << 13)
#define ID7_EBX_FSGSBASE     (1u << 0)
#define ID7_EBX_SMEP         (1u << 7)
#define ID7_EBX_RDSEED       (1u << 18)
#define ID7_EBX_SMAP         (1u << 20)
#define ID7_ECX_UMIP         (1u << 2)
#define EXT1_EDX_NX          (1u << 20)
#define EXT1_EDX_GBPAGES     (1u << 26)
#define EXT7_EDX_INVARIANT_TSC (1u << 8)

cpu_features_t cpu_features;

/* Boot CPU stacks for the time before vmm_init: the TSS is loaded earlier so that faults in
 * pmm/vmm bring-up are reported. arch_enable_protection moves the IST slots to guard-paged
 * stacks; RSP0 is replaced by the scheduler (each thread's kernel stack). */
static uint8_t boot_ist_stacks[IST_STACK_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t boot_rsp0_stack[16 * 1024] __attribute__((aligned(16)));

static void cpu_features_detect(cpu_features_t *f)
{
    uint32_t a, b, c, d, max_leaf, max_ext;
    cpuid(0, 0, &max_leaf, &b, &c, &d);
    cpuid(0x80000000, 0, &max_ext, &b, &c, &d);

    if (max_leaf >= 1) {
        cpuid(1, 0, &a, &b, &c, &d);
        f->pcid = c & ID1_ECX_PCID;
        f->x2apic = c & ID1_ECX_X2APIC;
        f->tsc_deadline = c & ID1_ECX_TSC_DEADLINE;
        f->xsave = c & ID1_ECX_XSAVE;
        f->rdrand = c & ID1_ECX_RDRAND;
        f->pge = d & ID1_EDX_PGE;
    }
    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        f->fsgsbase = b & ID7_EBX_FSGSBASE;
        f->smep = b & ID7_EBX_SMEP;
        f->rdseed = b & ID7_EBX_RDSEED;
        f->smap = b & ID7_EBX_SMAP;
        f->umip = c & ID7_ECX_UMIP;
    }
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        f->nx = d & EXT1_EDX_NX;
        f->gbpages = d & EXT1_EDX_GBPAGES;
    }
    if (max_ext >= 0x80000007) {
        cpuid(0x80000007, 0, &a, &b, &c, &d);
        f->invariant_tsc = d & EXT7_EDX_INVARIANT_TSC;
    }
}

static void cpu_enable_nx(void)
{
    if (cpu_features.nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
}

/* SSE for user programs: no x87 emulation, #NM-free (TS clear), FXSAVE and SIMD exceptions
 * enabled. The kernel itself never uses these registers (-mgeneral-regs-only). */
static void cpu_enable_sse(void)
{
    write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

static void cpu_enable_protection_bits(void)
{
    uint64_t cr4 = read_cr4();
    if (cpu_features.smep)
        cr4 |= CR4_SMEP;
    if (cpu_features.smap)
        cr4 |= CR4_SMAP;
    if (cpu_features.umip)
        cr4 |= CR4_UMIP;
    if (cpu_features.pge)
        cr4 |= CR4_PGE;
    write_cr4(cr4);
    write_cr0(read_cr0() | CR0_WP);
}

void arch_init_early(void)
{
    cpu_features_detect(&cpu_features);
    cpu_enable_nx();
    cpu_enable_sse();
}

void arch_init_cpu(void)
{
    uint64_t ist_tops[IST_STACK_COUNT];
    for (int i = 0; i < IST_STACK_COUNT; i++)
        ist_tops[i] = (uint64_t)boot_ist_stacks[i] + IST_STACK_SIZE;
    gdt_init_cpu(0, ist_tops, (uint64_t)boot_rsp0_stack + sizeof(boot_rsp0_stack));
    idt_init();
    idt_load();
    kprintf("arch: GDT, TSS (IST #DF/NMI/#MC) and IDT (256 vectors) loaded\n");
}

void arch_init_cpu_ap(unsigned cpu, const uint64_t *ist_tops, uint64_t rsp0)
{
    cpu_enable_nx();
    cpu_enable_sse();
    gdt_init_cpu(cpu, ist_tops, rsp0);
    idt_load();
    cpu_enable_protection_bits();
}

static void cpu_log_flag(bool on, const char *name)
{
    if (on)
        kprintf(" %s", name);
}

/* An overflow while handling #DF, NMI or #MC then hits an unmapped guard page instead of
 * silently corrupting .bss. Keeps the static stack when vmm has none to give. */
static bool arch_guard_ist_stacks(uint64_t (*alloc_kstack)(size_t size))
{
    bool all = true;
    for (unsigned ist = 1; ist <= IST_STACK_COUNT; ist++) {
        uint64_t top = alloc_kstack(IST_STACK_SIZE);
        if (top)
            gdt_set_ist(0, ist, top);
        else
            all = false;
    }
    return all;
}

void arch_enable_protection(uint64_t (*alloc_kstack)(size_t size))
{
    cpu_enable_protection_bits();
    if (!arch_guard_ist_stacks(alloc_kstack))
        kprintf("cpu: no guard-paged IST stacks (the allocator failed); keeping static ones\n");
    const cpu_features_t *f = &cpu_features;
    kprintf("cpu:");
    cpu_log_flag(f->nx, "NX");
    cpu_log_flag(true, "WP");
    cpu_log_flag(f->smep, "SMEP");
    cpu_log_flag(f->smap, "SMAP");
    cpu_log_flag(f->umip, "UMIP");
    cpu_log_flag(f->pge, "PGE");
    cpu_log_flag(true, "SSE");
    kprintf(" on;");
    cpu_log_flag(f->x2apic, "x2APIC");
    cpu_log_flag(f->xsave, "XSAVE");
    cpu_log_flag(f->fsgsbase, "FSGSBASE");
    cpu_log_flag(f->pcid, "PCID");
    cpu_log_flag(f->rdrand, "RDRAND");
    cpu_log_flag(f->rdseed, "RDSEED");
    cpu_log_flag(f->invariant_tsc, "invariant-TSC");
    cpu_log_flag(f->tsc_deadline, "TSC-deadline");
    cpu_log_flag(f->gbpages, "1G-pages");
    kprintf(" available");
    cpu_log_flag(!f->nx || !f->smep || !f->smap || !f->umip, "; missing:");
    cpu_log_flag(!f->nx, "NX");
    cpu_log_flag(!f->smep, "SMEP");
    cpu_log_flag(!f->smap, "SMAP");
    cpu_log_flag(!f->umip, "UMIP");
    kprintf("\n");
}

/* ---------------------------------------------------------------- self-tests */

KTEST(cpu_protection_bits_match_detected_features)
{
    uint64_t cr4 = read_cr4(), cr0 = read_cr0();
    KTEST_EXPECT(cr0 & CR0_WP);
    KTEST_EXPECT(!!(cr4 & CR4_SMEP) == cpu_features.smep);
    KTEST_EXPECT(!!(cr4 & CR4_SMAP) == cpu_features.smap);
    KTEST_EXPECT(!!(cr4 & CR4_UMIP) == cpu_features.umip);
    KTEST_EXPECT(!!(rdmsr(MSR_EFER) & EFER_NXE) == cpu_features.nx);
    KTEST_EXPECT((cr4 & CR4_OSFXSR) && !(cr0 & CR0_EM));
}

KTEST(cpu_ist_stacks_have_guard_pages)
{
    for (unsigned i = 0; i < IST_STACK_COUNT; i++) {
        uint64_t top = gdt_cpu_tss(0)->ist[i];
        KTEST_EXPECT(arch_kernel_addr_mapped(top - 8));
        KTEST_EXPECT(arch_kernel_addr_mapped(top - IST_STACK_SIZE));
        KTEST_EXPECT(!arch_kernel_addr_mapped(top - IST_STACK_SIZE - 8));
    }
}
