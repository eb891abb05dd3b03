/*
 * dev_console.c - /dev/console: writes go to every kernel console (serial + framebuffer);
 * reads are line-buffered input from COM1 (IRQ 4 through the IOAPIC) and from any other
 * driver that calls console_input_char() (the USB keyboard; the PS/2 keyboard, at the arch
 * level, reaches it through console_input_feed, kernel/console/console_input.c).
 *
 * Line discipline: characters are echoed and collected in an edit line; backspace/DEL
 * erases, CR becomes LF, Ctrl-D hands over the line without a newline (an empty one reads
 * as end of file). Finished lines move to the ready ring that read() drains, at most one
 * line per call. Input state changes only under the scheduler lock (the IRQ handler takes
 * it too), so readers and the handler never race, on any CPU.
 */
#include "kernel/fs/devfs.h"
#include <spindle/errno.h>
#include "kernel/arch/apic.h"
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/console/console.h"
#include "kernel/console/uart.h"
#include "kernel/lib/string.h"
#include "kernel/kprintf.h"

#define CONSOLE_IRQ        4
#define CONSOLE_VECTOR     0x24
#define CONSOLE_LINE_MAX   256
#define CONSOLE_READY_SIZE 1024
#define CHAR_EOF           0x04
#define CHAR_BS            0x08
#define CHAR_DEL           0x7f

static char edit_line[CONSOLE_LINE_MAX];
static size_t edit_len;
static char ready[CONSOLE_READY_SIZE];
static size_t ready_head, ready_count;  /* ring of finished input */
static unsigned eof_pending;           /* Ctrl-D on an empty line: reads return 0 */
static thread_queue_t readers;
static bool console_raw;               /* IOCTL_CONSOLE_RAW: bytes pass straight to readers */

static void ready_push(char c)
{
    if (ready_count == CONSOLE_READY_SIZE)
        return; /* nobody reads: drop, never block the interrupt */
    ready[(ready_head + ready_count) % CONSOLE_READY_SIZE] = c;
    ready_count++;
}

static void line_finish(void)
{
    for (size_t i = 0; i < edit_len; i++)
        ready_push(edit_line[i]);
    edit_len = 0;
    sched_wake_all(&readers);
    fs_poll_notify();
}

void console_input_char(char c)
{
    uint64_t f = sched_lock();
    if (console_raw) {
        ready_push(c);
        sched_wake_all(&readers);
        fs_poll_notify();
        sched_unlock(f);
        return;
    }
    if (c == '\r')
        c = '\n';
    if (c == CHAR_BS || c == CHAR_DEL) {
        if (edit_len) {
            edit_len--;
            console_write("\b \b", 3);
        }
    } else if (c == CHAR_EOF) {
        if (!edit_len)
            eof_pending++;
        line_finish();
    } else if (c == '\n' || edit_len < CONSOLE_LINE_MAX - 1) {
        edit_line[edit_len++] = c;
        console_write(&c, 1);
        if (c == '\n')
            line_finish();
    }
    sched_unlock(f);
}

static void console_irq(interrupt_frame_t *frame)
{
    (void)frame;
    for (int i = 0; i < 64 && (inb(COM1_PORT + UART_LSR) & LSR_DATA_READY); i++)
        console_input_char((char)inb(COM1_PORT + UART_DATA));
    apic_eoi();
}

void dev_console_init(void)
{
    console_input_sink_register(console_input_char); /* keyboards below fs feed it */
    if (!serial_present(COM1_PORT))
        return;
    idt_set_handler(CONSOLE_VECTOR, console_irq);
    ioapic_route_irq(CONSOLE_IRQ, CONSOLE_VECTOR);
    while (inb(COM1_PORT + UART_LSR) & LSR_DATA_READY) /* stale bytes from the firmware */
        (void)inb(COM1_PORT + UART_DATA);
    outb(COM1_PORT + UART_IER, IER_RX_AVAILABLE);
}

/* Scheduler lock held. Moves at most one line (up to n bytes) out of the ready ring. */
static size_t ready_take(char *buf, size_t n)
{
    size_t got = 0;
    while (got < n && ready_count) {
        char c = ready[ready_head];
        ready_head = (ready_head + 1) % CONSOLE_READY_SIZE;
        ready_count--;
        buf[got++] = c;
        if (c == '\n' && !console_raw)
            break;
    }
    return got;
}

static int64_t console_read(file_t *f, void *buf, size_t n)
{
    if (n == 0)
        return 0;
    uint64_t fl = sched_lock();
    int64_t r;
    for (;;) {
        if (ready_count) {
            r = (int64_t)ready_take(buf, n);
            break;
        }
        if (eof_pending) {
            eof_pending--;
            r = 0;
            break;
        }
        if (f->flags & O_NONBLOCK) {
            r = -EAGAIN;
            break;
        }
        int err = fs_wait(&readers);
        if (err) {
            r = -err;
            break;
        }
    }
    sched_unlock(fl);
    return r;
}

static int64_t console_dev_write(file_t *f, const void *buf, size_t n)
{
    (void)f;
    console_write(buf, n);
    return (int64_t)n;
}

static unsigned console_poll(file_t *f)
{
    (void)f;
    return POLLOUT | (ready_count || eof_pending ? POLLIN : 0);
}

static int console_ioctl(file_t *f, uint64_t request, void *arg, size_t size)
{
    (void)f;
    if (request == IOCTL_CONSOLE_RAW) {
        uint32_t on;
        if (size != sizeof on)
            return EINVAL;
        memcpy(&on, arg, sizeof on);
        uint64_t fl = sched_lock();
        console_raw = on != 0;
        sched_unlock(fl);
        return 0;
    }
    if (request != IOCTL_FIONREAD)
        return ENOTTY;
    if (size != sizeof(uint64_t))
        return EINVAL;
    uint64_t n = ready_count;
    memcpy(arg, &n, sizeof n);
    return 0;
}

const file_ops_t dev_console_fops = {
    .read = console_read,
    .write = console_dev_write,
    .poll = console_poll,
    .ioctl = console_ioctl,
};
