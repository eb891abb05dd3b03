/*
 * fdtable.c - descriptor tables (see fdtable.h). Files are put (maybe closed) only after
 * the slot change, outside the interrupt-disabled section, because closing may sleep.
 */
#include "kernel/fs/fdtable.h"
#include <spindle/errno.h>
#include "mm/heap.h"
#include "sched/sched.h"

fdtable_t *fdtable_create(void)
{
    return kzalloc(sizeof(fdtable_t));
}

void fdtable_destroy(fdtable_t *t)
{
    if (!t)
        return;
    for (int fd = 0; fd < FDTABLE_MAX; fd++)
        fdtable_close(t, fd);
    kfree(t);
}

static bool fd_valid(int64_t fd)
{
    return fd >= 0 && fd < FDTABLE_MAX;
}

int fdtable_install(fdtable_t *t, file_t *file, bool clospawn, int *fd)
{
    return fdtable_install_from(t, file, clospawn, 0, fd);
}

int fdtable_install_from(fdtable_t *t, file_t *file, bool clospawn, int64_t min, int *fd)
{
    if (min < 0 || min >= FDTABLE_MAX)
        return min < 0 ? EINVAL : EMFILE;
    uint64_t f = sched_lock();
    for (int i = (int)min; i < FDTABLE_MAX; i++) {
        if (!t->slots[i].file) {
            t->slots[i] = (fd_slot_t){ file, clospawn };
            sched_unlock(f);
            *fd = i;
            return 0;
        }
    }
    sched_unlock(f);
    return EMFILE;
}

file_t *fdtable_get(fdtable_t *t, int64_t fd)
{
    if (!t || !fd_valid(fd))
        return NULL;
    uint64_t f = sched_lock();
    file_t *file = t->slots[fd].file;
    if (file)
        file_get(file);
    sched_unlock(f);
    return file;
}

int fdtable_close(fdtable_t *t, int64_t fd)
{
    if (!fd_valid(fd))
        return EBADF;
    uint64_t f = sched_lock();
    file_t *file = t->slots[fd].file;
    t->slots[fd] = (fd_slot_t){ 0 };
    sched_unlock(f);
    if (!file)
        return EBADF;
    file_put(file);
    return 0;
}

int fdtable_dup(fdtable_t *t, int64_t fd, int *newfd)
{
    file_t *file = fdtable_get(t, fd);
    if (!file)
        return EBADF;
    int err = fdtable_install(t, file, false, newfd);
    if (err)
        file_put(file);
    return err;
}

int fdtable_dup2(fdtable_t *t, int64_t oldfd, int64_t newfd)
{
    file_t *file = fdtable_get(t, oldfd);
    if (!file)
        return EBADF;
    if (!fd_valid(newfd)) {
        file_put(file);
        return EBADF;
    }
    if (oldfd == newfd) {
        file_put(file);
        return 0;
    }
    uint64_t f = sched_lock();
    file_t *old = t->slots[newfd].file;
    t->slots[newfd] = (fd_slot_t){ file, false };
    sched_unlock(f);
    if (old)
        file_put(old);
    return 0;
}

int fdtable_set_clospawn(fdtable_t *t, int64_t fd, bool on)
{
    if (!fd_valid(fd))
        return EBADF;
    uint64_t f = sched_lock();
    bool ok = t->slots[fd].file != NULL;
    if (ok)
        t->slots[fd].clospawn = on;
    sched_unlock(f);
    return ok ? 0 : EBADF;
}

int fdtable_get_clospawn(fdtable_t *t, int64_t fd, bool *on)
{
    if (!fd_valid(fd))
        return EBADF;
    uint64_t f = sched_lock();
    bool ok = t->slots[fd].file != NULL;
    *on = t->slots[fd].clospawn;
    sched_unlock(f);
    return ok ? 0 : EBADF;
}

void fdtable_close_marked(fdtable_t *t)
{
    for (int fd = 0; fd < FDTABLE_MAX; fd++) {
        uint64_t f = sched_lock();
        file_t *file = t->slots[fd].clospawn ? t->slots[fd].file : NULL;
        if (file)
            t->slots[fd] = (fd_slot_t){ 0 };
        sched_unlock(f);
        if (file)
            file_put(file);
    }
}

fdtable_t *fdtable_copy(fdtable_t *t)
{
    fdtable_t *c = fdtable_create();
    if (!c)
        return NULL;
    uint64_t f = sched_lock();
    for (int fd = 0; fd < FDTABLE_MAX; fd++) {
        c->slots[fd] = t->slots[fd];
        if (c->slots[fd].file)
            file_get(c->slots[fd].file);
    }
    sched_unlock(f);
    return c;
}

static void slot_set(fdtable_t *t, int fd, file_t *file)
{
    file_t *old = t->slots[fd].file;
    t->slots[fd] = (fd_slot_t){ file, false };
    if (old)
        file_put(old);
}

int fdtable_for_spawn(fdtable_t *parent, const spawn_fd_t *list, size_t n, bool empty,
                      fdtable_t **out)
{
    fdtable_t *c = fdtable_create();
    if (!c)
        return ENOMEM;
    for (int fd = 0; fd < 3 && !empty && parent; fd++) {
        uint64_t f = sched_lock();
        fd_slot_t s = parent->slots[fd];
        if (s.file && !s.clospawn)
            file_get(s.file);
        sched_unlock(f);
        if (s.file && !s.clospawn)
            slot_set(c, fd, s.file);
    }
    for (size_t i = 0; i < n; i++) {
        file_t *file = fd_valid(list[i].child) ? fdtable_get(parent, list[i].parent) : NULL;
        if (!file) {
            fdtable_destroy(c);
            return EBADF;
        }
        slot_set(c, list[i].child, file);
    }
    *out = c;
    return 0;
}
