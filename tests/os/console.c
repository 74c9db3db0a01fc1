// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the console server (servers/console) on a fake
 * serial device that the test plays itself.
 *
 * The test starts the console from its member of the initfs with a
 * registry handle and serves that fake registry: it answers the
 * console's PROTO_REG_LOOKUP of `serial` with an endpoint of its own and
 * takes the console's endpoint from its PROTO_REG_REGISTER. A device
 * thread serves that endpoint as a serial driver would: it keeps the
 * console's waiting PROTO_IO_READ until the test "types" (it answers it
 * with the bytes), and records every PROTO_IO_WRITE as what the screen
 * shows. The console asks for more input only once it has fed, and
 * echoed, what it got, so a new read is the sign that typing is done.
 * Checked: typed lines come back to readers whole, with their echo;
 * reads wait for a whole line; backspace and ^D; ^C; writes reach the
 * device with "\r\n"; TTY_GET, _SET and _SETPGRP; the window size the
 * device tells (refused when it is nonsense, asked again when the device
 * comes back after a restart); bad requests; the kernel log's records
 * the screen missed drawn on a device that is a screen; and
 * nothing left once the console is killed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/console.h>
#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/proc.h>
#include <proto/registry.h>

#include "harness.h"
#include "termline/termline.h"

#define SECOND (1000 * MS_NS)

/* The fake device, shared by the test and its device thread. The test
 * writes typed[] and then typed_len; the device thread sets typed_len back
 * to 0 once the bytes went out. The device thread appends to screen[] and
 * then moves screen_len; reads counts the console's reads. */
static struct {
    long ep, client, wake;
    char typed[256];
    uint32_t typed_len;
    char screen[16384];
    uint32_t screen_len, reads;
    int stop;
    struct test_thread thread;
} dev = {-1, -1, -1, {0}, 0, {0}, 0, 0, 0, {-1, -1, -1, 0}};

static struct {
    long process, registry, registry_client, console;
    uint32_t seen; /* screen bytes already checked */
    struct cairn_debug_stats before;
} con = {-1, -1, -1, -1, 0, {0}};

static uint32_t
load(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
store(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* --- the fake serial device ------------------------------------------------------------------ */

/* The device thread's receive buffer (static, and written before the
 * baseline, so its frame is not counted as the console's). */
static uint8_t dev_buf[CAIRN_MSG_BUF_MAX];
static long pending_read = -1;
static uint32_t pending_want;

/* What the device answers to PROTO_IO_TTY_GET, as the framebuffer tells
 * its grid: rows and columns. The first device claims a grid no screen
 * has (0 rows, 5000 columns), which the console must not take; the one
 * that comes after a restart a grid of 40 x 100. */
static uint64_t dev_rows = 0, dev_cols = 5000;

/* Set by the test: the device's next write starts the screen over. */
static uint32_t screen_restart;

static void
device_deliver(void)
{
    uint32_t n = load(&dev.typed_len);
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{n, 0, 0, 0, 0}, &ext};

    if (pending_read < 0 || n == 0 || n > pending_want)
        return;
    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)dev.typed;
    ext.send_len = n;
    cairn_ipc_reply_to(pending_read, &msg);
    cairn_handle_close(pending_read);
    pending_read = -1;
    store(&dev.typed_len, 0);
}

