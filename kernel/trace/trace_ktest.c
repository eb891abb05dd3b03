/*
 * trace_ktest.c - the decoder against the real generated table, from kernel context (no
 * user mapping): user pointers that fault and kernel-half pointers are printed as
 * pointers, never followed; flags come out by name; results and errors are named.
 */
#include <spindle/abi.h>
#include <spindle/errno.h>
#include "kernel/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/trace/trace_decode.h"

static char ktest_line[256];

static const char *decode(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    trace_buf_t b;
    uint64_t args[SYSCALL_MAX_ARGS] = { a0, a1, a2, 0, 0, 0 };
    tb_init(&b, ktest_line, sizeof ktest_line);
    trace_decode_call(&b, &syscall_abi_native, nr, args);
    return ktest_line;
}

KTEST(trace_decode_unmapped_user_buffer_is_a_pointer)
{
    KTEST_EXPECT(strcmp(decode(SYS_WRITE, 1, 0x1000, 5), "write(1, 0x1000, 5)") == 0);
}

KTEST(trace_decode_kernel_pointer_is_never_followed)
{
    /* The kernel's own text is readable here, so only the range check keeps it out. */
    const char *s = decode(SYS_SPAWN, (uint64_t)ktest_line, 0, 0x1);
    KTEST_EXPECT(strncmp(s, "spawn(0xffffffff", 16) == 0);
    static const char tail[] = ", NULL, 0x1, 0)"; /* cwd 0x1: unmapped user string */
    size_t n = strlen(s);
    KTEST_EXPECT(n > sizeof tail && strcmp(s + n - (sizeof tail - 1), tail) == 0);
}

KTEST(trace_decode_flags_by_name_and_unknown_numbers)
{
    KTEST_EXPECT(strcmp(decode(SYS_WAIT, (uint64_t)-1, 0, WNOHANG), "wait(-1, NULL, WNOHANG)") == 0);
    KTEST_EXPECT(strcmp(decode(999, 1, 2, 3), "syscall_999()") == 0);
}

KTEST(trace_decode_result_names_errors)
{
    trace_buf_t b;
    uint64_t args[SYSCALL_MAX_ARGS] = { 0 };
    tb_init(&b, ktest_line, sizeof ktest_line);
    trace_decode_result(&b, &syscall_abi_native, SYS_WRITE, args, ERR, EBADF);
    KTEST_EXPECT(strcmp(ktest_line, " = ERR EBADF") == 0);
    tb_init(&b, ktest_line, sizeof ktest_line);
    trace_decode_result(&b, &syscall_abi_native, SYS_ERRNO, args, ENOENT, 0);
    KTEST_EXPECT(strcmp(ktest_line, " = 2 ENOENT") == 0);
    tb_init(&b, ktest_line, sizeof ktest_line);
    trace_decode_result(&b, &syscall_abi_native, SYS_PROCESS_EXIT, args, 0, 0);
    KTEST_EXPECT(strcmp(ktest_line, " = ?") == 0);
}
