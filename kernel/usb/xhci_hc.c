/*
 * xhci_hc.c - bringing a controller up (xHCI 1.2, 4.2): take it from the firmware
 * (USB Legacy Support capability: OS-owned semaphore, SMIs off), stop and reset it, give it
 * the device context array (with scratchpad buffers), the command ring and one event ring
 * segment, and run it. Every register wait is bounded; a controller that misses one is
 * reported and left alone.
 *
 * Invariant: all memory handed to the controller is whole zeroed pages from the page
 * allocator, below 4 GiB unless the controller says it takes 64-bit addresses (AC64).
 */
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/time/clock.h"
#include "kernel/usb/xhci.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "sched/sched.h"

#define HCC_AC64            (1u << 0)
#define HCC_CSZ             (1u << 2)
#define HCC_XECP(v)         (((v) >> 16) << 2)
#define XECP_ID_LEGACY      1
#define XECP_WALK_MAX       64
#define LEGSUP_BIOS_OWNED   (1u << 16)
#define LEGSUP_OS_OWNED     (1u << 24)
#define LEGCTL_SMI_ENABLES  0x0000E011u
#define LEGCTL_SMI_EVENTS   0xE0000000u
#define XHCI_HANDOFF_NS     1000000000ULL
#define XHCI_HALT_NS        100000000ULL
#define XHCI_RESET_NS       1000000000ULL
#define XHCI_POWER_GOOD_NS  20000000ULL
#define XHCI_SCRATCH_MAX    256
#define XHCI_DMA_LIMIT      (1ULL << 32)
#define XHCI_BAR_MIN        0x1000 /* capability + operational + one port, at the least */

uint64_t xhci_dma_page(const xhci_t *hc, void **virt)
{
    uint64_t phys = pmm_alloc();
    if (phys && !hc->ac64 && phys >= XHCI_DMA_LIMIT) {
        pmm_free(phys);
        phys = pmm_alloc_below(XHCI_DMA_LIMIT);
    }
    if (!phys)
        return 0;
    *virt = phys_to_virt(phys);
    memset(*virt, 0, PAGE_SIZE);
    return phys;
}

/* Polls reg until (value & mask) == want or timeout; false on timeout. */
static bool xhci_reg_wait(volatile uint8_t *base, uint32_t off, uint32_t mask, uint32_t want,
                          uint64_t timeout_ns)
{
    uint64_t deadline = clock_now_ns() + timeout_ns;
    for (;;) {
        uint32_t v = xhci_rd(base, off);
        if (v != 0xFFFFFFFFu && (v & mask) == want)
            return true;
        if (clock_now_ns() >= deadline)
            return false;
        sched_sleep_ns(1000000);
    }
}

/* BIOS hand-off through USBLEGSUP (4.22.1). A firmware that never lets go loses it anyway:
 * its SMIs are turned off, and we reset the controller next. */
static void xhci_take_from_firmware(xhci_t *hc)
{
    uint32_t off = HCC_XECP(xhci_rd(hc->cap, XHCI_CAP_HCCPARAMS1));
    for (int i = 0; i < XECP_WALK_MAX && off && off + 8 <= hc->bar_size; i++) {
        uint32_t head = xhci_rd(hc->cap, off);
        if ((head & 0xFF) == XECP_ID_LEGACY) {
            xhci_wr(hc->cap, off, head | LEGSUP_OS_OWNED);
            if (!xhci_reg_wait(hc->cap, off, LEGSUP_BIOS_OWNED, 0, XHCI_HANDOFF_NS)) {
                kprintf("%s: firmware did not release the controller; taking it\n", hc->name);
                xhci_wr(hc->cap, off, (xhci_rd(hc->cap, off) & ~LEGSUP_BIOS_OWNED) |
                                      LEGSUP_OS_OWNED);
            }
            uint32_t ctl = xhci_rd(hc->cap, off + 4);
            xhci_wr(hc->cap, off + 4, (ctl & ~LEGCTL_SMI_ENABLES) | LEGCTL_SMI_EVENTS);
            return;
        }
        uint32_t next = (head >> 8) & 0xFF;
        off = next ? off + (next << 2) : 0;
    }
}

