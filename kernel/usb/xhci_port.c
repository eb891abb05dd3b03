/*
 * xhci_port.c - root ports (xHCI 4.3, 4.19): a port whose status changed is looked at by
 * the controller's thread; a new connection is reset (USB 2 ports; USB 3 ports arrive
 * enabled), given a device slot and an address, its descriptors are read and checked, and
 * a boot keyboard is bound (usbkbd.c); anything else keeps its slot, unused, until it goes.
 * A disconnect gives the slot and its memory back.
 *
 * Invariant: port_slot[p] != 0 exactly while slot port_slot[p] is enabled for port p; a
 * device that fails halfway is still recorded there, so its disconnect frees it.
 */
#include "kernel/kprintf.h"
#include "kernel/panic.h"
#include "kernel/usb/usb_desc.h"
#include "kernel/usb/xhci.h"
#include "mm/hhdm.h"
#include "mm/pmm.h"
#include "sched/sched.h"

#define XHCI_PORT_RESET_NS   500000000ULL
#define XHCI_SET_ADDRESS_NS  10000000ULL
#define USB_REQ_GET_DESCRIPTOR 0x06
#define USB_SPEED_FULL  1
#define USB_SPEED_LOW   2
#define USB_SPEED_HIGH  3
#define USB_SPEED_SUPER 4
#define EP_TYPE_CONTROL 4

static const char *const speed_names[] = { "?", "full-speed", "low-speed", "high-speed",
                                           "SuperSpeed" };

/* Writes PORTSC with change bits (write-1-to-clear) and PED (write 1 = disable) zero,
 * so that only set_bits act. */
static void xhci_portsc_set(xhci_t *hc, unsigned port, uint32_t set_bits)
{
    uint32_t sc = xhci_rd(hc->op, XHCI_OP_PORTSC(port));
    xhci_wr(hc->op, XHCI_OP_PORTSC(port), (sc & PORTSC_PP) | set_bits);
}

static bool xhci_port_reset(xhci_t *hc, unsigned port)
{
    xhci_portsc_set(hc, port, PORTSC_PR);
    for (uint64_t waited = 0; waited < XHCI_PORT_RESET_NS; waited += 2000000) {
        sched_sleep_ns(2000000);
        uint32_t sc = xhci_rd(hc->op, XHCI_OP_PORTSC(port));
        if (sc & PORTSC_PRC) {
            xhci_portsc_set(hc, port, PORTSC_PRC);
            return (sc & PORTSC_PED) && (sc & PORTSC_CCS);
        }
    }
    return false;
}

static uint32_t *xhci_ctx(xhci_t *hc, void *base, unsigned index)
{
    return (uint32_t *)((uint8_t *)base + (size_t)index * hc->ctx_size);
}

static void xhci_slot_free(xhci_t *hc, unsigned slot)
{
    ASSERT(slot >= 1 && slot <= hc->max_slots);
    xhci_slot_t *s = &hc->slots[slot];
    hc->dcbaa[slot] = 0;
    if (s->in_phys)
        pmm_free(s->in_phys);
    if (s->out_phys)
        pmm_free(s->out_phys);
    if (s->ep0.phys)
        pmm_free(s->ep0.phys);
    if (s->intr.phys)
        pmm_free(s->intr.phys);
    if (s->buf_phys)
        pmm_free(s->buf_phys);
    *s = (xhci_slot_t){ 0 };
}

/* Pages for a slot's contexts, EP0 ring and buffer. */
static int xhci_slot_alloc(xhci_t *hc, unsigned slot, unsigned port, unsigned speed)
{
    xhci_slot_t *s = &hc->slots[slot];
    void *ring;
    uint64_t ring_phys;
    *s = (xhci_slot_t){ .used = true, .port = (uint8_t)port, .speed = (uint8_t)speed };
    s->in_phys = xhci_dma_page(hc, &s->in_ctx);
    s->out_phys = xhci_dma_page(hc, &s->out_ctx);
    ring_phys = xhci_dma_page(hc, &ring);
    if (ring_phys)
        xhci_ring_init(&s->ep0, ring, ring_phys, XHCI_RING_TRBS, true);
    void *buf;
    s->buf_phys = xhci_dma_page(hc, &buf);
    s->buf = buf;
    if (!s->in_phys || !s->out_phys || !ring_phys || !s->buf_phys)
        return XHCI_ENOMEM;
    hc->dcbaa[slot] = s->out_phys;
    return 0;
}

