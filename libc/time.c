// SPDX-License-Identifier: MIT
/*
 * <time.h>'s clocks and nanosleep over clock_get and thread_sleep, and the
 * wall clock (CLOCK_REALTIME, time, gettimeofday) as the monotonic clock
 * plus an offset asked of the real-time-clock driver (include/proto/rtc.h).
 *
 * The offset is asked for once, by whichever thread needs it first, and
 * kept for the life of the process: realtime_state goes from UNKNOWN to
 * KNOWN, with realtime_offset stored before it (release) and read after
 * it (acquire), so a thread that sees KNOWN sees the offset. Two threads
 * that both find UNKNOWN both ask and store the same answer; nothing
 * needs a lock. When the registry refuses the name for good (-CAIRN_EPERM:
 * not in this program's list) the state becomes ABSENT and no one asks
 * again. When the driver is merely not there yet (a server started with
 * it at boot), the first look-up waits REALTIME_LOOKUP_NS for it to
 * register and later ones do not wait at all, and come no sooner than
 * REALTIME_RETRY_NS after the last: so a system without the driver costs
 * a process one short wait, then a registry round trip now and then,
 * never one per call, and the vfs, which stamps files from the start,
 * finds the clock within 50 ms of its registration.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/rtc.h>

#define NS_PER_S           1000000000ull
#define REALTIME_LOOKUP_NS 20000000ull /* the first look-up's wait for the driver */
#define REALTIME_RETRY_NS  50000000ull /* then no new attempt for 50 ms */

enum {
    REALTIME_UNKNOWN,
    REALTIME_KNOWN,
    REALTIME_ABSENT
};

static int realtime_state;         /* [a] REALTIME_* */
static int64_t realtime_offset;    /* [a] UTC ns minus monotonic ns, once KNOWN */
static uint64_t realtime_next_try; /* [a] monotonic ns before which no new lookup */
static int realtime_waited;        /* [a] the first look-up (the one that waits) was made */

/* One look-up and one PROTO_RTC_READ: 0 and the offset in *offset, or a
 * positive errno. */
static int
realtime_ask(int64_t *offset)
{
    int first = !__atomic_exchange_n(&realtime_waited, 1, __ATOMIC_RELAXED);
    long rtc = cairn_registry_lookup("rtc", first ? REALTIME_LOOKUP_NS : 0), err;
    struct cairn_msg_ext ext = {0};
    struct cairn_msg msg = {{PROTO_RTC_READ, 0, 0, 0, 0}, &ext};

    if (rtc < 0) {
        if (rtc == -CAIRN_EPERM || rtc == -CAIRN_EBADH || rtc == -CAIRN_EWRONGTYPE)
            __atomic_store_n(&realtime_state, REALTIME_ABSENT, __ATOMIC_RELAXED);
        return ENOENT;
    }
    err = cairn_ipc_call(rtc, &msg);
    cairn_handle_close(rtc);
    for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles; i++)
        cairn_handle_close(ext.recv_handles[i]); /* a reply has none */
    if (err < 0)
        return ENOENT;
    if ((int64_t)msg.w[0] < 0)
        return (int)-(int64_t)msg.w[0];
    *offset = (int64_t)msg.w[1] - (int64_t)msg.w[2];
    return 0;
}

/* The wall clock's offset from the monotonic clock: 0, or a positive
 * errno (ENOENT: no real-time clock). */
static int
realtime_get_offset(int64_t *offset)
{
    int state = __atomic_load_n(&realtime_state, __ATOMIC_ACQUIRE), err;
    uint64_t now;

    if (state == REALTIME_KNOWN) {
        *offset = __atomic_load_n(&realtime_offset, __ATOMIC_RELAXED);
        return 0;
    }
    if (state == REALTIME_ABSENT)
        return ENOENT;
    now = cairn_clock_get();
    if (now < __atomic_load_n(&realtime_next_try, __ATOMIC_RELAXED))
        return ENOENT;
    err = realtime_ask(offset);
    if (err) {
        __atomic_store_n(&realtime_next_try, cairn_clock_get() + REALTIME_RETRY_NS,
                         __ATOMIC_RELAXED);
        return err;
    }
    __atomic_store_n(&realtime_offset, *offset, __ATOMIC_RELAXED);
    __atomic_store_n(&realtime_state, REALTIME_KNOWN, __ATOMIC_RELEASE);
    return 0;
}

int
clock_gettime(clockid_t clock, struct timespec *ts)
{
    int64_t now, offset = 0;
    int err;

    if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) {
        errno = EINVAL;
        return -1;
    }
    if (clock == CLOCK_REALTIME && (err = realtime_get_offset(&offset)) != 0) {
        errno = err;
        return -1;
    }
    /* The monotonic clock stays below 2^63 ns for 292 years of uptime. */
    now = (int64_t)cairn_clock_get() + offset;
    ts->tv_sec = (time_t)(now / (int64_t)NS_PER_S);
    ts->tv_nsec = (long)(now % (int64_t)NS_PER_S);
    if (ts->tv_nsec < 0) {
        ts->tv_nsec += (long)NS_PER_S;
        ts->tv_sec--;
    }
    return 0;
}

time_t
time(time_t *t)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return (time_t)-1;
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}

int
gettimeofday(struct timeval *tv, void *tz)
{
    struct timespec ts;

    if (tz) {
        errno = EINVAL;
        return -1;
    }
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return -1;
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
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
