/*
 * dev_misc.c - the simple devices: null (reads end at once, writes vanish), zero (reads
 * zeros), random/urandom (RDSEED, then RDRAND, else a xorshift generator seeded from the
 * TSC; never blocks), ttyS0/ttyS1 (raw serial ports: writes go out polled, reads return
 * what the UART holds, waiting for at least one byte) and fb0 (framebuffer geometry by
 * IOCTL_FB_INFO; pixels by mmap once the memory issue maps device memory).
 */
#include "kernel/fs/devfs.h"
#include <spindle/errno.h>
#include "kernel/arch/arch.h"
#include "kernel/arch/cpu.h"
#include "kernel/console/console.h"
#include "kernel/lib/string.h"
#include "sched/sched.h"

static int64_t null_read(file_t *f, void *buf, size_t n)
{
    (void)f; (void)buf; (void)n;
    return 0;
}

static int64_t sink_write(file_t *f, const void *buf, size_t n)
{
    (void)f; (void)buf;
    return (int64_t)n;
}

static int64_t zero_read(file_t *f, void *buf, size_t n)
{
    (void)f;
    memset(buf, 0, n);
    return (int64_t)n;
}

const file_ops_t dev_null_fops = { .read = null_read, .write = sink_write };
const file_ops_t dev_zero_fops = { .read = zero_read, .write = sink_write };

/* ---------------------------------------------------------------- random */

static uint64_t xorshift_state;

static bool hw_random(uint64_t *v)
{
    return (cpu_features.rdseed && cpu_random_word(true, 4, v)) ||
           (cpu_features.rdrand && cpu_random_word(false, 10, v));
}

uint64_t dev_random_u64(void)
{
    uint64_t v;
    if (hw_random(&v))
        return v;
    uint64_t f = sched_lock();
    if (!xorshift_state)
        xorshift_state = rdtsc() | 1;
    uint64_t x = xorshift_state ^ (rdtsc() << 17);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    xorshift_state = x ? x : 0x9E3779B97F4A7C15ULL;
    sched_unlock(f);
    return x * 0x2545F4914F6CDD1DULL;
}

static int64_t random_read(file_t *f, void *buf, size_t n)
{
    (void)f;
    uint8_t *d = buf;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = dev_random_u64();
        memcpy(d + i, &v, n - i < 8 ? n - i : 8);
    }
    return (int64_t)n;
}

const file_ops_t dev_random_fops = { .read = random_read, .write = sink_write };

/* ---------------------------------------------------------------- serial ports */

int dev_serial_open(vnode_t *v, file_t *f)
{
    uint16_t port = *(const uint16_t *)v->priv;
    if (!serial_present(port))
        return ENXIO;
    f->priv = v->priv;
    return 0;
}

static int64_t serial_dev_write(file_t *f, const void *buf, size_t n)
{
    uint16_t port = *(const uint16_t *)f->priv;
    bool irq = console_lock(); /* COM1 is shared with the kernel console */
    serial_write(port, buf, n);
    console_unlock(irq);
    return (int64_t)n;
}

static int64_t serial_dev_read(file_t *f, void *buf, size_t n)
{
    uint16_t port = *(const uint16_t *)f->priv;
    uint8_t *d = buf;
    size_t got = 0;
    for (;;) {
        while (got < n && (inb(port + UART_LSR) & LSR_DATA_READY))
            d[got++] = inb(port + UART_DATA);
        if (got || (f->flags & O_NONBLOCK))
            return got ? (int64_t)got : -EAGAIN;
        if (sched_kill_pending(sched_current()))
            return -EINTR;
        sched_yield();
    }
}

const file_ops_t dev_serial_fops = { .read = serial_dev_read, .write = serial_dev_write };

/* ---------------------------------------------------------------- framebuffer */

static fb_info_t fb_info;

void dev_fb_set(const boot_framebuffer_t *fb)
{
    if (!fb)
        return;
    fb_info = (fb_info_t){ .phys_base = fb->phys_base, .size = fb->size, .width = fb->width,
                           .height = fb->height, .pitch = fb->pitch, .format = fb->format };
}

static int fb_ioctl(file_t *f, uint64_t request, void *arg, size_t size)
{
    (void)f;
    if (request != IOCTL_FB_INFO)
        return ENOTTY;
    if (size != sizeof fb_info)
        return EINVAL;
    if (fb_info.format == 0)
        return ENXIO;
    memcpy(arg, &fb_info, sizeof fb_info);
    return 0;
}

const file_ops_t dev_fb_fops = { .ioctl = fb_ioctl };

bool dev_fb_range(const file_t *f, uint64_t *phys, uint64_t *size)
{
    if (f->ops != &dev_fb_fops || fb_info.format == 0)
        return false;
    *phys = fb_info.phys_base;
    *size = fb_info.size;
    return true;
}
