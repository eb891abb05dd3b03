/*
 * syscall.h - system-call registration and the helpers every call body uses.
 *
 *   SYSCALL_DEFINE(SYS_GETPID, uint64_t) { return process_current()->pid; }
 *   SYSCALL_DEFINE(SYS_WRITE, uint64_t, uint64_t fd, uptr_t buf, uint64_t count) { ... }
 *
 * places a syscall_descriptor_t in the .syscall_table linker section. At boot
 * syscall_init() sorts the section in place by number and checks it: every number from 0
 * to SYS_COUNT-1 exactly once (a gap or a duplicate panics at boot). Calls that are not
 * written yet are registered as ENOSYS stubs (sys_enosys.c), so the table has no holes.
 *
 * A handler's type is the one the spec gives it (syscall_protos.h, generated): the macro
 * declares it as syscall_proto_SYS_NAME_t first, so parameters that disagree with the spec
 * (count, or kind: int/off are int64_t, user memory is uptr_t, the rest uint64_t) are a
 * "conflicting types" error. Every parameter is a full register (narrower types would
 * silently truncate) and the return is 64-bit. A failing call returns syscall_fail(code),
 * which records the code in the thread (SYS_ERRNO reads it) and yields ERR.
 */
#ifndef SYSCALL_SYSCALL_H
#define SYSCALL_SYSCALL_H

#include <stdint.h>
#include <spindle/abi.h>
#include <spindle/errno.h>
#include <spindle/syscall_nums.h>
#include <spindle/syscall_protos.h>
#include "kernel/arch/arch.h"

typedef uint64_t (*syscall_fn_t)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

typedef struct {
    uint64_t num;
    const char *name;
    void (*handler)(void); /* the typed handler, called through syscall_fn_t */
} syscall_descriptor_t;

/* The table entry of call nr, handled by fn (already declared). */
#define SYSCALL_REGISTER_(nr, fn) \
    static const syscall_descriptor_t syscall_desc_##nr \
        __attribute__((used, section(".syscall_table"), aligned(8))) = { \
            .num = (nr), .name = #nr, .handler = (void (*)(void))fn }

#define SYSCALL_DEFINE(nr, ret, ...) \
    _Static_assert(sizeof(ret) == 8, "system calls return 64-bit values"); \
    static syscall_proto_##nr##_t syscall_handler_##nr; /* the spec's type: must agree */ \
    static ret syscall_handler_##nr(__VA_ARGS__); \
    SYSCALL_REGISTER_(nr, syscall_handler_##nr); \
    static ret syscall_handler_##nr(__VA_ARGS__)

/* An unimplemented call: answers ENOSYS until someone writes it (then delete the line). It
 * ignores its arguments, so it takes none whatever the spec says. */
#define SYSCALL_ENOSYS(nr) \
    static uint64_t syscall_enosys_##nr(void) { return syscall_fail(ENOSYS); } \
    SYSCALL_REGISTER_(nr, syscall_enosys_##nr)

/* Records code in the calling thread and returns ERR (NULL-returning calls return 0). */
uint64_t syscall_fail(int code);

/* Sorts and checks the table (panics on a gap or duplicate). Once, on the boot CPU. */
void syscall_init(void);
/* Hands the process layer what this layer does as processes start and end (syscall_init;
 * process_hooks.c). */
void syscall_process_hooks_register(void);
/* EFER.SCE, STAR, LSTAR, SFMASK on the calling CPU. */
void syscall_init_cpu(void);

/* The C side of the entry (entry.S): runs the call, then turns interrupts off and returns
 * true when the way back may use SYSRET, false when it must use iretq (see syscall.c). */
uint64_t syscall_dispatch(interrupt_frame_t *frame);

/* Number of entries (== SYS_COUNT after syscall_init); for tests. */
uint64_t syscall_table_size(void);
const syscall_descriptor_t *syscall_table_entry(uint64_t num);
/* Runs call num with args as if from user space; returns RAX (tests). */
uint64_t syscall_invoke(uint64_t num, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5);

#endif
