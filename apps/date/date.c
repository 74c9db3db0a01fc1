/* SPDX-License-Identifier: MIT */
/*
 * date: the date and time from the wall clock (CLOCK_REALTIME), or of a
 * given number of seconds since 1970 (`-d @SECONDS`), in UTC (Cairn has no
 * time zones, so `-u` changes nothing), printed as `Fri Dec  4 22:40:00
 * UTC 2026` or by a strftime format (`+%Y-%m-%d`). Setting the clock is
 * not offered: the rtc protocol has no such request yet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <util/util.h>

static const char date_usage[] =
    "Usage: date [-u] [-d @SECONDS] [+FORMAT]\n"
    "Print the date and time in UTC (there are no time zones): by default as\n"
    "'Fri Dec  4 22:40:00 UTC 2026', else by FORMAT's strftime conversions.\n"
    "  -u           UTC (the only time there is)\n"
    "  -d @SECONDS  that many seconds since 1970 instead of now\n";

#define DATE_DEFAULT_FORMAT "%a %b %e %H:%M:%S UTC %Y"
#define DATE_OUT_MAX        65536 /* the longest output a format may make */

/* "@N", N a decimal number of seconds, maybe negative. */
static int
date_parse_at(const char *s, time_t *t)
{
    char *end;
    long long v;

    if (s[0] != '@' || s[1] == '\0')
        return -1;
    errno = 0;
    v = strtoll(s + 1, &end, 10);
    if (errno || *end)
        return -1;
    *t = (time_t)v;
    return 0;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    const char *fmt = DATE_DEFAULT_FORMAT;
    struct timespec now;
    struct tm tm;
    time_t t = 0;
    int given = 0, c;
    size_t cap = 256, n;
    char *buf = NULL;

    util_init("date", date_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "ud:")) != -1) {
        if (c == 'd') {
            if (date_parse_at(opts.arg, &t) < 0)
                util_usage_error(1, "invalid date '%s' (only @SECONDS is understood)", opts.arg);
            given = 1;
        }
    }
    if (opts.index < argc) {
        if (argv[opts.index][0] != '+')
            util_usage_error(1, "invalid date '%s' (setting the clock is not supported)",
                             argv[opts.index]);
        fmt = argv[opts.index] + 1;
        if (opts.index + 1 < argc)
            util_usage_error(1, "extra operand '%s'", argv[opts.index + 1]);
    }
    if (!given) {
        if (clock_gettime(CLOCK_REALTIME, &now) < 0)
            util_exit(util_error("cannot read the clock", errno));
        t = now.tv_sec;
    }
    if (!gmtime_r(&t, &tm))
        util_exit(util_error("the time is out of the calendar's range", errno));
    /* strftime's 0 is both "empty" and "did not fit": grow until it fits. */
    for (;;) {
        char *more = realloc(buf, cap);

        if (!more)
            util_exit(util_error("formatting", ENOMEM));
        buf = more;
        n = strftime(buf, cap, fmt, &tm);
        if (n > 0 || fmt[0] == '\0' || cap >= DATE_OUT_MAX)
            break;
        cap *= 2;
    }
    /* A format that is not empty always makes something: 0 is "too long". */
    if (n == 0 && fmt[0] != '\0')
        util_exit(util_fail("the format makes more than %d bytes", DATE_OUT_MAX));
    util_out(buf, n);
    util_outc('\n');
    free(buf);
    util_exit(0);
}
