/*
 * boot_stubs.c - TEMPORARY weak fallbacks so the kernel links while subsystems are being
 * written in parallel. Every strong definition elsewhere overrides these. Delete this file
 * once every subsystem has landed.
 */
#include <stdarg.h>
#include <stdint.h>
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/cmdline.h"
#include "kernel/console/console.h"
#include "kernel/kprintf.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vmm.h"

#define WEAK __attribute__((weak))

static void stub_putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(COM1_PORT + 5) & 0x20); i++)
        ;
    outb(COM1_PORT, (uint8_t)c);
}

static void stub_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            stub_putc('\r');
        stub_putc(*s);
    }
}

WEAK void console_init_early(void) { stub_puts("[stub console]\n"); }
WEAK void console_init_framebuffer(const boot_framebuffer_t *fb) { (void)fb; }
WEAK void kprintf(const char *fmt, ...) { stub_puts(fmt); }
WEAK void kvprintf(const char *fmt, va_list ap) { (void)ap; stub_puts(fmt); }
WEAK void panic(const char *fmt, ...) { stub_puts("PANIC: "); stub_puts(fmt); stub_puts("\n"); outl(0xf4, 1); cpu_halt_forever(); }
WEAK cmdline_status_t cmdline_parse(const char *src, cmdline_t *out) { (void)src; out->flag_count = 0; out->init_argc = 0; return CMDLINE_OK; }
WEAK bool cmdline_has(const cmdline_t *c, const char *key) { (void)c; (void)key; return false; }
WEAK void arch_init_early(void) {}
WEAK void arch_init_cpu(void) {}
WEAK void arch_enable_protection(void) {}
WEAK void pmm_init(const boot_info_t *bi) { (void)bi; }
WEAK void pmm_reclaim_boot_services(const boot_info_t *bi) { (void)bi; }
WEAK void vmm_init(const boot_info_t *bi) { (void)bi; }
WEAK void heap_init(void) {}
WEAK void acpi_init(uint64_t rsdp, uint32_t rev) { (void)rsdp; (void)rev; }
WEAK void acpi_poweroff(void) {}
WEAK void pic_disable(void) { outb(0x21, 0xff); outb(0xa1, 0xff); }
WEAK void apic_init(void) {}
WEAK void clock_init(void) {}
WEAK void apic_timer_start(uint32_t hz) { (void)hz; }
WEAK uint64_t clock_tsc_to_ns(uint64_t d) { return d; }
