/*
 * xhci_xfer.c - transfers on a device slot: control transfers on endpoint 0 (Setup, Data,
 * Status stages, 4.11.2.2) with one transfer in flight per slot, and the keyboard's
 * interrupt-IN transfer, one Normal TRB always queued while the keyboard is bound.
 *
 * Control data lands in (IN) or is taken from (OUT: the caller put it there) the slot's
 * buffer page at XHCI_CTRL_BUF; for IN it is zeroed first, so a device that sends fewer
 * bytes than asked leaves zeros rather than the previous transfer's bytes.
 */
#include "kernel/kprintf.h"
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "kernel/usb/xhci.h"

#define USB_DIR_IN 0x80

int xhci_control(xhci_t *hc, xhci_slot_t *s, uint8_t type, uint8_t req, uint16_t value,
                 uint16_t index, uint16_t len)
{
    unsigned slot = (unsigned)(s - hc->slots);
    ASSERT(slot >= 1 && slot <= hc->max_slots && s->used);
    if (hc->dead)
        return XHCI_EDEAD;
    if (len > XHCI_CTRL_BUF_MAX)
        return XHCI_EFAILED;
    bool in = (type & USB_DIR_IN) != 0;
    if (in)
        memset(s->buf + XHCI_CTRL_BUF, 0, len);
    uint64_t setup = type | (uint64_t)req << 8 | (uint64_t)value << 16 |
                     (uint64_t)index << 32 | (uint64_t)len << 48;
    uint32_t trt = len ? (in ? TRB_TRT_IN : TRB_TRT_OUT) : 0;
    s->ctrl_done = false;
    s->ctrl_trbs[0] = xhci_ring_enqueue(&s->ep0, setup, 8,
                                        TRB_TYPE(TRB_SETUP) | TRB_IDT | trt);
    s->ctrl_trbs[1] = len ? xhci_ring_enqueue(&s->ep0, s->buf_phys + XHCI_CTRL_BUF, len,
                                              TRB_TYPE(TRB_DATA) | (in ? TRB_DIR_IN : 0))
                          : 0;
    /* The status stage goes the other way from the data (IN when there is none). */
    s->ctrl_trbs[2] = xhci_ring_enqueue(&s->ep0, 0, 0, TRB_TYPE(TRB_STATUS) | TRB_IOC |
                                                       (len && in ? 0 : TRB_DIR_IN));
    xhci_doorbell(hc, slot, 1);
    bool answered = xhci_wait_for(hc, &s->ctrl_done, hc->xfer_timeout_ns);
    s->ctrl_trbs[0] = s->ctrl_trbs[1] = s->ctrl_trbs[2] = 0; /* a late event is not ours */
    if (!answered) {
        kprintf("%s: port %u: request 0x%02x got no answer\n", hc->name, s->port, req);
        return XHCI_ETIMEDOUT;
    }
    if (s->ctrl_code != XHCI_CC_SUCCESS && s->ctrl_code != XHCI_CC_SHORT_PACKET)
        return XHCI_EFAILED; /* the caller says what it was asking for */
    return 0;
}

void xhci_intr_queue(xhci_t *hc, unsigned slot)
{
    ASSERT(slot >= 1 && slot <= hc->max_slots);
    xhci_slot_t *s = &hc->slots[slot];
    ASSERT(s->kbd && s->report_len <= HIDKBD_REPORT_LEN);
    xhci_ring_enqueue(&s->intr, s->buf_phys, s->report_len,
                      TRB_TYPE(TRB_NORMAL) | TRB_IOC | TRB_ISP);
    xhci_doorbell(hc, slot, s->intr_dci);
}

void xhci_intr_done(xhci_t *hc, unsigned slot, const xhci_event_t *ev)
{
    xhci_slot_t *s = &hc->slots[slot];
    if (ev->code != XHCI_CC_SUCCESS && ev->code != XHCI_CC_SHORT_PACKET) {
        kprintf("%s: port %u: keyboard transfer failed (completion code %u); keyboard "
                "stopped\n", hc->name, s->port, ev->code);
        s->kbd = false;
        return;
    }
    /* The residual comes from the controller: a value above what we asked for is junk. */
    size_t got = ev->residual <= s->report_len ? s->report_len - ev->residual : 0;
    usbkbd_report(hc, s, got);
    xhci_intr_queue(hc, slot);
}