static int xhci_reset(xhci_t *hc)
{
    xhci_wr(hc->op, XHCI_OP_USBCMD, xhci_rd(hc->op, XHCI_OP_USBCMD) & ~USBCMD_RUN);
    if (!xhci_reg_wait(hc->op, XHCI_OP_USBSTS, USBSTS_HCH, USBSTS_HCH, XHCI_HALT_NS)) {
        kprintf("%s: controller does not halt\n", hc->name);
        return XHCI_ETIMEDOUT;
    }
    xhci_wr(hc->op, XHCI_OP_USBCMD, USBCMD_HCRST);
    sched_sleep_ns(1000000); /* some controllers must not be read right after HCRST */
    if (!xhci_reg_wait(hc->op, XHCI_OP_USBCMD, USBCMD_HCRST, 0, XHCI_RESET_NS) ||
        !xhci_reg_wait(hc->op, XHCI_OP_USBSTS, USBSTS_CNR, 0, XHCI_RESET_NS)) {
        kprintf("%s: controller reset does not finish\n", hc->name);
        return XHCI_ETIMEDOUT;
    }
    return 0;
}

static int xhci_scratchpads(xhci_t *hc)
{
    uint32_t p2 = xhci_rd(hc->cap, XHCI_CAP_HCSPARAMS2);
    uint32_t count = ((p2 >> 21) & 0x1F) << 5 | ((p2 >> 27) & 0x1F);
    if (count == 0)
        return 0;
    if (count > XHCI_SCRATCH_MAX) {
        kprintf("%s: wants %u scratchpad pages, more than we give\n", hc->name, count);
        return XHCI_ENOMEM;
    }
    void *v;
    uint64_t arr_phys = xhci_dma_page(hc, &v);
    if (!arr_phys)
        return XHCI_ENOMEM;
    uint64_t *arr = v;
    for (uint32_t i = 0; i < count; i++)
        if (!(arr[i] = xhci_dma_page(hc, &v)))
            return XHCI_ENOMEM; /* kept: the controller is not started without them */
    hc->dcbaa[0] = arr_phys;
    return 0;
}

/* DCBAA, scratchpads, command ring, event ring: the memory the controller needs to run. */
static int xhci_memory_setup(xhci_t *hc)
{
    void *v, *erst_v;
    if (!(hc->dcbaa_phys = xhci_dma_page(hc, &v)))
        return XHCI_ENOMEM;
    hc->dcbaa = v;
    int err = xhci_scratchpads(hc);
    if (err)
        return err;
    uint64_t cmd_phys = xhci_dma_page(hc, &v);
    if (!cmd_phys)
        return XHCI_ENOMEM;
    xhci_ring_init(&hc->cmd, v, cmd_phys, XHCI_RING_TRBS, true);
    uint64_t evt_phys = xhci_dma_page(hc, &v);
    uint64_t erst_phys = evt_phys ? xhci_dma_page(hc, &erst_v) : 0;
    if (!erst_phys)
        return XHCI_ENOMEM;
    xhci_ring_init(&hc->evt, v, evt_phys, XHCI_RING_TRBS, false);
    volatile uint32_t *erst = erst_v; /* one Event Ring Segment Table entry (6.5) */
    erst[0] = (uint32_t)evt_phys;
    erst[1] = (uint32_t)(evt_phys >> 32);
    erst[2] = XHCI_RING_TRBS;

    xhci_wr(hc->op, XHCI_OP_CONFIG, hc->max_slots);
    xhci_wr64(hc->op, XHCI_OP_DCBAAP, hc->dcbaa_phys);
    xhci_wr64(hc->op, XHCI_OP_CRCR, cmd_phys | CRCR_RCS);
    xhci_wr(hc->rt, XHCI_RT_ERSTSZ, 1);
    xhci_wr64(hc->rt, XHCI_RT_ERDP, evt_phys);
    xhci_wr64(hc->rt, XHCI_RT_ERSTBA, erst_phys);
    return 0;
}

