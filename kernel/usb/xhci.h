/*
 * xhci.h - the xHCI host-controller driver (xHCI 1.2) and the USB devices on its root
 * ports. One kernel thread per controller ("xhci") owns everything below: it alone touches
 * the rings, the contexts and the slot table, so none of it needs a lock. The controller's
 * MSI-X/MSI, or without them CPU 0's timer tick (xhci_tick), only wakes that thread; the
 * few fields the waking side touches are named at irq_pending below.
 *
 * Everything the controller and the devices say is hostile: register values are range-
 * checked against the BAR, events are decoded by xhci_event_parse and must point into our
 * own rings, descriptors go through usb_desc.c, and every wait has a deadline, after which
 * the operation fails with one log line (a device that never answers is given up on, the
 * controller goes on serving the others).
 */
#ifndef KERNEL_USB_XHCI_H
#define KERNEL_USB_XHCI_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/pci/pci.h"
#include "kernel/usb/hidkbd.h"
#include "kernel/usb/xhci_ring.h"
#include "sched/sched.h"

#define XHCI_MAX_SLOTS   32
#define XHCI_MAX_PORTS   64
#define XHCI_RING_TRBS   256            /* one 4 KiB page per ring */
#define XHCI_POLL_NS     8000000ULL     /* the thread's period while a key is held */
#define XHCI_CMD_TIMEOUT_NS  1000000000ULL
#define XHCI_XFER_TIMEOUT_NS 1000000000ULL
#define XHCI_MSI_VECTOR  0x30

/* Results of commands and transfers: 0 or one of these. */
enum { XHCI_ETIMEDOUT = -1, XHCI_EFAILED = -2, XHCI_ENOMEM = -3, XHCI_EDEAD = -4 };

typedef struct {
    bool used;
    uint8_t port, speed;
    void *in_ctx, *out_ctx;         /* one page each */
    uint64_t in_phys, out_phys;
    xhci_ring_t ep0;
    xhci_ring_t intr;               /* the keyboard's interrupt-IN ring (page 0 = none) */
    uint8_t intr_dci;
    uint8_t *buf;                   /* one page: report at 0, control data at XHCI_CTRL_BUF */
    uint64_t buf_phys;
    volatile bool ctrl_done;
    uint8_t ctrl_code;
    uint64_t ctrl_trbs[3];          /* the TRBs of the control transfer in flight (0: none) */
    bool kbd;                       /* a keyboard whose reports we are taking */
    uint8_t kbd_iface;
    uint8_t leds;                   /* LED byte last sent (bit 1 Caps Lock); 0xFF: don't */
    uint16_t report_len;
    hidkbd_t hid;
} xhci_slot_t;

typedef struct xhci {
    const char *name;               /* for log lines */
    volatile uint8_t *cap, *op, *rt;
    volatile uint32_t *db;
    uint64_t bar_size;
    unsigned max_slots, max_ports, ctx_size;
    bool ac64;                      /* may use DMA addresses above 4 GiB */
    uint64_t *dcbaa;
    uint64_t dcbaa_phys;
    xhci_ring_t cmd, evt;
    volatile bool cmd_done;
    uint8_t cmd_code, cmd_slot;
    uint64_t cmd_trb;
    uint64_t cmd_timeout_ns, xfer_timeout_ns;
    uint64_t ports_pending;         /* bit n-1: port n changed, look at it */
    uint8_t port_slot[XHCI_MAX_PORTS + 1];
    xhci_slot_t slots[XHCI_MAX_SLOTS + 1];
    struct thread *thread;
    /* Set by the interrupt handler, cleared by the thread; with waiters and timed_sleep
     * changed only under the scheduler lock, so a wake-up is never lost. */
    volatile bool irq_pending;
    thread_queue_t waiters;         /* the thread, blocked with no timer until an interrupt */
    bool timed_sleep;               /* the thread is in sched_sleep_ns: wake it directly */
    volatile bool settled;          /* the first look at every port is done */
    bool dead;                      /* host error seen: nothing more is asked of it */
    bool polled;                    /* running without MSI: xhci_tick watches the ring */
    unsigned bad_events;
    uint64_t irqs;
} xhci_t;

