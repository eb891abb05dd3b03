/*
 * sys_fs_extra.c - poll, descriptor passing (share/claim), bind and unbind.
 *
 * poll: readiness comes from each file's poll op; the caller sleeps on the one poll wait
 * queue that every pipe and the console wake on any change, then checks again.
 * share/claim: an offer is (key, open file, deadline) in a small table; the key is 32 hex
 * digits from the random source, so it cannot be guessed; a claim consumes it. Expired
 * offers are dropped (their file reference put) whenever the table is searched.
 */
#include "kernel/fs/devfs.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/time/clock.h"
#include "kernel/uaccess.h"
#include "mm/heap.h"
#include "syscall/sys_file.h"
#include "syscall/syscall.h"

#define POLL_MAX     256
#define SHARE_MAX    64
#define SHARE_KEY_LEN 32

static uint64_t deadline_after(uint64_t timeout)
{
    if (timeout == CLOCK_NEVER)
        return CLOCK_NEVER;
    uint64_t now = clock_now_ns();
    return timeout > CLOCK_NEVER - 1 - now ? CLOCK_NEVER - 1 : now + timeout;
}

/* Fills revents; returns how many entries are ready. A bad fd reads as POLLERR. */
static size_t poll_scan(pollfd_t *p, size_t n)
{
    size_t ready = 0;
    for (size_t i = 0; i < n; i++) {
        p[i].revents = 0;
        if (p[i].fd < 0)
            continue;
        file_t *f = fdtable_get(process_current()->fdt, p[i].fd);
        unsigned r = f ? file_poll(f) : POLLERR;
        if (f)
            file_put(f);
        p[i].revents = (uint16_t)(r & (p[i].events | POLLERR | POLLHUP));
        ready += p[i].revents != 0;
    }
    return ready;
}

int sys_poll_wait(pollfd_t *p, size_t count, uint64_t timeout, size_t *ready)
{
    uint64_t deadline = deadline_after(timeout);
    for (;;) {
        *ready = poll_scan(p, count);
        if (*ready || timeout == 0 || clock_now_ns() >= deadline)
            return 0;
        int err = fs_poll_sleep(deadline);
        if (err)
            return err;
    }
}

#define POLL_ON_STACK 16

SYSCALL_DEFINE(SYS_POLL, uint64_t, uptr_t ufds, uint64_t count, uint64_t timeout)
{
    if (count > POLL_MAX)
        return syscall_fail(EINVAL);
    /* The common few descriptors stay on the stack: a poll that blocks then holds no heap,
     * so it costs nothing and leaves the heap figures others measure alone. */
    pollfd_t small[POLL_ON_STACK];
    pollfd_t *p = count <= POLL_ON_STACK ? small : kmalloc(count * sizeof *p);
    if (!p)
        return syscall_fail(ENOMEM);
    int err = count && uaccess_read(p, ufds, count * sizeof *p) ? EFAULT : 0;
    size_t ready = 0;
    if (!err)
        err = sys_poll_wait(p, (size_t)count, timeout, &ready);
    if (!err && count && uaccess_write(ufds, p, count * sizeof *p))
        err = EFAULT;
    if (p != small)
        kfree(p);
    return err ? syscall_fail(err) : ready;
}

/* ---------------------------------------------------------------- share / claim */

typedef struct {
    char key[SHARE_KEY_LEN + 1];
    file_t *file;      /* NULL: free slot */
    uint64_t deadline;
    uint64_t owner;    /* pid of the sharer: its offers end when it exits */
} share_offer_t;

static share_offer_t offers[SHARE_MAX];
static fs_mutex_t share_lock;

/* share_lock held. Drops expired offers; files to put are collected in *drop. */
static void share_expire_locked(file_t **drop, size_t *ndrop)
{
    uint64_t now = clock_now_ns();
    for (int i = 0; i < SHARE_MAX; i++) {
        if (offers[i].file && offers[i].deadline != CLOCK_NEVER && now >= offers[i].deadline) {
            drop[(*ndrop)++] = offers[i].file;
            offers[i].file = NULL;
        }
    }
}

static void share_drop(file_t **drop, size_t n)
{
    for (size_t i = 0; i < n; i++)
        file_put(drop[i]);
}

/* An offer never outlives its sharer, or a process could pin files (and all the slots) for
 * ever with CLOCK_NEVER offers. Called by the exit path. */
