/*
 * xhci_ring.h - xHCI rings (xHCI 1.2, 4.9): transfer and command rings we produce into
 * (one segment closed by a Link TRB that toggles the cycle bit) and the event ring we
 * consume (one segment, its producer is the controller). Pure code over memory the caller
 * allocated, so it is host-tested; the controller's side is only ever read through
 * xhci_event_next and checked by xhci_event_parse before anything acts on it.
 */
#ifndef KERNEL_USB_XHCI_RING_H
#define KERNEL_USB_XHCI_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t param;
    uint32_t status;
    uint32_t control;
} xhci_trb_t;

#define TRB_CYCLE          (1u << 0)
#define TRB_TOGGLE         (1u << 1)   /* Link TRB: toggle the cycle bit */
#define TRB_ISP            (1u << 2)
#define TRB_IOC            (1u << 5)
#define TRB_IDT            (1u << 6)
#define TRB_TYPE(t)        ((uint32_t)(t) << 10)
#define TRB_TYPE_OF(c)     (((c) >> 10) & 0x3F)
#define TRB_SLOT(s)        ((uint32_t)(s) << 24)
#define TRB_DIR_IN         (1u << 16)
#define TRB_TRT_IN         (3u << 16)  /* Setup TRB: IN data stage */
#define TRB_TRT_OUT        (2u << 16)

enum {
    TRB_NORMAL = 1, TRB_SETUP = 2, TRB_DATA = 3, TRB_STATUS = 4, TRB_LINK = 6,
    TRB_ENABLE_SLOT = 9, TRB_DISABLE_SLOT = 10, TRB_ADDRESS_DEVICE = 11,
    TRB_CONFIGURE_EP = 12, TRB_EVALUATE_CTX = 13, TRB_NOOP_CMD = 23,
    TRB_EV_TRANSFER = 32, TRB_EV_COMMAND = 33, TRB_EV_PORT = 34, TRB_EV_HOST = 37,
};

enum { XHCI_CC_SUCCESS = 1, XHCI_CC_STALL = 6, XHCI_CC_SHORT_PACKET = 13 };

typedef struct {
    volatile xhci_trb_t *trbs; /* size TRBs; for a producer ring the last is the Link TRB */
    uint64_t phys;
    uint32_t size;
    uint32_t index;            /* next TRB to write (producer) or read (event ring) */
    uint8_t cycle;             /* producer cycle state / consumer cycle state */
} xhci_ring_t;

/* A producer ring (link = true: the last TRB links back to the first) or an event ring;
 * memory must be zeroed, 16-byte aligned, size >= 2. */
void xhci_ring_init(xhci_ring_t *r, void *virt, uint64_t phys, uint32_t size, bool link);
/* Writes one TRB (the cycle bit last) and returns its physical address. */
uint64_t xhci_ring_enqueue(xhci_ring_t *r, uint64_t param, uint32_t status, uint32_t control);
/* True when phys is the address of one of the ring's TRBs (in range, 16-byte aligned). */
bool xhci_ring_owns(const xhci_ring_t *r, uint64_t phys);
/* Event ring: copies the next event the controller produced and advances; false when none. */
bool xhci_event_next(xhci_ring_t *r, xhci_trb_t *out);
/* Physical address of the event ring's dequeue pointer (for ERDP). */
uint64_t xhci_ring_dequeue_phys(const xhci_ring_t *r);

typedef struct {
    uint8_t type;       /* TRB_EV_* */
    uint8_t code;       /* completion code */
    uint8_t slot;       /* 1..255 for transfer/command events with a slot */
    uint8_t ep;         /* device context index 1..31 (transfer events) */
    uint8_t port;       /* 1..255 (port status change) */
    uint32_t residual;  /* bytes not transferred (transfer events) */
    uint64_t ptr;       /* the TRB it completes (transfer/command events) */
} xhci_event_t;

/* Decodes an event TRB; false (with *why) for what no valid controller sends: unknown
 * types, slot or endpoint ids out of range, port 0, unaligned TRB pointers. */
bool xhci_event_parse(const xhci_trb_t *t, unsigned max_slots, xhci_event_t *ev,
                      const char **why);

#endif
