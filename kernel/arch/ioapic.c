/*
 * ioapic.c - the IOAPICs the MADT lists: every redirection entry masked at init, ISA IRQs
 * routed to a vector on the boot CPU with the MADT's interrupt source overrides (GSI,
 * polarity, trigger) applied.
 *
 * Invariant: IOREGSEL/IOWIN is a two-step access, so each pair runs under ioapic_lock with
 * interrupts off. A redirection entry is unmasked only after its high half (destination)
 * is written.
 */
#include "kernel/acpi/acpi.h"
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/spinlock.h"
#include "kernel/kprintf.h"

#define IOAPIC_REGSEL      0    /* in 32-bit words */
#define IOAPIC_WIN         4
#define IOAPIC_REG_VER     0x01
#define IOAPIC_REG_REDIR   0x10
#define IOAPIC_MAX_ENTRIES 240  /* what fits in the register space */

#define REDIR_MASKED       (1u << 16)
#define REDIR_LEVEL        (1u << 15)
#define REDIR_ACTIVE_LOW   (1u << 13)

/* MPS INTI flags in MADT overrides */
#define MPS_POLARITY_MASK  0x3u
#define MPS_POLARITY_LOW   0x3u
#define MPS_TRIGGER_MASK   0xCu
#define MPS_TRIGGER_LEVEL  0xCu

typedef struct {
    volatile uint32_t *mmio;
    uint32_t id;
    uint32_t gsi_base;
    uint32_t entries;
} ioapic_t;

static ioapic_t ioapics[ACPI_MAX_IOAPICS];
static size_t ioapic_count;
static spinlock_t ioapic_lock = SPINLOCK_INIT(LOCK_RANK_IOAPIC);

static uint32_t ioapic_read(const ioapic_t *io, uint32_t reg)
{
    io->mmio[IOAPIC_REGSEL] = reg;
    return io->mmio[IOAPIC_WIN];
}

static void ioapic_write(const ioapic_t *io, uint32_t reg, uint32_t v)
{
    io->mmio[IOAPIC_REGSEL] = reg;
    io->mmio[IOAPIC_WIN] = v;
}

static void ioapic_entry_set(const ioapic_t *io, uint32_t index, uint32_t low, uint32_t high)
{
    uint64_t f = spin_lock_irqsave(&ioapic_lock);
    ioapic_write(io, IOAPIC_REG_REDIR + 2 * index, REDIR_MASKED);
    ioapic_write(io, IOAPIC_REG_REDIR + 2 * index + 1, high);
    ioapic_write(io, IOAPIC_REG_REDIR + 2 * index, low);
    spin_unlock_irqrestore(&ioapic_lock, f);
}

static bool ioapic_add(const acpi_ioapic_t *a)
{
    ioapic_t *io = &ioapics[ioapic_count];
    io->mmio = apic_mmio_map(a->phys);
    if (!io->mmio)
        return false;
    io->id = a->id;
    io->gsi_base = a->gsi_base;
    uint64_t f = spin_lock_irqsave(&ioapic_lock);
    uint32_t ver = ioapic_read(io, IOAPIC_REG_VER);
    spin_unlock_irqrestore(&ioapic_lock, f);
    io->entries = ((ver >> 16) & 0xFF) + 1;
    if (ver == 0xFFFFFFFFu || io->entries > IOAPIC_MAX_ENTRIES)
        return false; /* nothing answers there */
    for (uint32_t i = 0; i < io->entries; i++)
        ioapic_entry_set(io, i, REDIR_MASKED, 0);
    kprintf("ioapic: id %u at 0x%llx, GSIs %u-%u, all masked\n", io->id,
            (unsigned long long)a->phys, io->gsi_base, io->gsi_base + io->entries - 1);
    ioapic_count++;
    return true;
}

void ioapic_init(void)
{
    ioapic_count = 0;
    for (size_t i = 0; i < acpi_info.ioapic_count; i++)
        if (!ioapic_add(&acpi_info.ioapics[i]))
            kprintf("ioapic: id %u at 0x%llx unusable, ignored\n", acpi_info.ioapics[i].id,
                    (unsigned long long)acpi_info.ioapics[i].phys);
    if (ioapic_count == 0)
        kprintf("ioapic: none usable: no device interrupts\n");
}

/* The GSI and MPS flags an ISA irq arrives on (identity with dflt flags unless overridden). */
static uint32_t ioapic_isa_gsi(uint8_t irq, uint16_t *flags, uint16_t dflt)
{
    *flags = dflt;
    for (size_t i = 0; i < acpi_info.override_count; i++) {
        if (acpi_info.overrides[i].irq == irq) {
            *flags = acpi_info.overrides[i].flags;
            return acpi_info.overrides[i].gsi;
        }
    }
    return irq;
}

static const ioapic_t *ioapic_for_gsi(uint32_t gsi, uint32_t *index)
{
    for (size_t i = 0; i < ioapic_count; i++) {
        const ioapic_t *io = &ioapics[i];
        if (gsi >= io->gsi_base && gsi - io->gsi_base < io->entries) {
            *index = gsi - io->gsi_base;
            return io;
        }
    }
    return NULL;
}

void ioapic_route_irq(uint8_t irq, uint8_t vector)
{
    ioapic_route_irq_flags(irq, vector, 0);
}

void ioapic_route_irq_flags(uint8_t irq, uint8_t vector, uint16_t default_flags)
{
    uint16_t flags;
    uint32_t index, gsi = ioapic_isa_gsi(irq, &flags, default_flags), dest = apic_id();
    const ioapic_t *io = ioapic_for_gsi(gsi, &index);
    if (!io) {
        kprintf("ioapic: no IOAPIC serves IRQ %u (GSI %u)\n", irq, gsi);
        return;
    }
    if (dest > 0xFF) {
        kprintf("ioapic: APIC id %u can't be an IOAPIC destination\n", dest);
        return;
    }
    /* ISA defaults (flags 0, "conforms to the bus") are active high, edge triggered. */
    uint32_t low = vector;
    if ((flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW)
        low |= REDIR_ACTIVE_LOW;
    if ((flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL)
        low |= REDIR_LEVEL;
    ioapic_entry_set(io, index, low, dest << 24);
    kprintf("ioapic: IRQ %u -> GSI %u -> vector 0x%x on APIC %u (%s, %s)\n", irq, gsi, vector,
            dest, (low & REDIR_ACTIVE_LOW) ? "active low" : "active high",
            (low & REDIR_LEVEL) ? "level" : "edge");
}

void ioapic_mask_irq(uint8_t irq)
{
    uint16_t flags;
    uint32_t index, gsi = ioapic_isa_gsi(irq, &flags, 0);
    const ioapic_t *io = ioapic_for_gsi(gsi, &index);
    if (io)
        ioapic_entry_set(io, index, REDIR_MASKED, 0);
}
