/* SPDX-License-Identifier: MIT */
/*
 * The real-time clock: the wall time, answered by the CMOS clock's driver
 * (drivers/rtc), registered as `rtc`. (Message shape: include/proto/io.h.)
 *
 * The wall clock is the monotonic clock (clock_get, nanoseconds since
 * boot) plus an offset, so a client asks once and adds the offset from
 * then on: a reply names both the UTC time and the monotonic instant at
 * which it held. The CMOS itself counts whole seconds; the driver
 * watches for its second to change once after it starts, and from then
 * on its answers are within a few milliseconds. An answer given before
 * that may be up to a second behind. The clock keeps UTC: Cairn has no
 * time zones.
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

#endif
