/*
 * xhci_ktest.c - the driver's failure paths against a controller that is only memory: its
 * registers are a zeroed page nobody answers from, so every command and every control
 * transfer times out, the way a hung controller or a device that never answers behaves.
 * Checked: the bounded wait and its error (not a hang or a panic), the command-ring abort
 * and restart pointer, junk events dropped and counted, a completion accepted only for the
 * command in flight, and a host-error status stopping the driver.
 */
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/time/clock.h"
#include "kernel/usb/xhci.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"

#define FAKE_TIMEOUT_NS 30000000ULL

typedef struct {
    xhci_t hc;
    uint64_t regs_phys;
} fake_hc_t;

static bool fake_hc_init(fake_hc_t *f)
{
    void *regs, *v;
    memset(f, 0, sizeof *f);
    f->hc.name = "xhci-ktest";
    f->hc.ac64 = true;
    f->hc.max_slots = 4;
    f->hc.max_ports = 2;
    f->hc.ctx_size = 32;
    f->hc.cmd_timeout_ns = FAKE_TIMEOUT_NS;
    f->hc.xfer_timeout_ns = FAKE_TIMEOUT_NS;
    if (!(f->regs_phys = xhci_dma_page(&f->hc, &regs)))
        return false;
    f->hc.cap = regs;
    f->hc.op = (volatile uint8_t *)regs + 0x100;
    f->hc.rt = (volatile uint8_t *)regs + 0x400;
    f->hc.db = (volatile uint32_t *)((uint8_t *)regs + 0x800);
    uint64_t cmd = xhci_dma_page(&f->hc, &v);
    if (!cmd)
        return false;
    xhci_ring_init(&f->hc.cmd, v, cmd, XHCI_RING_TRBS, true);
    uint64_t evt = xhci_dma_page(&f->hc, &v);
    if (!evt)
        return false;
    xhci_ring_init(&f->hc.evt, v, evt, XHCI_RING_TRBS, false);
    return true;
}

static void fake_hc_free(fake_hc_t *f)
{
    if (f->regs_phys)
        pmm_free(f->regs_phys);
    if (f->hc.cmd.phys)
        pmm_free(f->hc.cmd.phys);
    if (f->hc.evt.phys)
        pmm_free(f->hc.evt.phys);
}

/* Puts one event on the fake event ring, as the controller would. */
static void fake_event(fake_hc_t *f, uint64_t param, uint32_t status, uint32_t control)
{
    volatile xhci_trb_t *t = &f->hc.evt.trbs[f->hc.evt.index];
    t->param = param;
    t->status = status;
    t->control = control | f->hc.evt.cycle;
}

KTEST(xhci_command_without_answer_times_out_and_ring_restarts)
{
    static fake_hc_t f;
    size_t pages = pmm_free_pages();
    KTEST_EXPECT(fake_hc_init(&f));
    uint64_t t0 = clock_now_ns();
    int r = xhci_command(&f.hc, 0, 0, TRB_TYPE(TRB_NOOP_CMD));
    uint64_t took = clock_now_ns() - t0;
    KTEST_EXPECT(r == XHCI_ETIMEDOUT);
    KTEST_EXPECT(took >= FAKE_TIMEOUT_NS && took < 40 * FAKE_TIMEOUT_NS); /* busy-host slack */
    KTEST_EXPECT(!f.hc.dead);
    KTEST_EXPECT(TRB_TYPE_OF(f.hc.cmd.trbs[0].control) == TRB_NOOP_CMD);
    KTEST_EXPECT((f.hc.cmd.trbs[0].control & TRB_CYCLE) == 1);
    /* Aborted, then restarted at the next free TRB with the ring's cycle. */
    uint32_t crcr = xhci_rd(f.hc.op, XHCI_OP_CRCR);
    KTEST_EXPECT(crcr == (((uint32_t)f.hc.cmd.phys + 16) | 1));
    /* A late completion of the lost command is not taken for the next one. */
    fake_event(&f, f.hc.cmd.phys, XHCI_CC_SUCCESS << 24, TRB_TYPE(TRB_EV_COMMAND));
    xhci_events_poll(&f.hc);
    KTEST_EXPECT(!f.hc.cmd_done);
    fake_hc_free(&f);
    KTEST_EXPECT(pmm_free_pages() == pages);
}

