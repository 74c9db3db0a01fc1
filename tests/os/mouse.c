// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the PS/2 mouse in the keyboard driver
 * (drivers/ps2kbd) on the test boot's real i8042.
 *
 * The test plays init, as tests/os/kbdfb.c does, but grants what the
 * system's manifest grants now: the ports 0x60 and 0x64 and the irq
 * objects of ISA lines 1 and 12, and a registry endpoint it serves. The
 * driver then registers the mouse and the keyboard; the mouse must have
 * answered its set-up (QEMU's is an IntelliMouse: id 3, a wheel) and
 * report it through PROTO_INPUT_INFO. Nobody moves the mouse in a test
 * boot, so its events are the session test's (tests/session/mouse.session,
 * QEMU's mouse_move and mouse_button); here a read finds nothing and
 * waits, bad requests get errors, and the keyboard goes on answering
 * beside it. At the end the driver is killed and nothing it made is left.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/input.h>
#include <proto/io.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND (1000 * MS_NS)

static long process = -1, registry = -1, client = -1, mouse_ep = -1, kbd_ep = -1;
static struct cairn_debug_stats before;
static uint64_t info[CAIRN_MSG_WORDS];

/* One request: op, w1, w2, an optional handle to copy along; the reply's
 * w[0] or the call's error, its words in info. */
static long
call(long ep, uint64_t op, uint64_t w1, uint64_t w2, long handle, uint64_t timeout)
{
    static uint8_t recv[CAIRN_MSG_BUF_MAX];
    static const char x[] = "x";
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, w2, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)recv;
    ext.recv_cap = sizeof(recv);
    if (op == PROTO_IO_WRITE) {
        ext.send_buf = (uint64_t)(uintptr_t)x;
        ext.send_len = 1;
    }
    if (handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)handle, CAIRN_RIGHT_SIGNAL,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
    }
    err = cairn_ipc_call_timed(ep, &msg, timeout);
    if (err < 0)
        return err;
    memcpy(info, msg.w, sizeof(info));
    return (long)msg.w[0];
}

/* Takes one registration: the name in got, the endpoint returned. */
static long
take_registration(char *got, size_t cap)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};
    uint64_t badge;
    long err, ep = -1;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)got;
    ext.recv_cap = (uint32_t)cap - 1;
    err = cairn_ipc_recv(registry, &msg, 10 * SECOND, &badge);
    if (err != 0)
        return err;
    got[ext.recv_len] = '\0';
    if (msg.w[0] != PROTO_REG_REGISTER || ext.recv_nhandles != 1)
        test_fail("op %#lx name \"%s\" with %u handles", (unsigned long)msg.w[0], got,
                  ext.recv_nhandles);
    if (ext.recv_nhandles >= 1)
        ep = ext.recv_handles[0];
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
    return ep;
}

static void
driver_registers_the_mouse_and_the_keyboard(void)
{
    const char *argv[] = {"ps2kbd", "kbd-test", "mouse-test", NULL};
    uint32_t kinds[5] = {PROTO_HANDLE_IOPORT, PROTO_HANDLE_IOPORT, PROTO_HANDLE_IRQ,
                         PROTO_HANDLE_IRQ, PROTO_HANDLE_REGISTRY};
    uint64_t offset, size;
    long handles[5], image = test_program_image("ps2kbd", &offset, &size);

    before = stats_settled();
    registry = cairn_endpoint_create();
    client = cairn_handle_dup(registry,
                              CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    handles[0] = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, 0x60, 1);
    handles[1] = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, 0x64, 1);
    handles[2] = cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 1, CAIRN_IRQ_ISA);
    handles[3] = cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 12, CAIRN_IRQ_ISA);
    handles[4] = client;
    for (int i = 0; i < 5; i++) {
        if (handles[i] < 0) {
            test_fail("resource %d: %ld", i, handles[i]);
            return;
        }
    }
    if (image < 0) {
        test_fail("no ps2kbd in the initfs: %ld", image);
        return;
    }
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = 5, .handle_kinds = kinds};
    process = cairn_spawn(image, offset, size, &attr, NULL);
    for (int i = 0; i < 4; i++)
        cairn_handle_close(handles[i]);
    if (process < 0) {
        test_fail("spawning ps2kbd: %ld", process);
        return;
    }
    for (int i = 0; i < 2; i++) {
        char got[64];
        long ep = take_registration(got, sizeof(got));

        if (ep < 0) {
            test_fail("registration %d: %ld", i, ep);
            return;
        }
        if (strcmp(got, "mouse-test") == 0 && mouse_ep < 0) {
            mouse_ep = ep;
        } else if (strcmp(got, "kbd-test") == 0 && kbd_ep < 0) {
            kbd_ep = ep;
        } else {
            test_fail("a registration of \"%s\"", got);
            cairn_handle_close(ep);
        }
    }
}

