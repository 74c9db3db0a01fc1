// SPDX-License-Identifier: MIT
/*
 * Time zones: the POSIX TZ string of the environment (there is no tz
 * database), tzset and its tzname, timezone and daylight, localtime and
 * mktime. Two layers:
 *
 *   - pure code over a struct tz_zone (timezone.h): tz_parse reads a
 *     string such as "CET-1CEST,M3.5.0,M10.5.0/3", tz_is_dst finds the
 *     year's two changes, tz_localtime and tz_mktime convert. No state,
 *     host-tested against glibc (tests/host/test_time.c) and fuzzed
 *     (tests/fuzz/fuzz_tz.c);
 *   - the process's zone: tz_current, parsed from getenv("TZ") by tzset
 *     and kept with the string it came from, so that a call that must
 *     look at TZ again (tzset, localtime, mktime, as glibc) parses only
 *     when the string changed. TZ unset, empty, or not a whole valid
 *     string is UTC.
 *
 * Invariants: tz_current and the name pool are written only under
 * tz_lock, and readers copy tz_current under it, so a localtime_r racing
 * a tzset sees one zone or the other, never half of each. tm_zone and
 * tzname point into the pool, whose names are never rewritten, so a
 * struct tm keeps its name after TZ changes; past the pool's TZ_POOL
 * distinct names they point into tz_current, a string still, but the
 * name of whatever zone TZ names later.
 *
 * A change's instant follows glibc: the rule's day in the UTC year of the
 * time asked about, plus the rule's local time, minus the offset in force
 * before the change (standard time for the start, DST for the end).
 * Where DST starts later in the year than it ends, the zone is in the
 * southern hemisphere and DST spans the new year.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timezone.h"

#define TZ_SECS_PER_DAY  86400
#define TZ_OFFSET_MAX    (24 * 3600 + 59 * 60 + 59)  /* POSIX: hours 0..24 */
#define TZ_RULE_TIME_MAX (167 * 3600 + 59 * 60 + 59) /* POSIX 2024: -167..167 hours */
#define TZ_SOURCE_MAX    128                         /* a longer TZ is no zone: UTC */
#define TZ_POOL          64                          /* distinct names a process keeps */

/* The US rules, which glibc and musl take for a zone that names DST but
 * no changes ("EST5EDT"). */
#define TZ_DEFAULT_RULES ",M3.2.0,M11.1.0"

/* --- parsing --- */

static int
tz_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
tz_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A zone's name: three or more letters, or <...> of letters, digits, '+'
 * and '-'. The text after it, or NULL. */
static const char *
tz_parse_name(const char *p, char *name)
{
    size_t n = 0;

    if (*p == '<') {
        for (p++; *p != '>'; p++) {
            if (!(tz_is_alpha(*p) || tz_is_digit(*p) || *p == '+' || *p == '-') || n == TZ_NAME_MAX)
                return NULL;
            name[n++] = *p;
        }
        p++;
    } else {
        for (; tz_is_alpha(*p); p++) {
            if (n == TZ_NAME_MAX)
                return NULL;
            name[n++] = *p;
        }
    }
    name[n] = '\0';
    return n >= 3 ? p : NULL;
}

/* One to max_digits decimal digits, at most max: the text after, or NULL. */
static const char *
tz_parse_num(const char *p, int max_digits, long max, long *v)
{
    int k = 0;

    *v = 0;
    while (tz_is_digit(*p) && k < max_digits) {
        *v = *v * 10 + (*p++ - '0');
        k++;
    }
    return k == 0 || tz_is_digit(*p) || *v > max ? NULL : p;
}

/* [+-]hh[:mm[:ss]], hours at most max_hours: seconds, negative for '-'. */
static const char *
tz_parse_hms(const char *p, int hour_digits, long max_hours, long *secs)
{
    long h, m = 0, s = 0;
    int neg = *p == '-';

    if (*p == '+' || *p == '-')
        p++;
    if (!(p = tz_parse_num(p, hour_digits, max_hours, &h)))
        return NULL;
    if (*p == ':') {
        if (!(p = tz_parse_num(p + 1, 2, 59, &m)))
            return NULL;
        if (*p == ':' && !(p = tz_parse_num(p + 1, 2, 59, &s)))
            return NULL;
    }
    *secs = (h * 3600 + m * 60 + s) * (neg ? -1 : 1);
    return p;
}

/* An offset as POSIX writes it (west positive): seconds east of UTC. */
static const char *
tz_parse_offset(const char *p, long *east)
{
    long west;

    if (!(p = tz_parse_hms(p, 2, 24, &west)))
        return NULL;
    *east = -west;
    return p;
}