static long
device_thread(void *arg)
{
    uint8_t *buf = dev_buf;

    (void)arg;
    if (cairn_notify_bind(dev.wake) < 0)
        return -1;
    while (!load((uint32_t *)&dev.stop)) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge;
        long err;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)buf;
        ext.recv_cap = CAIRN_MSG_BUF_MAX;
        err = cairn_ipc_recv(dev.ep, &msg, CAIRN_WAIT_FOREVER, &badge);
        if (err == CAIRN_IPC_NOTIFIED) {
            device_deliver();
            continue;
        }
        if (err < 0)
            break;
        if (msg.w[0] == PROTO_IO_WRITE) {
            uint32_t at = load(&screen_restart) ? 0 : dev.screen_len, n = ext.recv_len;

            store(&screen_restart, 0);
            if (n > sizeof(dev.screen) - at)
                n = (uint32_t)sizeof(dev.screen) - at;
            memcpy(dev.screen + at, buf, n);
            store(&dev.screen_len, at + n);
            msg = (struct cairn_msg){{ext.recv_len, 0, 0, 0, 0}, NULL};
        } else if (msg.w[0] == PROTO_IO_TTY_GET) {
            msg = (struct cairn_msg){{0, 0, dev_rows, dev_cols, 0}, NULL};
        } else if (msg.w[0] == PROTO_IO_READ && pending_read < 0) {
            pending_read = cairn_ipc_reply_save();
            pending_want = (uint32_t)msg.w[1];
            store(&dev.reads, dev.reads + 1);
            device_deliver();
            continue;
        } else {
            msg = (struct cairn_msg){{(uint64_t)-CAIRN_ENOSYS, 0, 0, 0, 0}, NULL};
        }
        cairn_ipc_reply(&msg);
    }
    if (pending_read >= 0)
        cairn_handle_close(pending_read); /* the console's read fails: ECLOSED */
    pending_read = -1;
    cairn_notify_unbind(dev.wake);
    return 0;
}

/* Types s (at most 256 bytes): the device answers the console's waiting
 * read with it. Returns the count of reads before, for type_wait. */
static uint32_t
type_nowait(const char *s)
{
    uint32_t reads = load(&dev.reads), len = (uint32_t)strlen(s);

    for (int i = 0; load(&dev.typed_len) && i < 10000; i++)
        cairn_thread_sleep(MS_NS);
    memcpy(dev.typed, s, len);
    store(&dev.typed_len, len);
    cairn_notify_signal(dev.wake, 1);
    return reads;
}

/* Waits until the console reads again after reads (it has taken what was
 * typed, and echoed it). */
static void
type_wait(uint32_t reads, const char *what)
{
    for (int i = 0; load(&dev.reads) == reads && i < 10000; i++)
        cairn_thread_sleep(MS_NS);
    if (load(&dev.reads) == reads)
        test_fail("the console did not take \"%s\" in 10 s", what);
}

static void
type(const char *s)
{
    type_wait(type_nowait(s), s);
}

/* The screen's next bytes are want (waiting up to 10 s for them). */
static void
expect_screen(const char *want)
{
    uint32_t len = (uint32_t)strlen(want);

    for (int i = 0; load(&dev.screen_len) < con.seen + len && i < 10000; i++)
        cairn_thread_sleep(MS_NS);
    if (load(&dev.screen_len) < con.seen + len || memcmp(dev.screen + con.seen, want, len) != 0) {
        test_fail("the screen shows \"%.*s\", expected \"%s\"",
                  (int)(load(&dev.screen_len) - con.seen), dev.screen + con.seen, want);
    }
    con.seen = load(&dev.screen_len);
}

/* Is text on the screen past con.seen? */
static int
screen_has(const char *text)
{
    uint32_t len = load(&dev.screen_len), n = (uint32_t)strlen(text);

    for (uint32_t at = con.seen; at + n <= len; at++) {
        if (memcmp(dev.screen + at, text, n) == 0)
            return 1;
    }
    return 0;
}

/* --- the console's side ----------------------------------------------------------------------- */

static long
con_call(uint64_t op, uint64_t w1, uint64_t w2, const void *send, uint32_t send_len, void *recv,
         uint32_t recv_cap, uint64_t *words)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, w2, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)send;
    ext.send_len = send_len;
    ext.recv_buf = (uint64_t)(uintptr_t)recv;
    ext.recv_cap = recv_cap;
    err = cairn_ipc_call_timed(con.console, &msg, 20 * SECOND);
    if (err < 0)
        return err;
    if (words)
        memcpy(words, msg.w, sizeof(msg.w));
    if ((int64_t)msg.w[0] >= 0 && op == PROTO_IO_READ && ext.recv_len != msg.w[0])
        return -CAIRN_EIO;
    return (long)msg.w[0];
}

/* The next read gives exactly want. */
static void
expect_read(const char *want, uint64_t flags)
{
    char buf[256];
    long n = con_call(PROTO_IO_READ, sizeof(buf), flags, NULL, 0, buf, sizeof(buf), NULL);

    if (n != (long)strlen(want) || memcmp(buf, want, strlen(want)) != 0)
        test_fail("read gave %ld \"%.*s\", expected \"%s\"", n, n > 0 ? (int)n : 0, buf, want);
}