static void
the_mouse_answered_its_set_up_with_a_wheel(void)
{
    if (mouse_ep < 0) {
        test_fail("no mouse endpoint");
        return;
    }
    expect_ret("info", call(mouse_ep, PROTO_INPUT_INFO, 0, 0, -1, 5 * SECOND), 0);
    if (!(info[1] & PROTO_INPUT_PRESENT))
        test_fail("the mouse did not answer its set-up (flags %#lx)", (unsigned long)info[1]);
    else if (info[2] != 3 || !(info[1] & PROTO_INPUT_WHEEL))
        test_fail("QEMU's mouse is an IntelliMouse, but id %lu flags %#lx", (unsigned long)info[2],
                  (unsigned long)info[1]);
    if (info[3] != 100 || info[4] != 4)
        test_fail("rate %lu resolution %lu, expected 100 and 4", (unsigned long)info[3],
                  (unsigned long)info[4]);
}

static void
mouse_requests_get_their_answers(void)
{
    long ep = mouse_ep, own = cairn_notify_create();
    size_t ev = sizeof(struct proto_mouse_event);

    if (ep < 0 || own < 0) {
        test_fail("no mouse endpoint");
        return;
    }
    expect_ret("read, nothing moved, nonblocking",
               call(ep, PROTO_IO_READ, 4 * ev, PROTO_IO_NONBLOCK, -1, 5 * SECOND), -CAIRN_EAGAIN);
    expect_ret("a read smaller than an event", call(ep, PROTO_IO_READ, ev - 1, 0, -1, 5 * SECOND),
               -CAIRN_EINVAL);
    expect_ret("a read of too many bytes",
               call(ep, PROTO_IO_READ, CAIRN_MSG_BUF_MAX + 1, 0, -1, 5 * SECOND), -CAIRN_EINVAL);
    expect_ret("a read with unknown flags", call(ep, PROTO_IO_READ, ev, 0x80, -1, 5 * SECOND),
               -CAIRN_EINVAL);
    expect_ret("write", call(ep, PROTO_IO_WRITE, 0, 0, -1, 5 * SECOND), -CAIRN_EBADF);
    expect_ret("stat", call(ep, PROTO_IO_STAT, 0, 0, -1, 5 * SECOND), 0);
    expect_ret("seek", call(ep, PROTO_IO_SEEK, 0, 0, -1, 5 * SECOND), -CAIRN_ESPIPE);
    expect_ret("dup", call(ep, PROTO_IO_DUP, 0, 0, -1, 5 * SECOND), 0);
    expect_ret("tty_get", call(ep, PROTO_IO_TTY_GET, 0, 0, -1, 5 * SECOND), -CAIRN_ENOTTY);
    expect_ret("an unknown request", call(ep, 0x8ff, 0, 0, -1, 5 * SECOND), -CAIRN_ENOSYS);
    expect_ret("a request carrying a handle",
               call(ep, PROTO_IO_READ, ev, PROTO_IO_NONBLOCK, own, 5 * SECOND), -CAIRN_EINVAL);
    /* nothing moves: a blocking read waits, here until its time limit */
    expect_ret("a waiting read", call(ep, PROTO_IO_READ, ev, 0, -1, 300 * MS_NS), -CAIRN_ETIMEDOUT);
    expect_ret("read again", call(ep, PROTO_IO_READ, ev, PROTO_IO_NONBLOCK, -1, SECOND),
               -CAIRN_EAGAIN);
    cairn_handle_close(own);
}

static void
the_keyboard_answers_beside_the_mouse(void)
{
    if (kbd_ep < 0) {
        test_fail("no keyboard endpoint");
        return;
    }
    expect_ret("keyboard read, nothing typed",
               call(kbd_ep, PROTO_IO_READ, 16, PROTO_IO_NONBLOCK, -1, 5 * SECOND), -CAIRN_EAGAIN);
    /* the mouse's own request is none of the keyboard's */
    expect_ret("info on the keyboard", call(kbd_ep, PROTO_INPUT_INFO, 0, 0, -1, 5 * SECOND),
               -CAIRN_ENOSYS);
}

static void
the_driver_ends_and_leaves_nothing_behind(void)
{
    int64_t status;

    if (process >= 0) {
        expect_ret("process_kill", cairn_process_kill(process), 0);
        expect_ret("process_wait", cairn_process_wait(process, 10 * SECOND, &status), 0);
        if (mouse_ep >= 0)
            expect_ret("a request to the dead driver",
                       call(mouse_ep, PROTO_IO_STAT, 0, 0, -1, 5 * SECOND), -CAIRN_ECLOSED);
        cairn_handle_close(process);
    }
    cairn_handle_close(mouse_ep);
    cairn_handle_close(kbd_ep);
    cairn_handle_close(client);
    cairn_handle_close(registry);
    expect_stats(&before, "after the driver ended");
}

static const struct usertest tests[] = {
    USERTEST(driver_registers_the_mouse_and_the_keyboard),
    USERTEST(the_mouse_answered_its_set_up_with_a_wheel),
    USERTEST(mouse_requests_get_their_answers),
    USERTEST(the_keyboard_answers_beside_the_mouse),
    USERTEST(the_driver_ends_and_leaves_nothing_behind),
};

int
main(void)
{
    return harness_run("mouse", tests, sizeof(tests) / sizeof(tests[0]));
}