static uint16_t xhci_default_mps0(unsigned speed)
{
    return speed == USB_SPEED_SUPER ? 512 : speed == USB_SPEED_HIGH ? 64 : 8;
}

/* Slot context + EP0 in the input context, then Address Device (4.3.3, 6.2.2, 6.2.3). */
static int xhci_address(xhci_t *hc, unsigned slot, uint16_t mps0)
{
    xhci_slot_t *s = &hc->slots[slot];
    uint32_t *icc = xhci_ctx(hc, s->in_ctx, 0);
    uint32_t *sctx = xhci_ctx(hc, s->in_ctx, 1);
    uint32_t *ep0 = xhci_ctx(hc, s->in_ctx, 2);
    icc[0] = 0;
    icc[1] = 0x3; /* add slot and EP0 */
    sctx[0] = (uint32_t)s->speed << 20 | 1u << 27;
    sctx[1] = (uint32_t)s->port << 16;
    ep0[1] = 3u << 1 | EP_TYPE_CONTROL << 3 | (uint32_t)mps0 << 16;
    ep0[2] = (uint32_t)s->ep0.phys | s->ep0.cycle;
    ep0[3] = (uint32_t)(s->ep0.phys >> 32);
    ep0[4] = 8;
    return xhci_command(hc, s->in_phys, 0, TRB_TYPE(TRB_ADDRESS_DEVICE) | TRB_SLOT(slot));
}

/* Full-speed devices may have a larger EP0 than 8 bytes: read the first 8 bytes of the
 * device descriptor and tell the controller (Evaluate Context). */
static int xhci_fix_mps0(xhci_t *hc, unsigned slot)
{
    xhci_slot_t *s = &hc->slots[slot];
    int err = xhci_control(hc, s, 0x80, USB_REQ_GET_DESCRIPTOR, USB_DESC_DEVICE << 8, 0, 8);
    if (err)
        return err;
    uint8_t mps = s->buf[XHCI_CTRL_BUF + 7];
    if (mps == 8)
        return 0;
    if (mps != 16 && mps != 32 && mps != 64)
        return XHCI_EFAILED;
    uint32_t *icc = xhci_ctx(hc, s->in_ctx, 0);
    uint32_t *ep0 = xhci_ctx(hc, s->in_ctx, 2);
    icc[0] = 0;
    icc[1] = 0x2;
    ep0[1] = (ep0[1] & 0xFFFF) | (uint32_t)mps << 16;
    return xhci_command(hc, s->in_phys, 0, TRB_TYPE(TRB_EVALUATE_CTX) | TRB_SLOT(slot));
}

/* Descriptors of the addressed device; binds a keyboard. Logs what it found or why not. */
static void xhci_device_identify(xhci_t *hc, unsigned slot)
{
    xhci_slot_t *s = &hc->slots[slot];
    const char *why = "no answer";
    usb_device_desc_t dd;
    uint8_t *data = s->buf + XHCI_CTRL_BUF;
    if (xhci_control(hc, s, 0x80, USB_REQ_GET_DESCRIPTOR, USB_DESC_DEVICE << 8, 0,
                     USB_DEVICE_DESC_LEN) ||
        !usb_device_desc_parse(data, USB_DEVICE_DESC_LEN, &dd, &why))
        goto fail;
    why = "configuration descriptor unreadable";
    if (xhci_control(hc, s, 0x80, USB_REQ_GET_DESCRIPTOR, USB_DESC_CONFIG << 8, 0,
                     USB_CONFIG_DESC_LEN))
        goto fail;
    uint16_t total = usb_config_total_length(data, USB_CONFIG_DESC_LEN);
    if (!total)
        goto fail;
    if (total > XHCI_CTRL_BUF_MAX)
        total = XHCI_CTRL_BUF_MAX; /* the walk stops at what we have */
    if (xhci_control(hc, s, 0x80, USB_REQ_GET_DESCRIPTOR, USB_DESC_CONFIG << 8, 0, total))
        goto fail;
    kprintf("%s: port %u: device %04x:%04x (USB %x.%02x, %s), slot %u\n", hc->name, s->port,
            dd.vendor, dd.product, dd.usb_version >> 8, dd.usb_version & 0xFF,
            speed_names[s->speed], slot);
    if (usbkbd_attach(hc, slot, data, total) < 0)
        kprintf("%s: port %u: no driver for this device\n", hc->name, s->port);
    return;
fail:
    kprintf("%s: port %u: device ignored: %s\n", hc->name, s->port, why);
}

