/* SPDX-License-Identifier: MIT */
/*
 * date: the date and time from the wall clock (CLOCK_REALTIME), or of a
 * given time (`-d DATE`), in the local time of TZ (libc's time zones,
 * docs/rtc.md) or in UTC (`-u`), printed as `Fri Dec  4 22:40:00 UTC 2026`
 * or by a strftime format (`+%Y-%m-%d`); and `-s DATE` sets the clock
 * (clock_settime, which needs the driver's `rtc-set` handle), then prints
 * the time set.
 *
 * DATE is `@SECONDS` (since 1970, UTC) or `YYYY-MM-DD [HH:MM[:SS]]`, read
 * in local time (UTC with -u). Every field is checked: a month 13, a
 * February 30th, an hour 24 or a local time that daylight saving time
 * skips is an invalid date, never a normalised other one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <util/util.h>

static const char date_usage[] =
    "Usage: date [-u] [-d DATE] [+FORMAT]\n"
    "       date [-u] -s DATE [+FORMAT]\n"
    "Print the date and time, in the local time of TZ (a POSIX string such as\n"
    "'CET-1CEST,M3.5.0,M10.5.0/3'; UTC when unset): by default as\n"
    "'Fri Dec  4 22:40:00 UTC 2026', else by FORMAT's strftime conversions.\n"
    "  -u       UTC, not local time (for printing and for reading DATE)\n"
    "  -d DATE  that time instead of now\n"
    "  -s DATE  set the clock to DATE, then print it\n"
    "DATE is @SECONDS (since 1970, UTC) or 'YYYY-MM-DD [HH:MM[:SS]]'.\n";

#define DATE_DEFAULT_FORMAT "%a %b %e %H:%M:%S %Z %Y"
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

/* Exactly n digits at *p, at most max: the number, or -1. */
static int
date_digits(const char **p, int n, int max)
{
    int v = 0;

    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v <= max ? v : -1;
}

static int
date_days_in_month(int year, int mon)
{
    static const unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    return days[mon - 1] + (mon == 2 && leap);
}

/* "YYYY-MM-DD [HH:MM[:SS]]" in local time: 0 and *t, -1 for no such
 * date, -2 for a local time that DST skips. */
static int
date_parse_civil(const char *s, time_t *t)
{
    const char *p = s;
    struct tm tm, want;
    int year, mon, mday, hour = 0, min = 0, sec = 0;

    if ((year = date_digits(&p, 4, 9999)) < 0 || *p++ != '-' ||
        (mon = date_digits(&p, 2, 12)) < 1 || *p++ != '-' || (mday = date_digits(&p, 2, 31)) < 1 ||
        mday > date_days_in_month(year, mon))
        return -1;
    if (*p == ' ' || *p == 'T') {
        p++;
        if ((hour = date_digits(&p, 2, 23)) < 0 || *p++ != ':' ||
            (min = date_digits(&p, 2, 59)) < 0)
            return -1;
        if (*p == ':' && (p++, (sec = date_digits(&p, 2, 59)) < 0))
            return -1;
    }
    if (*p)
        return -1;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = mday;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    want = tm;
    errno = 0;
    *t = mktime(&tm);
    if (*t == (time_t)-1 && errno)
        return -1;
    /* mktime moves a time DST skips (02:30 on the day clocks go to 03:00). */
    if (tm.tm_hour != want.tm_hour || tm.tm_min != want.tm_min || tm.tm_mday != want.tm_mday)
        return -2;
    return 0;
}

/* DATE as date(1) takes it, or a usage error naming it. */
static time_t
date_parse(const char *s)
{
    time_t t;
    int err;

    if (s[0] == '@') {
        if (date_parse_at(s, &t) == 0)
            return t;
        err = -1;
    } else {
        err = date_parse_civil(s, &t);
        if (err == 0)
            return t;
    }
    if (err == -2)
        util_usage_error(1, "invalid date '%s' (daylight saving time skips it)", s);
    util_usage_error(1, "invalid date '%s' (use @SECONDS or YYYY-MM-DD [HH:MM[:SS]])", s);
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    const char *fmt = DATE_DEFAULT_FORMAT, *given = NULL, *set = NULL;
    struct timespec now;
    struct tm tm;
    time_t t = 0;
    int utc = 0, c;
    size_t cap = 256, n;
    char *buf = NULL;

    util_init("date", date_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "ud:s:")) != -1) {
        if (c == 'u')
            utc = 1;
        else if (c == 'd')
            given = opts.arg;
        else if (c == 's')
            set = opts.arg;
    }
    if (given && set)
        util_usage_error(1, "-d and -s cannot go together");
    if (opts.index < argc) {
        if (argv[opts.index][0] != '+')
            util_usage_error(1, "extra operand '%s' (a format starts with '+')", argv[opts.index]);
        fmt = argv[opts.index] + 1;
        if (opts.index + 1 < argc)
            util_usage_error(1, "extra operand '%s'", argv[opts.index + 1]);
    }
    /* -u is the zone UTC0 throughout: mktime reads DATE, %s and %Z agree. */
    if (utc)
        setenv("TZ", "UTC0", 1);
    tzset();
    if (given || set)
        t = date_parse(given ? given : set);
    if (set) {
        struct timespec ts = {t, 0};

        if (clock_settime(CLOCK_REALTIME, &ts) < 0)
            util_exit(util_error("cannot set the clock", errno));
    } else if (!given) {
        if (clock_gettime(CLOCK_REALTIME, &now) < 0)
            util_exit(util_error("cannot read the clock", errno));
        t = now.tv_sec;
    }
    if (!localtime_r(&t, &tm))
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
