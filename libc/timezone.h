/* SPDX-License-Identifier: MIT */
/*
 * libc's time zones (libc/timezone.c): a POSIX TZ string parsed into one
 * struct tz_zone, and the pure arithmetic over it that localtime_r and
 * mktime use. Internal to libc; tests/host/test_time.c and
 * tests/fuzz/fuzz_tz.c call it directly.
 *
 * A zone has a standard time and, when the string names one, a daylight
 * saving time with its two yearly changes. Offsets are kept as seconds
 * east of UTC (the sign of tm_gmtoff), the negation of the string's,
 * which counts west: "EST5" is std_off -18000.
 */
#ifndef CAIRN_LIBC_TIMEZONE_H
#define CAIRN_LIBC_TIMEZONE_H

#include <time.h>

#define TZ_NAME_MAX 15 /* a zone's abbreviation, without the 0 */

enum tz_rule_kind {
    TZ_RULE_JULIAN, /* Jn: day 1..365 of the year, February 29th never counted */
    TZ_RULE_DAY,    /* n: day 0..365 of the year, February 29th counted */
    TZ_RULE_MONTH   /* Mm.w.d: weekday d (0 Sunday) of week w (5 the last) of month m */
};

/* One yearly change: a day of the year and the local time on it (POSIX
 * 2024 allows -167..167 hours, so a change may fall on another day). */
struct tz_rule {
    int kind;        /* enum tz_rule_kind */
    int day;         /* Jn and n: n; Mm.w.d: d */
    int month, week; /* Mm.w.d only: m 1..12, w 1..5 */
    long secs;       /* the local time of the change, seconds from midnight */
};

struct tz_zone {
    char std_name[TZ_NAME_MAX + 1], dst_name[TZ_NAME_MAX + 1];
    const char *std_zone, *dst_zone; /* what tm_zone points to: the names, or lasting copies */
    long std_off, dst_off;           /* seconds east of UTC */
    int has_dst;                     /* dst_name, dst_off, start and end are meaningful */
    struct tz_rule start, end;       /* DST starts (in standard time), ends (in DST) */
};

/* *z as UTC: name "UTC", offset 0, no daylight saving time. */
void tz_utc(struct tz_zone *z);

/* Parses a POSIX TZ string (no leading ':', no file names): 0 and *z, or
 * -1 with *z set to UTC for anything that is not one whole valid string. */
int tz_parse(const char *s, struct tz_zone *z);

/* Whether daylight saving time is in force at t. The changes are those of
 * t's year in UTC, as glibc computes them. */
int tz_is_dst(const struct tz_zone *z, time_t t);

/* The local time of t in *out (tm_isdst, tm_gmtoff and tm_zone set): out,
 * or NULL with errno EOVERFLOW when its year does not fit in an int. */
struct tm *tz_localtime(const struct tz_zone *z, time_t t, struct tm *out);

/* mktime in zone z: *tm's fields (normalised, any range) read as local
 * time, tm_isdst a hint as glibc takes it (positive: the fields are in
 * DST; 0: in standard time; negative: whichever holds, standard time in
 * an hour that happens twice and in a gap), and *tm rewritten as
 * tz_localtime of the answer. (time_t)-1 and EOVERFLOW when the answer or
 * its year does not fit, *tm untouched. */
time_t tz_mktime(const struct tz_zone *z, struct tm *tm);

#endif