/* Powers every port that needs it and marks them all for a first look. */
static void xhci_ports_power(xhci_t *hc)
{
    bool powered = false;
    for (unsigned p = 1; p <= hc->max_ports; p++) {
        uint32_t sc = xhci_rd(hc->op, XHCI_OP_PORTSC(p));
        if (!(sc & PORTSC_PP)) {
            xhci_wr(hc->op, XHCI_OP_PORTSC(p), PORTSC_PP);
            powered = true;
        }
        hc->ports_pending |= 1ull << (p - 1);
    }
    if (powered)
        sched_sleep_ns(XHCI_POWER_GOOD_NS);
}

int xhci_hc_start(xhci_t *hc, bool interrupts)
{
    xhci_take_from_firmware(hc);
    int err = xhci_reset(hc);
    if (err)
        return err;
    if (!(xhci_rd(hc->op, XHCI_OP_PAGESIZE) & 1)) {
        kprintf("%s: controller does not do 4 KiB pages\n", hc->name);
        return XHCI_EFAILED;
    }
    if ((err = xhci_memory_setup(hc)) != 0) {
        kprintf("%s: out of memory for the controller's structures\n", hc->name);
        return err;
    }
    xhci_wr(hc->rt, XHCI_RT_IMOD, 4000); /* at most one interrupt per ms (250 ns units) */
    xhci_wr(hc->rt, XHCI_RT_IMAN, IMAN_IP | (interrupts ? IMAN_IE : 0));
    xhci_wr(hc->op, XHCI_OP_USBCMD, USBCMD_RUN | (interrupts ? USBCMD_INTE : 0));
    if (!xhci_reg_wait(hc->op, XHCI_OP_USBSTS, USBSTS_HCH, 0, XHCI_HALT_NS)) {
        kprintf("%s: controller does not start\n", hc->name);
        return XHCI_ETIMEDOUT;
    }
    xhci_ports_power(hc);
    return 0;
}

/* Reads the capability registers and checks that every block we use lies in the BAR. */
int xhci_hc_map(xhci_t *hc, volatile uint8_t *bar, uint64_t size)
{
    hc->cap = bar;
    hc->bar_size = size;
    if (size < XHCI_BAR_MIN) {
        kprintf("%s: BAR of %llu bytes can't hold the registers\n", hc->name,
                (unsigned long long)size);
        return XHCI_EFAILED;
    }
    uint32_t caplen = xhci_rd(bar, XHCI_CAP_CAPLENGTH) & 0xFF;
    uint32_t p1 = xhci_rd(bar, XHCI_CAP_HCSPARAMS1);
    uint32_t cc = xhci_rd(bar, XHCI_CAP_HCCPARAMS1);
    uint32_t dboff = xhci_rd(bar, XHCI_CAP_DBOFF) & ~3u;
    uint32_t rtsoff = xhci_rd(bar, XHCI_CAP_RTSOFF) & ~0x1Fu;
    unsigned slots = p1 & 0xFF, ports = p1 >> 24;
    if (caplen < 0x20 || slots == 0 || ports == 0 ||
        caplen + XHCI_OP_PORTSC(ports) + 16 > size || rtsoff + 0x40 > size ||
        dboff + 4ull * (slots + 1) > size) {
        kprintf("%s: capability registers make no sense (caplen %u, %u slots, %u ports, "
                "db 0x%x, rt 0x%x, BAR %llu bytes)\n", hc->name, caplen, slots, ports, dboff,
                rtsoff, (unsigned long long)size);
        return XHCI_EFAILED;
    }
    hc->op = bar + caplen;
    hc->rt = bar + rtsoff;
    hc->db = (volatile uint32_t *)(bar + dboff);
    hc->max_slots = slots < XHCI_MAX_SLOTS ? slots : XHCI_MAX_SLOTS;
    hc->max_ports = ports < XHCI_MAX_PORTS ? ports : XHCI_MAX_PORTS;
    hc->ctx_size = (cc & HCC_CSZ) ? 64 : 32;
    hc->ac64 = (cc & HCC_AC64) != 0;
    hc->cmd_timeout_ns = XHCI_CMD_TIMEOUT_NS;
    hc->xfer_timeout_ns = XHCI_XFER_TIMEOUT_NS;
    return 0;
}
