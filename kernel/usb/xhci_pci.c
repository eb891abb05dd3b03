/*
 * xhci_pci.c - the xHCI PCI driver (class 0C, subclass 03, prog-if 30) and each
 * controller's thread. Probe maps BAR 0, checks the capability registers and starts the
 * thread; the thread brings the controller up (it may sleep), then loops: events, ports
 * that changed, key repeat, sleep. The interrupt (MSI-X, else MSI, else INTx through the
 * IOAPIC) only wakes the thread, which otherwise blocks with no timer (8 ms timed sleeps
 * while a key is held). INTx is level triggered and may be shared with devices we don't
 * drive, so its handler claims only when this controller has an interrupt pending; after
 * XHCI_INTX_STORM deliveries in a row that were not ours the line is masked and the
 * controller polled. Polled (no interrupt, or INTx given up): CPU 0's timer tick looks at
 * the event ring and wakes the thread when an event is there (xhci_tick).
 *
 * At most XHCI_MAX_CONTROLLERS; the table is filled by probe before any thread runs and
 * only read afterwards, so it needs no lock.
 */
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/kprintf.h"
#include "kernel/lib/format.h"
#include "kernel/time/clock.h"
#include "kernel/usb/xhci.h"
#include "mm/heap.h"
#include "proc/process.h"
#include "sched/sched.h"

#define XHCI_MAX_CONTROLLERS 4
#define XHCI_CLASS    0x0C
#define XHCI_SUBCLASS 0x03
#define XHCI_PROG_IF  0x30

static xhci_t *xhci_hcs[XHCI_MAX_CONTROLLERS];
static pci_dev_t xhci_pcis[XHCI_MAX_CONTROLLERS];
static unsigned xhci_count;
static bool xhci_tick_claimed;    /* the first controller without MSI registers xhci_tick */
static bool xhci_tick_on;         /* ... and this says it is registered */
static const char *const xhci_names[XHCI_MAX_CONTROLLERS] = { "xhci0", "xhci1", "xhci2",
                                                              "xhci3" };

/* MSI: acknowledge at the controller (IMAN.IP, USBSTS.EINT) and wake the thread. */
static void xhci_irq(interrupt_frame_t *frame)
{
    unsigned i = (unsigned)(frame->vector - XHCI_MSI_VECTOR);
    xhci_t *hc = i < xhci_count ? xhci_hcs[i] : NULL;
    if (hc && hc->rt) {
        xhci_wr(hc->rt, XHCI_RT_IMAN, IMAN_IP | IMAN_IE);
        xhci_wr(hc->op, XHCI_OP_USBSTS, USBSTS_EINT);
        hc->irqs++;
        xhci_kick(hc);
    }
    apic_eoi();
}

bool xhci_intx_service(xhci_t *hc, const pci_dev_t *pci)
{
    uint32_t sts = xhci_rd(hc->op, XHCI_OP_USBSTS), iman = xhci_rd(hc->rt, XHCI_RT_IMAN);
    if (sts != 0xFFFFFFFFu && ((sts & USBSTS_EINT) || (iman & IMAN_IP))) {
        hc->intx_unclaimed = 0;
        xhci_wr(hc->rt, XHCI_RT_IMAN, IMAN_IP | IMAN_IE);
        xhci_wr(hc->op, XHCI_OP_USBSTS, USBSTS_EINT);
        hc->irqs++;
        xhci_kick(hc);
        return true;
    }
    if (++hc->intx_unclaimed == XHCI_INTX_STORM) {
        pci_intx_disable(pci);
        __atomic_store_n(&hc->polled, true, __ATOMIC_RELEASE);
        kprintf("%s: INTx fired %u times in a row with nothing pending; masked, polled on "
                "the timer tick\n", hc->name, XHCI_INTX_STORM);
        xhci_kick(hc); /* the thread may be blocked with no timer: let it see the change */
    }
    return false;
}

/* INTx (level, maybe shared): the vector says which controller; the EOI is always sent. */
static void xhci_intx_irq(interrupt_frame_t *frame)
{
    unsigned i = (unsigned)(frame->vector - XHCI_MSI_VECTOR);
    if (i < xhci_count && xhci_hcs[i]->rt)
        (void)xhci_intx_service(xhci_hcs[i], &xhci_pcis[i]);
    apic_eoi();
}

/* Timer tick of CPU 0 (interrupt context), for controllers without interrupts: kicks the
 * thread when the event ring holds a new event. Reads the ring's consumer state without the
 * thread's cooperation: a stale read costs one spurious or one late kick, nothing more. */
static void xhci_tick(void)
{
    for (unsigned i = 0; i < __atomic_load_n(&xhci_count, __ATOMIC_ACQUIRE); i++) {
        xhci_t *hc = xhci_hcs[i];
        if (!__atomic_load_n(&hc->polled, __ATOMIC_ACQUIRE) || hc->dead)
            continue;
        uint32_t at = __atomic_load_n(&hc->evt.index, __ATOMIC_RELAXED);
        uint8_t cycle = __atomic_load_n(&hc->evt.cycle, __ATOMIC_RELAXED);
        if (at < hc->evt.size && (hc->evt.trbs[at].control & TRB_CYCLE) == cycle)
            xhci_kick(hc);
    }
}

/* The controller's interrupt, best first: MSI-X, MSI, INTx; NULL when it has none (it is
 * polled then). Writes the log text ("msi-x", "intx GSI n") to buf. */
