// SPDX-License-Identifier: MIT
/*
 * The calendar of <time.h>: seconds since 1970 to a broken-down time and
 * back (gmtime_r, timegm), asctime, ctime and difftime. Pure arithmetic on
 * the proleptic Gregorian calendar in UTC, with no state but the static
 * results C asks gmtime and asctime to return. The local forms (localtime,
 * mktime) are libc/timezone.c's, built on these.
 *
 * Days and years are 64-bit throughout, so no intermediate can overflow
 * for any time_t or any int field: a year beyond int is refused at the
 * end (EOVERFLOW), never wrapped. The day arithmetic counts in eras of
 * 400 years (146097 days, a whole number of weeks), the calendar's period,
 * with March as the first month so that the leap day falls last.
 * tests/host/test_time.c compares every function with glibc's.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <time.h>

#define SECS_PER_DAY  86400
#define DAYS_PER_ERA  146097 /* 400 years */
#define ASCTIME_SIZE  26     /* "Sun Sep 16 01:03:52 1973\n" and the 0 */
#define ASCTIME_LARGE 96     /* the static buffer: any int in every field fits */

static struct tm calendar_tm;
static char calendar_text[ASCTIME_LARGE];

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

/* Days from 1970-01-01 to y-m-d (m 1..12, d 1..31). */
static int64_t
calendar_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;                                   /* 0..399 */
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365, from March 1st */
    return era * DAYS_PER_ERA + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* The date of a day counted from 1970-01-01. */
static void
calendar_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468; /* from 0000-03-01 */
    era = floor_div(z, DAYS_PER_ERA);
    doe = z - era * DAYS_PER_ERA;                                            /* 0..146096 */
    yoe = (doe - doe / 1460 + doe / 36524 - doe / (DAYS_PER_ERA - 1)) / 365; /* 0..399 */
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                           /* 0..365 */
    mp = (5 * doy + 2) / 153;                                                /* 0..11, March 0 */
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

struct tm *
gmtime_r(const time_t *t, struct tm *out)
{
    int64_t days = floor_div(*t, SECS_PER_DAY), secs = *t - days * SECS_PER_DAY, y;
    unsigned m, d;

    calendar_civil_from_days(days, &y, &m, &d);
    if (y - 1900 > INT_MAX || y - 1900 < INT_MIN) {
        errno = EOVERFLOW;
        return NULL;
    }
    out->tm_sec = (int)(secs % 60);
    out->tm_min = (int)(secs / 60 % 60);
    out->tm_hour = (int)(secs / 3600);
    out->tm_mday = (int)d;
    out->tm_mon = (int)m - 1;
    out->tm_year = (int)(y - 1900);
    out->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    out->tm_yday = (int)(days - calendar_days_from_civil(y, 1, 1));
    out->tm_isdst = 0;
    out->tm_gmtoff = 0;
    out->tm_zone = "UTC";
    return out;
}

struct tm *
gmtime(const time_t *t)
{
    return gmtime_r(t, &calendar_tm);
}

time_t
timegm(struct tm *tm)
{
    int64_t y = (int64_t)tm->tm_year + 1900 + floor_div(tm->tm_mon, 12);
    int64_t mon = tm->tm_mon - floor_div(tm->tm_mon, 12) * 12; /* 0..11 */
    int64_t days = calendar_days_from_civil(y, (unsigned)mon + 1, 1) + (int64_t)tm->tm_mday - 1;
    int64_t secs =
        days * SECS_PER_DAY + (int64_t)tm->tm_hour * 3600 + (int64_t)tm->tm_min * 60 + tm->tm_sec;
    time_t t = (time_t)secs;
    struct tm norm;

    /* Every term is at most about 2^31 days or 2^31 hours, far inside 64
     * bits; the year of the sum is what may not fit. */
    if (!gmtime_r(&t, &norm))
        return (time_t)-1;
    *tm = norm;
    return t;
}

double
difftime(time_t end, time_t start)
{
    return (double)end - (double)start;
}

/* Writes n as decimal digits, at least width of them, to the end of
 * buf's [0, *len) and returns the new length. */
static unsigned
calendar_put_num(char *buf, unsigned len, int64_t n, unsigned width, char pad)
{
    char tmp[24];
    unsigned k = 0;
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;

    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0)
        buf[len++] = '-';
    while (k < width--)
        buf[len++] = pad;
    while (k)
        buf[len++] = tmp[--k];
    return len;
}

/* The C standard's asctime format into buf of size bytes: NULL and
 * EOVERFLOW when it would not fit. */
static char *
calendar_asctime(const struct tm *tm, char *buf, unsigned size)
{
    static const char days[] = "SunMonTueWedThuFriSat",
                      months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char out[ASCTIME_LARGE];
    unsigned len = 0;
    int64_t year = (int64_t)tm->tm_year + 1900;

    for (int i = 0; i < 3; i++)
        out[len++] = tm->tm_wday >= 0 && tm->tm_wday <= 6 ? days[tm->tm_wday * 3 + i] : '?';
    out[len++] = ' ';
    for (int i = 0; i < 3; i++)
        out[len++] = tm->tm_mon >= 0 && tm->tm_mon <= 11 ? months[tm->tm_mon * 3 + i] : '?';
    out[len++] = ' ';
    len = calendar_put_num(out, len, tm->tm_mday, 2, ' ');
    out[len++] = ' ';
    len = calendar_put_num(out, len, tm->tm_hour, 2, '0');
    out[len++] = ':';
    len = calendar_put_num(out, len, tm->tm_min, 2, '0');
    out[len++] = ':';
    len = calendar_put_num(out, len, tm->tm_sec, 2, '0');
    out[len++] = ' ';
    len = calendar_put_num(out, len, year, 0, '0');
    out[len++] = '\n';
    if (len + 1 > size) {
        errno = EOVERFLOW;
        return NULL;
    }
    for (unsigned i = 0; i < len; i++)
        buf[i] = out[i];
    buf[len] = '\0';
    return buf;
}

char *
asctime_r(const struct tm *tm, char *buf)
{
    return calendar_asctime(tm, buf, ASCTIME_SIZE);
}

char *
asctime(const struct tm *tm)
{
    return calendar_asctime(tm, calendar_text, sizeof(calendar_text));
}

char *
ctime_r(const time_t *t, char *buf)
{
    struct tm tm;

    return localtime_r(t, &tm) ? asctime_r(&tm, buf) : NULL;
}

char *
ctime(const time_t *t)
{
    struct tm tm;

    return localtime_r(t, &tm) ? asctime(&tm) : NULL;
}
