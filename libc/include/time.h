/* SPDX-License-Identifier: MIT */
/*
 * Time (C11 7.27, POSIX), as much as exists: the monotonic clock and
 * nanosleep (libc/time.c). There is no wall clock until a real-time-clock
 * driver exists, so CLOCK_REALTIME is refused with EINVAL rather than
 * answered with a made-up date.
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

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1

/* 0, or -1 with errno EINVAL for a clock that does not exist here. */
int clock_gettime(clockid_t clock, struct timespec *ts);
/* Sleeps *req; 0, or -1 and EINVAL for a negative time or tv_nsec outside
 * 0..999999999. rem, when not NULL, is set to zero (nothing interrupts a
 * sleep yet). */
int nanosleep(const struct timespec *req, struct timespec *rem);

#endif
