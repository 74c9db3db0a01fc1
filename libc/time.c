// SPDX-License-Identifier: MIT
/*
 * <time.h>'s clocks and nanosleep over clock_get and thread_sleep, and the
 * wall clock (CLOCK_REALTIME, time, gettimeofday) as the monotonic clock
 * plus an offset asked of the real-time-clock driver (include/proto/rtc.h),
 * which clock_settime and settimeofday set through the driver's `rtc-set`
 * handle.
 *
 * The offset is asked for by whichever thread needs it first, and kept
 * for REALTIME_REFRESH_NS: realtime_state goes from UNKNOWN to KNOWN,
 * with realtime_offset and realtime_asked_at stored before it (release)
 * and read after it (acquire), so a thread that sees KNOWN sees an
 * offset. After REALTIME_REFRESH_NS the next call asks again (the clock
 * may have been set by another process) and, if that fails, goes on with
 * the offset it has. Two threads that ask at once store answers a few
 * microseconds apart; nothing needs a lock. When the registry refuses the
 * name for good (-CAIRN_EPERM: not in this program's list) the state
 * becomes ABSENT and no one asks again. When the driver is merely not
 * there yet (a server started with it at boot), the first look-up waits
 * REALTIME_LOOKUP_NS for it to register and later ones do not wait at
 * all, and come no sooner than REALTIME_RETRY_NS after the last: so a
 * system without the driver costs a process one short wait, then a
 * registry round trip now and then, never one per call, and the vfs,
 * which stamps files from the start, finds the clock within 50 ms of its
 * registration. The `rtc` handle is looked up once and kept
 * (realtime_handle); a driver that ended (a call fails) is looked up
 * again.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/rtc.h>

#define NS_PER_S            1000000000ull
#define REALTIME_LOOKUP_NS  20000000ull   /* the first look-up's wait for the driver */
#define REALTIME_RETRY_NS   50000000ull   /* then no new attempt for 50 ms */
#define REALTIME_REFRESH_NS 1000000000ull /* an offset is asked again after a second */

enum {
    REALTIME_UNKNOWN,
    REALTIME_KNOWN,
    REALTIME_ABSENT
};

static int realtime_state;         /* [a] REALTIME_* */
static int64_t realtime_offset;    /* [a] UTC ns minus monotonic ns, once KNOWN */
static uint64_t realtime_asked_at; /* [a] monotonic ns when realtime_offset was found */
static uint64_t realtime_next_try; /* [a] monotonic ns before which no new lookup */
static int realtime_waited;        /* [a] the first look-up (the one that waits) was made */
static long realtime_handle = -1;  /* [a] the `rtc` handle once looked up, or -1 */

/* The `rtc` handle: the kept one, or a new look-up (kept unless another
 * thread kept one first). Negative: the look-up's error. */
