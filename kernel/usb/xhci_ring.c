/*
 * xhci_ring.c - producer and event rings (see xhci_ring.h).
 *
 * Invariants: a producer ring's index stays in [0, size - 1) (the last slot is the Link
 * TRB); a TRB becomes the controller's only when its cycle bit is written, after the rest
 * of it (release fence). The event ring's index stays in [0, size) and the consumer cycle
 * flips each time it wraps. The controller's bytes are read once into a local copy.
 */
#include "kernel/usb/xhci_ring.h"

void xhci_ring_init(xhci_ring_t *r, void *virt, uint64_t phys, uint32_t size, bool link)
{
    r->trbs = virt;
    r->phys = phys;
    r->size = size;
    r->index = 0;
    r->cycle = 1;
    if (link) {
        volatile xhci_trb_t *l = &r->trbs[size - 1];
        l->param = phys;
        l->status = 0;
        l->control = TRB_TYPE(TRB_LINK) | TRB_TOGGLE; /* cycle 0: not yet the controller's */
    }
}

uint64_t xhci_ring_enqueue(xhci_ring_t *r, uint64_t param, uint32_t status, uint32_t control)
{
    volatile xhci_trb_t *t = &r->trbs[r->index];
    uint64_t at = r->phys + (uint64_t)r->index * sizeof(xhci_trb_t);
    t->param = param;
    t->status = status;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    t->control = (control & ~TRB_CYCLE) | r->cycle;
    if (++r->index == r->size - 1) {
        volatile xhci_trb_t *l = &r->trbs[r->index];
        __atomic_thread_fence(__ATOMIC_RELEASE);
        l->control = (l->control & ~TRB_CYCLE) | r->cycle;
        r->index = 0;
        r->cycle ^= 1;
    }
    return at;
}

bool xhci_ring_owns(const xhci_ring_t *r, uint64_t phys)
{
    return phys >= r->phys && phys < r->phys + (uint64_t)r->size * sizeof(xhci_trb_t) &&
           ((phys - r->phys) % sizeof(xhci_trb_t)) == 0;
}

bool xhci_event_next(xhci_ring_t *r, xhci_trb_t *out)
{
    volatile xhci_trb_t *t = &r->trbs[r->index];
    uint32_t control = t->control;
    if ((control & TRB_CYCLE) != r->cycle)
        return false;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    out->param = t->param;
    out->status = t->status;
    out->control = control;
    if (++r->index == r->size) {
        r->index = 0;
        r->cycle ^= 1;
    }
    return true;
}

uint64_t xhci_ring_dequeue_phys(const xhci_ring_t *r)
{
    return r->phys + (uint64_t)r->index * sizeof(xhci_trb_t);
}

bool xhci_event_parse(const xhci_trb_t *t, unsigned max_slots, xhci_event_t *ev,
                      const char **why)
{
    *ev = (xhci_event_t){ 0 };
    ev->type = (uint8_t)TRB_TYPE_OF(t->control);
    ev->code = (uint8_t)(t->status >> 24);
    ev->slot = (uint8_t)(t->control >> 24);
    ev->ptr = t->param;
    switch (ev->type) {
    case TRB_EV_TRANSFER:
        ev->ep = (uint8_t)((t->control >> 16) & 0x1F);
        ev->residual = t->status & 0xFFFFFF;
        if (ev->slot == 0 || ev->slot > max_slots || ev->ep == 0) {
            *why = "transfer event for no slot or endpoint";
            return false;
        }
        break;
    case TRB_EV_COMMAND:
        if (ev->slot > max_slots) {
            *why = "command completion for a slot out of range";
            return false;
        }
        break;
    case TRB_EV_PORT:
        ev->port = (uint8_t)(t->param >> 24);
        if (ev->port == 0) {
            *why = "port status change for port 0";
            return false;
        }
        return true;
    case TRB_EV_HOST:
        return true;
    default:
        *why = "event of an unknown type";
        return false;
    }
    if (ev->ptr & 0xF) {
        *why = "event points at an unaligned TRB";
        return false;
    }
    return true;
}
