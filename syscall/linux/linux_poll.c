/*
 * linux_poll.c - Linux readiness waits: poll, ppoll, select and pselect6. poll and ppoll
 * go to the native poll; select's fd_set bitmaps become poll entries for the same wait
 * (sys_poll_wait). Signal masks are ignored: no signal is delivered yet.
 */
#include "kernel/uaccess.h"
#include "syscall/linux/linux.h"
#include "syscall/sys_file.h"

int64_t linux_sys_poll(void *fds, uint64_t nfds, int64_t timeout_ms)
{
    int64_t ms = (int32_t)timeout_ms;
    uint64_t ns = ms < 0 ? CLOCK_NEVER : (uint64_t)ms * 1000000;
    return LN3(SYS_POLL, fds, nfds, ns);
}

int64_t linux_sys_ppoll(void *fds, uint64_t nfds, void *tsp, void *sigmask)
{
    (void)sigmask; /* no signals are delivered yet */
    uint64_t ns = CLOCK_NEVER;
    if (tsp) {
        int err = linux_timespec_read(tsp, &ns);
        if (err)
            return -err;
    }
    return LN3(SYS_POLL, fds, nfds, ns);
}

/* select: the three fd_set bitmaps become poll entries (read: POLLIN, write: POLLOUT;
 * exceptional conditions do not exist here, so that set comes back empty), the same wait as
 * poll, then the bitmaps are rewritten with what is ready. Descriptors stop at FDTABLE_MAX. */
static int select_sets_read(const void *u, uint64_t *set, uint64_t nfds)
{
    *set = 0;
    if (!u)
        return 0;
    uint8_t bytes[(FDTABLE_MAX + 7) / 8] = { 0 };
    if (copy_from_user(bytes, u, (size_t)((nfds + 7) / 8)))
        return EFAULT;
    for (uint64_t fd = 0; fd < nfds; fd++)
        if (bytes[fd / 8] >> (fd % 8) & 1)
            *set |= 1ULL << fd;
    return 0;
}

static int select_sets_write(void *u, uint64_t set, uint64_t nfds)
{
    uint8_t bytes[(FDTABLE_MAX + 7) / 8] = { 0 };
    for (uint64_t fd = 0; fd < nfds; fd++)
        if (set >> fd & 1)
            bytes[fd / 8] |= (uint8_t)(1u << (fd % 8));
    return u && copy_to_user(u, bytes, (size_t)((nfds + 7) / 8)) ? EFAULT : 0;
}

static int64_t select_wait(int64_t nfds, void *rfds, void *wfds, void *efds, uint64_t timeout)
{
    nfds = (int32_t)nfds;
    if (nfds < 0)
        return -EINVAL;
    if (nfds > FDTABLE_MAX)
        nfds = FDTABLE_MAX; /* no descriptor lies above: their bits must be clear */
    uint64_t rs, ws, es;
    int err = select_sets_read(rfds, &rs, (uint64_t)nfds);
    if (!err)
        err = select_sets_read(wfds, &ws, (uint64_t)nfds);
    if (!err)
        err = select_sets_read(efds, &es, (uint64_t)nfds);
    if (err)
        return -err;
    pollfd_t p[FDTABLE_MAX];
    size_t n = 0, ready;
    for (int64_t fd = 0; fd < nfds; fd++) {
        uint16_t ev = (uint16_t)((rs >> fd & 1 ? POLLIN : 0) | (ws >> fd & 1 ? POLLOUT : 0));
        if (!ev && !(es >> fd & 1))
            continue;
        file_t *f = fdtable_get(linux_fds(), fd);
        if (!f)
            return -EBADF; /* as Linux: a closed descriptor in any set, before waiting */
        file_put(f);
        p[n++] = (pollfd_t){ .fd = (int32_t)fd, .events = ev };
    }
    err = sys_poll_wait(p, n, timeout, &ready);
    if (err)
        return -err;
    uint64_t ro = 0, wo = 0;
    int64_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if ((p[i].events & POLLIN) && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
            ro |= 1ULL << p[i].fd, count++;
        if ((p[i].events & POLLOUT) && (p[i].revents & (POLLOUT | POLLERR)))
            wo |= 1ULL << p[i].fd, count++;
    }
    err = select_sets_write(rfds, ro, (uint64_t)nfds);
    if (!err)
        err = select_sets_write(wfds, wo, (uint64_t)nfds);
    if (!err)
        err = select_sets_write(efds, 0, (uint64_t)nfds);
    return err ? -err : count;
}

int64_t linux_sys_select(int64_t nfds, void *rfds, void *wfds, void *efds, void *utimeout)
{
    uint64_t timeout = CLOCK_NEVER;
    linux_timeval_t tv;
    if (utimeout) {
        if (copy_from_user(&tv, utimeout, sizeof tv))
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        timeout = (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)tv.tv_usec * 1000;
    }
    return select_wait(nfds, rfds, wfds, efds, timeout);
}

int64_t linux_sys_pselect6(int64_t nfds, void *rfds, void *wfds, void *efds, void *tsp,
                           void *sigmask)
{
    (void)sigmask; /* no signals are delivered yet */
    uint64_t timeout = CLOCK_NEVER;
    if (tsp) {
        int err = linux_timespec_read(tsp, &timeout);
        if (err)
            return -err;
    }
    return select_wait(nfds, rfds, wfds, efds, timeout);
}