void share_drop_owner(uint64_t pid)
{
    file_t *drop[SHARE_MAX];
    size_t ndrop = 0;
    fs_mutex_lock(&share_lock);
    for (int i = 0; i < SHARE_MAX; i++) {
        if (offers[i].file && offers[i].owner == pid) {
            drop[ndrop++] = offers[i].file;
            offers[i].file = NULL;
        }
    }
    fs_mutex_unlock(&share_lock);
    share_drop(drop, ndrop);
}

SYSCALL_DEFINE(SYS_SHARE, uint64_t, uptr_t ukey, uint64_t key_size, uint64_t fd,
               uint64_t timeout)
{
    if (key_size < SHARE_KEY_LEN + 1)
        return syscall_fail(EINVAL);
    file_t *f = fdtable_get(process_current()->fdt, (int64_t)fd);
    if (!f)
        return syscall_fail(EBADF);
    char key[SHARE_KEY_LEN + 1];
    snprintf(key, sizeof key, "%016lx%016lx", (unsigned long)dev_random_u64(),
             (unsigned long)dev_random_u64());
    if (uaccess_write(ukey, key, sizeof key)) {
        file_put(f);
        return syscall_fail(EFAULT);
    }
    file_t *drop[SHARE_MAX];
    size_t ndrop = 0;
    int err = ENOMEM;
    fs_mutex_lock(&share_lock);
    share_expire_locked(drop, &ndrop);
    for (int i = 0; i < SHARE_MAX && err; i++) {
        if (!offers[i].file) {
            memcpy(offers[i].key, key, sizeof key);
            offers[i].file = f; /* the reference from fdtable_get moves here */
            offers[i].deadline = deadline_after(timeout);
            offers[i].owner = process_current()->pid;
            err = 0;
        }
    }
    fs_mutex_unlock(&share_lock);
    share_drop(drop, ndrop);
    if (err) {
        file_put(f);
        return syscall_fail(err);
    }
    return 0;
}

SYSCALL_DEFINE(SYS_CLAIM, uint64_t, uptr_t ukey)
{
    char key[SHARE_KEY_LEN + 2];
    int err = uaccess_read_string(key, ukey, sizeof key, NULL);
    if (err)
        return syscall_fail(err == ENAMETOOLONG ? ENOENT : err);
    file_t *drop[SHARE_MAX];
    size_t ndrop = 0;
    file_t *f = NULL;
    fs_mutex_lock(&share_lock);
    share_expire_locked(drop, &ndrop);
    for (int i = 0; i < SHARE_MAX && !f; i++) {
        if (offers[i].file && strcmp(offers[i].key, key) == 0) {
            f = offers[i].file;
            offers[i].file = NULL;
        }
    }
    fs_mutex_unlock(&share_lock);
    share_drop(drop, ndrop);
    if (!f)
        return syscall_fail(ENOENT);
    int fd;
    err = fdtable_install(process_current()->fdt, f, false, &fd);
    if (err) {
        file_put(f); /* the offer is used up either way: a claim is one attempt */
        return syscall_fail(err);
    }
    return (uint64_t)fd;
}

/* ---------------------------------------------------------------- bind */

SYSCALL_DEFINE(SYS_BIND, uint64_t, uint64_t fd, uptr_t umountpoint)
{
    file_t *f = fdtable_get(process_current()->fdt, (int64_t)fd);
    if (!f)
        return syscall_fail(EBADF);
    char *path;
    int err = sys_path_copy(umountpoint, &path);
    if (!err) {
        vnode_t *cwd = vfs_cwd_get(&process_current()->cwd);
        err = f->vnode ? vfs_bind(cwd, f->vnode, path) : ENOTDIR;
        vnode_put(cwd);
        kfree(path);
    }
    file_put(f);
    return err ? syscall_fail(err) : 0;
}

SYSCALL_DEFINE(SYS_UNBIND, uint64_t, uptr_t umountpoint)
{
    char *path;
    int err = sys_path_copy(umountpoint, &path);
    if (!err) {
        vnode_t *cwd = vfs_cwd_get(&process_current()->cwd);
        err = vfs_unbind(cwd, path);
        vnode_put(cwd);
        kfree(path);
    }
    return err ? syscall_fail(err) : 0;
}