/* --- the tests -------------------------------------------------------------------------------- */

/* Starts a console on the fake device and takes its registration; log, a
 * handle to the kernel log, is granted to it unless -1. */
static void
console_start(long log)
{
    static const char *const argv[] = {"console", NULL};
    static const uint32_t kinds[] = {PROTO_HANDLE_REGISTRY, PROTO_HANDLE_LOG};
    uint64_t offset, size;
    long image = test_program_image("console", &offset, &size);

    memset(dev.screen, 0, sizeof(dev.screen));
    memset(dev_buf, 0, sizeof(dev_buf));
    dev.screen_len = dev.reads = dev.typed_len = 0;
    dev.stop = 0;
    con.seen = 0;
    con.console = -1;
    con.before = stats_settled();
    if (image < 0) {
        test_fail("no console program in the initfs: %ld", image);
        return;
    }
    dev.ep = cairn_endpoint_create();
    dev.client =
        cairn_handle_dup(dev.ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    dev.wake = cairn_notify_create();
    con.registry = cairn_endpoint_create();
    con.registry_client = cairn_handle_dup(
        con.registry, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    if (dev.ep < 0 || dev.client < 0 || dev.wake < 0 || con.registry < 0 ||
        con.registry_client < 0 || test_thread_start(&dev.thread, device_thread, NULL) < 0) {
        test_fail("setting up the fake device and registry");
        return;
    }
    long handles[] = {con.registry_client, log};
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = log >= 0 ? 2 : 1, .handle_kinds = kinds};
    con.process = cairn_spawn(image, offset, size, &attr, NULL);
    if (con.process < 0) {
        test_fail("spawning the console: %ld", con.process);
        return;
    }

    /* the fake registry: lookups of `serial` until `console` registers */
    for (int round = 0; round < 8 && con.console < 0; round++) {
        char name[PROTO_REG_NAME_MAX + 1];
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge;
        long err;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)name;
        ext.recv_cap = PROTO_REG_NAME_MAX;
        err = cairn_ipc_recv(con.registry, &msg, 10 * SECOND, &badge);
        if (err != 0) {
            test_fail("the registry heard nothing from the console: %ld", err);
            return;
        }
        name[ext.recv_len] = '\0';
        uint32_t nhandles = ext.recv_nhandles;
        long handle = nhandles ? ext.recv_handles[0] : -1;
        memset(&ext, 0, sizeof(ext));
        if (msg.w[0] == PROTO_REG_LOOKUP && strcmp(name, "serial") == 0) {
            ext.send_nhandles = 1;
            ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)dev.client, CAIRN_RIGHTS_SAME,
                                                            CAIRN_MSG_HANDLE_COPY, 0};
            msg.w[0] = 0;
        } else if (msg.w[0] == PROTO_REG_REGISTER && strcmp(name, "console") == 0 &&
                   nhandles == 1) {
            con.console = handle;
            msg.w[0] = 0;
        } else {
            test_fail("the console asked the registry %#lx \"%s\"", (unsigned long)msg.w[0], name);
            msg.w[0] = (uint64_t)-CAIRN_EPERM;
        }
        cairn_ipc_reply(&msg);
    }
    for (int i = 0; load(&dev.reads) == 0 && i < 10000; i++)
        cairn_thread_sleep(MS_NS);
    if (con.console < 0 || load(&dev.reads) == 0)
        test_fail("the console did not register (%ld) or never read its device", con.console);
}

static void
console_finds_its_device_and_registers(void)
{
    console_start(-1);
}

static void
typed_bytes_come_back_as_a_line_with_their_echo(void)
{
    char buf[16];

    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    type("hello");
    expect_screen("hello");
    expect_ret("a read before the line's end",
               con_call(PROTO_IO_READ, 16, PROTO_IO_NONBLOCK, NULL, 0, buf, 16, NULL),
               -CAIRN_EAGAIN);
    type("\r");
    expect_screen("\r\n");
    expect_read("hello\n", 0);
}

