/*
 * syscall.h - system-call registration and the helpers every call body uses.
 *
 *   SYSCALL_DEFINE(SYS_GETPID, uint64_t) { return process_current()->pid; }
 *   SYSCALL_DEFINE(SYS_WRITE, uint64_t, uint64_t fd, const void *buf, uint64_t count) { ... }
 *
 * places a syscall_descriptor_t in the .syscall_table linker section. At boot
 * syscall_init() sorts the section in place by number and checks it: every number from 0
 * to SYS_COUNT-1 exactly once (a gap or a duplicate panics at boot). Calls that are not
 * written yet are registered as ENOSYS stubs (sys_enosys.c), so the table has no holes.
 *
 * Handlers take up to six parameters, each a 64-bit integer or a pointer (the entry passes
 * full registers; narrower types would silently truncate), and return a 64-bit value: the
 * macro refuses a return type of another size. A failing call returns syscall_fail(code),
 * which records the code in the thread (SYS_ERRNO reads it) and yields ERR.
 */
#ifndef SYSCALL_SYSCALL_H
#define SYSCALL_SYSCALL_H

#include <stdint.h>
#include <spindle/abi.h>
#include <spindle/errno.h>
#include <spindle/syscall_nums.h>
#include "kernel/arch/arch.h"

typedef uint64_t (*syscall_fn_t)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

typedef struct {
    uint64_t num;
    const char *name;
    void (*handler)(void); /* the typed handler, called through syscall_fn_t */
} syscall_descriptor_t;

#define SYSCALL_DEFINE(nr, ret, ...) \
    _Static_assert(sizeof(ret) == 8, "system calls return 64-bit values"); \
    static ret syscall_handler_##nr(__VA_ARGS__); \
    static const syscall_descriptor_t syscall_desc_##nr \
        __attribute__((used, section(".syscall_table"), aligned(8))) = { \
            .num = (nr), .name = #nr, .handler = (void (*)(void))syscall_handler_##nr }; \
    static ret syscall_handler_##nr(__VA_ARGS__)

/* An unimplemented call: answers ENOSYS until someone writes it (then delete the line). */
#define SYSCALL_ENOSYS(nr) \
    SYSCALL_DEFINE(nr, uint64_t, void) { return syscall_fail(ENOSYS); }

/* Records code in the calling thread and returns ERR (NULL-returning calls return 0). */
uint64_t syscall_fail(int code);

/* Sorts and checks the table (panics on a gap or duplicate). Once, on the boot CPU. */
void syscall_init(void);
/* EFER.SCE, STAR, LSTAR, SFMASK on the calling CPU. */
void syscall_init_cpu(void);

/* The C side of the entry (entry.S). */
void syscall_dispatch(interrupt_frame_t *frame);
/* Interrupts are off. True when the return may use SYSRET (see syscall.c). */
uint64_t syscall_exit_may_sysret(interrupt_frame_t *frame);

/* Number of entries (== SYS_COUNT after syscall_init); for tests. */
uint64_t syscall_table_size(void);
const syscall_descriptor_t *syscall_table_entry(uint64_t num);
/* Runs call num with args as if from user space; returns RAX (tests). */
uint64_t syscall_invoke(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5);

#endif
