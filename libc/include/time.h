/* SPDX-License-Identifier: MIT */
/*
 * Time (C11 7.27, POSIX): the clocks and sleeping (libc/time.c), the
 * calendar (libc/calendar.c) and strftime (libc/strftime.c).
 *
 * Cairn keeps one time: UTC. There are no time zones and no daylight
 * saving time, so localtime is gmtime, mktime is timegm, tm_isdst is
 * always 0, and %Z prints "UTC", %z "+0000".
 *
 * CLOCK_MONOTONIC is the kernel's clock since boot. CLOCK_REALTIME is the
 * wall clock: the monotonic clock plus an offset that libc asks the
 * real-time-clock driver (registry name `rtc`, include/proto/rtc.h) for
 * once, on the first call, and keeps. A program that may not look `rtc`
 * up, or a system without the driver, has no wall clock: CLOCK_REALTIME,
 * time() and gettimeofday() then fail with ENOENT rather than answer a
 * made-up date.
 *
 * Times before 1970 are negative time_t values and work throughout;
 * gmtime refuses (EOVERFLOW) a time whose year does not fit in an int.
 */
#ifndef CAIRN_LIBC_TIME_H
#define CAIRN_LIBC_TIME_H

#include <stddef.h>

typedef long time_t;
typedef int clockid_t;

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

/* The broken-down time of C: every field an int, as C and POSIX name
 * them. */
struct tm {
    int tm_sec;   /* 0..60 */
    int tm_min;   /* 0..59 */
    int tm_hour;  /* 0..23 */
    int tm_mday;  /* 1..31 */
    int tm_mon;   /* 0..11, January 0 */
    int tm_year;  /* years since 1900 */
    int tm_wday;  /* 0..6, Sunday 0 */
    int tm_yday;  /* 0..365, January 1st 0 */
    int tm_isdst; /* 0: Cairn has no daylight saving time */
};

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

/* 0; or -1 with errno EINVAL for a clock that does not exist here, ENOENT
 * for CLOCK_REALTIME without a real-time clock (above), EIO when the
 * driver answers that the CMOS holds no valid time. */
int clock_gettime(clockid_t clock, struct timespec *ts);
/* Sleeps *req; 0, or -1 and EINVAL for a negative time or tv_nsec outside
 * 0..999999999. rem, when not NULL, is set to zero (nothing interrupts a
 * sleep yet). */
int nanosleep(const struct timespec *req, struct timespec *rem);
/* Seconds since 1970 (UTC), also in *t when t is not NULL; (time_t)-1
 * and errno as clock_gettime's when there is no wall clock. */
time_t time(time_t *t);

/* The calendar, pure arithmetic (the proleptic Gregorian calendar, any
 * year an int holds). gmtime_r fills *out from *t and returns out, or
 * NULL and EOVERFLOW; gmtime and localtime use one static struct tm (not
 * thread-safe: use the _r forms), localtime_r is gmtime_r. */
struct tm *gmtime(const time_t *t);
struct tm *gmtime_r(const time_t *t, struct tm *out);
struct tm *localtime(const time_t *t);
struct tm *localtime_r(const time_t *t, struct tm *out);
/* The time_t of *tm read as UTC. Fields out of their ranges are carried
 * over (month 12 is January of the next year, second -1 the last second
 * of the minute before); *tm is then rewritten normalised, with tm_wday
 * and tm_yday computed and tm_isdst 0. (time_t)-1 and EOVERFLOW when the
 * result's year does not fit in an int. mktime is timegm here (UTC). */
time_t timegm(struct tm *tm);
time_t mktime(struct tm *tm);
/* "Sun Sep 16 01:03:52 1973\n": asctime and ctime into one static
 * buffer; the _r forms into buf, which must hold 26 bytes, and NULL with
 * EOVERFLOW for a year that needs more than four digits. */
char *asctime(const struct tm *tm);
char *asctime_r(const struct tm *tm, char *buf);
char *ctime(const time_t *t);
char *ctime_r(const time_t *t, char *buf);
double difftime(time_t end, time_t start);
/*
 * Formats *tm by fmt into s (at most max bytes with the 0): the bytes
 * written without the 0, or 0 when they do not fit (s then holds
 * something undefined). The conversions of C99 in the "C" locale:
 * %a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %m %M %n %p %r %R %S
 * %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%, POSIX's %s (seconds since
 * 1970), and the E and O modifiers where C allows them (%Ec %EC %Ex %EX
 * %Ey %EY; %Od %Oe %OH %OI %Om %OM %OS %Ou %OU %OV %Ow %OW %Oy, and C23's
 * %Ob %OB), which change nothing in that locale. An unknown conversion,
 * or a modifier elsewhere, is copied as it stands, as glibc does.
 */
size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm);

#endif
