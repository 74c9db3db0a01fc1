// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the PS/2 keyboard driver (drivers/ps2kbd) and the
 * framebuffer driver (drivers/fb) on the test boot's real devices.
 *
 * The test plays init, as tests/os/serial.c does: it starts each driver
 * from the initfs with what the system's manifest would give it (for the
 * keyboard the ports 0x60 and 0x64 and the irq object of ISA line 1; for
 * the framebuffer its memory object, the boot information and a console
 * claim it makes itself, so the kernel's log stops drawing there) and a
 * registry endpoint it serves, and takes the driver's endpoint from the
 * registration. Nobody types in a test boot, so the keyboard is tested
 * through its protocol: a read finds nothing and waits, bad requests get
 * errors. The framebuffer's drawing is checked on the device itself: the
 * test maps the framebuffer and looks at the pixels of what it wrote.
 * Typing is the session test's (tests/session/keyboard.session). At the end
 * both drivers are killed and nothing they made is left.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/console.h>
#include <cairn/device.h>
#include <cairn/init.h>
#include <cairn/spawn.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/registry.h>

#include "harness.h"

#define SECOND (1000 * MS_NS)

static struct {
    long process, registry, client, endpoint;
} kbd = {-1, -1, -1, -1}, fb = {-1, -1, -1, -1};
static struct cairn_debug_stats before;

/* One request: words op, w1, w2, bytes send, an optional handle to pass;
 * the reply's w[0] or the call's error. */
static long
io_call(long ep, uint64_t op, uint64_t w1, uint64_t w2, const void *send, uint32_t len, long handle,
        uint64_t timeout)
{
    static uint8_t recv[CAIRN_MSG_BUF_MAX];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, w2, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)send;
    ext.send_len = len;
    ext.recv_buf = (uint64_t)(uintptr_t)recv;
    ext.recv_cap = sizeof(recv);
    if (handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)handle, CAIRN_RIGHT_SIGNAL,
                                                        CAIRN_MSG_HANDLE_COPY, 0};
    }
    err = cairn_ipc_call_timed(ep, &msg, timeout);
    return err < 0 ? err : (long)msg.w[0];
}

/* Starts the initfs program name with the handles (kinds), the registry
 * endpoint added, and takes its registration of regname. */
static void
driver_start(const char *name, const char *regname, long *handles, uint32_t *kinds, uint32_t n,
             typeof(&kbd) d)
{
    const char *argv[] = {name, regname, NULL};
    uint64_t offset, size, badge;
    long image = test_program_image(name, &offset, &size), err;
    char got[64];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0}, &ext};

    d->registry = cairn_endpoint_create();
    d->client = cairn_handle_dup(d->registry,
                                 CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    if (image < 0 || d->registry < 0 || d->client < 0) {
        test_fail("no %s in the initfs (%ld) or no registry (%ld, %ld)", name, image, d->registry,
                  d->client);
        return;
    }
    handles[n] = d->client;
    kinds[n++] = PROTO_HANDLE_REGISTRY;
    struct cairn_spawn_attr attr = {
        .argv = argv, .handles = handles, .nhandles = n, .handle_kinds = kinds};
    d->process = cairn_spawn(image, offset, size, &attr, NULL);
    if (d->process < 0) {
        test_fail("spawning %s: %ld", name, d->process);
        return;
    }
    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)got;
    ext.recv_cap = sizeof(got) - 1;
    err = cairn_ipc_recv(d->registry, &msg, 10 * SECOND, &badge);
    if (err != 0) {
        test_fail("no registration from %s: %ld", name, err);
        return;
    }
    got[ext.recv_len] = '\0';
    if (msg.w[0] != PROTO_REG_REGISTER || strcmp(got, regname) != 0 || ext.recv_nhandles != 1)
        test_fail("%s sent op %#lx name \"%s\" with %u handles", name, (unsigned long)msg.w[0], got,
                  ext.recv_nhandles);
    if (ext.recv_nhandles >= 1)
        d->endpoint = ext.recv_handles[0];
    msg = (struct cairn_msg){{0, 0, 0, 0, 0}, NULL};
    expect_ret("registry reply", cairn_ipc_reply(&msg), 0);
}

static void
keyboard_driver_sets_up_the_controller_and_registers(void)
{
    long handles[4];
    uint32_t kinds[4] = {PROTO_HANDLE_IOPORT, PROTO_HANDLE_IOPORT, PROTO_HANDLE_IRQ};

    before = stats_settled();
    handles[0] = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, 0x60, 1);
    handles[1] = cairn_resource_create(CAIRN_INIT_HANDLE_IOPORT_ROOT, 0x64, 1);
    handles[2] = cairn_irq_create(CAIRN_INIT_HANDLE_IRQ_ROOT, 1, CAIRN_IRQ_ISA); /* as init does */
    if (handles[0] < 0 || handles[1] < 0 || handles[2] < 0) {
        test_fail("the keyboard's resources: %ld %ld %ld", handles[0], handles[1], handles[2]);
        return;
    }
    driver_start("ps2kbd", "kbd-test", handles, kinds, 3, &kbd);
    for (int i = 0; i < 3; i++)
        cairn_handle_close(handles[i]);
}

