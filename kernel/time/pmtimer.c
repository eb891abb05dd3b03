/*
 * pmtimer.c - the ACPI power-management timer (3.579545 MHz, 24 or 32 bits, an I/O port)
 * as a calibration reference. Trusted only after it was seen to advance.
 */
#include "kernel/arch/cpu.h"
#include "kernel/kprintf.h"
#include "kernel/time/time_internal.h"

static uint16_t pmtimer_port;
static uint64_t pmtimer_width_mask;

uint64_t pmtimer_read(void)
{
    return inl(pmtimer_port) & pmtimer_width_mask;
}

bool pmtimer_present(void)
{
    return pmtimer_port != 0;
}

uint64_t pmtimer_mask(void)
{
    return pmtimer_width_mask;
}

bool pmtimer_init(uint32_t port, bool is_32bit)
{
    if (port == 0 || port > 0xFFFC)
        return false;
    pmtimer_port = (uint16_t)port;
    pmtimer_width_mask = is_32bit ? 0xFFFFFFFFULL : 0xFFFFFFULL;
    uint64_t c0 = pmtimer_read(), t0 = rdtsc();
    while (rdtsc() - t0 < TIME_WAIT_TSC_LIMIT)
        if (pmtimer_read() != c0)
            return true;
    pmtimer_port = 0;
    kprintf("pmtimer: port 0x%x does not advance, not used\n", port);
    return false;
}
