/*
 * pit.c - PIT channel 2 as the last-resort calibration reference: a one-shot countdown
 * (mode 0) gated through port 0x61, its OUT2 line read back in bit 5 of the same port.
 * Channel 2 drives only the speaker (kept silent), so nothing else is disturbed.
 */
#include "kernel/arch/cpu.h"
#include "kernel/time/time_internal.h"

#define PIT_CH2_DATA   0x42
#define PIT_CMD        0x43
#define PIT_CTRL_PORT  0x61
#define PIT_CTRL_GATE2 0x01
#define PIT_CTRL_SPKR  0x02
#define PIT_CTRL_OUT2  0x20
#define PIT_CMD_CH2_ONESHOT 0xB0 /* channel 2, lobyte/hibyte, mode 0, binary */
#define PIT_MIN_POLLS  16        /* OUT2 high sooner than this: nothing is counting */

bool pit_count_tsc(uint16_t count, uint64_t *tsc_cycles)
{
    uint8_t ctrl = inb(PIT_CTRL_PORT);
    uint64_t t0, t1;
    uint32_t polls = 0;
    bool done = false;

    if (ctrl == 0xFF || count == 0)
        return false; /* an unclaimed port reads all ones */
    outb(PIT_CTRL_PORT, (uint8_t)((ctrl & ~PIT_CTRL_SPKR) | PIT_CTRL_GATE2));
    outb(PIT_CMD, PIT_CMD_CH2_ONESHOT);
    outb(PIT_CH2_DATA, (uint8_t)count);
    outb(PIT_CH2_DATA, (uint8_t)(count >> 8));
    t0 = rdtsc();
    do {
        done = (inb(PIT_CTRL_PORT) & PIT_CTRL_OUT2) != 0;
        t1 = rdtsc();
        polls++;
    } while (!done && t1 - t0 < TIME_WAIT_TSC_LIMIT);
    outb(PIT_CTRL_PORT, ctrl);
    if (!done || polls < PIT_MIN_POLLS)
        return false;
    *tsc_cycles = t1 - t0;
    return true;
}