/* date[/time]: Jn, n or Mm.w.d, the time 02:00:00 when not given. */
static const char *
tz_parse_rule(const char *p, struct tz_rule *r)
{
    long v, w, d;

    r->month = r->week = 0;
    if (*p == 'J') {
        if (!(p = tz_parse_num(p + 1, 3, 365, &v)) || v < 1)
            return NULL;
        r->kind = TZ_RULE_JULIAN;
        r->day = (int)v;
    } else if (*p == 'M') {
        if (!(p = tz_parse_num(p + 1, 2, 12, &v)) || v < 1 || *p != '.' ||
            !(p = tz_parse_num(p + 1, 1, 5, &w)) || w < 1 || *p != '.' ||
            !(p = tz_parse_num(p + 1, 1, 6, &d)))
            return NULL;
        r->kind = TZ_RULE_MONTH;
        r->month = (int)v;
        r->week = (int)w;
        r->day = (int)d;
    } else {
        if (!(p = tz_parse_num(p, 3, 365, &v)))
            return NULL;
        r->kind = TZ_RULE_DAY;
        r->day = (int)v;
    }
    r->secs = 2 * 3600;
    if (*p == '/' && !(p = tz_parse_hms(p + 1, 3, 167, &r->secs)))
        return NULL;
    return p;
}

void
tz_utc(struct tz_zone *z)
{
    memset(z, 0, sizeof(*z));
    memcpy(z->std_name, "UTC", 4);
    memcpy(z->dst_name, "UTC", 4);
    z->std_zone = z->std_name;
    z->dst_zone = z->dst_name;
}

int
tz_parse(const char *s, struct tz_zone *z)
{
    const char *p = s;

    tz_utc(z);
    if (!(p = tz_parse_name(p, z->std_name)) || !(p = tz_parse_offset(p, &z->std_off)))
        goto bad;
    if (*p == '\0') {
        memcpy(z->dst_name, z->std_name, sizeof(z->dst_name));
        z->dst_off = z->std_off;
        return 0;
    }
    if (!(p = tz_parse_name(p, z->dst_name)))
        goto bad;
    z->dst_off = z->std_off + 3600;
    if (*p != ',' && *p != '\0' && !(p = tz_parse_offset(p, &z->dst_off)))
        goto bad;
    if (*p == '\0' || (p[0] == ',' && p[1] == '\0'))
        p = TZ_DEFAULT_RULES;
    if (*p != ',' || !(p = tz_parse_rule(p + 1, &z->start)) || *p != ',' ||
        !(p = tz_parse_rule(p + 1, &z->end)) || *p != '\0')
        goto bad;
    z->has_dst = 1;
    return 0;
bad:
    tz_utc(z);
    return -1;
}

/* --- the arithmetic --- */

/* Seconds from 1970 to the first of month mon (0..11) of tm_year, and
 * that day's weekday. */
static int64_t
tz_month_start(int tm_year, int mon, int *wday)
{
    struct tm t = {0};
    int64_t secs;

    t.tm_year = tm_year;
    t.tm_mon = mon;
    t.tm_mday = 1;
    /* A first of the month of an int year: timegm cannot refuse it. */
    secs = timegm(&t);
    *wday = t.tm_wday;
    return secs;
}

static int
tz_is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* The instant of a change in tm_year, off the offset in force before it. */
static int64_t
tz_change(const struct tz_rule *r, int tm_year, long off)
{
    static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t y = (int64_t)tm_year + 1900, day;
    int wday;

    switch (r->kind) {
    case TZ_RULE_JULIAN:
        day = tz_month_start(tm_year, 0, &wday) + (int64_t)(r->day - 1) * TZ_SECS_PER_DAY;
        if (r->day >= 60 && tz_is_leap(y))
            day += TZ_SECS_PER_DAY;
        break;
    case TZ_RULE_DAY:
        day = tz_month_start(tm_year, 0, &wday) + (int64_t)r->day * TZ_SECS_PER_DAY;
        break;
    default: {
        int len = mdays[r->month - 1] + (r->month == 2 && tz_is_leap(y));
        int d;

        day = tz_month_start(tm_year, r->month - 1, &wday);
        d = (r->day - wday + 7) % 7; /* the first such weekday, from 0 */
        for (int w = 1; w < r->week && d + 7 < len; w++)
            d += 7;
        day += (int64_t)d * TZ_SECS_PER_DAY;
        break;
    }
    }
    return day + r->secs - off;
}

int
tz_is_dst(const struct tz_zone *z, time_t t)
{
    struct tm u;
    int64_t start, end;
    int saved = errno;

    if (!z->has_dst)
        return 0;
    if (!gmtime_r(&t, &u)) {
        errno = saved;
        return 0;
    }
    start = tz_change(&z->start, u.tm_year, z->std_off);
    end = tz_change(&z->end, u.tm_year, z->dst_off);
    if (start > end)
        return t >= start || t < end;
    return t >= start && t < end;
}