static void
keyboard_requests_get_their_answers(void)
{
    static const char x[] = "x";
    long ep = kbd.endpoint, own = cairn_notify_create();

    if (ep < 0 || own < 0) {
        test_fail("no keyboard driver");
        return;
    }
    expect_ret("read, nothing typed, nonblocking",
               io_call(ep, PROTO_IO_READ, 16, PROTO_IO_NONBLOCK, NULL, 0, -1, 5 * SECOND),
               -CAIRN_EAGAIN);
    expect_ret("a read of 0 bytes", io_call(ep, PROTO_IO_READ, 0, 0, NULL, 0, -1, 5 * SECOND),
               -CAIRN_EINVAL);
    expect_ret("a read of too many bytes",
               io_call(ep, PROTO_IO_READ, CAIRN_MSG_BUF_MAX + 1, 0, NULL, 0, -1, 5 * SECOND),
               -CAIRN_EINVAL);
    expect_ret("a read with unknown flags",
               io_call(ep, PROTO_IO_READ, 16, 0x80, NULL, 0, -1, 5 * SECOND), -CAIRN_EINVAL);
    expect_ret("write", io_call(ep, PROTO_IO_WRITE, 0, 0, x, 1, -1, 5 * SECOND), -CAIRN_EBADF);
    expect_ret("stat", io_call(ep, PROTO_IO_STAT, 0, 0, NULL, 0, -1, 5 * SECOND), 0);
    expect_ret("seek", io_call(ep, PROTO_IO_SEEK, 0, 0, NULL, 0, -1, 5 * SECOND), -CAIRN_ESPIPE);
    expect_ret("dup", io_call(ep, PROTO_IO_DUP, 0, 0, NULL, 0, -1, 5 * SECOND), 0);
    expect_ret("tty_get", io_call(ep, PROTO_IO_TTY_GET, 0, 0, NULL, 0, -1, 5 * SECOND),
               -CAIRN_ENOTTY);
    expect_ret("an unknown request", io_call(ep, 0x999, 0, 0, NULL, 0, -1, 5 * SECOND),
               -CAIRN_ENOSYS);
    expect_ret("a request carrying a handle",
               io_call(ep, PROTO_IO_READ, 16, PROTO_IO_NONBLOCK, NULL, 0, own, 5 * SECOND),
               -CAIRN_EINVAL);
    /* nothing is typed: a blocking read waits, here until its time limit */
    expect_ret("a waiting read", io_call(ep, PROTO_IO_READ, 16, 0, NULL, 0, -1, 300 * MS_NS),
               -CAIRN_ETIMEDOUT);
    /* the driver still answers after a waiting reader went away */
    expect_ret("read again", io_call(ep, PROTO_IO_READ, 16, PROTO_IO_NONBLOCK, NULL, 0, -1, SECOND),
               -CAIRN_EAGAIN);
    cairn_handle_close(own);
}

/* Is any pixel of the w x h box at x, y not black? */
static int
box_lit(const uint8_t *base, const struct cairn_boot_framebuffer *f, uint32_t x, uint32_t y,
        uint32_t w, uint32_t h)
{
    uint32_t bpp = f->bpp / 8u;

    for (uint32_t j = y; j < y + h; j++)
        for (uint32_t i = x * bpp; i < (x + w) * bpp; i++)
            if (base[(size_t)j * f->pitch + i])
                return 1;
    return 0;
}

