/*
 * t_write - write() on the console descriptors, and hostile buffers: kernel addresses,
 * NULL, unmapped pages, a range straddling the user/kernel border, huge lengths. Every bad
 * pointer must give ERR + EFAULT (never a kernel fault), a bad descriptor EBADF.
 */
#include <string.h>
#include "t_check.h"

#define P "t_write"

int main(void)
{
    static const char line[] = "t_write: this line is written with sys_write\n";
    T_CHECK(P, "console-returns-count", sys_write(1, line, strlen(line)) == strlen(line));
    T_CHECK(P, "stderr-returns-count", sys_write(2, "t_write: stderr\n", 16) == 16);
    T_CHECK(P, "zero-length-returns-0", sys_write(1, line, 0) == 0);
    T_CHECK(P, "kernel-address-efault", T_FAILS_WITH(sys_write(1, T_KERNEL_ADDR, 16), EFAULT));
    T_CHECK(P, "kernel-direct-map-efault",
            T_FAILS_WITH(sys_write(1, (const void *)0xFFFF800000001000ULL, 16), EFAULT));
    T_CHECK(P, "null-efault", T_FAILS_WITH(sys_write(1, NULL, 16), EFAULT));
    T_CHECK(P, "unmapped-page-efault",
            T_FAILS_WITH(sys_write(1, (const void *)0x10000000000ULL, 16), EFAULT));
    T_CHECK(P, "straddles-user-kernel-border-efault",
            T_FAILS_WITH(sys_write(1, (const void *)(T_USER_END - 8), 16), EFAULT));
    T_CHECK(P, "non-canonical-efault",
            T_FAILS_WITH(sys_write(1, (const void *)0x0000900000000000ULL, 16), EFAULT));
    T_CHECK(P, "huge-length-efault", T_FAILS_WITH(sys_write(1, line, 1ULL << 62), EFAULT));
    T_CHECK(P, "length-wraps-efault", T_FAILS_WITH(sys_write(1, line, (uint64_t)-1), EFAULT));
    T_CHECK(P, "bad-fd-ebadf", T_FAILS_WITH(sys_write(7, line, 4), EBADF));
    T_CHECK(P, "negative-fd-ebadf", T_FAILS_WITH(sys_write((uint64_t)-1, line, 4), EBADF));
    T_CHECK(P, "huge-fd-ebadf", T_FAILS_WITH(sys_write(1ULL << 40, line, 4), EBADF));
    return t_failures ? 1 : 0;
}
