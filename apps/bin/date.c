/*
 * date - the wall-clock time in UTC: "YYYY-MM-DD HH:MM:SS UTC", or seconds since the epoch
 * with `date +%s`. The calendar conversion is the proleptic Gregorian one (days from
 * 1970-01-01 to a civil date, with 400-year eras so no table of month lengths per year).
 */
#include <spindle.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    long year;
    int month, day; /* 1-based */
} civil_t;

static civil_t civil_from_days(long z)
{
    z += 719468; /* days from 0000-03-01 to 1970-01-01 */
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;                                  /* [0, 146096] */
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);           /* [0, 365] */
    long mp = (5 * doy + 2) / 153;                                /* March = 0 */
    civil_t c;
    c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2);
    return c;
}

int main(int argc, char **argv)
{
    time_t t = unix_epoch();
    if (t < 0) {
        fprintf(stderr, "date: no wall clock\n");
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "+%s") == 0) {
        printf("%ld\n", (long)t);
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "usage: date [+%%s]\n");
        return 2;
    }
    long days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    civil_t c = civil_from_days(days);
    printf("%04ld-%02d-%02d %02ld:%02ld:%02ld UTC\n", c.year, c.month, c.day, secs / 3600,
           secs / 60 % 60, secs % 60);
    return 0;
}