static const char *xhci_irq_choose(unsigned i, char *buf, size_t len)
{
    const pci_dev_t *pci = &xhci_pcis[i];
    uint8_t vector = (uint8_t)(XHCI_MSI_VECTOR + i);
    const char *msi = pci_msi_enable(pci, vector);
    if (msi)
        return msi;
    int32_t gsi = pci_intx_enable(pci, vector, xhci_intx_irq);
    if (gsi < 0) {
        pci_intx_off(pci);
        return NULL;
    }
    snprintf(buf, len, "intx GSI %d", (int)gsi);
    return buf;
}

/* Registers xhci_tick once (the first controller that may need it does). */
static void xhci_tick_claim(void)
{
    bool first = false;
    if (__atomic_compare_exchange_n(&xhci_tick_claimed, &first, true, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        __atomic_store_n(&xhci_tick_on, apic_timer_hook_add(xhci_tick), __ATOMIC_RELEASE);
}

static void xhci_thread(void *arg)
{
    unsigned i = (unsigned)(uintptr_t)arg;
    xhci_t *hc = xhci_hcs[i];
    char intx[24];
    const char *irq = xhci_irq_choose(i, intx, sizeof intx);
    bool interrupts = irq != NULL;
    pci_enable_mmio_dma(&xhci_pcis[i]);
    if (!interrupts || irq == intx)
        xhci_tick_claim(); /* polled now, or on INTx that may have to be given up */
    if (xhci_hc_start(hc, interrupts) != 0) {
        kprintf("%s: controller not started; no USB on it\n", hc->name);
        hc->dead = true;
    } else {
        kprintf("%s: running, %u ports, %u slots, irq: %s\n", hc->name, hc->max_ports,
                hc->max_slots, interrupts ? irq : "polled (timer tick)");
        if (!interrupts)
            __atomic_store_n(&hc->polled, true, __ATOMIC_RELEASE);
    }
    for (;;) {
        bool held = false;
        if (!hc->dead) {
            xhci_events_poll(hc);
            xhci_ports_service(hc);
            held = usbkbd_repeat_all(hc);
        }
        hc->settled = true;
        /* The thread blocks until the next interrupt (or, polled, until the tick sees an
         * event), with no timer, unless a key is held (its repeats are timed here). */
        bool polled = __atomic_load_n(&hc->polled, __ATOMIC_ACQUIRE);
        bool woken = polled ? __atomic_load_n(&xhci_tick_on, __ATOMIC_ACQUIRE) : interrupts;
        xhci_sleep(hc, woken && !held && !hc->dead ? 0 : XHCI_POLL_NS);
    }
}

static bool xhci_probe(const pci_dev_t *d)
{
    uint64_t phys, size;
    if (xhci_count == XHCI_MAX_CONTROLLERS)
        return false;
    if (!pci_bar_memory(d, 0, &phys, &size)) {
        kprintf("xhci: %02x:%02x.%u has no usable memory BAR 0\n", d->bus, d->dev, d->fn);
        return false;
    }
    volatile uint8_t *bar = pci_mmio_map(phys, size);
    xhci_t *hc = kzalloc(sizeof *hc);
    if (!bar || !hc) {
        kprintf("xhci: %02x:%02x.%u: BAR 0x%llx (%llu bytes) can't be mapped\n", d->bus,
                d->dev, d->fn, (unsigned long long)phys, (unsigned long long)size);
        kfree(hc);
        return false;
    }
    unsigned i = xhci_count;
    hc->name = xhci_names[i];
    pci_enable_mmio_dma(d); /* the capability registers need memory decoding */
    if (xhci_hc_map(hc, bar, size) != 0) {
        kfree(hc);
        return false;
    }
    thread_t *t = thread_create_kernel(process_kernel(), hc->name, xhci_thread,
                                       (void *)(uintptr_t)i);
    if (!t) {
        kfree(hc);
        return false;
    }
    xhci_hcs[i] = hc;
    xhci_pcis[i] = *d;
    hc->thread = t;
    xhci_count++;
    idt_set_handler((uint8_t)(XHCI_MSI_VECTOR + i), xhci_irq);
    kprintf("%s: %04x:%04x at 0x%llx, %s contexts\n", hc->name, d->vendor, d->device,
            (unsigned long long)phys, hc->ctx_size == 64 ? "64-byte" : "32-byte");
    sched_start(t);
    return true;
}

static pci_driver_t xhci_driver = {
    .name = "xhci", .class_code = XHCI_CLASS, .subclass = XHCI_SUBCLASS,
    .prog_if = XHCI_PROG_IF, .probe = xhci_probe,
};

void xhci_register(void)
{
    pci_driver_register(&xhci_driver);
}

const xhci_t *xhci_controller(unsigned i)
{
    return i < __atomic_load_n(&xhci_count, __ATOMIC_ACQUIRE) ? xhci_hcs[i] : NULL;
}

void xhci_wait_settled(uint64_t timeout_ns)
{
    uint64_t start = clock_now_ns(), deadline = start + timeout_ns;
    for (unsigned i = 0; i < xhci_count; i++) {
        while (!xhci_hcs[i]->settled) {
            if (clock_now_ns() >= deadline) {
                kprintf("%s: still busy with its ports; going on\n", xhci_hcs[i]->name);
                return;
            }
            sched_sleep_ns(2000000);
        }
    }
    if (xhci_count)
        kprintf("xhci: every port looked at; the boot waited %llu ms for it\n",
                (unsigned long long)((clock_now_ns() - start) / 1000000));
}
