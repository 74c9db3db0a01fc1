/* SPDX-License-Identifier: MIT */
/* POSIX <sys/time.h>: gettimeofday, the microsecond wall clock
 * (libc/time.c; <time.h> says where the wall clock comes from). */
#ifndef CAIRN_LIBC_SYS_TIME_H
#define CAIRN_LIBC_SYS_TIME_H

#include <sys/types.h>
#include <time.h>

typedef long suseconds_t;

struct timeval {
    time_t tv_sec;
    suseconds_t tv_usec;
};

/* The wall clock in *tv: 0, or -1 and errno as clock_gettime's for
 * CLOCK_REALTIME. tz must be NULL (the kernel keeps no time zone; TZ is
 * libc's): EINVAL otherwise. */
int gettimeofday(struct timeval *tv, void *tz);
/* Sets the wall clock to *tv: clock_settime(CLOCK_REALTIME)'s results,
 * and EINVAL for tv NULL, tz not NULL (there are no kernel time zones)
 * or tv_usec outside 0..999999. */
int settimeofday(const struct timeval *tv, const void *tz);

#endif
