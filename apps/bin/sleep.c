/* sleep - waits the given number of seconds (decimals allowed: `sleep 0.25`). */
#include <spindle.h>
#include <stdio.h>

/* Seconds as "N" or "N.FFF" in nanoseconds; -1 for anything else. */
static int64_t parse_seconds(const char *s)
{
    int64_t whole = 0, frac = 0, scale = 1000000000;
    const char *p = s;
    if (*p == '\0')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        whole = whole * 10 + (*p - '0');
        if (whole > 100000000)
            return -1;
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            scale /= 10;
            frac += (*p - '0') * scale;
        }
    }
    if (*p != '\0' || (p == s + 1 && s[0] == '.'))
        return -1;
    return whole * 1000000000 + frac;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 2;
    }
    int64_t ns = parse_seconds(argv[1]);
    if (ns < 0) {
        fprintf(stderr, "sleep: %s: not a number of seconds\n", argv[1]);
        return 2;
    }
    if (sleep_ns((uint64_t)ns) < 0) {
        perror("sleep");
        return 1;
    }
    return 0;
}
