// SPDX-License-Identifier: MIT
/*
 * The clock call: the monotonic clock, nanoseconds since boot
 * (time/clock.c). It cannot fail.
 */
#include "sys/syscall.h"
#include "time/clock.h"

int64_t
sys_clock_get(void)
{
    return (int64_t)clock_monotonic_ns();
}
