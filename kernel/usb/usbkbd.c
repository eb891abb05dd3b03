/*
 * usbkbd.c - a USB boot-protocol keyboard on an xHCI slot: selects its configuration,
 * switches the interface to the boot protocol with idle rate 0 (a report only on change),
 * configures its interrupt-IN endpoint (4.3.5, 6.2.3) and keeps one transfer queued.
 * Reports become bytes through hidkbd.c (the PS/2 translation) and go to the console's
 * input, the same line editing as the PS/2 keyboard's; both can type at once, each with its
 * own modifier state. Runs in the controller's thread only.
 */
#include "kernel/fs/devfs.h"
#include "kernel/kprintf.h"
#include "kernel/panic.h"
#include "kernel/time/clock.h"
#include "kernel/usb/usb_desc.h"
#include "kernel/usb/xhci.h"

#define USB_REQ_SET_CONFIGURATION 0x09
#define HID_REQ_SET_REPORT        0x09
#define HID_REQ_SET_IDLE          0x0A
#define HID_REPORT_OUTPUT         0x0200 /* wValue: output report, id 0 */
#define HID_LED_CAPS              0x02
#define USBKBD_LEDS_OFF           0xFF   /* the keyboard refused its LEDs once: don't ask */
#define HID_REQ_SET_PROTOCOL      0x0B
#define HID_PROTOCOL_BOOT         0
#define USB_TYPE_STANDARD_OUT     0x00
#define USB_TYPE_CLASS_IFACE_OUT  0x21
#define EP_TYPE_INTERRUPT_IN      7
#define USB_SPEED_HIGH            3

static unsigned usbkbd_count; /* keyboards bound since boot: numbers them in the log */

static void usbkbd_emit(const char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        console_input_char(out[i]);
}

/* xHCI interval: 2^n x 125 us. Full/low speed give bInterval in ms, faster ones 2^(b-1). */
static uint32_t usbkbd_interval(unsigned speed, uint8_t binterval)
{
    if (speed >= USB_SPEED_HIGH)
        return binterval > 16 ? 15 : binterval - 1u;
    uint32_t frames = binterval * 8u, n = 0;
    while ((2u << n) <= frames)
        n++;
    return n < 3 ? 3 : n > 10 ? 10 : n;
}

static int usbkbd_configure_ep(xhci_t *hc, unsigned slot, const usb_kbd_iface_t *k)
{
    xhci_slot_t *s = &hc->slots[slot];
    void *ring;
    uint64_t ring_phys = xhci_dma_page(hc, &ring);
    if (!ring_phys)
        return XHCI_ENOMEM;
    xhci_ring_init(&s->intr, ring, ring_phys, XHCI_RING_TRBS, true);
    unsigned dci = (unsigned)(k->ep_addr & 0x0F) * 2 + 1;
    ASSERT(dci >= 3 && dci <= 31); /* usb_desc.c refuses endpoint 0 */
    s->intr_dci = (uint8_t)dci;
    size_t cs = hc->ctx_size;
    uint32_t *icc = (uint32_t *)s->in_ctx;
    uint32_t *sctx = (uint32_t *)((uint8_t *)s->in_ctx + cs);
    uint32_t *ep = (uint32_t *)((uint8_t *)s->in_ctx + cs * (dci + 1));
    uint32_t mps = k->ep_max_packet;
    icc[0] = 0;
    icc[1] = 1u | 1u << dci;
    sctx[0] = (sctx[0] & ~(0x1Fu << 27)) | (uint32_t)dci << 27;
    ep[0] = usbkbd_interval(s->speed, k->ep_interval) << 16;
    ep[1] = 3u << 1 | EP_TYPE_INTERRUPT_IN << 3 | mps << 16;
    ep[2] = (uint32_t)ring_phys | s->intr.cycle;
    ep[3] = (uint32_t)(ring_phys >> 32);
    ep[4] = 8 | mps << 16; /* average TRB length, max ESIT payload */
    return xhci_command(hc, s->in_phys, 0, TRB_TYPE(TRB_CONFIGURE_EP) | TRB_SLOT(slot));
}

