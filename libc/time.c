// SPDX-License-Identifier: MIT
/* <time.h>'s monotonic clock and nanosleep over clock_get and
 * thread_sleep. */
#include <errno.h>
#include <time.h>

#include <cairn/sys.h>

#define NS_PER_S 1000000000ull

int
clock_gettime(clockid_t clock, struct timespec *ts)
{
    uint64_t now;

    if (clock != CLOCK_MONOTONIC) {
        errno = EINVAL;
        return -1;
    }
    now = cairn_clock_get();
    ts->tv_sec = (time_t)(now / NS_PER_S);
    ts->tv_nsec = (long)(now % NS_PER_S);
    return 0;
}

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS_PER_S) {
        errno = EINVAL;
        return -1;
    }
    /* Past 2^64 ns (585 years) the sleep is simply for ever. */
    if ((uint64_t)req->tv_sec > (UINT64_MAX - (uint64_t)req->tv_nsec) / NS_PER_S)
        cairn_thread_sleep(UINT64_MAX);
    else
        cairn_thread_sleep((uint64_t)req->tv_sec * NS_PER_S + (uint64_t)req->tv_nsec);
    if (rem)
        rem->tv_sec = rem->tv_nsec = 0;
    return 0;
}