/* Register offsets and bits used across the driver's files. */
#define XHCI_CAP_CAPLENGTH  0x00
#define XHCI_CAP_HCSPARAMS1 0x04
#define XHCI_CAP_HCSPARAMS2 0x08
#define XHCI_CAP_HCCPARAMS1 0x10
#define XHCI_CAP_DBOFF      0x14
#define XHCI_CAP_RTSOFF     0x18
#define XHCI_OP_USBCMD      0x00
#define XHCI_OP_USBSTS      0x04
#define XHCI_OP_PAGESIZE    0x08
#define XHCI_OP_CRCR        0x18
#define XHCI_OP_DCBAAP      0x30
#define XHCI_OP_CONFIG      0x38
#define XHCI_OP_PORTSC(n)   (0x400 + 0x10 * ((n) - 1))
#define XHCI_RT_IMAN        0x20
#define XHCI_RT_IMOD        0x24
#define XHCI_RT_ERSTSZ      0x28
#define XHCI_RT_ERSTBA      0x30
#define XHCI_RT_ERDP        0x38
#define USBCMD_RUN          (1u << 0)
#define USBCMD_HCRST        (1u << 1)
#define USBCMD_INTE         (1u << 2)
#define USBSTS_HCH          (1u << 0)
#define USBSTS_HSE          (1u << 2)
#define USBSTS_EINT         (1u << 3)
#define USBSTS_CNR          (1u << 11)
#define USBSTS_HCE          (1u << 12)
#define CRCR_RCS            (1u << 0)
#define CRCR_CA             (1u << 2)
#define CRCR_CRR            (1u << 3)
#define IMAN_IP             (1u << 0)
#define IMAN_IE             (1u << 1)
#define ERDP_EHB            (1u << 3)
#define PORTSC_CCS          (1u << 0)
#define PORTSC_PED          (1u << 1)
#define PORTSC_PR           (1u << 4)
#define PORTSC_PP           (1u << 9)
#define PORTSC_SPEED(v)     (((v) >> 10) & 0xF)
#define PORTSC_CHANGES      (0x7Fu << 17) /* CSC PEC WRC OCC PRC PLC CEC: write 1 to clear */
#define PORTSC_PRC          (1u << 21)
#define XHCI_CTRL_BUF       64
#define XHCI_CTRL_BUF_MAX   (4096 - XHCI_CTRL_BUF)

static inline uint32_t xhci_rd(volatile uint8_t *base, uint32_t off)
{
    return *(volatile uint32_t *)(base + off);
}

static inline void xhci_wr(volatile uint8_t *base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(base + off) = v;
}

static inline void xhci_wr64(volatile uint8_t *base, uint32_t off, uint64_t v)
{
    xhci_wr(base, off, (uint32_t)v);
    xhci_wr(base, off + 4, (uint32_t)(v >> 32));
}

/* xhci_pci.c: registers the PCI driver (class 0C.03.30). */
void xhci_register(void);
/* Waits (bounded by timeout_ns) until every controller found has looked at its ports once,
 * so the boot's USB allocations are done before init or the self-tests start. */
void xhci_wait_settled(uint64_t timeout_ns);

/* xhci_hc.c: controller bring-up. xhci_hc_map checks the capability registers of the BAR
 * mapped at bar and sets the register bases; xhci_hc_start takes the controller from the
 * firmware, resets and runs it (interrupts: MSI is routed, so ask for interrupts). */
int xhci_hc_map(xhci_t *hc, volatile uint8_t *bar, uint64_t size);
int xhci_hc_start(xhci_t *hc, bool interrupts);
/* One zeroed DMA page the controller can reach (below 4 GiB without AC64), 0 when none. */
uint64_t xhci_dma_page(const xhci_t *hc, void **virt);

/* xhci_cmd.c: events and commands. Thread context only. */
void xhci_events_poll(xhci_t *hc);
/* Sleeps until an interrupt, or ns (0: no timeout: only with working interrupts). */
void xhci_sleep(xhci_t *hc, uint64_t ns);
/* Interrupt side of xhci_sleep: marks work pending and wakes the thread. */
void xhci_kick(xhci_t *hc);
/* Waits until *flag or timeout_ns passed (events are handled meanwhile). */
bool xhci_wait_for(xhci_t *hc, volatile bool *flag, uint64_t timeout_ns);
/* Runs one command; 0 or XHCI_E* (a failing completion code is logged and XHCI_EFAILED).
 * On a timeout the command ring is aborted so the next command can run. */
int xhci_command(xhci_t *hc, uint64_t param, uint32_t status, uint32_t control);
static inline void xhci_doorbell(xhci_t *hc, unsigned slot, uint32_t target)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    hc->db[slot] = target;
}

/* xhci_xfer.c: transfers. */
int xhci_control(xhci_t *hc, xhci_slot_t *s, uint8_t type, uint8_t req, uint16_t value,
                 uint16_t index, uint16_t len);
void xhci_intr_queue(xhci_t *hc, unsigned slot);
void xhci_intr_done(xhci_t *hc, unsigned slot, const xhci_event_t *ev);

/* xhci_port.c: root ports and the devices on them. */
void xhci_ports_service(xhci_t *hc);

/* usbkbd.c: binds a boot keyboard on slot s; reports and repeats go to the console. */
int usbkbd_attach(xhci_t *hc, unsigned slot, const uint8_t *config, uint16_t config_len);
void usbkbd_report(xhci_t *hc, xhci_slot_t *s, size_t len);
/* Sends the repeats due and Caps Lock LED changes; true while some keyboard has a key held. */
bool usbkbd_repeat_all(xhci_t *hc);

#endif
