/* SPDX-License-Identifier: MIT */
/*
 * Time (C11 7.27, POSIX): the clocks and sleeping (libc/time.c), the
 * calendar (libc/calendar.c) and strftime (libc/strftime.c).
 *
 * The clock keeps UTC. Local time is the POSIX TZ string of the
 * environment (docs/rtc.md, "Time zones"), such as "EST5EDT" or
 * "CET-1CEST,M3.5.0,M10.5.0/3": standard time and, when it names one,
 * daylight saving time with its yearly changes. There is no tz database:
 * TZ unset, empty, ":NAME" or anything that is not one whole valid POSIX
 * string is UTC.
 *
 * CLOCK_MONOTONIC is the kernel's clock since boot. CLOCK_REALTIME is the
 * wall clock: the monotonic clock plus an offset that libc asks the
 * real-time-clock driver (registry name `rtc`, include/proto/rtc.h) for
 * on the first call, and again on a call a second or more after the last
 * asking (so a clock set by another process shows within a second). A
 * program that may not look `rtc`
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

/* The broken-down time of C: every field of C and POSIX an int, then the
 * offset and zone name BSD and glibc add (POSIX 2024 has them too). */
struct tm {
    int tm_sec;          /* 0..60 */
    int tm_min;          /* 0..59 */
    int tm_hour;         /* 0..23 */
    int tm_mday;         /* 1..31 */
    int tm_mon;          /* 0..11, January 0 */
    int tm_year;         /* years since 1900 */
    int tm_wday;         /* 0..6, Sunday 0 */
    int tm_yday;         /* 0..365, January 1st 0 */
    int tm_isdst;        /* 1 in daylight saving time, 0 not, negative unknown (mktime's hint) */
    long tm_gmtoff;      /* seconds east of UTC */
    const char *tm_zone; /* the zone's abbreviation ("UTC", "CEST"), lasting; or NULL */
};

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

/* 0; or -1 with errno EINVAL for a clock that does not exist here, ENOENT
 * for CLOCK_REALTIME without a real-time clock (above), EIO when the
 * driver answers that the CMOS holds no valid time. */
int clock_gettime(clockid_t clock, struct timespec *ts);
/* Sets the wall clock (CLOCK_REALTIME only) through the driver's `rtc-set`
 * handle, which only programs whose registry lists that name may look up
 * (the manifest's [programs]: the shell's). 0; or -1 with errno EINVAL
 * for another clock, tv_nsec outside 0..999999999, or a time the CMOS
 * cannot hold (before 1970, after 9999); EPERM when `rtc-set` cannot be
 * looked up; EIO when the driver does not answer or the clock fails.
 * This process's CLOCK_REALTIME has the new time at once. */
int clock_settime(clockid_t clock, const struct timespec *ts);
/* Sleeps *req; 0, or -1 and EINVAL for a negative time or tv_nsec outside
 * 0..999999999, or -1 and EINTR when a signal's handler ran meanwhile,
 * with the time left in *rem (when not NULL; zero after a whole sleep). */
int nanosleep(const struct timespec *req, struct timespec *rem);
/* Seconds since 1970 (UTC), also in *t when t is not NULL; (time_t)-1
 * and errno as clock_gettime's when there is no wall clock. */
time_t time(time_t *t);

/* The calendar, pure arithmetic (the proleptic Gregorian calendar, any
 * year an int holds). gmtime_r fills *out from *t (tm_gmtoff 0, tm_zone
 * "UTC") and returns out, or NULL and EOVERFLOW; gmtime and localtime
 * each use one static struct tm (not thread-safe: use the _r forms).
 * localtime_r is *t in the zone of TZ, with tm_isdst, tm_gmtoff and
 * tm_zone set; it reads TZ on its first use only, localtime (as glibc)
 * on every call, and tzset when called. */
struct tm *gmtime(const time_t *t);
struct tm *gmtime_r(const time_t *t, struct tm *out);
struct tm *localtime(const time_t *t);
struct tm *localtime_r(const time_t *t, struct tm *out);
/* The time_t of *tm read as UTC. Fields out of their ranges are carried
 * over (month 12 is January of the next year, second -1 the last second
 * of the minute before); *tm is then rewritten normalised, with tm_wday
 * and tm_yday computed and tm_isdst 0. (time_t)-1 and EOVERFLOW when the
 * result's year does not fit in an int. */
time_t timegm(struct tm *tm);
/* The time_t of *tm read as local time (TZ read again, as tzset), fields
 * normalised as timegm's; tm_isdst is a hint taken as glibc takes it: 1,
 * the fields are DST (in winter, an hour earlier); 0, standard time (in
 * summer, an hour later); negative, whichever holds, standard time for an
 * hour that happens twice and for one skipped. *tm is rewritten as
 * localtime_r of the answer. */
time_t mktime(struct tm *tm);
/* Reads TZ again: tzname[0] and [1] name standard and daylight saving
 * time (both the one name in a zone without DST), timezone is standard
 * time's seconds west of UTC, daylight non-zero when the zone has DST. */
void tzset(void);
extern char *tzname[2];
extern long timezone;
extern int daylight;
/* "Sun Sep 16 01:03:52 1973\n": asctime and ctime (of the local time)
 * into one static buffer; the _r forms into buf, which must hold 26 bytes, and NULL with
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
 * 1970 of the fields read as local time, as mktime), and the E and O modifiers where C allows them (%Ec %EC %Ex %EX
 * %Ey %EY; %Od %Oe %OH %OI %Om %OM %OS %Ou %OU %OV %Ow %OW %Oy, and C23's
 * %Ob %OB), which change nothing in that locale. An unknown conversion,
 * or a modifier elsewhere, is copied as it stands, as glibc does. %z is
 * tm_gmtoff as +hhmm; %Z is tm_zone, or for a struct tm that has none,
 * tzname[tm_isdst > 0] (nothing when tm_isdst is negative).
 */
size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm);

#endif
