/*
 * test_gen_syscalls.c - the generated syscall numbers and tracer table against the seed's
 * list, kept here independently of the spec: the numbers 0-33 must be the seed's, in its
 * order, and the table must agree with the numbers; the handlers' generated types follow the
 * argument kinds (int/off signed, user memory uptr_t, the rest unsigned). Needs
 * `make host-test`, which runs the
 * generator first (BUILD/gen is on the include path).
 */
#include <string.h>
#include "host_test.h"
#include <spindle/syscall_nums.h>
#include <spindle/syscall_protos.h>
#include "syscall_meta.c"

/* The seed's list, in its order: index == number. */
static const char *const seed_calls[] = {
    "process_exit", "thread_exit", "spawn", "nanosleep", "errno", "getpid", "gettid", "uptime",
    "unix_epoch", "open", "open2", "close", "read", "write", "seek", "ioctl", "chdir", "poll",
    "stat", "mmap", "munmap", "mprotect", "getdents", "thread_create", "yield", "dup", "dup2",
    "futex", "remove", "link", "share", "claim", "bind", "openat",
};
#define SEED_COUNT (sizeof(seed_calls) / sizeof(seed_calls[0]))

HOST_TEST(seed_numbers_fixed)
{
    CHECK_EQ(SYS_PROCESS_EXIT, 0);
    CHECK_EQ(SYS_ERRNO, 4);
    CHECK_EQ(SYS_GETPID, 5);
    CHECK_EQ(SYS_WRITE, 13);
    CHECK_EQ(SYS_FUTEX, 27);
    CHECK_EQ(SYS_OPENAT, 33);
    CHECK_EQ(SEED_COUNT, 34);
}

HOST_TEST(new_calls_follow_the_seed)
{
    CHECK_EQ(SYS_WAIT, 34);
    CHECK_EQ(SYS_KILL, 35);
    CHECK(SYS_COUNT >= 36);
}

/* SYSCALL_LIST must be dense and numbered in order, and the seed names must sit at their numbers. */
HOST_TEST(list_matches_seed_order)
{
    static const struct { int num; const char *name; } list[] = {
#define ENTRY(num, name, NAME, argc) { num, #name },
        SYSCALL_LIST(ENTRY)
#undef ENTRY
    };
    CHECK_EQ(sizeof(list) / sizeof(list[0]), SYS_COUNT);
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        CHECK_EQ(list[i].num, i);
        if (i < SEED_COUNT)
            CHECK(strcmp(list[i].name, seed_calls[i]) == 0);
    }
}

HOST_TEST(meta_table_names_every_number)
{
    for (size_t i = 0; i < SYS_COUNT; i++) {
        const syscall_meta_t *m = syscall_meta_get(i);
        CHECK(m != NULL && m->name != NULL);
        CHECK(m->argc <= SYSCALL_MAX_ARGS);
        if (i < SEED_COUNT)
            CHECK(strcmp(m->name, seed_calls[i]) == 0);
    }
    CHECK(syscall_meta_get(SYS_COUNT) == NULL);
    CHECK(syscall_meta_get((uint64_t)-1) == NULL);
}

HOST_TEST(meta_buffers_point_at_their_length)
{
    for (size_t i = 0; i < SYS_COUNT; i++) {
        const syscall_meta_t *m = &syscall_meta_table[i];
        for (int a = 0; a < m->argc; a++) {
            const syscall_arg_meta_t *arg = &m->args[a];
            int is_buf = arg->kind == SYSCALL_ARG_UBUF_IN || arg->kind == SYSCALL_ARG_UBUF_OUT ||
                         arg->kind == SYSCALL_ARG_UBUF_IO;
            if (!is_buf) {
                CHECK_EQ(arg->len_arg, -1);
                continue;
            }
            CHECK(arg->len_arg >= 0 && arg->len_arg < m->argc);
            CHECK_EQ(m->args[arg->len_arg].kind, SYSCALL_ARG_SIZE);
        }
    }
    const syscall_meta_t *w = syscall_meta_get(SYS_WRITE);
    CHECK_EQ(w->argc, 3);
    CHECK_EQ(w->args[1].kind, SYSCALL_ARG_UBUF_IN);
    CHECK_EQ(w->args[1].len_arg, 2);
    CHECK_EQ(syscall_meta_get(SYS_READ)->args[1].kind, SYSCALL_ARG_UBUF_OUT);
}

HOST_TEST(meta_flags_and_out_types_resolve)
{
    const syscall_meta_t *o = syscall_meta_get(SYS_OPEN);
    CHECK_EQ(o->args[1].kind, SYSCALL_ARG_FLAGS);
    CHECK(o->args[1].flags != NULL);
    int found = 0;
    for (const syscall_flag_name_t *f = o->args[1].flags; f->name; f++)
        if (strcmp(f->name, "O_CREAT") == 0 && f->value == SPINDLE_O_CREAT && f->mask == SPINDLE_O_CREAT)
            found = 1;
    CHECK(found);
    const syscall_meta_t *s = syscall_meta_get(SYS_STAT);
    CHECK_EQ(s->args[1].kind, SYSCALL_ARG_UPTR_OUT);
    CHECK_EQ(s->args[1].type_size, sizeof(stat_t));
    CHECK_EQ(syscall_meta_get(SYS_PROCESS_EXIT)->ret, SYSCALL_RET_VOID);
    CHECK_EQ(syscall_meta_get(SYS_MMAP)->ret, SYSCALL_RET_UPTR);
}

HOST_TEST(errno_list_shared_names)
{
    CHECK_EQ(ENOENT, 2);
    CHECK_EQ(ENOSYS, 38);
    CHECK_EQ(ETIMEDOUT, 110);
    CHECK(strcmp(spindle_errno_name(EBADF), "EBADF") == 0);
    CHECK(strcmp(spindle_errno_message(ENOSYS), "Function not implemented") == 0);
    CHECK(spindle_errno_name(0) == NULL);
    CHECK(spindle_errno_message(SPINDLE_ERRNO_MAX + 1) == NULL);
    CHECK(spindle_errno_name(SPINDLE_ERRNO_MAX) != NULL);
}

/* syscall_protos.h: one type per call, from the kinds (SYSCALL_DEFINE holds handlers to it). */
#define PROTO_IS(nr, ...) __builtin_types_compatible_p(syscall_proto_##nr##_t, uint64_t(__VA_ARGS__))
HOST_TEST(handler_types_follow_the_argument_kinds)
{
    CHECK(PROTO_IS(SYS_GETPID, void));
    CHECK(PROTO_IS(SYS_PROCESS_EXIT, int64_t));                        /* int */
    CHECK(PROTO_IS(SYS_READ, uint64_t, uptr_t, uint64_t));             /* fd, ubuf_out, size */
    CHECK(PROTO_IS(SYS_OPEN, uptr_t, uint64_t));                       /* ustr, flags */
    CHECK(PROTO_IS(SYS_SEEK, uint64_t, int64_t, uint64_t));            /* fd, off, flags */
    CHECK(PROTO_IS(SYS_SPAWN, uptr_t, uptr_t, uptr_t, uint64_t));      /* ustrv, uptr_in, ustr */
    CHECK(PROTO_IS(SYS_MMAP, uptr_t, uint64_t, uint64_t, uint64_t, uint64_t, int64_t));
    CHECK(!PROTO_IS(SYS_READ, uint64_t, void *, uint64_t));           /* a raw pointer is not it */
}
