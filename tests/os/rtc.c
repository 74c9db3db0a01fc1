// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the CMOS real-time clock's driver (drivers/rtc) on
 * the test boot's real clock, which QEMU keeps at the host's time: so a
 * year before 2024 is a real failure, not a guess.
 *
 * The test plays init, as tests/os/kbdfb.c does: it starts the driver
 * from the initfs with the ports 0x70-0x71, the boot information (whose
 * rtc_century QEMU's FADT sets to 0x32) and a registry endpoint it
 * serves, and takes the driver's two handles from the registrations
 * (`rtc`, and `rtc-set` for setting). Then the driver's time is checked
 * for plausibility and against the monotonic clock over a second, bad
 * requests must be refused while the driver goes on answering, the clock
 * is set to a known time and read back, then set back to what it would
 * have said, and at the end the driver is killed and nothing it made is
 * left. Without a registry that names `rtc`, libc's wall clock must
 * refuse with ENOENT rather than make a date up.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cairn/bootinfo.h>
#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/registry.h>
#include <proto/rtc.h>

#include "harness.h"

#define SECOND   (1000 * MS_NS)
#define YEAR2024 1704067200ll /* 2024-01-01 00:00:00 UTC */
#define NS       1000000000ll

static long rtc_process = -1, rtc_registry = -1, rtc_client = -1, rtc_ep = -1, rtc_set_ep = -1;
static struct cairn_debug_stats before;

/* A request of op with words w1 and w2 through ep, with bytes and a
 * handle when given: the reply's w[0] (or the call's error), its words in
 * w. */
static long
rtc_call_on(long ep, uint64_t op, uint64_t w1, uint64_t w2, const void *send, uint32_t len,
            long handle, uint64_t *w)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, w2, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)send;
    ext.send_len = len;
    if (handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)handle, CAIRN_RIGHT_SIGNAL,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
    }
    err = cairn_ipc_call_timed(ep, &msg, 5 * SECOND);
    if (err < 0)
        return err;
    if (w)
        memcpy(w, msg.w, sizeof(msg.w));
    return (long)msg.w[0];
}

/* A request of op through the `rtc` handle. */
static long
rtc_call(uint64_t op, const void *send, uint32_t len, long handle, uint64_t *w)
{
    return rtc_call_on(rtc_ep, op, 0, 0, send, len, handle, w);
}

/* One registration from the driver: the handle it registers as want, or
 * -1 after a failure. */
static long
registration_of(const char *want)
{
    uint64_t badge;
    char got[64];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};
    long err, h = -1;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)got;
    ext.recv_cap = sizeof(got) - 1;
    err = cairn_ipc_recv(rtc_registry, &msg, 10 * SECOND, &badge);
    if (err != 0) {
        test_fail("no registration of %s from rtc: %ld", want, err);
        return -1;
    }
    got[ext.recv_len] = '\0';
    if (msg.w[0] != PROTO_REG_REGISTER || strcmp(got, want) != 0 || ext.recv_nhandles != 1)
        test_fail("rtc sent op %#lx name \"%s\" with %u handles, not %s", (unsigned long)msg.w[0],
                  got, ext.recv_nhandles, want);
    if (ext.recv_nhandles >= 1)
        h = ext.recv_handles[0];
    for (uint32_t i = 1; i < ext.recv_nhandles; i++)
        cairn_handle_close(ext.recv_handles[i]);
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
    return h;
}

