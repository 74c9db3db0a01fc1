// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the CMOS real-time clock's driver (drivers/rtc) on
 * the test boot's real clock, which QEMU keeps at the host's time: so a
 * year before 2024 is a real failure, not a guess.
 *
 * The test plays init, as tests/os/kbdfb.c does: it starts the driver
 * from the initfs with the ports 0x70-0x71, the boot information (whose
 * rtc_century QEMU's FADT sets to 0x32) and a registry endpoint it
 * serves, and takes the driver's endpoint from the registration. Then the
 * driver's time is checked for plausibility and against the monotonic
 * clock over a second, bad requests must be refused while the driver goes
 * on answering, and at the end the driver is killed and nothing it made
 * is left. Without a registry that names `rtc`, libc's wall clock must
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

static long rtc_process = -1, rtc_registry = -1, rtc_client = -1, rtc_ep = -1;
static struct cairn_debug_stats before;

/* A request of op, with bytes and a handle when given: the reply's w[0]
 * (or the call's error), its words in w. */
static long
rtc_call(uint64_t op, const void *send, uint32_t len, long handle, uint64_t *w)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, 0, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)send;
    ext.send_len = len;
    if (handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)handle, CAIRN_RIGHT_SIGNAL,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
    }
    err = cairn_ipc_call_timed(rtc_ep, &msg, 5 * SECOND);
    if (err < 0)
        return err;
    if (w)
        memcpy(w, msg.w, sizeof(msg.w));
    return (long)msg.w[0];
}

static void
driver_starts_and_registers_as_rtc(void)
{
    const char *argv[] = {"rtc", NULL};
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    long handles[3];
    uint32_t kinds[3] = {PROTO_HANDLE_IOPORT, PROTO_HANDLE_REGISTRY, PROTO_HANDLE_BOOTINFO};
    uint64_t offset, size, badge;
    long image = test_program_image("rtc", &offset, &size), err;
    char got[64];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};

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
    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)got;
    ext.recv_cap = sizeof(got) - 1;
    err = cairn_ipc_recv(rtc_registry, &msg, 10 * SECOND, &badge);
    if (err != 0) {
        test_fail("no registration from rtc: %ld", err);
        return;
    }
    got[ext.recv_len] = '\0';
    if (msg.w[0] != PROTO_REG_REGISTER || strcmp(got, "rtc") != 0 || ext.recv_nhandles != 1)
        test_fail("rtc sent op %#lx name \"%s\" with %u handles", (unsigned long)msg.w[0], got,
                  ext.recv_nhandles);
    if (ext.recv_nhandles >= 1)
        rtc_ep = ext.recv_handles[0];
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
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
    cairn_handle_close(rtc_client);
    cairn_handle_close(rtc_registry);
    expect_stats(&before, "after the driver ended");
}

static const struct usertest tests[] = {
    USERTEST(driver_starts_and_registers_as_rtc),
    USERTEST(the_time_is_plausible_and_keeps_pace_with_the_monotonic_clock),
    USERTEST(bad_requests_are_refused_and_the_driver_goes_on),
    USERTEST(libc_has_no_wall_clock_without_an_rtc_in_its_registry),
    USERTEST(the_driver_ends_and_leaves_nothing_behind),
};

int
main(void)
{
    return harness_run("rtc", tests, sizeof(tests) / sizeof(tests[0]));
}
