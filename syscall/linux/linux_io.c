/*
 * linux_io.c - Linux calls that move or size file data outside read and write: sendfile,
 * fsync, fdatasync, truncate and ftruncate, on the open-file services the native calls use
 * (file_read, file_write, file_read_done, file_truncate).
 */
#include "mm/heap.h"
#include "kernel/uaccess.h"
#include "syscall/linux/linux.h"

/* sendfile: read from in_fd, write to out_fd, through a kernel buffer (the same file ops the
 * native read and write use). With offset, in_fd is read at *offset (its position untouched,
 * as pread) and *offset moves by what was copied. */
#define SENDFILE_CHUNK 16384
#define SENDFILE_AT_POSITION (-1)

static int64_t sendfile_copy(file_t *in, file_t *out, uint64_t count, int64_t at)
{
    uint8_t *k = kmalloc(SENDFILE_CHUNK);
    if (!k)
        return -ENOMEM;
    int64_t done = 0, r = 0;
    while ((uint64_t)done < count) {
        size_t want = count - (uint64_t)done < SENDFILE_CHUNK ? (size_t)(count - (uint64_t)done)
                                                             : SENDFILE_CHUNK;
        uint64_t before = in->offset;
        r = at == SENDFILE_AT_POSITION ? file_read(in, k, want)
                                       : file_read_at(in, k, want, (uint64_t)(at + done));
        if (r <= 0)
            break;
        int64_t w = file_write(out, k, (size_t)r);
        if (w < r && at == SENDFILE_AT_POSITION) /* what was not written goes back */
            file_read_done(in, (size_t)r, w > 0 ? (size_t)w : 0, before);
        if (w < 0) {
            r = w;
            break;
        }
        done += w;
        if (w < r)
            break;
    }
    kfree(k);
    return done ? done : r < 0 ? r : 0;
}

int64_t linux_sys_sendfile(uint64_t out_fd, uint64_t in_fd, void *uoffset, uint64_t count)
{
    file_t *in = fdtable_get(linux_fds(), (int64_t)in_fd), *out = NULL;
    int64_t r = -EBADF, off = SENDFILE_AT_POSITION;
    if (!in || !(out = fdtable_get(linux_fds(), (int64_t)out_fd)))
        goto done;
    if (uoffset) {
        r = copy_from_user(&off, uoffset, sizeof off) ? -EFAULT : off < 0 ? -EINVAL : 0;
        if (r)
            goto done;
    }
    r = sendfile_copy(in, out, count, off);
    if (uoffset && r > 0) {
        off += r;
        if (copy_to_user(uoffset, &off, sizeof off))
            r = -EFAULT;
    }
done:
    if (in)
        file_put(in);
    if (out)
        file_put(out);
    return r;
}

/* ---- sizes and syncing ---- */

/* Everything lives in memory: a sync has nothing to write, it only checks the descriptor. */
int64_t linux_sys_fsync(uint64_t fd)
{
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    file_put(f);
    return 0;
}

int64_t linux_sys_fdatasync(uint64_t fd)
{
    return linux_sys_fsync(fd);
}

int64_t linux_sys_ftruncate(uint64_t fd, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    file_t *f = fdtable_get(linux_fds(), (int64_t)fd);
    if (!f)
        return -EBADF;
    int err = file_truncate(f, (uint64_t)length);
    file_put(f);
    return -err;
}

int64_t linux_sys_truncate(const char *upath, int64_t length)
{
    if (length < 0)
        return -EINVAL;
    int64_t fd = LN2(SYS_OPEN, upath, O_WRONLY);
    if (fd < 0)
        return fd;
    int64_t r = linux_sys_ftruncate((uint64_t)fd, length);
    LN1(SYS_CLOSE, fd);
    return r;
}
