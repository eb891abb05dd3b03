/*
 * sys_mem_fd.c - the VFS side of mmap: what an fd maps to (a regular file's pages, private;
 * the framebuffer device, shared), and the file hooks mm/ calls for file regions (a
 * reference per region, and one page read at a time). Kept out of mm/ so memory management
 * does not depend on the file system.
 */
#include "kernel/fs/devfs.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/vfs.h"
#include "mm/aspace.h"
#include "mm/hhdm.h"
#include "proc/process.h"
#include "syscall/sys_mem_fd.h"
#include "syscall/syscall.h"

static void fd_file_get(void *file)
{
    file_get(file);
}

static void fd_file_put(void *file)
{
    file_put(file);
}

static int fd_file_read_page(void *file, uint64_t pgoff, void *dst)
{
    return vfs_file_read_page(file, pgoff * PAGE_SIZE, dst);
}

const aspace_file_ops_t sys_mem_fd_file_ops = {
    .get = fd_file_get, .put = fd_file_put, .read_page = fd_file_read_page,
};

/* The framebuffer window [offset, offset + length) of /dev/fb0, shared only. */
static int fd_request_framebuffer(uint64_t offset, bool shared, aspace_map_req_t *req)
{
    uint64_t phys, size;
    aspace_framebuffer(&phys, &size);
    if (!phys)
        return ENODEV;
    if (!shared || req->length == 0 || offset >= size ||
        PAGE_ALIGN_UP(req->length) > size - offset)
        return EINVAL;
    req->kind = VMA_DEVICE;
    req->dev_phys = phys + offset;
    return 0;
}

/* Called by SYS_MMAP for a mapping without MAP_ANONYMOUS. On success with a file, req->file
 * holds a reference for the call (the region takes its own). */
int sys_mem_fd_request(uint64_t fd, uint64_t offset, bool shared, aspace_map_req_t *req)
{
    if (offset & (PAGE_SIZE - 1))
        return EINVAL;
    process_t *p = process_current();
    file_t *f = p->fdt ? fdtable_get(p->fdt, (int64_t)fd) : NULL;
    if (!f)
        return EBADF;
    int err = ENODEV;
    if (f->ops == &dev_fb_fops) {
        err = fd_request_framebuffer(offset, shared, req);
    } else if (vfs_file_mappable(f)) { /* only file systems that offer pages (tmpfs) */
        if (shared) {
            err = ENODEV; /* shared file mappings are not offered */
        } else if ((f->flags & O_ACCMODE) == O_WRONLY) {
            err = EACCES;
        } else {
            req->kind = VMA_FILE;
            req->file = f;
            req->pgoff = offset / PAGE_SIZE;
            return 0; /* the lookup's reference travels in req */
        }
    }
    file_put(f);
    return err;
}