struct tm *
tz_localtime(const struct tz_zone *z, time_t t, struct tm *out)
{
    int dst = tz_is_dst(z, t);
    long off = dst ? z->dst_off : z->std_off;
    time_t local;

    if (__builtin_add_overflow(t, off, &local)) {
        errno = EOVERFLOW;
        return NULL;
    }
    if (!gmtime_r(&local, out))
        return NULL;
    out->tm_isdst = dst;
    out->tm_gmtoff = off;
    out->tm_zone = dst ? z->dst_zone : z->std_zone;
    return out;
}

time_t
tz_mktime(const struct tz_zone *z, struct tm *tm)
{
    struct tm norm = *tm, out;
    long std = z->std_off, dst = z->has_dst ? z->dst_off : z->std_off + 3600;
    int saved = errno;
    time_t local, t, t_dst;

    errno = 0;
    local = timegm(&norm);
    if (local == (time_t)-1 && errno)
        return (time_t)-1;
    errno = saved;
    if (__builtin_sub_overflow(local, tm->tm_isdst > 0 ? dst : std, &t))
        goto overflow;
    /* No hint: standard time unless only DST holds (an hour that happens
     * twice is standard time, an hour skipped is read as standard time). */
    if (tm->tm_isdst < 0 && tz_is_dst(z, t) && !__builtin_sub_overflow(local, dst, &t_dst) &&
        tz_is_dst(z, t_dst))
        t = t_dst;
    if (!tz_localtime(z, t, &out))
        return (time_t)-1;
    *tm = out;
    return t;
overflow:
    errno = EOVERFLOW;
    return (time_t)-1;
}

/* --- the process's zone --- */

char *tzname[2] = {"UTC", "UTC"};
long timezone;
int daylight;

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz_zone tz_current;              /* [tz_lock] */
static char tz_source[TZ_SOURCE_MAX];          /* [tz_lock] the TZ it was parsed from */
static int tz_loaded;                          /* [tz_lock] tz_current and tz_source are set */
static char tz_pool[TZ_POOL][TZ_NAME_MAX + 1]; /* [tz_lock] names tm_zone points to */
static int tz_pool_used;                       /* [tz_lock] */

/* A lasting copy of name, or NULL when the pool is full. */
static const char *
tz_intern_locked(const char *name)
{
    for (int i = 0; i < tz_pool_used; i++) {
        if (strcmp(tz_pool[i], name) == 0)
            return tz_pool[i];
    }
    if (tz_pool_used == TZ_POOL)
        return NULL;
    memcpy(tz_pool[tz_pool_used], name, strlen(name) + 1);
    return tz_pool[tz_pool_used++];
}

/* Reads TZ again when always, or when no zone is loaded yet. */
static void
tz_load_locked(int always)
{
    const char *s;
    size_t len;

    if (tz_loaded && !always)
        return;
    s = getenv("TZ");
    if (!s)
        s = "";
    len = strlen(s);
    if (tz_loaded && len < TZ_SOURCE_MAX && strcmp(s, tz_source) == 0)
        return;
    if (len >= TZ_SOURCE_MAX || tz_parse(s, &tz_current) < 0)
        tz_utc(&tz_current);
    if (len < TZ_SOURCE_MAX)
        memcpy(tz_source, s, len + 1);
    else
        tz_source[0] = '\x7f'; /* no TZ equals it: a long one is read again */
    /* Past the pool's room, the names of tz_current itself: always a
     * string, though a later zone's. */
    if (!(tz_current.std_zone = tz_intern_locked(tz_current.std_name)))
        tz_current.std_zone = tz_current.std_name;
    if (!(tz_current.dst_zone = tz_intern_locked(tz_current.dst_name)))
        tz_current.dst_zone = tz_current.dst_name;
    tzname[0] = (char *)tz_current.std_zone;
    tzname[1] = (char *)tz_current.dst_zone;
    timezone = -tz_current.std_off;
    daylight = tz_current.has_dst;
    tz_loaded = 1;
}

/* A copy of the process's zone, TZ read again first when always. */
static void
tz_get(struct tz_zone *z, int always)
{
    pthread_mutex_lock(&tz_lock);
    tz_load_locked(always);
    *z = tz_current;
    pthread_mutex_unlock(&tz_lock);
}

void
tzset(void)
{
    struct tz_zone z;

    tz_get(&z, 1);
}

struct tm *
localtime_r(const time_t *t, struct tm *out)
{
    struct tz_zone z;

    tz_get(&z, 0);
    return tz_localtime(&z, *t, out);
}

struct tm *
localtime(const time_t *t)
{
    static struct tm result;
    struct tz_zone z;

    tz_get(&z, 1);
    return tz_localtime(&z, *t, &result);
}

time_t
mktime(struct tm *tm)
{
    struct tz_zone z;

    tz_get(&z, 1);
    return tz_mktime(&z, tm);
}