static long
line_reader(void *arg)
{
    return con_call(PROTO_IO_READ, 100, 0, NULL, 0, arg, 100, NULL);
}

static void
a_read_waits_for_the_whole_line(void)
{
    struct test_thread t[2];
    char buf[2][100];
    int64_t status[2] = {-1, -1};

    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    for (int i = 0; i < 2; i++) {
        if (test_thread_start(&t[i], line_reader, buf[i]) < 0)
            return;
    }
    type("ab");
    expect_ret("a reader before the line's end", cairn_thread_wait(t[0].handle, 200 * MS_NS, NULL),
               -CAIRN_ETIMEDOUT);
    type("c\rsecond\r");
    for (int i = 0; i < 2; i++) {
        expect_ret("a reader", test_thread_join(&t[i], 10 * SECOND, &status[i]), 0);
        test_thread_free(&t[i]);
    }
    /* one line each, whichever reader came first */
    int first = status[0] == 4 ? 0 : 1;
    if (status[first] != 4 || memcmp(buf[first], "abc\n", 4) != 0 || status[!first] != 7 ||
        memcmp(buf[!first], "second\n", 7) != 0)
        test_fail("the readers got %ld and %ld bytes", (long)status[0], (long)status[1]);
    expect_screen("abc\r\nsecond\r\n");
}

static void
backspace_edits_and_ctrl_d_ends_the_file(void)
{
    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    type("abx\x7f");
    type("c\r");
    expect_screen("abx\b \bc\r\n");
    expect_read("abc\n", 0);
    type("\x04");
    expect_read("", 0); /* 0: the end of the file */
    type("xy\x04");
    expect_read("xy", 0);
    expect_screen("xy");
}

/* The fake registry, served by a thread while the console looks things
 * up again: every lookup of `serial` gets the device's endpoint, of
 * `proc` the fake process server's (when there is one). */
static uint32_t registry_stop, registry_lookups;
static long proc_ep = -1, proc_client = -1;

static long
registry_thread(void *arg)
{
    (void)arg;
    while (!load(&registry_stop)) {
        char name[PROTO_REG_NAME_MAX + 1];
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge;
        long err;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)name;
        ext.recv_cap = PROTO_REG_NAME_MAX;
        err = cairn_ipc_recv(con.registry, &msg, 50 * MS_NS, &badge);
        if (err == -CAIRN_ETIMEDOUT)
            continue;
        if (err != 0)
            return err;
        name[ext.recv_len] = '\0';
        memset(&ext, 0, sizeof(ext));
        long give = strcmp(name, "serial") == 0 ? dev.client
                    : strcmp(name, "proc") == 0 ? proc_client
                                                : -1;
        if (msg.w[0] == PROTO_REG_LOOKUP && give >= 0) {
            ext.send_nhandles = 1;
            ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)give, CAIRN_RIGHTS_SAME,
                                                            CAIRN_MSG_HANDLE_COPY, 0};
            msg.w[0] = 0;
            store(&registry_lookups, registry_lookups + 1);
        } else {
            msg.w[0] = (uint64_t)-CAIRN_EPERM;
        }
        cairn_ipc_reply(&msg);
    }
    return 0;
}

/* Starts the registry thread with its counters at zero. */
static long
registry_start(struct test_thread *t)
{
    store(&registry_stop, 0);
    store(&registry_lookups, 0);
    return test_thread_start(t, registry_thread, NULL);
}

static void
registry_end(struct test_thread *t, uint32_t lookups)
{
    int64_t status = -1;

    store(&registry_stop, 1);
    expect_ret("the registry thread", test_thread_join(t, 10 * SECOND, &status), 0);
    test_thread_free(t);
    if (status != 0 || load(&registry_lookups) != lookups)
        test_fail("the registry thread ended with %ld after %u lookups (expected %u)", (long)status,
                  load(&registry_lookups), lookups);
}

