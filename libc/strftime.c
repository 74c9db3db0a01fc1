// SPDX-License-Identifier: MIT
/*
 * strftime in the "C" locale (<time.h> lists the conversions). Pure code
 * over the caller's struct tm: nothing is looked up, so the result is
 * exactly what the fields say (%s reads them as local time with mktime,
 * %z and %Z take tm_gmtoff and tm_zone). It writes through one bounded cursor
 * (struct sf_out) that stops at max - 1 bytes and remembers it had to,
 * so nothing past the caller's buffer is ever touched and an output too
 * long is reported as 0, as C asks. The composite conversions (%c, %D,
 * %F, %r, %R, %T, %x, %X) are the same function run over their C-locale
 * expansion. Names and numbers out of their ranges print `?` rather than
 * read outside a table. tests/host/test_time.c compares it with glibc's.
 */
#include <stdint.h>
#include <time.h>

struct sf_out {
    char *s;
    size_t max, len; /* len < max while !full */
    int full;
};

static const char *const sf_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};
static const char *const sf_months[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};

static void
sf_putc(struct sf_out *o, char c)
{
    if (o->len + 1 >= o->max) {
        o->full = 1;
        return;
    }
    o->s[o->len++] = c;
}

/* The first n bytes of str (all of it for n < 0). */
static void
sf_puts(struct sf_out *o, const char *str, int n)
{
    for (; *str && n != 0; str++, n--)
        sf_putc(o, *str);
}

