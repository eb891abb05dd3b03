/*
 * t_exit - process_exit() and thread_exit() as the parent sees them: the status word holds
 * the low byte of the exit code; a single-threaded thread_exit() ends the process with 0.
 */
#include "t_check.h"

#define P "t_exit"

int main(void)
{
    T_CHECK(P, "code-0", t_run1("/bin/t_child", "0") == 0);
    T_CHECK(P, "code-42", t_run1("/bin/t_child", "42") == 42);
    T_CHECK(P, "code-255", t_run1("/bin/t_child", "255") == 255);
    T_CHECK(P, "only-low-byte-kept", t_run1("/bin/t_child", "0x1ff") == 0xff);
    T_CHECK(P, "negative-code-low-byte", t_run1("/bin/t_child", "-1") == 0xff);
    T_CHECK(P, "thread-exit-is-0", t_run1("/bin/t_child", "thread-exit") == 0);
    T_CHECK(P, "return-from-main", t_run1("/bin/hello", NULL) == 0);
    return t_failures ? 1 : 0;
}