static void xhci_port_attach(xhci_t *hc, unsigned port, uint32_t sc)
{
    if (!(sc & PORTSC_PED) && !xhci_port_reset(hc, port)) {
        kprintf("%s: port %u: reset failed; device ignored\n", hc->name, port);
        return;
    }
    sc = xhci_rd(hc->op, XHCI_OP_PORTSC(port));
    unsigned speed = PORTSC_SPEED(sc);
    if (speed == 0) {
        kprintf("%s: port %u: enabled with no speed; device ignored\n", hc->name, port);
        return;
    }
    if (speed > USB_SPEED_SUPER)
        speed = USB_SPEED_SUPER; /* SuperSpeedPlus and beyond: handled as SuperSpeed */
    if (xhci_command(hc, 0, 0, TRB_TYPE(TRB_ENABLE_SLOT)) != 0)
        return;
    unsigned slot = hc->cmd_slot;
    if (slot == 0 || slot > hc->max_slots || hc->slots[slot].used) {
        kprintf("%s: port %u: controller gave slot %u, which can't be; ignored\n", hc->name,
                port, slot);
        return;
    }
    hc->port_slot[port] = (uint8_t)slot;
    if (xhci_slot_alloc(hc, slot, port, speed) != 0) {
        kprintf("%s: port %u: out of memory\n", hc->name, port);
        return;
    }
    if (xhci_address(hc, slot, xhci_default_mps0(speed)) != 0) {
        kprintf("%s: port %u: device does not take an address\n", hc->name, port);
        return;
    }
    sched_sleep_ns(XHCI_SET_ADDRESS_NS); /* SET_ADDRESS recovery time (USB 2.0 9.2.6.3) */
    if (speed == USB_SPEED_FULL && xhci_fix_mps0(hc, slot) != 0) {
        kprintf("%s: port %u: control endpoint size unreadable; device ignored\n", hc->name,
                port);
        return;
    }
    xhci_device_identify(hc, slot);
}

static void xhci_port_detach(xhci_t *hc, unsigned port)
{
    unsigned slot = hc->port_slot[port];
    hc->port_slot[port] = 0;
    kprintf("%s: port %u: device removed\n", hc->name, port);
    if (hc->slots[slot].used)
        (void)xhci_command(hc, 0, 0, TRB_TYPE(TRB_DISABLE_SLOT) | TRB_SLOT(slot));
    xhci_slot_free(hc, slot);
}

static void xhci_port_check(xhci_t *hc, unsigned port)
{
    uint32_t sc = xhci_rd(hc->op, XHCI_OP_PORTSC(port));
    if (sc == 0xFFFFFFFFu)
        return; /* the controller is gone */
    xhci_wr(hc->op, XHCI_OP_PORTSC(port), (sc & PORTSC_PP) | (sc & PORTSC_CHANGES));
    bool connected = (sc & PORTSC_CCS) != 0;
    if (hc->port_slot[port] && (!connected || (sc & (1u << 17)))) /* gone, or replaced */
        xhci_port_detach(hc, port);
    if (connected && !hc->port_slot[port])
        xhci_port_attach(hc, port, sc);
}

void xhci_ports_service(xhci_t *hc)
{
    while (hc->ports_pending && !hc->dead) {
        unsigned bit = (unsigned)__builtin_ctzll(hc->ports_pending);
        hc->ports_pending &= ~(1ull << bit);
        xhci_port_check(hc, bit + 1);
    }
}