static void
framebuffer_driver_draws_what_is_written(void)
{
    static const char clear[] = "\x1b[2J\x1b[H\x1b[?25l", hash[] = "#", red[] = "\x1b[41m\x1b[2K";
    const struct cairn_bootinfo *bi = cairn_bootinfo();
    const struct cairn_boot_framebuffer *f = bi ? &bi->fb : NULL;
    long handles[4], claim, at;
    uint32_t kinds[4] = {PROTO_HANDLE_FRAMEBUFFER, PROTO_HANDLE_BOOTINFO, PROTO_HANDLE_CLAIM};
    const uint8_t *base;

    if (!f || f->type != CAIRN_FB_RGB || f->handle < 0) {
        printf("kbdfb: no RGB framebuffer in this boot: the drawing is not checked\n");
        return;
    }
    claim = cairn_console_claim(CAIRN_INIT_HANDLE_CONSOLE, CAIRN_CONSOLE_FRAMEBUFFER);
    if (claim < 0) {
        test_fail("console_claim: %ld", claim);
        return;
    }
    handles[0] = f->handle;
    handles[1] = CAIRN_INIT_HANDLE_BOOTINFO;
    handles[2] = claim;
    driver_start("fb", "fb-test", handles, kinds, 3, &fb);
    cairn_handle_close(claim); /* the driver's copy holds it now */
    if (fb.endpoint < 0)
        return;
    at = cairn_vm_map(f->handle, 0, f->size, 0, CAIRN_PROT_READ, 0);
    if (at < 0) {
        test_fail("mapping the framebuffer: %ld", at);
        return;
    }
    base = (const uint8_t *)at + (f->phys & 4095);
    expect_ret("write",
               io_call(fb.endpoint, PROTO_IO_WRITE, 0, 0, clear, sizeof(clear) - 1, -1, 5 * SECOND),
               sizeof(clear) - 1);
    if (box_lit(base, f, 0, 0, 64, 32))
        test_fail("the top left is not black after ESC [ 2 J");
    expect_ret("write", io_call(fb.endpoint, PROTO_IO_WRITE, 0, 0, hash, 1, -1, 5 * SECOND), 1);
    if (!box_lit(base, f, 0, 0, 8, 16))
        test_fail("the first cell does not show the #");
    if (box_lit(base, f, 8, 0, 56, 32))
        test_fail("something beside the # is drawn");
    expect_ret("write",
               io_call(fb.endpoint, PROTO_IO_WRITE, 0, 0, red, sizeof(red) - 1, -1, 5 * SECOND),
               sizeof(red) - 1);
    if (!box_lit(base, f, f->width - 8, 0, 8, 1) || box_lit(base, f, 0, 16, 64, 16))
        test_fail("ESC [ 4 1 m ESC [ 2 K did not paint the first row alone");
    expect_ret("read", io_call(fb.endpoint, PROTO_IO_READ, 16, 0, NULL, 0, -1, 5 * SECOND),
               -CAIRN_EBADF);
    expect_ret("an empty write",
               io_call(fb.endpoint, PROTO_IO_WRITE, 0, 0, NULL, 0, -1, 5 * SECOND), -CAIRN_EINVAL);
    expect_ret("tty_set", io_call(fb.endpoint, PROTO_IO_TTY_SET, 0, 0, NULL, 0, -1, 5 * SECOND),
               -CAIRN_ENOTTY);
    expect_ret("tty_setpgrp",
               io_call(fb.endpoint, PROTO_IO_TTY_SETPGRP, 1, 0, NULL, 0, -1, 5 * SECOND),
               -CAIRN_ENOTTY);
    cairn_vm_unmap((uint64_t)at, f->size);

    /* The grid, as the console asks for its window size: the screen in
     * cells of the 8 x 16 font, with no mode and no group of its own. */
    struct cairn_msg msg = {{PROTO_IO_TTY_GET, 0, 0, 0, 0}, NULL};
    expect_ret("tty_get", cairn_ipc_call_timed(fb.endpoint, &msg, 5 * SECOND), 0);
    if (msg.w[0] != 0 || msg.w[1] != 0 || msg.w[2] != f->height / 16 || msg.w[3] != f->width / 8 ||
        msg.w[4] != 0)
        test_fail("tty_get: %ld, mode %lu, %lu x %lu, group %lu for %u x %u pixels", (long)msg.w[0],
                  (unsigned long)msg.w[1], (unsigned long)msg.w[2], (unsigned long)msg.w[3],
                  (unsigned long)msg.w[4], f->height, f->width);
}

static void
both_drivers_end_and_leave_nothing_behind(void)
{
    typeof(&kbd) all[] = {&kbd, &fb};
    int64_t status;

    for (unsigned i = 0; i < 2; i++) {
        if (all[i]->process < 0)
            continue;
        expect_ret("process_kill", cairn_process_kill(all[i]->process), 0);
        expect_ret("process_wait", cairn_process_wait(all[i]->process, 10 * SECOND, &status), 0);
        expect_ret("a request to the dead driver",
                   io_call(all[i]->endpoint, PROTO_IO_STAT, 0, 0, NULL, 0, -1, 5 * SECOND),
                   -CAIRN_ECLOSED);
        cairn_handle_close(all[i]->process);
        cairn_handle_close(all[i]->endpoint);
        cairn_handle_close(all[i]->client);
        cairn_handle_close(all[i]->registry);
    }
    expect_stats(&before, "after the drivers ended");
}

static const struct usertest tests[] = {
    USERTEST(keyboard_driver_sets_up_the_controller_and_registers),
    USERTEST(keyboard_requests_get_their_answers),
    USERTEST(framebuffer_driver_draws_what_is_written),
    USERTEST(both_drivers_end_and_leave_nothing_behind),
};

int
main(void)
{
    return harness_run("kbdfb", tests, sizeof(tests) / sizeof(tests[0]));
}