static void
ctrl_c_discards_the_line_and_interrupts_the_foreground_group(void)
{
    char buf[8];

    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    type("abc\x03");
    expect_screen("abc^C\r\n");

    /* with a foreground group, ^C goes to the process server as a kill */
    struct test_thread reg;
    struct cairn_msg msg = {{0}, NULL};
    uint64_t badge;
    uint32_t reads;

    proc_ep = cairn_endpoint_create();
    proc_client = cairn_handle_dup(proc_ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE |
                                                CAIRN_RIGHT_TRANSFER);
    expect_ret("tty_setpgrp", con_call(PROTO_IO_TTY_SETPGRP, 42, 0, NULL, 0, NULL, 0, NULL), 0);
    if (proc_ep < 0 || proc_client < 0 || registry_start(&reg) < 0) {
        test_fail("a fake process server: %ld %ld", proc_ep, proc_client);
        return;
    }
    reads = type_nowait("x\x03");
    expect_ret("the kill from the console", cairn_ipc_recv(proc_ep, &msg, 10 * SECOND, &badge), 0);
    if (msg.w[0] != PROTO_PROC_KILL || (int64_t)msg.w[1] != -42 || msg.w[2] != PROTO_SIGINT)
        test_fail("the console sent proc %#lx %ld %ld", (unsigned long)msg.w[0], (long)msg.w[1],
                  (long)msg.w[2]);
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("the kill's reply", cairn_ipc_reply(&msg), 0);
    type_wait(reads, "x^C");
    expect_screen("x^C\r\n");
    registry_end(&reg, 1);
    expect_ret("tty_setpgrp(0)", con_call(PROTO_IO_TTY_SETPGRP, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    cairn_handle_close(proc_client);
    cairn_handle_close(proc_ep);
    proc_ep = proc_client = -1;
    expect_ret(
        "a read after ^C",
        con_call(PROTO_IO_READ, sizeof(buf), PROTO_IO_NONBLOCK, NULL, 0, buf, sizeof(buf), NULL),
        -CAIRN_EAGAIN);
}

static void
writes_reach_the_device_with_cr_lf(void)
{
    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    expect_ret("write", con_call(PROTO_IO_WRITE, 0, 0, "out\nput\n", 8, NULL, 0, NULL), 8);
    expect_screen("out\r\nput\r\n");
}

static void
tty_requests_get_and_set_the_mode(void)
{
    uint64_t w[CAIRN_MSG_WORDS];
    uint32_t screen;

    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    /* the device's grid of 0 x 5000 is nonsense: the console's window
     * stays a terminal's classic 24 x 80 */
    expect_ret("tty_get", con_call(PROTO_IO_TTY_GET, 0, 0, NULL, 0, NULL, 0, w), 0);
    if (w[1] != (PROTO_TTY_CANON | PROTO_TTY_ECHO | PROTO_TTY_SIGINT) || w[2] != 24 || w[3] != 80 ||
        w[4] != 0)
        test_fail("tty_get: mode %#lx, %lu x %lu, group %ld", (unsigned long)w[1],
                  (unsigned long)w[2], (unsigned long)w[3], (long)w[4]);
    expect_ret("tty_setpgrp", con_call(PROTO_IO_TTY_SETPGRP, 42, 0, NULL, 0, NULL, 0, NULL), 0);
    expect_ret("tty_get", con_call(PROTO_IO_TTY_GET, 0, 0, NULL, 0, NULL, 0, w), 0);
    if (w[4] != 42)
        test_fail("the foreground group is %ld after setting 42", (long)w[4]);
    expect_ret("tty_setpgrp(-1)",
               con_call(PROTO_IO_TTY_SETPGRP, (uint64_t)-1, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_EINVAL);
    expect_ret("tty_set with an unknown bit",
               con_call(PROTO_IO_TTY_SET, 0x40, 0, NULL, 0, NULL, 0, NULL), -CAIRN_EINVAL);

    /* raw, no echo: each byte readable at once, nothing on the screen */
    expect_ret("tty_set(raw)", con_call(PROTO_IO_TTY_SET, 0, 0, NULL, 0, NULL, 0, NULL), 0);
    screen = load(&dev.screen_len);
    type("q\x7f");
    expect_read("q\x7f", 0);
    if (load(&dev.screen_len) != screen)
        test_fail("raw mode without echo echoed");
    expect_ret("tty_get", con_call(PROTO_IO_TTY_GET, 0, 0, NULL, 0, NULL, 0, w), 0);
    if (w[1] != 0)
        test_fail("the mode reads %#lx after setting raw", (unsigned long)w[1]);
    expect_ret("tty_set(canonical)",
               con_call(PROTO_IO_TTY_SET, PROTO_TTY_CANON | PROTO_TTY_ECHO | PROTO_TTY_SIGINT, 0,
                        NULL, 0, NULL, 0, NULL),
               0);
    type("ok\r");
    expect_read("ok\n", 0);
    expect_screen("ok\r\n");
}

static void
a_full_queue_holds_the_device_back_and_loses_nothing(void)
{
    char typed[2 * (TERMLINE_RECORDS + 1) + 1], echo[3 * TERMLINE_RECORDS + 2], want[3];
    uint32_t reads;

    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    /* 65 lines: termline queues 64, the 65th line's end must wait */
    for (unsigned i = 0; i <= TERMLINE_RECORDS; i++) {
        typed[2 * i] = (char)('A' + i % 26);
        typed[2 * i + 1] = '\r';
        if (i < TERMLINE_RECORDS)
            memcpy(echo + 3 * i, (char[]){typed[2 * i], '\r', '\n'}, 3);
    }
    typed[sizeof(typed) - 1] = '\0';
    echo[3 * TERMLINE_RECORDS] = typed[2 * TERMLINE_RECORDS];
    echo[sizeof(echo) - 1] = '\0';
    reads = type_nowait(typed);
    expect_screen(echo);
    cairn_thread_sleep(100 * MS_NS);
    if (load(&dev.reads) != reads)
        test_fail("the console read its device on with its queue full");
    /* one line read makes room: the held line's end goes in, and the
     * console reads on */
    expect_read("A\n", 0);
    type_wait(reads, "the 65th line's end");
    expect_screen("\r\n");
    for (unsigned i = 1; i <= TERMLINE_RECORDS; i++) {
        memcpy(want, (char[]){(char)('A' + i % 26), '\n', '\0'}, 3);
        expect_read(want, 0);
    }
}

/* A copy of this program in this mode reads from the console (extra
 * handle 0) after signalling extra handle 1, and is killed meanwhile. */
#define MODE_READER 0xc0e1

static int
child_reader(void)
{
    char b[64];

    con.console = test_extra_handle(0);
    cairn_notify_signal(test_extra_handle(1), 1);
    return (int)con_call(PROTO_IO_READ, sizeof(b), 0, NULL, 0, b, sizeof(b), NULL);
}

static void
a_reader_killed_while_waiting_loses_no_line(void)
{
    long n = cairn_notify_create(), child;
    uint64_t bits;

    if (con.console < 0 || n < 0) {
        test_fail("no console, or no notification: %ld", n);
        return;
    }
    long extra[] = {con.console, n};
    child = test_spawn("test-console", MODE_READER, extra, 2);
    if (child >= 0) {
        expect_ret("the child about to read", cairn_notify_wait(n, 10 * SECOND, &bits), 0);
        cairn_thread_sleep(100 * MS_NS); /* into its call, where the console holds it */
        expect_ret("process_kill", cairn_process_kill(child), 0);
        expect_ret("process_wait", cairn_process_wait(child, 10 * SECOND, NULL), 0);
        cairn_handle_close(child);
    }
    cairn_handle_close(n);
    /* the console answers the dead reader first: the line must stay for us */
    type("kept\r");
    expect_screen("kept\r\n");
    expect_read("kept\n", 0);
}

static void
the_console_finds_its_device_again_after_it_restarts(void)
{
    struct test_thread reg;
    uint32_t reads;

    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    /* the device ends: the console's read of it fails, its endpoint closes */
    store((uint32_t *)&dev.stop, 1);
    cairn_notify_signal(dev.wake, 1);
    expect_ret("the device thread", test_thread_join(&dev.thread, 10 * SECOND, NULL), 0);
    test_thread_free(&dev.thread);
    cairn_handle_close(dev.client);
    cairn_handle_close(dev.ep);

    /* a new one comes, under the same name, on a screen of 40 x 100 */
    reads = load(&dev.reads);
    dev_rows = 40;
    dev_cols = 100;
    dev.ep = cairn_endpoint_create();
    dev.client =
        cairn_handle_dup(dev.ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    store((uint32_t *)&dev.stop, 0);
    if (dev.ep < 0 || dev.client < 0 || test_thread_start(&dev.thread, device_thread, NULL) < 0 ||
        registry_start(&reg) < 0) {
        test_fail("a new device: %ld %ld", dev.ep, dev.client);
        return;
    }
    for (int i = 0; load(&dev.reads) == reads && i < 10000; i++)
        cairn_thread_sleep(MS_NS);
    if (load(&dev.reads) == reads)
        test_fail("the console did not read from the new device");
    /* its echo goes to the new device too, after one more lookup */
    type("back\r");
    expect_screen("back\r\n");
    expect_read("back\n", 0);
    registry_end(&reg, 2);
    /* the output looked up again was asked its size */
    uint64_t w[CAIRN_MSG_WORDS];
    expect_ret("tty_get", con_call(PROTO_IO_TTY_GET, 0, 0, NULL, 0, NULL, 0, w), 0);
    if (w[2] != 40 || w[3] != 100)
        test_fail("the window is %lu x %lu after the device came back with 40 x 100",
                  (unsigned long)w[2], (unsigned long)w[3]);
}

static void
bad_requests_get_errors(void)
{
    char buf[16];

    if (con.console < 0) {
        test_fail("no console");
        return;
    }
    expect_ret("read of 0 bytes", con_call(PROTO_IO_READ, 0, 0, NULL, 0, buf, 16, NULL),
               -CAIRN_EINVAL);
    expect_ret("read of 4097 bytes", con_call(PROTO_IO_READ, 4097, 0, NULL, 0, buf, 16, NULL),
               -CAIRN_EINVAL);
    expect_ret("write of nothing", con_call(PROTO_IO_WRITE, 0, 0, NULL, 0, NULL, 0, NULL),
               -CAIRN_EINVAL);
    expect_ret("seek", con_call(PROTO_IO_SEEK, 0, 0, NULL, 0, NULL, 0, NULL), -CAIRN_ESPIPE);
    expect_ret("an unknown request", con_call(0x999, 0, 0, NULL, 0, NULL, 0, NULL), -CAIRN_ENOSYS);
    expect_ret("a client posing as an input source",
               con_call(0xc0101, 0, 0, "rm -rf /\r", 9, NULL, 0, NULL), -CAIRN_EBADF);
    expect_ret("a client posing as the log thread",
               con_call(0xc0102, 0, 0, "forged\n", 7, NULL, 0, NULL), -CAIRN_EBADF);
    if (screen_has("forged"))
        test_fail("a client's forged log line reached the screen");
    expect_ret("nothing typed came of it",
               con_call(PROTO_IO_READ, 16, PROTO_IO_NONBLOCK, NULL, 0, buf, 16, NULL),
               -CAIRN_EAGAIN);

    long n = cairn_notify_create();
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{PROTO_IO_WRITE, 0, 0, 0, 0}, &ext};
    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t) "h";
    ext.send_len = 1;
    ext.send_nhandles = 1;
    ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)n, CAIRN_RIGHTS_SAME, 0, 0};
    expect_ret("a write with a handle", cairn_ipc_call_timed(con.console, &msg, 10 * SECOND), 0);
    expect_ret("its reply", (long)msg.w[0], -CAIRN_EINVAL);
}