/* n in decimal, padded to width with pad; a minus sign before the pad. */
static void
sf_num(struct sf_out *o, int64_t n, int width, char pad)
{
    char tmp[24];
    int k = 0;
    uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;

    do {
        tmp[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0) {
        sf_putc(o, '-');
        width--;
    }
    for (; width > k; width--)
        sf_putc(o, pad);
    while (k)
        sf_putc(o, tmp[--k]);
}

static int64_t
sf_floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

static int64_t
sf_mod(int64_t a, int64_t b)
{
    return a - sf_floor_div(a, b) * b;
}

static int
sf_is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* ISO 8601 weeks of the year y whose January 1st falls on weekday jan1
 * (0 Sunday): 53 when it starts on a Thursday, or on a Wednesday in a
 * leap year; else 52. */
static int
sf_iso_weeks(int64_t y, int64_t jan1)
{
    return jan1 == 4 || (jan1 == 3 && sf_is_leap(y)) ? 53 : 52;
}

/* The ISO 8601 week (1..53) and its year of *tm, from tm_year, tm_yday
 * and tm_wday alone: weeks start on Monday, and week 1 is the one with
 * the year's first Thursday. */
static void
sf_iso_week(const struct tm *tm, int64_t *year, int *week)
{
    int64_t y = (int64_t)tm->tm_year + 1900;
    int64_t wday_iso = sf_mod((int64_t)tm->tm_wday + 6, 7) + 1; /* 1 Monday .. 7 Sunday */
    int64_t jan1 = sf_mod((int64_t)tm->tm_wday - tm->tm_yday, 7);
    int64_t w = ((int64_t)tm->tm_yday + 1 - wday_iso + 10) / 7;

    if (w < 1) {
        int64_t prev_jan1 = sf_mod(jan1 - (sf_is_leap(y - 1) ? 366 : 365), 7);

        *year = y - 1;
        *week = sf_iso_weeks(y - 1, prev_jan1);
    } else if (w > sf_iso_weeks(y, jan1)) {
        *year = y + 1;
        *week = 1;
    } else {
        *year = y;
        *week = (int)w;
    }
}

static void sf_format(struct sf_out *o, const char *fmt, const struct tm *tm);

static void
sf_conv(struct sf_out *o, char c, const struct tm *tm)
{
    int64_t year = (int64_t)tm->tm_year + 1900, iso_year;
    int wday_ok = tm->tm_wday >= 0 && tm->tm_wday <= 6,
        mon_ok = tm->tm_mon >= 0 && tm->tm_mon <= 11;
    int week;

    switch (c) {
    case 'a':
        sf_puts(o, wday_ok ? sf_days[tm->tm_wday] : "?", 3);
        break;
    case 'A':
        sf_puts(o, wday_ok ? sf_days[tm->tm_wday] : "?", -1);
        break;
    case 'b':
    case 'h':
        sf_puts(o, mon_ok ? sf_months[tm->tm_mon] : "?", 3);
        break;
    case 'B':
        sf_puts(o, mon_ok ? sf_months[tm->tm_mon] : "?", -1);
        break;
    case 'c':
        sf_format(o, "%a %b %e %H:%M:%S %Y", tm);
        break;
    case 'C':
        sf_num(o, sf_floor_div(year, 100), 2, '0');
        break;
    case 'd':
        sf_num(o, tm->tm_mday, 2, '0');
        break;
    case 'D':
        sf_format(o, "%m/%d/%y", tm);
        break;
    case 'e':
        sf_num(o, tm->tm_mday, 2, ' ');
        break;
    case 'F':
        sf_format(o, "%Y-%m-%d", tm);
        break;
    case 'g':
        sf_iso_week(tm, &iso_year, &week);
        sf_num(o, sf_mod(iso_year, 100), 2, '0');
        break;
    case 'G':
        sf_iso_week(tm, &iso_year, &week);
        sf_num(o, iso_year, 1, '0');
        break;
    case 'H':
        sf_num(o, tm->tm_hour, 2, '0');
        break;
    case 'I':
        sf_num(o, sf_mod((int64_t)tm->tm_hour + 11, 12) + 1, 2, '0');
        break;
    case 'j':
        sf_num(o, (int64_t)tm->tm_yday + 1, 3, '0');
        break;
    case 'm':
        sf_num(o, (int64_t)tm->tm_mon + 1, 2, '0');
        break;
    case 'M':
        sf_num(o, tm->tm_min, 2, '0');
        break;
    case 'n':
        sf_putc(o, '\n');
        break;
    case 'p':
        sf_puts(o, tm->tm_hour >= 12 ? "PM" : "AM", -1);
        break;
    case 'r':
        sf_format(o, "%I:%M:%S %p", tm);
        break;
    case 'R':
        sf_format(o, "%H:%M", tm);
        break;
    case 's': {
        struct tm copy = *tm;

        sf_num(o, mktime(&copy), 1, '0');
        break;
    }
    case 'S':
        sf_num(o, tm->tm_sec, 2, '0');
        break;
    case 't':
        sf_putc(o, '\t');
        break;
    case 'T':
        sf_format(o, "%H:%M:%S", tm);
        break;
    case 'u':
        sf_num(o, sf_mod((int64_t)tm->tm_wday + 6, 7) + 1, 1, '0');
        break;
    case 'U':
        sf_num(o, ((int64_t)tm->tm_yday + 7 - tm->tm_wday) / 7, 2, '0');
        break;
    case 'V':
        sf_iso_week(tm, &iso_year, &week);
        sf_num(o, week, 2, '0');
        break;
    case 'w':
        sf_num(o, tm->tm_wday, 1, '0');
        break;
    case 'W':
        sf_num(o, ((int64_t)tm->tm_yday + 7 - sf_mod((int64_t)tm->tm_wday + 6, 7)) / 7, 2, '0');
        break;
    case 'x':
        sf_format(o, "%m/%d/%y", tm);
        break;
    case 'X':
        sf_format(o, "%H:%M:%S", tm);
        break;
    case 'y':
        sf_num(o, sf_mod(year, 100), 2, '0');
        break;
    case 'Y':
        sf_num(o, year, 1, '0');
        break;
    case 'z': {
        /* +hhmm east of UTC; seconds of the offset are dropped, as glibc does. */
        long off = tm->tm_gmtoff;
        uint64_t mins = (off < 0 ? (uint64_t)0 - (uint64_t)off : (uint64_t)off) / 60;

        sf_putc(o, off < 0 ? '-' : '+');
        sf_num(o, (int64_t)(mins / 60 * 100 + mins % 60), 4, '0');
        break;
    }
    case 'Z':
        /* A struct tm from localtime or gmtime names its zone; one filled
         * by hand names none, and gets the process's name for its
         * tm_isdst (nothing for a negative one). */
        if (tm->tm_zone)
            sf_puts(o, tm->tm_zone, -1);
        else if (tm->tm_isdst >= 0)
            sf_puts(o, tzname[tm->tm_isdst > 0], -1);
        break;
    case '%':
        sf_putc(o, '%');
        break;
    default:
        break; /* sf_format passes only the conversions above */
    }
}

/* Whether c is one of set's bytes (never the 0). */
static int
sf_in(char c, const char *set)
{
    for (; *set; set++) {
        if (*set == c)
            return 1;
    }
    return 0;
}

static void
sf_format(struct sf_out *o, const char *fmt, const struct tm *tm)
{
    const char *p = fmt;

    while (*p && !o->full) {
        const char *start = p;
        char mod = 0;

        if (*p != '%') {
            sf_putc(o, *p++);
            continue;
        }
        p++;
        if (*p == 'E' || *p == 'O')
            mod = *p++;
        /* The alternative forms (C99's E and O, C23's %Ob %OB) are the
         * plain ones in the "C" locale. */
        if (*p && sf_in(*p, "aAbBcCdDeFgGhHIjmMnprRsStTuUVwWxXyYzZ%") &&
            (!mod || sf_in(*p, mod == 'E' ? "cCxXyY" : "bBdehHImMSuUVwWy"))) {
            sf_conv(o, *p++, tm);
            continue;
        }
        /* Unknown, a modifier where it does not belong, or cut short by the
         * end: copied as it stands, as glibc does. */
        if (*p)
            p++;
        while (start < p)
            sf_putc(o, *start++);
    }
}

size_t
strftime(char *s, size_t max, const char *fmt, const struct tm *tm)
{
    struct sf_out o = {s, max, 0, 0};

    if (max == 0)
        return 0;
    sf_format(&o, fmt, tm);
    s[o.len] = '\0';
    return o.full ? 0 : o.len;
}