static void
driver_starts_and_registers_as_rtc(void)
{
    const char *argv[] = {"rtc", NULL};
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    long handles[3];
    uint32_t kinds[3] = {PROTO_HANDLE_IOPORT, PROTO_HANDLE_REGISTRY, PROTO_HANDLE_BOOTINFO};
    uint64_t offset, size;
    long image = test_program_image("rtc", &offset, &size);

    before = stats_settled();
    rtc_registry = cairn_endpoint_create();
    rtc_client = cairn_handle_dup(rtc_registry, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE |
                                                    CAIRN_RIGHT_TRANSFER);
    handles[0] = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, 0x70, 2);
    handles[1] = rtc_client;
    handles[2] = CAIRN_INIT_HANDLE_BOOTINFO;
    /* QEMU's FADT names the century register and has a CMOS clock. */
    if (!bi || bi->rtc_century != 0x32 || bi->rtc_flags != 0)
        test_fail("the boot information's clock: century register %#x, flags %#x",
                  bi ? bi->rtc_century : 0, bi ? bi->rtc_flags : 0);
    if (image < 0 || rtc_registry < 0 || rtc_client < 0 || handles[0] < 0) {
        test_fail("no rtc in the initfs (%ld), registry (%ld %ld) or ports (%ld)", image,
                  rtc_registry, rtc_client, handles[0]);
        return;
    }
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = 3, .handle_kinds = kinds};
    rtc_process = cairn_spawn(image, offset, size, &attr, NULL);
    cairn_handle_close(handles[0]);
    if (rtc_process < 0) {
        test_fail("spawning rtc: %ld", rtc_process);
        return;
    }
    rtc_ep = registration_of("rtc");
    rtc_set_ep = registration_of("rtc-set");
}

static void
the_time_is_plausible_and_keeps_pace_with_the_monotonic_clock(void)
{
    uint64_t w1[CAIRN_MSG_WORDS], w2[CAIRN_MSG_WORDS], t0;
    int64_t dutc, dmono;
    time_t secs;
    struct tm tm;

    if (rtc_ep < 0) {
        test_fail("no rtc driver");
        return;
    }
    /* Past the driver's watch for the second's edge (at most a second and a bit). */
    cairn_thread_sleep(1500 * MS_NS);
    t0 = cairn_clock_get();
    expect_ret("read", rtc_call(PROTO_RTC_READ, NULL, 0, -1, w1), 0);
    if ((int64_t)w1[1] < YEAR2024 * NS)
        test_fail("the clock says %lld s since 1970, before 2024", (long long)(w1[1] / NS));
    if (w1[2] < t0 || w1[2] > cairn_clock_get())
        test_fail("the reply's monotonic time %llu is not of the call", (unsigned long long)w1[2]);
    secs = (time_t)((int64_t)w1[1] / NS);
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 < 2024 || tm.tm_year + 1900 > 2200)
        test_fail("the clock's year is implausible");
    cairn_thread_sleep(SECOND);
    expect_ret("read a second later", rtc_call(PROTO_RTC_READ, NULL, 0, -1, w2), 0);
    dutc = (int64_t)w2[1] - (int64_t)w1[1];
    dmono = (int64_t)w2[2] - (int64_t)w1[2];
    /* The CMOS's whole seconds may differ from the monotonic clock's
     * interval by less than one second (a read not yet at the second's
     * edge); 100 ms more for the reads themselves; anything else is a
     * broken read. */
    if (dmono < NS || dutc < dmono - NS - NS / 10 || dutc > dmono + NS + NS / 10)
        test_fail("a second later the clock moved %lld ms over %lld ms of the monotonic clock",
                  (long long)(dutc / 1000000), (long long)(dmono / 1000000));
}

static void
bad_requests_are_refused_and_the_driver_goes_on(void)
{
    static const char bytes[] = "xyz";
    long own = cairn_notify_create();
    uint64_t w[CAIRN_MSG_WORDS];

    if (rtc_ep < 0 || own < 0) {
        test_fail("no rtc driver");
        return;
    }
    expect_ret("an unknown request", rtc_call(0x599, NULL, 0, -1, NULL), -CAIRN_ENOSYS);
    expect_ret("an io request", rtc_call(0x101, NULL, 0, -1, NULL), -CAIRN_ENOSYS);
    expect_ret("a request carrying a handle", rtc_call(PROTO_RTC_READ, NULL, 0, own, NULL),
               -CAIRN_EINVAL);
    expect_ret("a request carrying bytes", rtc_call(PROTO_RTC_READ, bytes, 3, -1, NULL),
               -CAIRN_EINVAL);
    expect_ret("read after them", rtc_call(PROTO_RTC_READ, NULL, 0, -1, w), 0);
    if ((int64_t)w[1] < YEAR2024 * NS)
        test_fail("after the bad requests the clock says %lld s", (long long)(w[1] / NS));
    cairn_handle_close(own);
}