/* Kills the console, ends the device and checks nothing is left. */
static void
console_end(void)
{
    int64_t status;

    if (con.process < 0) {
        test_fail("no console");
        return;
    }
    expect_ret("process_kill", cairn_process_kill(con.process), 0);
    expect_ret("process_wait", cairn_process_wait(con.process, 10 * SECOND, &status), 0);
    expect_ret("a request to the dead console",
               con_call(PROTO_IO_WRITE, 0, 0, "x", 1, NULL, 0, NULL), -CAIRN_ECLOSED);
    store((uint32_t *)&dev.stop, 1);
    cairn_notify_signal(dev.wake, 1);
    expect_ret("the device thread", test_thread_join(&dev.thread, 10 * SECOND, NULL), 0);
    test_thread_free(&dev.thread);
    cairn_handle_close(con.process);
    cairn_handle_close(con.console);
    cairn_handle_close(con.registry_client);
    cairn_handle_close(con.registry);
    cairn_handle_close(dev.client);
    cairn_handle_close(dev.ep);
    cairn_handle_close(dev.wake);
    expect_stats(&con.before, "after the console ended");
    con.process = con.console = -1;
}

static void
the_console_ends_and_leaves_nothing_behind(void)
{
    console_end();
}

/* Waits until the screen has stayed the same for 200 ms (at most 10 s). */
static void
screen_settle(void)
{
    uint32_t len = load(&dev.screen_len);

    for (int quiet = 0, i = 0; quiet < 200 && i < 10000; i++) {
        cairn_thread_sleep(MS_NS);
        quiet = load(&dev.screen_len) == len ? quiet + 1 : 0;
        len = load(&dev.screen_len);
    }
}

