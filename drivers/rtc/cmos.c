// SPDX-License-Identifier: MIT
/*
 * A snapshot of the CMOS clock's registers to seconds since 1970 and back
 * (rtc.h has the register formats). Pure code: every field is checked
 * before it is used, so a clock never set or with a flat battery (any
 * byte at all) gives -CAIRN_EIO, never a wrong date or an overflow; a
 * time to set is checked against the clock's range first, so what is
 * written always decodes to it. Built into the driver and into
 * tests/host/test_time.c.
 */
#include <cairn/errors.h>

#include "rtc.h"

/* A register's value as a number: BCD (both nibbles 0-9) or binary. -1
 * for a byte that is not BCD. */
static int
rtc_field(uint8_t v, int binary)
{
    if (binary)
        return v;
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0f);
}

static int
rtc_days_in_month(int year, int mon)
{
    static const uint8_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    return days[mon - 1] + (mon == 2 && leap);
}

/* Days from 1970-01-01 to a date of year >= 1970 (checked by the caller). */
static int64_t
rtc_days(int year, int mon, int mday)
{
    int64_t days = 0;

    for (int y = 1970; y < year; y++)
        days += 365 + (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
    for (int m = 1; m < mon; m++)
        days += rtc_days_in_month(year, m);
    return days + mday - 1;
}

int
rtc_decode(const struct rtc_regs *r, int64_t *secs)
{
    int binary = (r->status_b & RTC_B_BINARY) != 0;
    int pm = !(r->status_b & RTC_B_24H) && (r->hour & RTC_HOUR_PM);
    int sec = rtc_field(r->sec, binary), min = rtc_field(r->min, binary);
    int hour = rtc_field(pm ? (uint8_t)(r->hour & ~RTC_HOUR_PM) : r->hour, binary);
    int mday = rtc_field(r->mday, binary), mon = rtc_field(r->mon, binary);
    int year = rtc_field(r->year, binary), century = 20;

    if (r->century_reg) {
        century = rtc_field(r->century, binary);
        if (century < 19 || century > 99)
            return -CAIRN_EIO;
    }
    /* A leap second is 60; the CMOS never counts one, so 60 is garbage. */
    if (sec < 0 || sec > 59 || min < 0 || min > 59 || year < 0 || year > 99 || mon < 1 ||
        mon > 12 || hour < 0)
        return -CAIRN_EIO;
    if (r->status_b & RTC_B_24H) {
        if (hour > 23)
            return -CAIRN_EIO;
    } else {
        if (hour < 1 || hour > 12)
            return -CAIRN_EIO;
        hour = hour % 12 + (pm ? 12 : 0); /* 12 AM is 0, 12 PM is 12 */
    }
    year += century * 100;
    if (year < 1970 || mday < 1 || mday > rtc_days_in_month(year, mon))
        return -CAIRN_EIO;
    *secs = rtc_days(year, mon, mday) * 86400 + hour * 3600 + min * 60 + sec;
    return 0;
}

int
rtc_regs_same(const struct rtc_regs *a, const struct rtc_regs *b)
{
    return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->mday == b->mday &&
           a->mon == b->mon && a->year == b->year && a->century == b->century &&
           a->status_b == b->status_b;
}

/* v as the clock stores numbers: BCD or binary (v is 0..99). */
static uint8_t
rtc_put_field(int v, int binary)
{
    return (uint8_t)(binary ? v : (v / 10) << 4 | v % 10);
}

int
rtc_encode(int64_t secs, uint8_t status_b, uint8_t century_reg, struct rtc_regs *out)
{
    int binary = (status_b & RTC_B_BINARY) != 0, h24 = (status_b & RTC_B_24H) != 0;
    int64_t days, rem;
    int year = 1970, mon = 1, hour, shown;

    if (century_reg ? secs < RTC_FIRST_SECOND || secs > RTC_LAST_SECOND
                    : secs < RTC_FIRST_SECOND_20XX || secs > RTC_LAST_SECOND_20XX)
        return -CAIRN_EINVAL;
    days = secs / 86400;
    rem = secs % 86400;
    /* Whole 400-year cycles (146097 days each), then a year at a time. */
    year += (int)(days / 146097) * 400;
    days %= 146097;
    for (;;) {
        int len = 365 + (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));

        if (days < len)
            break;
        days -= len;
        year++;
    }
    while (days >= rtc_days_in_month(year, mon))
        days -= rtc_days_in_month(year, mon++);
    hour = (int)(rem / 3600);
    shown = h24 ? hour : (hour % 12 == 0 ? 12 : hour % 12);
    out->sec = rtc_put_field((int)(rem % 60), binary);
    out->min = rtc_put_field((int)(rem / 60 % 60), binary);
    out->hour = rtc_put_field(shown, binary);
    if (!h24 && hour >= 12)
        out->hour |= RTC_HOUR_PM;
    out->mday = rtc_put_field((int)days + 1, binary);
    out->mon = rtc_put_field(mon, binary);
    out->year = rtc_put_field(year % 100, binary);
    out->century = century_reg ? rtc_put_field(year / 100, binary) : 0;
    out->wday = rtc_put_field((int)((secs / 86400 + 4) % 7) + 1, binary); /* 1970-01-01: Thursday */
    out->status_b = status_b;
    out->century_reg = century_reg;
    return 0;
}
