/*
 * test_xhci_ring.c - xHCI rings (kernel/usb/xhci_ring.c): the producer ring's Link TRB and
 * cycle toggling over several wraps, the event ring consumer stopping at the cycle boundary
 * and flipping its cycle on wrap, ring ownership of pointers (out of range, unaligned), and
 * the event decoder against junk events: unknown types, slot/endpoint/port ids out of range,
 * unaligned TRB pointers, and random TRBs.
 */
#include "host_test.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/usb/xhci_ring.c"

#define N 8
#define PHYS 0x10000ull

static xhci_trb_t mem[N];

HOST_TEST(producer_ring_links_and_toggles_cycle)
{
    xhci_ring_t r;
    memset(mem, 0, sizeof mem);
    xhci_ring_init(&r, mem, PHYS, N, true);
    CHECK_EQ(TRB_TYPE_OF(mem[N - 1].control), TRB_LINK);
    CHECK_EQ(mem[N - 1].param, PHYS);
    CHECK_EQ(mem[N - 1].control & TRB_CYCLE, 0);
    for (unsigned i = 0; i < 3 * (N - 1); i++) {
        unsigned lap = i / (N - 1), slot = i % (N - 1);
        uint64_t at = xhci_ring_enqueue(&r, i, 0, TRB_TYPE(TRB_NORMAL) | TRB_CYCLE);
        CHECK_EQ(at, PHYS + slot * 16);
        CHECK_EQ(mem[slot].param, i);
        CHECK_EQ(mem[slot].control & TRB_CYCLE, lap % 2 == 0 ? 1 : 0);
        if (slot == N - 2) /* the link was handed over with this lap's cycle */
            CHECK_EQ(mem[N - 1].control & TRB_CYCLE, lap % 2 == 0 ? 1 : 0);
    }
    CHECK_EQ(r.index, 0);
    CHECK_EQ(r.cycle, 0);
}

HOST_TEST(event_ring_stops_at_cycle_and_wraps)
{
    xhci_ring_t r;
    xhci_trb_t ev;
    memset(mem, 0, sizeof mem);
    xhci_ring_init(&r, mem, PHYS, N, false);
    CHECK(!xhci_event_next(&r, &ev)); /* zeroed memory: cycle 0, nothing there */
    for (unsigned i = 0; i < N; i++)
        mem[i] = (xhci_trb_t){ .param = i, .control = TRB_TYPE(TRB_EV_PORT) | 1 };
    for (unsigned i = 0; i < N; i++) {
        CHECK(xhci_event_next(&r, &ev));
        CHECK_EQ(ev.param, i);
    }
    CHECK_EQ(r.index, 0);
    CHECK_EQ(r.cycle, 0);
    CHECK(!xhci_event_next(&r, &ev)); /* the old lap's cycle 1 is not new any more */
    mem[0].control = TRB_TYPE(TRB_EV_PORT); /* cycle 0: the second lap */
    CHECK(xhci_event_next(&r, &ev));
    CHECK_EQ(xhci_ring_dequeue_phys(&r), PHYS + 16);
}

HOST_TEST(ring_owns_only_its_aligned_trbs)
{
    xhci_ring_t r;
    xhci_ring_init(&r, mem, PHYS, N, true);
    CHECK(xhci_ring_owns(&r, PHYS));
    CHECK(xhci_ring_owns(&r, PHYS + (N - 1) * 16));
    CHECK(!xhci_ring_owns(&r, PHYS + N * 16));
    CHECK(!xhci_ring_owns(&r, PHYS - 16));
    CHECK(!xhci_ring_owns(&r, PHYS + 8));
    CHECK(!xhci_ring_owns(&r, 0));
    CHECK(!xhci_ring_owns(&r, UINT64_MAX & ~15ull));
}

HOST_TEST(events_decoded_and_junk_refused)
{
    xhci_event_t ev;
    const char *why = NULL;
    xhci_trb_t t = { .param = 0x2000, .status = 13u << 24 | 3,
                     .control = TRB_TYPE(TRB_EV_TRANSFER) | 3u << 16 | TRB_SLOT(2) | 1 };
    CHECK(xhci_event_parse(&t, 32, &ev, &why));
    CHECK_EQ(ev.type, TRB_EV_TRANSFER);
    CHECK_EQ(ev.code, 13);
    CHECK_EQ(ev.slot, 2);
    CHECK_EQ(ev.ep, 3);
    CHECK_EQ(ev.residual, 3);
    t.control = TRB_TYPE(TRB_EV_TRANSFER) | 3u << 16 | TRB_SLOT(0);
    CHECK(!xhci_event_parse(&t, 32, &ev, &why));
    t.control = TRB_TYPE(TRB_EV_TRANSFER) | 3u << 16 | TRB_SLOT(33);
    CHECK(!xhci_event_parse(&t, 32, &ev, &why));
    t.control = TRB_TYPE(TRB_EV_TRANSFER) | TRB_SLOT(1);
    CHECK(!xhci_event_parse(&t, 32, &ev, &why));
    t.control = TRB_TYPE(TRB_EV_TRANSFER) | 1u << 16 | TRB_SLOT(1);
    t.param = 0x2008;
    CHECK(!xhci_event_parse(&t, 32, &ev, &why));
    CHECK(strstr(why, "unaligned"));
    t = (xhci_trb_t){ .param = 5ull << 24, .control = TRB_TYPE(TRB_EV_PORT) };
    CHECK(xhci_event_parse(&t, 32, &ev, &why));
    CHECK_EQ(ev.port, 5);
    t.param = 0;
    CHECK(!xhci_event_parse(&t, 32, &ev, &why));
    t = (xhci_trb_t){ .control = TRB_TYPE(TRB_EV_COMMAND) | TRB_SLOT(200), .param = 0x40 };
    CHECK(!xhci_event_parse(&t, 32, &ev, &why));
    t = (xhci_trb_t){ .control = TRB_TYPE(63) };
    CHECK(!xhci_event_parse(&t, 32, &ev, &why));
    CHECK(strstr(why, "unknown"));
}

HOST_TEST(random_events_never_give_out_of_range_ids)
{
    srand(7);
    for (int i = 0; i < 100000; i++) {
        xhci_trb_t t = { .param = (uint64_t)rand() << 32 | (unsigned)rand(),
                         .status = (uint32_t)rand(), .control = (uint32_t)rand() };
        xhci_event_t ev;
        const char *why = NULL;
        if (!xhci_event_parse(&t, 32, &ev, &why)) {
            CHECK(why != NULL);
            continue;
        }
        if (ev.type == TRB_EV_TRANSFER)
            CHECK(ev.slot >= 1 && ev.slot <= 32 && ev.ep >= 1 && ev.ep <= 31 && !(ev.ptr & 15));
        if (ev.type == TRB_EV_COMMAND)
            CHECK(ev.slot <= 32 && !(ev.ptr & 15));
        if (ev.type == TRB_EV_PORT)
            CHECK(ev.port >= 1);
    }
}
