/* kill - ends processes: kill [-CODE] PID... (CODE defaults to 15, "terminate"; the
 * parent's wait sees it as the killed status). */
#include <errno.h>
#include <spindle.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_number(const char *s, long *v)
{
    char *end;
    *v = strtol(s, &end, 10);
    return *s != '\0' && *end == '\0' && *v > 0;
}

int main(int argc, char **argv)
{
    int i = 1, failed = 0;
    long code = KILL_TERM;
    if (argc > 1 && argv[1][0] == '-') {
        if (!parse_number(argv[1] + 1, &code) || code > 127) {
            fprintf(stderr, "kill: %s: not a code (1-127)\n", argv[1]);
            return 2;
        }
        i = 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: kill [-CODE] PID...\n");
        return 2;
    }
    for (; i < argc; i++) {
        long pid;
        if (!parse_number(argv[i], &pid)) {
            fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
            failed = 1;
        } else if (kill((pid_t)pid, (int)code) < 0) {
            fprintf(stderr, "kill: %ld: %s\n", pid, strerror(errno));
            failed = 1;
        }
    }
    return failed;
}
