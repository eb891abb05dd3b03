/*
 * t_priv PROBE - a helper child for t_fault: executes one instruction that ring 3 may not
 * (or jumps where user code may not go). The CPU must fault, and the kernel must end only
 * this process with one console line and WAIT_STATUS_KILLED | (128 + vector); t_fault
 * checks the status for each probe. Exits 0 if the probe did not fault (a kernel bug), 2 for
 * an unknown probe; with no probe it does nothing (the suite runs every t_* program).
 *
 * IOPL is 0 and the TSS has no I/O permission bitmap, so in/out fault like the rest (#GP).
 */
#include <stdint.h>
#include <string.h>

typedef struct {
    const char *name;
    void (*run)(void);
} probe_t;

/* Addresses and values through volatiles, so the compiler emits exactly the instruction. */
static volatile uint64_t kernel_text = 0xFFFFFFFF80000000ULL;
static volatile uint64_t direct_map = 0xFFFF800000000000ULL;
static volatile uint64_t non_canonical = 0x0000800000000000ULL;
static uint8_t table_desc[10] __attribute__((aligned(16)));

static void p_wrmsr(void) { __asm__ volatile("wrmsr" ::"c"(0xC0000082u), "a"(0), "d"(0)); }
static void p_rdmsr(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xC0000080u));
}
static void p_mov_cr3(void) { __asm__ volatile("mov %0, %%cr3" ::"r"((uint64_t)0) : "memory"); }
static void p_read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
}
static void p_write_cr4(void) { __asm__ volatile("mov %0, %%cr4" ::"r"((uint64_t)0) : "memory"); }
static void p_inb_80(void)
{
    uint8_t v;
    __asm__ volatile("inb $0x80, %0" : "=a"(v));
}
static void p_outb_80(void) { __asm__ volatile("outb %0, $0x80" ::"a"((uint8_t)0)); }
static void p_inb_3f8(void)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "d"((uint16_t)0x3f8));
}
static void p_outb_3f8(void) { __asm__ volatile("outb %0, %1" ::"a"((uint8_t)'!'), "d"((uint16_t)0x3f8)); }
static void p_lgdt(void) { __asm__ volatile("lgdt %0" ::"m"(table_desc)); }
static void p_lidt(void) { __asm__ volatile("lidt %0" ::"m"(table_desc)); }
static void p_ltr(void) { __asm__ volatile("ltr %0" ::"r"((uint16_t)0x28)); }
static void p_invlpg(void) { __asm__ volatile("invlpg (%0)" ::"r"(table_desc) : "memory"); }
static void p_hlt(void) { __asm__ volatile("hlt"); }
static void p_cli(void) { __asm__ volatile("cli"); }
static void p_sti(void) { __asm__ volatile("sti"); }
static void p_wbinvd(void) { __asm__ volatile("wbinvd"); }
static void p_swapgs(void) { __asm__ volatile("swapgs"); }
static void p_mov_dr7(void) { __asm__ volatile("mov %0, %%dr7" ::"r"((uint64_t)0x3ff)); }
/* A software interrupt through a kernel-only gate: the user cannot fake a page fault. */
static void p_int_14(void) { __asm__ volatile("int $14"); }
static void p_jump(uint64_t to) { __asm__ volatile("jmp *%0" ::"r"(to)); }
static void p_jump_kernel(void) { p_jump(kernel_text); }
static void p_jump_direct_map(void) { p_jump(direct_map); }
static void p_jump_non_canonical(void) { p_jump(non_canonical); }

static const probe_t probes[] = {
    { "wrmsr", p_wrmsr },         { "rdmsr", p_rdmsr },
    { "mov-cr3", p_mov_cr3 },     { "read-cr0", p_read_cr0 },
    { "write-cr4", p_write_cr4 }, { "inb-80", p_inb_80 },
    { "outb-80", p_outb_80 },     { "inb-3f8", p_inb_3f8 },
    { "outb-3f8", p_outb_3f8 },   { "lgdt", p_lgdt },
    { "lidt", p_lidt },           { "ltr", p_ltr },
    { "invlpg", p_invlpg },       { "hlt", p_hlt },
    { "cli", p_cli },             { "sti", p_sti },
    { "wbinvd", p_wbinvd },       { "swapgs", p_swapgs },
    { "mov-dr7", p_mov_dr7 },     { "int-14", p_int_14 },
    { "jump-kernel-text", p_jump_kernel },
    { "jump-direct-map", p_jump_direct_map },
    { "jump-non-canonical", p_jump_non_canonical },
};

int main(int argc, char **argv)
{
    if (argc < 2)
        return 0;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        if (strcmp(argv[1], probes[i].name) == 0) {
            probes[i].run();
            return 0;
        }
    }
    return 2;
}
