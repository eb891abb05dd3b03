/*
 * main.c - kernel_main: the boot sequence after the loader's jump, in dependency order.
 *
 * Order matters: consoles first (so everything after can report), then the CPU tables,
 * physical memory and our own page tables, the heap, ACPI (firmware tables must be read
 * before boot-services memory is handed to the allocator), interrupts and time.
 */
#include <stdint.h>
#include <spindle/boot.h>
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/hooks.h"
#include "kernel/arch/smp.h"
#include "kernel/cmdline.h"
#include "kernel/console/console.h"
#include "kernel/console/ps2kbd.h"
#include "kernel/kprintf.h"
#include "kernel/pci/pci.h"
#include "kernel/usb/xhci.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"
#include "kernel/power.h"
#include "proc/process_power.h"
#include "kernel/sysinfo.h"
#include "kernel/time/clock.h"
#include "mm/aspace.h"
#include "mm/heap.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "mm/vmm.h"
#include "proc/process.h"
#include "sched/sched.h"
#include "syscall/sys_mem_fd.h"
#include "syscall/syscall.h"
#include "kernel/arch/spinlock.h"

#define BOOT_USB_SETTLE_NS 3000000000ULL

cmdline_t kernel_cmdline;
static uint64_t kernel_entry_tsc;

/* The upward calls of the lower layers, wired here at the top so a missing piece fails to
 * link (and a NULL member ASSERTs at registration). */
static const arch_hooks_t kernel_arch_hooks = {
    .timer_tick = sched_timer_tick,
    .interrupt_exit = sched_interrupt_exit,
    .user_fault = process_user_fault,
    .ap_init_cpu = syscall_init_cpu,
    .ap_entry = sched_ap_entry,
};

static void boot_info_check(const boot_info_t *bi)
{
    if (bi->magic != BOOT_INFO_MAGIC || bi->version != BOOT_INFO_VERSION ||
        bi->size != sizeof(boot_info_t))
        panic("boot: boot_info magic/version/size mismatch (loader and kernel out of step)");
}

static void boot_cmdline_load(const boot_info_t *bi)
{
    const char *src = bi->cmdline_phys ? (const char *)phys_to_virt(bi->cmdline_phys) : "";
    cmdline_status_t st = cmdline_parse(src, &kernel_cmdline);
    if (st != CMDLINE_OK)
        kprintf("boot: command line: parse problem %d, using what was understood\n", (int)st);
    kprintf("boot: command line \"%s\"\n", src);
    power_set_qemu_exit(cmdline_has(&kernel_cmdline, "qemu_exit"));
}

/* A deliberate kernel fault so the panic path stays tested (flag `panic_test`). */
static __attribute__((noinline)) void boot_panic_test(void)
{
    kprintf("boot: panic_test: touching an unmapped address on purpose\n");
    volatile uint64_t *bad = (volatile uint64_t *)0xdead0000ULL;
    *bad = 1;
}

static void boot_report_ready(void)
{
    uint64_t ns = clock_tsc_to_ns(rdtsc() - kernel_entry_tsc);
    kprintf("boot: ready in %llu ms (%llu us)\n", (unsigned long long)(ns / 1000000),
            (unsigned long long)(ns / 1000));
}

void kernel_main(boot_info_t *bi)
{
    kernel_entry_tsc = rdtsc();
    console_init_early();
    boot_info_check(bi);
    kprintf("Spindle kernel, firmware \"%s\" rev 0x%x\n", bi->firmware_vendor,
            bi->firmware_revision);
    boot_cmdline_load(bi);
    lock_debug_init();
    sysinfo_record(bi);

    arch_hooks_register(&kernel_arch_hooks); /* before the IDT can deliver anything */
    arch_init_early();
    arch_init_cpu();
    syscall_init_cpu();
    pmm_init(bi);
    vmm_init(bi);
    mm_arch_mem_register(); /* before apic_init and smp_init map and allocate */
    heap_init();
    aspace_init(bi->fb.phys_base, bi->fb.size); /* user #PF path (demand paging) */
    aspace_file_ops_register(&sys_mem_fd_file_ops);
    console_init_framebuffer(&bi->fb);
    arch_enable_protection(vmm_alloc_kstack);

    acpi_hhdm_limit = bi->hhdm_size;
    acpi_init(bi->rsdp_phys, bi->rsdp_revision);
    pmm_reclaim_boot_services(bi);
    pic_disable();
    apic_init();
    clock_init();
    smp_init();
    apic_timer_start(100);
    syscall_init();
    process_register_lower(); /* the seams of sched, mm and procfs */
    process_init(bi);
    ps2kbd_init();
    power_button_init();
    xhci_register();
    pci_init(); /* drivers start their own threads */
    cpu_sti();
    boot_report_ready();
    xhci_wait_settled(BOOT_USB_SETTLE_NS); /* USB allocations done before tests and init */

    if (cmdline_has(&kernel_cmdline, "panic_test"))
        boot_panic_test();
    if (cmdline_has(&kernel_cmdline, "ktest"))
        power_shutdown(ktest_run_all() == 0 ? 0 : 1);

    power_shutdown(process_run_init());
}