/* Setting needs the `rtc-set` handle, no handles or bytes, the other
 * words 0 and a time the clock holds; none of the refusals touches it. */
static void
bad_settings_are_refused_and_the_clock_keeps_its_time(void)
{
    static const char bytes[] = "xyz";
    long own = cairn_notify_create();
    uint64_t w[CAIRN_MSG_WORDS], now;
    const int64_t bad[] = {-1, -NS, INT64_MIN, -365 * 86400 * NS}; /* all before 1970 */

    if (rtc_ep < 0 || rtc_set_ep < 0 || own < 0) {
        test_fail("no rtc driver");
        return;
    }
    expect_ret("read", rtc_call(PROTO_RTC_READ, NULL, 0, -1, w), 0);
    now = w[1];
    expect_ret("a set through the rtc handle",
               rtc_call_on(rtc_ep, PROTO_RTC_SET, now, 0, NULL, 0, -1, NULL), -CAIRN_EPERM);
    expect_ret("a set carrying a handle",
               rtc_call_on(rtc_set_ep, PROTO_RTC_SET, now, 0, NULL, 0, own, NULL), -CAIRN_EINVAL);
    expect_ret("a set carrying bytes",
               rtc_call_on(rtc_set_ep, PROTO_RTC_SET, now, 0, bytes, 3, -1, NULL), -CAIRN_EINVAL);
    expect_ret("a set with w[2] not 0",
               rtc_call_on(rtc_set_ep, PROTO_RTC_SET, now, 1, NULL, 0, -1, NULL), -CAIRN_EINVAL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_ret("a set out of the clock's range",
                   rtc_call_on(rtc_set_ep, PROTO_RTC_SET, (uint64_t)bad[i], 0, NULL, 0, -1, NULL),
                   -CAIRN_EINVAL);
    expect_ret("an unknown request through rtc-set",
               rtc_call_on(rtc_set_ep, 0x599, 0, 0, NULL, 0, -1, NULL), -CAIRN_ENOSYS);
    expect_ret("read after them", rtc_call(PROTO_RTC_READ, NULL, 0, -1, w), 0);
    if ((int64_t)w[1] < (int64_t)now || (int64_t)w[1] > (int64_t)now + 5 * NS)
        test_fail("after the refused sets the clock moved from %lld to %lld s",
                  (long long)(now / NS), (long long)(w[1] / NS));
    cairn_handle_close(own);
}

/* 2031-02-03 04:05:06.5 UTC, then back to the time the clock would have
 * said; each read back through the `rtc` handle and the CMOS itself. */
static void
a_set_time_reads_back_and_the_clock_is_set_back(void)
{
    const int64_t when = 1927857906ll * NS + NS / 2;
    uint64_t w[CAIRN_MSG_WORDS], before_mono;
    int64_t before_utc, read_utc, elapsed;
    time_t secs;
    struct tm tm;

    if (rtc_set_ep < 0) {
        test_fail("no rtc-set handle");
        return;
    }
    expect_ret("read", rtc_call(PROTO_RTC_READ, NULL, 0, -1, w), 0);
    before_utc = (int64_t)w[1];
    before_mono = w[2];
    expect_ret("set", rtc_call_on(rtc_set_ep, PROTO_RTC_SET, (uint64_t)when, 0, NULL, 0, -1, w), 0);
    if ((int64_t)w[1] != when || w[2] < before_mono)
        test_fail("the set's reply says %lld at %llu", (long long)w[1], (unsigned long long)w[2]);
    /* Past a CMOS update or two: the registers were written, not only the offset. */
    cairn_thread_sleep(1200 * MS_NS);
    expect_ret("read after the set", rtc_call(PROTO_RTC_READ, NULL, 0, -1, w), 0);
    read_utc = (int64_t)w[1];
    secs = (time_t)(read_utc / NS);
    if (read_utc < when + NS || read_utc > when + 3 * NS || !gmtime_r(&secs, &tm) ||
        tm.tm_year != 131 || tm.tm_mon != 1 || tm.tm_mday != 3 || tm.tm_hour != 4)
        test_fail("set to 2031-02-03 04:05:06.5, the clock says %lld.%09lld",
                  (long long)(read_utc / NS), (long long)(read_utc % NS));
    /* Set back: what it said before, plus the time gone by since. */
    elapsed = (int64_t)(cairn_clock_get() - before_mono);
    expect_ret("set back",
               rtc_call_on(rtc_set_ep, PROTO_RTC_SET, (uint64_t)(before_utc + elapsed), 0, NULL, 0,
                           -1, NULL),
               0);
    expect_ret("read after setting back", rtc_call(PROTO_RTC_READ, NULL, 0, -1, w), 0);
    if ((int64_t)w[1] < before_utc || (int64_t)w[1] > before_utc + elapsed + 2 * NS)
        test_fail("set back, the clock says %lld s, not about %lld", (long long)(w[1] / NS),
                  (long long)((before_utc + elapsed) / NS));
}

static void
libc_has_no_wall_clock_without_an_rtc_in_its_registry(void)
{
    struct timespec ts;

    /* This program has no registry handle that names `rtc`. */
    errno = 0;
    expect_ret("clock_gettime(CLOCK_REALTIME)", clock_gettime(CLOCK_REALTIME, &ts), -1);
    expect_ret("errno", errno, ENOENT);
    expect_ret("time", (long)time(NULL), -1);
    expect_ret("clock_gettime(CLOCK_MONOTONIC)", clock_gettime(CLOCK_MONOTONIC, &ts), 0);
    expect_ret("an unknown clock", clock_gettime(7, &ts), -1);
    expect_ret("its errno", errno, EINVAL);
    /* Nor may it set the clock: no `rtc-set` to look up. */
    ts.tv_sec = 1927857906;
    ts.tv_nsec = 0;
    errno = 0;
    expect_ret("clock_settime(CLOCK_REALTIME)", clock_settime(CLOCK_REALTIME, &ts), -1);
    expect_ret("its errno", errno, EPERM);
    ts.tv_nsec = 1000000000;
    expect_ret("clock_settime of a bad tv_nsec", clock_settime(CLOCK_REALTIME, &ts), -1);
    expect_ret("its errno", errno, EINVAL);
    ts.tv_nsec = 0;
    expect_ret("clock_settime(CLOCK_MONOTONIC)", clock_settime(CLOCK_MONOTONIC, &ts), -1);
    expect_ret("its errno", errno, EINVAL);
}

static void
the_driver_ends_and_leaves_nothing_behind(void)
{
    int64_t status;

    if (rtc_process >= 0) {
        expect_ret("process_kill", cairn_process_kill(rtc_process), 0);
        expect_ret("process_wait", cairn_process_wait(rtc_process, 10 * SECOND, &status), 0);
        expect_ret("a request to the dead driver", rtc_call(PROTO_RTC_READ, NULL, 0, -1, NULL),
                   -CAIRN_ECLOSED);
        cairn_handle_close(rtc_process);
    }
    cairn_handle_close(rtc_ep);
    cairn_handle_close(rtc_set_ep);
    cairn_handle_close(rtc_client);
    cairn_handle_close(rtc_registry);
    expect_stats(&before, "after the driver ended");
}

static const struct usertest tests[] = {
    USERTEST(driver_starts_and_registers_as_rtc),
    USERTEST(the_time_is_plausible_and_keeps_pace_with_the_monotonic_clock),
    USERTEST(bad_requests_are_refused_and_the_driver_goes_on),
    USERTEST(bad_settings_are_refused_and_the_clock_keeps_its_time),
    USERTEST(a_set_time_reads_back_and_the_clock_is_set_back),
    USERTEST(libc_has_no_wall_clock_without_an_rtc_in_its_registry),
    USERTEST(the_driver_ends_and_leaves_nothing_behind),
};

int
main(void)
{
    return harness_run("rtc", tests, sizeof(tests) / sizeof(tests[0]));
}