/*
 * A console granted the kernel log, on a device that tells a grid (a
 * screen): a record written while the framebuffer console is claimed
 * (the serial port shows it, the screen does not) reaches the screen
 * through the console, as "\r\n" lines; one the kernel drew on the
 * screen itself does not come again.
 */
static void
the_kernel_log_reaches_the_screen_that_missed_it(void)
{
    static const char drawn[] = "console-test: the kernel drew this\n",
                      missed[] = "console-test: the screen missed this\n";
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    int kernel_draws = bi && bi->fb.type == CAIRN_FB_RGB;
    long log = cairn_handle_dup(CAIRN_INIT_HANDLE_CONSOLE,
                                CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER),
         claim;

    if (log < 0) {
        test_fail("a handle to the kernel log: %ld", log);
        return;
    }
    console_start(log);
    if (con.console < 0)
        goto out;
    /* What the log held before, which the console passes on at its start
     * (in a test boot, earlier tests' lines kept off the serial port): the
     * screen starts over after it. */
    screen_settle();
    printf("console: the kernel log's earlier records brought %u bytes to the screen\n",
           load(&dev.screen_len));
    con.seen = 0;
    store(&screen_restart, 1);
    cairn_debug_write(drawn, sizeof(drawn) - 1);
    claim = cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_CONSOLE_FRAMEBUFFER);
    if (!kernel_draws) {
        printf("console: no RGB framebuffer in this boot: the log's screen path is not checked\n");
        if (claim >= 0)
            cairn_handle_close(claim);
    } else if (claim < 0) {
        test_fail("console_claim: %ld", claim);
    } else {
        cairn_debug_write(missed, sizeof(missed) - 1);
        cairn_handle_close(claim);
        for (int i = 0; i < 10000 && !screen_has("console-test: the screen missed this\r\n"); i++)
            cairn_thread_sleep(MS_NS);
        if (!screen_has("console-test: the screen missed this\r\n"))
            test_fail("a record the screen missed did not reach it");
        /* the log is read in order: the earlier record was passed over */
        if (screen_has("the kernel drew this"))
            test_fail("a record the kernel drew on the screen came again");
    }
    console_end();
out:
    cairn_handle_close(log);
}

static const struct usertest tests[] = {
    USERTEST(console_finds_its_device_and_registers),
    USERTEST(typed_bytes_come_back_as_a_line_with_their_echo),
    USERTEST(a_read_waits_for_the_whole_line),
    USERTEST(backspace_edits_and_ctrl_d_ends_the_file),
    USERTEST(ctrl_c_discards_the_line_and_interrupts_the_foreground_group),
    USERTEST(writes_reach_the_device_with_cr_lf),
    USERTEST(tty_requests_get_and_set_the_mode),
    USERTEST(a_full_queue_holds_the_device_back_and_loses_nothing),
    USERTEST(a_reader_killed_while_waiting_loses_no_line),
    USERTEST(the_console_finds_its_device_again_after_it_restarts),
    USERTEST(bad_requests_get_errors),
    USERTEST(the_console_ends_and_leaves_nothing_behind),
    USERTEST(the_kernel_log_reaches_the_screen_that_missed_it),
};

int
main(void)
{
    if (cairn_start_arg() == MODE_READER)
        return child_reader();
    return harness_run("console", tests, sizeof(tests) / sizeof(tests[0]));
}
