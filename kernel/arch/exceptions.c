/*
 * exceptions.c - CPU exceptions (vectors 0..31) nobody registered a handler for, and the
 * register dump shared with the panic path.
 *
 * A kernel-mode exception is a kernel bug: report everything we know (name, error code,
 * registers, CR2 decoded for #PF, symbolized backtrace from the faulting rip/rbp) and panic.
 * Ring-3 exceptions go to the user_fault hook the process code registers (hooks.h).
 * Kernel #PF/#GP at an instruction listed in .extable (user-memory copies) resume at its
 * fixup instead.
 * The reporting path must not fault itself: memory it reads through a pointer from the frame
 * is checked first with arch_kernel_addr_mapped().
 */
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/hooks.h"
#include "kernel/kprintf.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "kernel/uaccess.h"
#include "mm/hhdm.h"

#define PF_SHADOW   (1u << 6)

#define PTE_PRESENT   (1ULL << 0)
#define PTE_HUGE      (1ULL << 7)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ULL
#define CR4_LA57      (1ULL << 12)

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range exceeded", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack-segment fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 floating point", "#AC alignment check",
    "#MC machine check", "#XM SIMD floating point", "#VE virtualization",
    "#CP control protection", "reserved 22", "reserved 23", "reserved 24", "reserved 25",
    "reserved 26", "reserved 27", "#HV hypervisor injection", "#VC VMM communication",
    "#SX security", "reserved 31",
};

const char *exception_name(uint64_t vector)
{
    return vector < 32 ? exception_names[vector] : "interrupt";
}

/* Walks the live page tables by hand (CR3 through the direct map), so it works before and
 * after vmm_init and takes no lock: usable from any panic. */
bool arch_kernel_addr_mapped(uint64_t va)
{
    if (va < BOOT_HHDM_BASE)
        return false; /* not kernel half (this also rejects non-canonical low addresses) */
    int levels = (read_cr4() & CR4_LA57) ? 5 : 4;
    if (levels == 4 && (va >> 47) != 0x1FFFF)
        return false;
    uint64_t table = read_cr3() & PTE_ADDR_MASK;
    for (int level = levels; level >= 1; level--) {
        unsigned index = (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
        uint64_t entry = ((const volatile uint64_t *)phys_to_virt(table))[index];
        if (!(entry & PTE_PRESENT))
            return false;
        if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_HUGE)))
            return true;
        table = entry & PTE_ADDR_MASK;
    }
    return true;
}

static void dump_symbol(uint64_t addr)
{
    uint64_t off;
    const char *name = ksyms_lookup(addr, &off);
    if (name)
        kprintf(" <%s+0x%lx>", name, off);
}

void arch_dump_frame(const interrupt_frame_t *f)
{
    kprintf("  rip 0x%016lx", f->rip);
    dump_symbol(f->rip);
    kprintf("\n  cs  0x%04lx  ss 0x%04lx  rflags 0x%016lx  rsp 0x%016lx\n", f->cs, f->ss,
            f->rflags, f->rsp);
    kprintf("  rax 0x%016lx  rbx 0x%016lx  rcx 0x%016lx\n", f->rax, f->rbx, f->rcx);
    kprintf("  rdx 0x%016lx  rsi 0x%016lx  rdi 0x%016lx\n", f->rdx, f->rsi, f->rdi);
    kprintf("  rbp 0x%016lx  r8  0x%016lx  r9  0x%016lx\n", f->rbp, f->r8, f->r9);
    kprintf("  r10 0x%016lx  r11 0x%016lx  r12 0x%016lx\n", f->r10, f->r11, f->r12);
    kprintf("  r13 0x%016lx  r14 0x%016lx  r15 0x%016lx\n", f->r13, f->r14, f->r15);
    kprintf("  cr0 0x%016lx  cr2 0x%016lx  cr3 0x%016lx  cr4 0x%016lx\n", read_cr0(),
            read_cr2(), read_cr3(), read_cr4());
}

static void exception_print_page_fault(uint64_t err)
{
    kprintf("  page fault address (cr2) 0x%016lx: %s %s in %s mode%s%s%s\n", read_cr2(),
            (err & PF_PRESENT) ? "protection violation" : "not-present page",
            (err & PF_FETCH) ? "on instruction fetch" : (err & PF_WRITE) ? "on write" : "on read",
            (err & PF_USER) ? "user" : "kernel", (err & PF_RSVD) ? ", reserved bit set" : "",
            (err & PF_PK) ? ", protection key" : "",
            (err & PF_SHADOW) ? ", shadow stack" : "");
}

/* #TS #NP #SS #GP #AC-style codes name a selector or an IDT entry. */
static void exception_print_selector_error(uint64_t err)
{
    if (err == 0)
        return;
    static const char *const tables[4] = { "GDT", "IDT", "LDT", "IDT" };
    kprintf("  error code names %s entry %lu%s\n", tables[(err >> 1) & 3], (err >> 3) & 0x1FFF,
            (err & 1) ? " (external event)" : "");
}

__attribute__((noreturn)) void exception_fatal(interrupt_frame_t *f)
{
    const char *mode = (f->cs & 3) ? "user" : "kernel";
    if (panic_begin() > 1) {
        kprintf("\nPANIC: nested exception %s at rip 0x%016lx while panicking; halted\n",
                exception_name(f->vector), f->rip);
        panic_finish();
    }
    kprintf("PANIC: %s (vector %lu) in %s mode, error code 0x%lx\n", exception_name(f->vector),
            f->vector, mode, f->error_code);
    if (f->vector == VECTOR_PAGE_FAULT)
        exception_print_page_fault(f->error_code);
    else if (f->vector >= 10 && f->vector <= 13)
        exception_print_selector_error(f->error_code);
    arch_dump_frame(f);
    panic_print_backtrace(f->rip, f->rbp);
    panic_finish();
}

void exception_handle(interrupt_frame_t *frame)
{
    bool kernel_mode = (frame->cs & 3) == 0;
    /* An NMI during a panic is the panicking CPU telling this one to stop. */
    if (frame->vector == VECTOR_NMI && panic_in_progress())
        cpu_halt_forever();
    if (!kernel_mode) {
        arch_hooks()->user_fault(frame);
        return;
    }
    /* A fault inside a user-memory copy resumes at its fixup (the copy returns EFAULT). */
    if ((frame->vector == VECTOR_PAGE_FAULT || frame->vector == VECTOR_GENERAL_PROTECTION) &&
        extable_fixup(frame))
        return;
    exception_fatal(frame);
}

/* ---------------------------------------------------------------- self-tests */

KTEST(exceptions_addr_probe_knows_mapped_from_unmapped)
{
    static uint64_t probe_target;
    uint64_t stack_var = 0;
    KTEST_EXPECT(arch_kernel_addr_mapped((uint64_t)&probe_target));
    KTEST_EXPECT(arch_kernel_addr_mapped((uint64_t)&stack_var));
    KTEST_EXPECT(arch_kernel_addr_mapped((uint64_t)&arch_kernel_addr_mapped));
    KTEST_EXPECT(!arch_kernel_addr_mapped(0xdead0000ULL));          /* user half */
    KTEST_EXPECT(!arch_kernel_addr_mapped(0x0000800000000000ULL));  /* non-canonical */
    KTEST_EXPECT(!arch_kernel_addr_mapped(BOOT_HHDM_BASE + (1ULL << 45))); /* past any RAM here */
}