static long
realtime_rtc_handle(void)
{
    long h = __atomic_load_n(&realtime_handle, __ATOMIC_ACQUIRE), expected = -1;
    int first;

    if (h >= 0)
        return h;
    first = !__atomic_exchange_n(&realtime_waited, 1, __ATOMIC_RELAXED);
    h = cairn_registry_lookup("rtc", first ? REALTIME_LOOKUP_NS : 0);
    if (h < 0)
        return h;
    if (!__atomic_compare_exchange_n(&realtime_handle, &expected, h, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        cairn_handle_close(h);
        return expected;
    }
    return h;
}

/* Forgets the kept handle h (the driver it reached ended). */
static void
realtime_drop_handle(long h)
{
    long expected = h;

    if (__atomic_compare_exchange_n(&realtime_handle, &expected, -1, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        cairn_handle_close(h);
}

/* Stores an offset found at monotonic time mono. */
static void
realtime_store(int64_t offset, uint64_t mono)
{
    __atomic_store_n(&realtime_offset, offset, __ATOMIC_RELAXED);
    __atomic_store_n(&realtime_asked_at, mono, __ATOMIC_RELAXED);
    __atomic_store_n(&realtime_state, REALTIME_KNOWN, __ATOMIC_RELEASE);
}

/* One PROTO_RTC_READ: 0 and the offset in *offset, or a positive errno. */
static int
realtime_ask(int64_t *offset)
{
    long rtc = realtime_rtc_handle(), err;
    struct cairn_msg_ext ext = {0};
    struct cairn_msg msg = {{PROTO_RTC_READ, 0, 0, 0, 0}, &ext};

    if (rtc < 0) {
        if (rtc == -CAIRN_EPERM || rtc == -CAIRN_EBADH || rtc == -CAIRN_EWRONGTYPE)
            __atomic_store_n(&realtime_state, REALTIME_ABSENT, __ATOMIC_RELAXED);
        return ENOENT;
    }
    err = cairn_ipc_call(rtc, &msg);
    for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles; i++)
        cairn_handle_close(ext.recv_handles[i]); /* a reply has none */
    if (err < 0) {
        realtime_drop_handle(rtc);
        return ENOENT;
    }
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
    uint64_t now = cairn_clock_get();

    if (state == REALTIME_KNOWN &&
        now - __atomic_load_n(&realtime_asked_at, __ATOMIC_RELAXED) < REALTIME_REFRESH_NS) {
        *offset = __atomic_load_n(&realtime_offset, __ATOMIC_RELAXED);
        return 0;
    }
    if (state == REALTIME_ABSENT)
        return ENOENT;
    if (state == REALTIME_KNOWN || now >= __atomic_load_n(&realtime_next_try, __ATOMIC_RELAXED)) {
        err = realtime_ask(offset);
        if (!err) {
            realtime_store(*offset, now);
            return 0;
        }
    } else {
        err = ENOENT;
    }
    if (state == REALTIME_KNOWN) { /* a refresh that failed: the offset we had */
        *offset = __atomic_load_n(&realtime_offset, __ATOMIC_RELAXED);
        __atomic_store_n(&realtime_asked_at, now, __ATOMIC_RELAXED);
        return 0;
    }
    __atomic_store_n(&realtime_next_try, cairn_clock_get() + REALTIME_RETRY_NS, __ATOMIC_RELAXED);
    return err;
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
clock_settime(clockid_t clock, const struct timespec *ts)
{
    struct cairn_msg_ext ext = {0};
    struct cairn_msg msg = {{PROTO_RTC_SET, 0, 0, 0, 0}, &ext};
    int64_t ns;
    long h, err;

    if (clock != CLOCK_REALTIME || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NS_PER_S ||
        __builtin_mul_overflow((int64_t)ts->tv_sec, (int64_t)NS_PER_S, &ns) ||
        __builtin_add_overflow(ns, (int64_t)ts->tv_nsec, &ns)) {
        errno = EINVAL;
        return -1;
    }
    h = cairn_registry_lookup("rtc-set", REALTIME_LOOKUP_NS);
    if (h < 0) {
        errno = EPERM; /* not this program's to set, or no clock to set */
        return -1;
    }
    msg.w[1] = (uint64_t)ns;
    err = cairn_ipc_call(h, &msg);
    cairn_handle_close(h);
    for (uint32_t i = 0; err >= 0 && i < ext.recv_nhandles; i++)
        cairn_handle_close(ext.recv_handles[i]);
    if (err < 0) {
        errno = EIO;
        return -1;
    }
    if ((int64_t)msg.w[0] < 0) {
        errno = (int)-(int64_t)msg.w[0];
        return -1;
    }
    /* This process knows the new time at once; others within
     * REALTIME_REFRESH_NS. */
    realtime_store((int64_t)msg.w[1] - (int64_t)msg.w[2], cairn_clock_get());
    return 0;
}

int
settimeofday(const struct timeval *tv, const void *tz)
{
    struct timespec ts;

    if (!tv || tz || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
        errno = EINVAL;
        return -1;
    }
    ts.tv_sec = tv->tv_sec;
    ts.tv_nsec = tv->tv_usec * 1000;
    return clock_settime(CLOCK_REALTIME, &ts);
}

long (*cairn_sleep_interruptible)(uint64_t ns, const uint64_t *seen, uint64_t *left);

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
    long (*interruptible)(uint64_t, const uint64_t *, uint64_t *) =
        __atomic_load_n(&cairn_sleep_interruptible, __ATOMIC_ACQUIRE);
    uint64_t ns, left = 0;

    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NS_PER_S) {
        errno = EINVAL;
        return -1;
    }
    /* Past 2^64 ns (585 years) the sleep is simply for ever. */
    if ((uint64_t)req->tv_sec > (UINT64_MAX - (uint64_t)req->tv_nsec) / NS_PER_S)
        ns = CAIRN_WAIT_FOREVER;
    else
        ns = (uint64_t)req->tv_sec * NS_PER_S + (uint64_t)req->tv_nsec;
    /* With a handler for a signal from outside, the sleep is one it cuts
     * short (libc/sigaction.c); with none, any such signal ends us. */
    if (interruptible && interruptible(ns, NULL, &left) == -CAIRN_EINTR) {
        if (rem) {
            rem->tv_sec = (time_t)(left / NS_PER_S);
            rem->tv_nsec = (long)(left % NS_PER_S);
        }
        errno = EINTR;
        return -1;
    }
    if (!interruptible)
        cairn_thread_sleep(ns);
    if (rem)
        rem->tv_sec = rem->tv_nsec = 0;
    return 0;
}
