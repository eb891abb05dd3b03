/*
 * hidkbd.h - USB HID boot-protocol keyboard reports (HID 1.11 appendix B: modifier byte,
 * reserved byte, up to six key usages) turned into terminal bytes by the PS/2 path's own
 * translation: every change between two reports becomes the scancode set 1 make or break
 * code of that key, fed to ps2key_feed (kernel/console/ps2keymap.h), so both keyboards
 * share one layout, one modifier logic and one set of escape sequences.
 *
 * A USB keyboard does not repeat keys itself (idle rate 0), so the last key pressed repeats
 * here: after HIDKBD_REPEAT_DELAY_NS, every HIDKBD_REPEAT_NS, while it is held. Pure code
 * (the caller passes the time): host-tested.
 */
#ifndef KERNEL_USB_HIDKBD_H
#define KERNEL_USB_HIDKBD_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/console/ps2keymap.h"

#define HIDKBD_REPORT_LEN      8
#define HIDKBD_REPEAT_DELAY_NS 500000000ULL
#define HIDKBD_REPEAT_NS       33000000ULL
#define HIDKBD_OUT_MAX         64   /* bytes one report can produce at most */

typedef struct {
    uint8_t prev[HIDKBD_REPORT_LEN]; /* the last report taken */
    ps2key_state_t keys;             /* the PS/2 translation's own state */
    uint8_t repeat_usage;            /* 0: nothing repeats */
    uint64_t repeat_at;
} hidkbd_t;

/* Takes one report of len bytes (short ones and rollover-error reports are ignored);
 * stores the bytes typed in out (up to HIDKBD_OUT_MAX) and returns how many. */
size_t hidkbd_report(hidkbd_t *k, const uint8_t *rep, size_t len, uint64_t now_ns,
                     char out[HIDKBD_OUT_MAX]);
/* The held key's repeats due by now_ns (at most one per call). */
size_t hidkbd_repeat(hidkbd_t *k, uint64_t now_ns, char out[HIDKBD_OUT_MAX]);

#endif
