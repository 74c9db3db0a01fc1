/* SPDX-License-Identifier: MIT */
/*
 * The CMOS real-time clock's driver (docs/rtc.md), in two layers:
 *
 *   main.c  the ports 0x70-0x71 (an index, then the byte at that index),
 *           the reads that respect the update cycle, the protocol
 *           (include/proto/rtc.h) and the receive loop;
 *   cmos.c  pure code: a snapshot of the clock's registers to seconds
 *           since 1970, every field checked (host-tested with garbage,
 *           tests/host/test_time.c), and back, for setting the clock.
 *
 * The clock's registers hold the date in BCD or binary (status register
 * B bit 2) and the hour in 24- or 12-hour form (bit 1; in 12-hour form
 * bit 7 of the hour means PM). The year is two digits; the century is in
 * the register the FADT names, when it names one (QEMU's and most PCs'
 * is 0x32), else the years are taken as 20xx.
 */
#ifndef CAIRN_DRIVERS_RTC_H
#define CAIRN_DRIVERS_RTC_H

#include <stdint.h>

#define RTC_REG_SEC     0x00
#define RTC_REG_MIN     0x02
#define RTC_REG_HOUR    0x04
#define RTC_REG_WDAY    0x06 /* 1..7, Sunday 1: written when setting, never trusted */
#define RTC_REG_MDAY    0x07
#define RTC_REG_MON     0x08
#define RTC_REG_YEAR    0x09
#define RTC_REG_A       0x0a
#define RTC_REG_B       0x0b
#define RTC_A_UIP       0x80u /* an update is in progress: the time registers are not valid */
#define RTC_B_SET       0x80u /* updates stop while set: the time registers may be written */
#define RTC_B_24H       0x02u
#define RTC_B_BINARY    0x04u
#define RTC_HOUR_PM     0x80u /* 12-hour form only */
#define RTC_CENTURY_MIN 0x0e  /* the first register past the clock's own (A..D and status) */
#define RTC_CENTURY_MAX 0x7f

/* One snapshot of the registers that make the time. century_reg is the
 * register's index, 0 for none. wday is written when setting the clock
 * and neither read nor compared. */
struct rtc_regs {
    uint8_t sec, min, hour, mday, mon, year, century, status_b;
    uint8_t century_reg;
    uint8_t wday;
};

/* The clock's years: 2000..2099 without a century register, else
 * 1970..9999 (a century of 19 to 99, as rtc_decode takes it). */
#define RTC_FIRST_SECOND      0ll            /* 1970-01-01 00:00:00 */
#define RTC_LAST_SECOND       253402300799ll /* 9999-12-31 23:59:59 */
#define RTC_FIRST_SECOND_20XX 946684800ll    /* 2000-01-01 00:00:00 */
#define RTC_LAST_SECOND_20XX  4102444799ll   /* 2099-12-31 23:59:59 */

/* Seconds since 1970 of a snapshot: 0, or -CAIRN_EIO for a value that is
 * no time (a digit not BCD, a field out of its range, a February 30th). */
int rtc_decode(const struct rtc_regs *r, int64_t *secs);

/* The inverse of rtc_decode: the registers that say secs (seconds since
 * 1970) in the format of status_b (BCD or binary, 12- or 24-hour), with
 * the century in out->century when century_reg is not 0. 0, or
 * -CAIRN_EINVAL for a time the clock cannot hold (before 1970 or after
 * 9999; outside 2000..2099 without a century register). */
int rtc_encode(int64_t secs, uint8_t status_b, uint8_t century_reg, struct rtc_regs *out);

/* Whether two snapshots say the same time (their time fields alike). */
int rtc_regs_same(const struct rtc_regs *a, const struct rtc_regs *b);

#endif