KTEST(xhci_device_that_never_answers_a_control_transfer)
{
    static fake_hc_t f;
    void *v;
    KTEST_EXPECT(fake_hc_init(&f));
    xhci_slot_t *s = &f.hc.slots[1];
    s->used = true;
    s->port = 1;
    uint64_t ring = xhci_dma_page(&f.hc, &v);
    KTEST_EXPECT(ring);
    xhci_ring_init(&s->ep0, v, ring, XHCI_RING_TRBS, true);
    s->buf_phys = xhci_dma_page(&f.hc, &v);
    s->buf = v;
    KTEST_EXPECT(s->buf_phys);
    int r = xhci_control(&f.hc, s, 0x80, 0x06, 0x0100, 0, 18);
    KTEST_EXPECT(r == XHCI_ETIMEDOUT);
    KTEST_EXPECT(f.hc.db[1] == 1); /* the doorbell was rung for EP0 */
    /* Setup, Data, Status were queued, with the data stage IN. */
    KTEST_EXPECT(TRB_TYPE_OF(s->ep0.trbs[0].control) == TRB_SETUP);
    KTEST_EXPECT(TRB_TYPE_OF(s->ep0.trbs[1].control) == TRB_DATA);
    KTEST_EXPECT(s->ep0.trbs[1].control & TRB_DIR_IN);
    KTEST_EXPECT(TRB_TYPE_OF(s->ep0.trbs[2].control) == TRB_STATUS);
    pmm_free(ring);
    pmm_free(s->buf_phys);
    fake_hc_free(&f);
}

KTEST(xhci_junk_events_are_dropped_and_host_error_stops_it)
{
    static fake_hc_t f;
    KTEST_EXPECT(fake_hc_init(&f));
    fake_event(&f, 0, 0, TRB_TYPE(63));                                   /* unknown type */
    xhci_events_poll(&f.hc);
    fake_event(&f, 0x1000, 0, TRB_TYPE(TRB_EV_TRANSFER) | 1u << 16 | TRB_SLOT(9)); /* slot > 4 */
    xhci_events_poll(&f.hc);
    fake_event(&f, 0x1000, 0, TRB_TYPE(TRB_EV_TRANSFER) | 1u << 16 | TRB_SLOT(2)); /* unused slot */
    xhci_events_poll(&f.hc);
    fake_event(&f, 0x40, 1u << 24, TRB_TYPE(TRB_EV_COMMAND));     /* outside the command ring */
    xhci_events_poll(&f.hc);
    KTEST_EXPECT(f.hc.bad_events == 4);
    KTEST_EXPECT(f.hc.evt.index == 4);
    /* The one completion that matches the command in flight is taken. */
    f.hc.cmd_trb = xhci_ring_enqueue(&f.hc.cmd, 0, 0, TRB_TYPE(TRB_NOOP_CMD));
    fake_event(&f, f.hc.cmd_trb, 1u << 24, TRB_TYPE(TRB_EV_COMMAND) | TRB_SLOT(3));
    xhci_events_poll(&f.hc);
    KTEST_EXPECT(f.hc.cmd_done && f.hc.cmd_code == 1 && f.hc.cmd_slot == 3);
    /* Host System Error in USBSTS: the driver stops asking. */
    xhci_wr(f.hc.op, XHCI_OP_USBSTS, USBSTS_HSE);
    xhci_events_poll(&f.hc);
    KTEST_EXPECT(f.hc.dead);
    KTEST_EXPECT(xhci_command(&f.hc, 0, 0, TRB_TYPE(TRB_NOOP_CMD)) == XHCI_EDEAD);
    fake_hc_free(&f);
}
