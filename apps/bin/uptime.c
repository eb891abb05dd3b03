/* uptime - time since boot, as "up [D days, ]H:MM:SS.cc" (the monotonic clock). */
#include <spindle.h>
#include <stdio.h>

int main(void)
{
    uint64_t ns = uptime_ns();
    uint64_t s = ns / 1000000000ULL, cs = ns % 1000000000ULL / 10000000ULL;
    uint64_t days = s / 86400;
    s %= 86400;
    printf("up ");
    if (days)
        printf("%llu day%s, ", (unsigned long long)days, days == 1 ? "" : "s");
    printf("%llu:%02llu:%02llu.%02llu\n", (unsigned long long)(s / 3600),
           (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60),
           (unsigned long long)cs);
    return 0;
}
