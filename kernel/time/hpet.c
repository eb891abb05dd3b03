/*
 * hpet.c - the HPET main counter as a calibration reference: mapped uncached, its period
 * checked against the spec's range, started if the firmware left it stopped, and seen to
 * advance before it is trusted. Comparators are not used.
 */
#include "kernel/arch/apic.h"
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"
#include "kernel/time/time_internal.h"

#define HPET_REG_CAP         0x000
#define HPET_REG_CONFIG      0x010
#define HPET_REG_COUNTER     0x0F0
#define HPET_CAP_64BIT       (1ULL << 13)
#define HPET_CONFIG_ENABLE   1ULL
#define HPET_FS_PER_SEC      1000000000000000ULL
/* The spec allows periods up to 100 ns; below 1 ns (above 1 GHz) we call it bogus. */
#define HPET_PERIOD_MAX_FS   100000000u
#define HPET_PERIOD_MIN_FS   1000000u

static volatile uint64_t *hpet_regs;
static uint64_t hpet_freq;
static uint64_t hpet_width_mask;

static uint64_t hpet_reg(uint32_t off)
{
    return hpet_regs[off / 8];
}

uint64_t hpet_read(void)
{
    return hpet_reg(HPET_REG_COUNTER) & hpet_width_mask;
}

bool hpet_present(void) { return hpet_freq != 0; }
uint64_t hpet_hz(void) { return hpet_freq; }
uint64_t hpet_mask(void) { return hpet_width_mask; }

static bool hpet_advances(void)
{
    uint64_t c0 = hpet_read(), t0 = rdtsc();
    while (rdtsc() - t0 < TIME_WAIT_TSC_LIMIT)
        if (hpet_read() != c0)
            return true;
    return false;
}

bool hpet_init(uint64_t phys)
{
    hpet_regs = apic_mmio_map(phys);
    if (!hpet_regs) {
        kprintf("hpet: 0x%llx is outside the direct map\n", (unsigned long long)phys);
        return false;
    }
    uint64_t cap = hpet_reg(HPET_REG_CAP);
    uint32_t period = (uint32_t)(cap >> 32);
    if (period < HPET_PERIOD_MIN_FS || period > HPET_PERIOD_MAX_FS) {
        kprintf("hpet: bogus period %u fs, not used\n", period);
        return false;
    }
    hpet_width_mask = (cap & HPET_CAP_64BIT) ? ~0ULL : 0xFFFFFFFFULL;
    uint64_t config = hpet_reg(HPET_REG_CONFIG);
    if (!(config & HPET_CONFIG_ENABLE))
        hpet_regs[HPET_REG_CONFIG / 8] = config | HPET_CONFIG_ENABLE;
    if (!hpet_advances()) {
        kprintf("hpet: counter does not advance, not used\n");
        return false;
    }
    hpet_freq = HPET_FS_PER_SEC / period;
    kprintf("hpet: %u-bit counter at %llu Hz\n", (cap & HPET_CAP_64BIT) ? 64 : 32,
            (unsigned long long)hpet_freq);
    return true;
}
