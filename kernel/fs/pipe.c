/*
 * pipe.c - pipes: a bounded ring (PIPE_CAPACITY bytes) between a read end and a write end,
 * made by open2("/dev/pipe/new"). Semantics:
 *   read blocks while the pipe is empty and a writer exists; returns 0 (EOF) once every
 *   write end is closed; write blocks until everything is written, or fails with EPIPE
 *   (returning the count so far if some went in) when every read end is closed - a
 *   writer never hangs on a pipe nobody can read. O_NONBLOCK: EAGAIN instead of
 *   blocking, and partial writes.
 * State changes under the scheduler lock, so readers and writers on any CPU, threads or
 * processes alike, never race; both sides wake each other and poll().
 */
#include "kernel/fs/devfs.h"
#include <spindle/errno.h>
#include "kernel/lib/string.h"
#include "kernel/panic.h"
#include "mm/heap.h"

/* All fields change under the scheduler lock. */
typedef struct {
    uint8_t *buf;
    size_t head, count;
    unsigned readers, writers;
    bool reading;          /* a reader looked at the data and is copying it out */
    thread_queue_t readq, writeq;
} pipe_t;

static const file_ops_t pipe_read_fops, pipe_write_fops;

static void pipe_changed(pipe_t *p)
{
    sched_wake_all(&p->readq);
    sched_wake_all(&p->writeq);
    fs_poll_notify();
}

/* Looks at up to n bytes without taking them: pipe_read_done takes what reached the
 * reader, so a faulting copy-out loses nothing. One reader at a time is between the two
 * (p->reading); others wait for it, as they would for Linux's pipe mutex. */
static int64_t pipe_read(file_t *f, void *buf, size_t n)
{
    pipe_t *p = f->priv;
    if (n == 0)
        return 0;
    uint64_t fl = sched_lock();
    int64_t r;
    for (;;) {
        if (p->count && !p->reading) {
            size_t k = n < p->count ? n : p->count;
            for (size_t i = 0; i < k; i++)
                ((uint8_t *)buf)[i] = p->buf[(p->head + i) % PIPE_CAPACITY];
            p->reading = true;
            r = (int64_t)k;
            break;
        }
        if (p->reading) { /* another reader is copying out: its bytes may come back */
            int err = fs_wait(&p->readq);
            if (err) {
                r = -err;
                break;
            }
            continue;
        }
        if (!p->writers) {
            r = 0;
            break;
        }
        if (f->flags & O_NONBLOCK) {
            r = -EAGAIN;
            break;
        }
        int err = fs_wait(&p->readq);
        if (err) {
            r = -err;
            break;
        }
    }
    sched_unlock(fl);
    return r;
}

static void pipe_read_done(file_t *f, size_t kept)
{
    pipe_t *p = f->priv;
    uint64_t fl = sched_lock();
    ASSERT(p->reading && kept <= p->count);
    p->head = (p->head + kept) % PIPE_CAPACITY;
    p->count -= kept;
    p->reading = false;
    pipe_changed(p);
    sched_unlock(fl);
}

static int64_t pipe_write(file_t *f, const void *buf, size_t n)
{
    pipe_t *p = f->priv;
    uint64_t fl = sched_lock();
    size_t done = 0;
    int err = 0;
    while (done < n) {
        if (!p->readers) {
            err = EPIPE;
            break;
        }
        size_t room = PIPE_CAPACITY - p->count;
        if (room) {
            size_t k = n - done < room ? n - done : room;
            size_t tail = (p->head + p->count) % PIPE_CAPACITY;
            for (size_t i = 0; i < k; i++)
                p->buf[(tail + i) % PIPE_CAPACITY] = ((const uint8_t *)buf)[done + i];
            p->count += k;
            done += k;
            pipe_changed(p);
            continue;
        }
        if (f->flags & O_NONBLOCK) {
            err = EAGAIN;
            break;
        }
        err = fs_wait(&p->writeq);
        if (err)
            break;
    }
    sched_unlock(fl);
    return done ? (int64_t)done : (n ? -err : 0);
}

static unsigned pipe_poll_read(file_t *f)
{
    pipe_t *p = f->priv;
    unsigned r = 0;
    if (p->count)
        r |= POLLIN;
    if (!p->writers)
        r |= POLLIN | POLLHUP;
    return r;
}

static unsigned pipe_poll_write(file_t *f)
{
    pipe_t *p = f->priv;
    if (!p->readers)
        return POLLERR | POLLOUT; /* a write fails at once (EPIPE) */
    return p->count < PIPE_CAPACITY ? POLLOUT : 0;
}

static int pipe_ioctl(file_t *f, uint64_t request, void *arg, size_t size)
{
    pipe_t *p = f->priv;
    if (request != IOCTL_FIONREAD)
        return ENOTTY;
    if (size != sizeof(uint64_t))
        return EINVAL;
    uint64_t n = p->count;
    memcpy(arg, &n, sizeof n);
    return 0;
}

static void pipe_close(file_t *f)
{
    pipe_t *p = f->priv;
    uint64_t fl = sched_lock();
    if (f->ops == &pipe_read_fops)
        p->readers--;
    else
        p->writers--;
    bool last = !p->readers && !p->writers;
    if (!last)
        pipe_changed(p);
    sched_unlock(fl);
    if (last) {
        kfree(p->buf);
        kfree(p);
    }
}

static const file_ops_t pipe_read_fops = {
    .read = pipe_read, .read_done = pipe_read_done, .poll = pipe_poll_read,
    .ioctl = pipe_ioctl, .close = pipe_close,
};
static const file_ops_t pipe_write_fops = {
    .write = pipe_write, .poll = pipe_poll_write, .ioctl = pipe_ioctl, .close = pipe_close,
};

int pipe_open2(vnode_t *v, file_t **read_end, file_t **write_end)
{
    (void)v;
    pipe_t *p = kzalloc(sizeof *p);
    uint8_t *buf = kmalloc(PIPE_CAPACITY);
    file_t *r = file_alloc(NULL, &pipe_read_fops, O_RDONLY);
    file_t *w = file_alloc(NULL, &pipe_write_fops, O_WRONLY);
    if (!p || !buf || !r || !w) {
        kfree(p);
        kfree(buf);
        kfree(r);
        kfree(w);
        return ENOMEM;
    }
    p->buf = buf;
    p->readers = p->writers = 1;
    r->priv = w->priv = p;
    *read_end = r;
    *write_end = w;
    return 0;
}
