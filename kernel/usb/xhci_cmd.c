/*
 * xhci_cmd.c - the event ring and the command ring. xhci_events_poll drains the event ring
 * (at most one ring's worth per call, so a controller that floods it cannot keep the thread
 * forever) and hands each checked event on: command completions and control-transfer
 * completions set the flags xhci_wait_for watches, keyboard transfers go to usbkbd, port
 * changes mark the port for xhci_ports_service. An event that fails xhci_event_parse or
 * points outside the ring it claims to complete is counted and dropped, with a log line
 * for the first few.
 */
#include "kernel/kprintf.h"
#include "kernel/time/clock.h"
#include "kernel/usb/xhci.h"
#include "sched/sched.h"

#define XHCI_BAD_EVENT_LOGS 4
#define XHCI_ABORT_NS       100000000ULL
#define XHCI_CC_RING_STOPPED 24

static void xhci_bad_event(xhci_t *hc, const char *why)
{
    if (hc->bad_events++ < XHCI_BAD_EVENT_LOGS)
        kprintf("%s: dropped an event: %s\n", hc->name, why);
}

static void xhci_event_command(xhci_t *hc, const xhci_event_t *ev)
{
    if (!xhci_ring_owns(&hc->cmd, ev->ptr)) {
        xhci_bad_event(hc, "command completion outside the command ring");
        return;
    }
    if (ev->ptr != hc->cmd_trb || hc->cmd_done)
        return; /* an aborted command's late completion, or the ring-stopped notice */
    hc->cmd_code = ev->code;
    hc->cmd_slot = ev->slot;
    hc->cmd_done = true;
}

static void xhci_event_transfer(xhci_t *hc, const xhci_event_t *ev)
{
    xhci_slot_t *s = &hc->slots[ev->slot];
    if (!s->used) {
        xhci_bad_event(hc, "transfer event for a slot not in use");
        return;
    }
    if (ev->ep == 1 && ev->ptr &&
        (ev->ptr == s->ctrl_trbs[0] || ev->ptr == s->ctrl_trbs[1] || ev->ptr == s->ctrl_trbs[2])) {
        s->ctrl_code = ev->code;
        s->ctrl_done = true;
    } else if (ev->ep == s->intr_dci && s->kbd && xhci_ring_owns(&s->intr, ev->ptr)) {
        xhci_intr_done(hc, ev->slot, ev);
    } else {
        xhci_bad_event(hc, "transfer event for an endpoint or TRB that is not ours");
    }
}

static void xhci_event_dispatch(xhci_t *hc, const xhci_trb_t *trb)
{
    xhci_event_t ev;
    const char *why = NULL;
    if (!xhci_event_parse(trb, hc->max_slots, &ev, &why)) {
        xhci_bad_event(hc, why);
        return;
    }
    switch (ev.type) {
    case TRB_EV_COMMAND:
        xhci_event_command(hc, &ev);
        break;
    case TRB_EV_TRANSFER:
        xhci_event_transfer(hc, &ev);
        break;
    case TRB_EV_PORT:
        if (ev.port <= hc->max_ports)
            hc->ports_pending |= 1ull << (ev.port - 1);
        else
            xhci_bad_event(hc, "port status change for a port that does not exist");
        break;
    default:
        kprintf("%s: host controller event, code %u\n", hc->name, ev.code);
        break;
    }
}

void xhci_events_poll(xhci_t *hc)
{
    xhci_trb_t trb;
    unsigned n = 0;
    while (n < XHCI_RING_TRBS && xhci_event_next(&hc->evt, &trb)) {
        xhci_event_dispatch(hc, &trb);
        n++;
    }
    if (n)
        xhci_wr64(hc->rt, XHCI_RT_ERDP, xhci_ring_dequeue_phys(&hc->evt) | ERDP_EHB);
    uint32_t sts = xhci_rd(hc->op, XHCI_OP_USBSTS);
    if (!hc->dead && sts != 0xFFFFFFFFu && (sts & (USBSTS_HSE | USBSTS_HCE))) {
        kprintf("%s: controller reports a %s error; USB stops here\n", hc->name,
                (sts & USBSTS_HSE) ? "host system" : "host controller");
        hc->dead = true;
    }
}

void xhci_sleep(xhci_t *hc, uint64_t ns)
{
    uint64_t f = sched_lock();
    if (!hc->irq_pending) {
        if (ns == 0) {
            sched_wait(&hc->waiters); /* no timer armed: an idle controller costs nothing */
        } else {
            hc->timed_sleep = true;
            sched_unlock(f);
            sched_sleep_ns(ns);
            f = sched_lock();
            hc->timed_sleep = false;
        }
    }
    hc->irq_pending = false;
    sched_unlock(f);
}

void xhci_kick(xhci_t *hc)
{
    uint64_t f = sched_lock();
    hc->irq_pending = true;
    sched_wake_all(&hc->waiters);
    if (hc->timed_sleep && hc->thread)
        sched_wake(hc->thread); /* blocked in sched_sleep_ns: cut the sleep short */
    sched_unlock(f);
}

bool xhci_wait_for(xhci_t *hc, volatile bool *flag, uint64_t timeout_ns)
{
    uint64_t deadline = clock_now_ns() + timeout_ns;
    for (;;) {
        xhci_events_poll(hc);
        if (*flag)
            return true;
        if (hc->dead || clock_now_ns() >= deadline)
            return false;
        xhci_sleep(hc, 1000000); /* the interrupt handler wakes us earlier */
    }
}

/* After a timeout: stop the command ring (4.6.1.2) and point it past the lost command. */
static void xhci_command_abort(xhci_t *hc)
{
    xhci_wr64(hc->op, XHCI_OP_CRCR, CRCR_CA);
    uint64_t deadline = clock_now_ns() + XHCI_ABORT_NS;
    while (xhci_rd(hc->op, XHCI_OP_CRCR) & CRCR_CRR) {
        if (clock_now_ns() >= deadline) {
            kprintf("%s: command ring does not stop; USB stops here\n", hc->name);
            hc->dead = true;
            return;
        }
        sched_sleep_ns(1000000);
    }
    xhci_events_poll(hc); /* the abort's own completion events */
    xhci_wr64(hc->op, XHCI_OP_CRCR, xhci_ring_dequeue_phys(&hc->cmd) | hc->cmd.cycle);
}

int xhci_command(xhci_t *hc, uint64_t param, uint32_t status, uint32_t control)
{
    if (hc->dead)
        return XHCI_EDEAD;
    hc->cmd_done = false;
    hc->cmd_trb = xhci_ring_enqueue(&hc->cmd, param, status, control);
    xhci_doorbell(hc, 0, 0);
    if (!xhci_wait_for(hc, &hc->cmd_done, hc->cmd_timeout_ns)) {
        kprintf("%s: command %u got no answer in %llu ms; aborted\n", hc->name,
                TRB_TYPE_OF(control), (unsigned long long)(hc->cmd_timeout_ns / 1000000));
        hc->cmd_trb = 0;
        if (!hc->dead)
            xhci_command_abort(hc);
        return XHCI_ETIMEDOUT;
    }
    if (hc->cmd_code != XHCI_CC_SUCCESS) {
        kprintf("%s: command %u failed with completion code %u\n", hc->name,
                TRB_TYPE_OF(control), hc->cmd_code);
        return XHCI_EFAILED;
    }
    return 0;
}
