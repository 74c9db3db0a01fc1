/* SPDX-License-Identifier: MIT */
/*
 * The real-time clock: the wall time, answered by the CMOS clock's driver
 * (drivers/rtc), registered as `rtc`, and set through the handle it
 * registers as `rtc-set` (badge RTC_BADGE_SET), which only a manifest
 * entry that lists that name may look up. (Message shape:
 * include/proto/io.h.)
 *
 * The wall clock is the monotonic clock (clock_get, nanoseconds since
 * boot) plus an offset, so a client asks once and adds the offset from
 * then on: a reply names both the UTC time and the monotonic instant at
 * which it held. The CMOS itself counts whole seconds; the driver
 * watches for its second to change once after it starts, and from then
 * on its answers are within a few milliseconds. An answer given before
 * that may be up to a second behind. The clock keeps UTC (local time is
 * libc's, from TZ).
 *
 * Requests carry no bytes and no handles (a request with handles gets
 * -CAIRN_EINVAL and the handles are closed); an unknown operation gets
 * -CAIRN_ENOSYS.
 */
#ifndef CAIRN_PROTO_RTC_H
#define CAIRN_PROTO_RTC_H

/*
 * PROTO_RTC_READ: no arguments. Reply: w[0] 0, w[1] the UTC time in
 * nanoseconds since 1970-01-01 00:00:00 (a signed 64-bit number, leap
 * seconds not counted, as POSIX's time_t), w[2] the monotonic clock
 * (clock_get) at which w[1] held. -CAIRN_EIO when the CMOS holds no valid
 * time (a digit that is not BCD, a month 13, an hour 25: a clock never
 * set or a dead battery) or never finishes an update (its
 * update-in-progress bit stays set, or two reads in a row keep
 * disagreeing).
 */
#define PROTO_RTC_READ 0x501u

/*
 * PROTO_RTC_SET: w[1] the UTC time in nanoseconds since 1970 (signed),
 * on the `rtc-set` handle only. The CMOS is written in its own format
 * (BCD or binary, 12- or 24-hour, the century in its register) with the
 * update cycle stopped (status register B's SET bit) while it is, and
 * from then on READ answers from w[1] to the nanosecond (the CMOS itself
 * keeps the whole second). Reply: w[0] 0, w[1] the time set, w[2] the
 * monotonic clock at which it held, as READ's. -CAIRN_EPERM on the `rtc`
 * handle; -CAIRN_EINVAL for a time the clock cannot hold (before 1970 or
 * after 9999, or outside 2000..2099 on a clock with no century register)
 * or any other word (w[2..4]) not 0; -CAIRN_EIO on a machine without a
 * CMOS clock or one whose update-in-progress bit stays set.
 */
#define PROTO_RTC_SET 0x502u

/* The badge of the `rtc-set` handle (the `rtc` handle's is 0). */
#define RTC_BADGE_SET 1u

#endif
