// SPDX-License-Identifier: MIT
/*
 * The framebuffer text console driver: start-up, the protocol and the
 * receive loop (docs/console.md).
 *
 *     fb [NAME]
 *
 * Start handles (include/proto/handles.h): PROTO_HANDLE_FRAMEBUFFER, the
 * boot framebuffer's device memory object, and PROTO_HANDLE_BOOTINFO, the
 * boot information read-only, whose fb field tells the geometry (both
 * from init for `grant = framebuffer`); PROTO_HANDLE_CLAIM, the console
 * claim on the kernel's framebuffer console (`grant =
 * framebuffer-console`), held while the driver lives so the kernel's log
 * does not draw over it; PROTO_HANDLE_REGISTRY, where it registers as
 * NAME (default `fb`).
 *
 * vt.c interprets what is written (the escape sequences), draw.c puts the
 * grid on the screen after each write. A machine without a framebuffer
 * the driver can draw on (none, or EGA text mode) still gets the driver
 * registered, since the console waits for its outputs by name; the
 * writes are then taken and dropped, and the start says so in the log.
 *
 * Requests (include/proto/io.h): PROTO_IO_WRITE draws the bytes and
 * replies with their count (never short, never waits); PROTO_IO_READ is
 * -CAIRN_EBADF (a screen is written only); STAT a character device;
 * PROTO_IO_TTY_GET tells the grid, w[2] rows and w[3] columns (mode and
 * group 0), so the console can say how large its window is, or
 * -CAIRN_ENOTTY without a framebuffer to draw on; the rest as every
 * character device answers them (lib/chardev: SEEK -CAIRN_ESPIPE, DUP and
 * CLOSE 0 since nothing is counted, the other terminal requests
 * -CAIRN_ENOTTY, anything else -CAIRN_ENOSYS, a request carrying handles
 * -CAIRN_EINVAL).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>

#include <chardev/chardev.h>

#include "draw.h"
#include "vt.h"

static struct vt vt;
static struct draw draw;
static int drawing; /* a framebuffer to draw on */
static uint8_t in_buf[CAIRN_MSG_BUF_MAX];

static int
fail(const char *what, long err)
{
    printf("fb: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

/* Maps the framebuffer and sets the drawer and the grid up. 0, or why not. */
static const char *
fb_setup(void)
{
    long mem = cairn_start_handle(PROTO_HANDLE_FRAMEBUFFER, 0);
    long info = cairn_start_handle(PROTO_HANDLE_BOOTINFO, 0);
    const struct cairn_bootinfo *bi;
    const struct cairn_boot_framebuffer *fb;
    struct draw_geometry g;
    long at;

    if (mem < 0 || info < 0)
        return "no framebuffer among the start handles";
    at = cairn_vm_map(info, 0, 4096, 0, CAIRN_PROT_READ, 0);
    if (at < 0)
        return "cannot map the boot information";
    bi = (const struct cairn_bootinfo *)at;
    if (bi->magic != CAIRN_BOOTINFO_MAGIC || bi->version < 2 ||
        bi->size < offsetof(struct cairn_bootinfo, acpi))
        return "the boot information is not version 2";
    fb = &bi->fb;
    if (fb->type != CAIRN_FB_RGB)
        return "the framebuffer is not RGB (EGA text mode is the kernel's alone)";
    if (fb->size == 0 || (fb->phys & 4095) + (uint64_t)fb->pitch * fb->height > fb->size)
        return "the framebuffer's geometry does not fit its memory";
    at = cairn_vm_map(mem, 0, fb->size, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (at < 0)
        return "cannot map the framebuffer";
    g = (struct draw_geometry){fb->pitch,    fb->width,    fb->height,    fb->bpp,
                               fb->red_pos,  fb->red_size, fb->green_pos, fb->green_size,
                               fb->blue_pos, fb->blue_size};
    if (draw_init(&draw, &g, (uint8_t *)at + (fb->phys & 4095), &console_font) < 0)
        return "cannot draw on this framebuffer (depth or size)";
    vt_init(&vt, draw.cols, draw.rows);
    draw_sync(&draw, &vt);
    printf("fb: %ux%u pixels, %u bpp: %u x %u characters\n", fb->width, fb->height, fb->bpp,
           draw.cols, draw.rows);
    return NULL;
}

/* One request; every one is answered at once. */
static void
fb_dispatch(long err, struct cairn_msg *msg, struct cairn_msg_ext *ext)
{
    static struct proto_stat st;
    uint64_t w[CAIRN_MSG_WORDS] = {0};
    const void *data = NULL;
    uint32_t len = 0;

    if (chardev_refuse_malformed(err, msg, ext))
        return;
    switch (msg->w[0]) {
    case PROTO_IO_WRITE:
        if (ext->recv_len == 0 || (msg->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
            w[0] = (uint64_t)-CAIRN_EINVAL;
            break;
        }
        if (drawing) {
            vt_write(&vt, in_buf, ext->recv_len);
            draw_sync(&draw, &vt);
        }
        w[0] = ext->recv_len;
        break;
    case PROTO_IO_READ:
        w[0] = (uint64_t)-CAIRN_EBADF;
        break;
    case PROTO_IO_STAT:
        chardev_stat(&st, 0220, CAIRN_MSG_BUF_MAX);
        data = &st;
        len = sizeof(st);
        break;
    case PROTO_IO_TTY_GET:
        /* The grid, for the console's window size: mode 0 and no group,
         * since the terminal's line and its groups are the console's. */
        if (!drawing) {
            w[0] = (uint64_t)-CAIRN_ENOTTY;
            break;
        }
        w[2] = vt.rows;
        w[3] = vt.cols;
        break;
    default:
        w[0] = (uint64_t)chardev_default(msg->w[0]);
    }
    (void)chardev_reply(msg, w, data, len); /* a caller gone meanwhile: nothing to undo */
}

int
main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "fb", *why;
    long ep, err;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return fail("usage: fb [NAME]", -CAIRN_EINVAL);
    if (cairn_start_handle(PROTO_HANDLE_CLAIM, 0) < 0)
        printf("fb: no console claim: the kernel's log may draw over the screen\n");
    why = fb_setup();
    drawing = why == NULL;
    if (why)
        printf("fb: %s; writes to %s are dropped\n", why, name);

    ep = cairn_endpoint_create();
    if (ep < 0)
        return fail("endpoint_create", ep);
    err = chardev_publish(ep, name);
    if (err < 0)
        return fail("registering", err);

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge = 0;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)in_buf;
        ext.recv_cap = sizeof(in_buf);
        err = cairn_ipc_recv(ep, &msg, CAIRN_WAIT_FOREVER, &badge);
        if (err < 0)
            return fail("ipc_recv", err);
        fb_dispatch(err, &msg, &ext);
    }
}