int usbkbd_attach(xhci_t *hc, unsigned slot, const uint8_t *config, uint16_t config_len)
{
    xhci_slot_t *s = &hc->slots[slot];
    usb_kbd_iface_t k;
    const char *why;
    if (!usb_config_find_boot_kbd(config, config_len, &k, &why)) {
        kprintf("%s: port %u: %s\n", hc->name, s->port, why);
        return -1;
    }
    /* The configuration bytes live in the buffer the requests below reuse: k has all we need. */
    if (xhci_control(hc, s, USB_TYPE_STANDARD_OUT, USB_REQ_SET_CONFIGURATION, k.config_value,
                     0, 0) ||
        xhci_control(hc, s, USB_TYPE_CLASS_IFACE_OUT, HID_REQ_SET_PROTOCOL, HID_PROTOCOL_BOOT,
                     k.interface, 0)) {
        kprintf("%s: port %u: keyboard refused its configuration\n", hc->name, s->port);
        return 0;
    }
    /* SET_IDLE is optional for keyboards that only report changes anyway: a stall is fine. */
    (void)xhci_control(hc, s, USB_TYPE_CLASS_IFACE_OUT, HID_REQ_SET_IDLE, 0, k.interface, 0);
    if (usbkbd_configure_ep(hc, slot, &k) != 0) {
        kprintf("%s: port %u: keyboard endpoint could not be configured\n", hc->name, s->port);
        return 0;
    }
    s->report_len = HIDKBD_REPORT_LEN;
    s->hid = (hidkbd_t){ 0 };
    s->kbd_iface = k.interface;
    s->leds = 0;
    s->kbd = true;
    xhci_intr_queue(hc, slot);
    kprintf("%s: port %u: USB keyboard %u ready (interface %u, endpoint 0x%02x, bInterval %u)\n",
            hc->name, s->port, ++usbkbd_count, k.interface, k.ep_addr, k.ep_interval);
    return 1;
}

void usbkbd_report(xhci_t *hc, xhci_slot_t *s, size_t len)
{
    (void)hc;
    char out[HIDKBD_OUT_MAX];
    size_t n = hidkbd_report(&s->hid, s->buf, len, clock_now_ns(), out);
    usbkbd_emit(out, n);
}

/* Caps Lock's LED follows the translation's state. Sent from the thread's main loop (never
 * from inside another transfer's wait); a keyboard that refuses is not asked again. */
static void usbkbd_leds_update(xhci_t *hc, xhci_slot_t *s)
{
    uint8_t want = s->hid.keys.caps ? HID_LED_CAPS : 0;
    if (s->leds == USBKBD_LEDS_OFF || s->leds == want)
        return;
    s->buf[XHCI_CTRL_BUF] = want;
    if (xhci_control(hc, s, USB_TYPE_CLASS_IFACE_OUT, HID_REQ_SET_REPORT, HID_REPORT_OUTPUT,
                     s->kbd_iface, 1) != 0) {
        kprintf("%s: port %u: keyboard refused its LEDs; not asked again\n", hc->name,
                s->port);
        s->leds = USBKBD_LEDS_OFF;
        return;
    }
    s->leds = want;
}

bool usbkbd_repeat_all(xhci_t *hc)
{
    bool held = false;
    uint64_t now = clock_now_ns();
    for (unsigned i = 1; i <= hc->max_slots; i++) {
        xhci_slot_t *s = &hc->slots[i];
        if (!s->used || !s->kbd)
            continue;
        char out[HIDKBD_OUT_MAX];
        usbkbd_emit(out, hidkbd_repeat(&s->hid, now, out));
        held |= s->hid.repeat_usage != 0;
        usbkbd_leds_update(hc, s);
    }
    return held;
}
