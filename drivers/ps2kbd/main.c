// SPDX-License-Identifier: MIT
/*
 * The PS/2 keyboard and mouse driver: start-up, the keyboard's protocol
 * and the receive loop (ps2kbd.h has the layers and the invariants;
 * docs/console.md the keyboard's story, docs/drivers.md the mouse's).
 *
 *     ps2kbd [NAME [MOUSE]]
 *
 * Start handles (include/proto/handles.h): PROTO_HANDLE_IOPORT, one or
 * two ranges covering ports 0x60 and 0x64; PROTO_HANDLE_IRQ, the irq
 * object of ISA line 1 as init makes it for `isa:1`, and optionally a
 * second one, of ISA line 12 (`irq = isa:1 isa:12`), which turns the
 * mouse on; PROTO_HANDLE_REGISTRY, where it registers as NAME (default
 * `kbd`) and, with the mouse, as MOUSE (default `mouse`): the same
 * endpoint, the mouse's handle minted with badge MOUSE_BADGE, so one
 * thread serves both (mouseio.c the mouse's requests). Without a second
 * irq, or when the registry refuses the mouse's name, the mouse port
 * stays off and the keyboard works as before.
 *
 * A machine without a keyboard still gets the driver registered (the
 * console waits for its sources by name): its reads then wait for good.
 *
 * Requests (include/proto/io.h): PROTO_IO_READ takes what is typed, up to
 * w[1] bytes, or waits for the first key (a deferred reply) unless
 * PROTO_IO_NONBLOCK; PROTO_IO_WRITE is -CAIRN_EBADF (a keyboard is read
 * only); STAT a character device; PROTO_POWER_RESET_8042 (from the
 * power server, include/proto/power.h) pulses the CPU's reset line and
 * answers only if that did nothing; the rest as every character device
 * answers them (lib/chardev: SEEK -CAIRN_ESPIPE; DUP and CLOSE 0, since
 * every client shares the one registered handle; the terminal requests
 * -CAIRN_ENOTTY; anything else -CAIRN_ENOSYS; a request carrying handles
 * -CAIRN_EINVAL, the handles closed).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>
#include <proto/power.h>

#include <chardev/chardev.h>

#include "ps2kbd.h"

#define IRQ_BIT       1ull
#define MOUSE_IRQ_BIT 2ull
#define MOUSE_BADGE   1ull        /* the keyboard's handle has badge 0 */
#define KBD_POLL_NS   50000000ull /* 50 ms: a lost edge costs this much, never a hang */

struct kbd_reader {
    long reply; /* a saved reply */
    uint32_t want;
};

static struct kbd kbd;
static struct ps2mouse mouse;
static struct kbd_reader readers[KBD_MAX_READERS];
static uint32_t rd_head, rd_tail;
static uint8_t in_buf[CAIRN_MSG_BUF_MAX], out_buf[CAIRN_MSG_BUF_MAX];

static int
fail(const char *what, long err)
{
    printf("ps2kbd: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

/* Copies up to want bytes of the ring to out_buf without taking them. */
static uint32_t
kbd_peek(uint32_t want)
{
    uint32_t n = kbd.head - kbd.tail;

    if (n > want)
        n = want;
    for (uint32_t i = 0; i < n; i++)
        out_buf[i] = kbd.ring[(kbd.tail + i) % KBD_RING_SIZE];
    return n;
}

/* Answers the waiting readers while there are bytes, oldest first. */
static void
kbd_serve_readers(void)
{
    while (rd_head != rd_tail && kbd.head != kbd.tail) {
        struct kbd_reader *r = &readers[rd_tail++ % KBD_MAX_READERS];
        uint32_t n = kbd_peek(r->want);
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{n, 0, 0, 0, 0}, &ext};

        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)out_buf;
        ext.send_len = n;
        if (cairn_ipc_reply_to(r->reply, &msg) == 0)
            kbd.tail += n; /* a reader gone meanwhile leaves the keys to the next */
        cairn_handle_close(r->reply);
    }
}

/* PROTO_IO_READ: the reply's words and length in w and *len, or 1 when
 * the caller was saved to be answered later. */
static int
kbd_do_read(const uint64_t *rq, uint64_t *w, uint32_t *len)
{
    long reply;

    if (rq[1] == 0 || rq[1] > CAIRN_MSG_BUF_MAX || (rq[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
        w[0] = (uint64_t)-CAIRN_EINVAL;
        return 0;
    }
    if (kbd.head != kbd.tail && rd_head == rd_tail) {
        *len = kbd_peek((uint32_t)rq[1]);
        w[0] = *len;
        return 0;
    }
    if (rq[2] & PROTO_IO_NONBLOCK) {
        w[0] = (uint64_t)-CAIRN_EAGAIN;
        return 0;
    }
    if (rd_head - rd_tail == KBD_MAX_READERS) {
        w[0] = (uint64_t)-CAIRN_EBUSY;
        return 0;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        w[0] = (uint64_t)reply;
        return 0;
    }
    readers[rd_head++ % KBD_MAX_READERS] = (struct kbd_reader){reply, (uint32_t)rq[1]};
    return 1;
}

/* One request: answered now, or saved (a read with nothing typed). */
static void
kbd_dispatch(long err, struct cairn_msg *msg, struct cairn_msg_ext *ext)
{
    static struct proto_stat st;
    uint64_t w[CAIRN_MSG_WORDS] = {0};
    uint32_t len = 0;
    const void *data = out_buf;
    int is_read = 0;

    if (chardev_refuse_malformed(err, msg, ext))
        return;
    switch (msg->w[0]) {
    case PROTO_IO_READ:
        if (kbd_do_read(msg->w, w, &len))
            return;
        is_read = 1;
        break;
    case PROTO_IO_WRITE:
        w[0] = (uint64_t)-CAIRN_EBADF;
        break;
    case PROTO_IO_STAT:
        chardev_stat(&st, 0440, 16);
        st.size = kbd.head - kbd.tail;
        st.ino = 0x60;
        data = &st;
        len = sizeof(st);
        break;
    case PROTO_POWER_RESET_8042:
        /* The power server's reboot when the FADT has no reset
         * register: port 0x64 stays with this driver alone. */
        w[0] = (uint64_t)(kbd.present ? i8042_reset_cpu() : -CAIRN_ENOENT);
        break;
    default:
        w[0] = (uint64_t)chardev_default(msg->w[0]);
    }
    /* The bytes leave the ring once the reply carrying them went out. */
    if (chardev_reply(msg, w, data, len) == 0 && is_read)
        kbd.tail += len;
}

int
main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "kbd", *mouse_name = argc > 2 ? argv[2] : "mouse";
    long irq, mouse_irq, notif, ep, client, err;
    struct cairn_handle_info info;
    int set = KEYMAP_SET1;

    if (argc > 3 || (argc >= 2 && argv[1][0] == '-') || (argc == 3 && argv[2][0] == '-'))
        return fail("usage: ps2kbd [NAME [MOUSE]]", -CAIRN_EINVAL);
    for (uint32_t i = 0;; i++) {
        long ports = cairn_start_handle(PROTO_HANDLE_IOPORT, i);

        if (ports < 0) {
            if (i == 0)
                return fail("no I/O port range among the start handles", -CAIRN_ENOENT);
            break;
        }
        if ((err = cairn_ioport_enable(ports, -1, 1)) < 0)
            return fail("ioport_enable", err);
    }
    irq = cairn_start_handle(PROTO_HANDLE_IRQ, 0);
    if (irq < 0 || cairn_handle_info(irq, &info) < 0 || info.type != CAIRN_OBJ_IRQ)
        return fail("the irq start handle is not an irq object (isa:1)", -CAIRN_EWRONGTYPE);
    notif = cairn_notify_create();
    if (notif < 0)
        return fail("notify_create", notif);
    if ((err = cairn_irq_bind(irq, notif, IRQ_BIT)) < 0 || (err = cairn_notify_bind(notif)) < 0)
        return fail("binding the interrupt", err);
    mouse_irq = cairn_start_handle(PROTO_HANDLE_IRQ, 1);
    if (mouse_irq >= 0 && (cairn_handle_info(mouse_irq, &info) < 0 || info.type != CAIRN_OBJ_IRQ ||
                           (err = cairn_irq_bind(mouse_irq, notif, MOUSE_IRQ_BIT)) < 0)) {
        printf("ps2kbd: the second irq start handle is no irq object (isa:12): no mouse\n");
        mouse_irq = -1;
    }

    ep = cairn_endpoint_create();
    if (ep < 0)
        return fail("endpoint_create", ep);
    if (mouse_irq >= 0) {
        /* Registered first: a name the registry refuses leaves the mouse
         * port off instead of streaming to nobody. */
        client = cairn_handle_mint(
            ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, MOUSE_BADGE);
        err = client < 0 ? client : cairn_registry_register(mouse_name, client);
        if (client >= 0)
            cairn_handle_close(client);
        if (err < 0) {
            printf("ps2kbd: registering %s: %s: no mouse\n", mouse_name, cairn_strerror((int)err));
            mouse_irq = -1;
        }
    }
    kbd.present = i8042_init(&set, mouse_irq >= 0 ? &mouse : NULL) == 0;
    keymap_init(&kbd.map, set);
    err = chardev_publish(ep, name);
    if (err < 0)
        return fail("registering", err);
    if (kbd.present)
        printf("ps2kbd: %s: keyboard ready, scancode set 2%s\n", name,
               set == KEYMAP_SET1 ? " translated to 1 by the controller" : "");
    else
        printf("ps2kbd: %s: no keyboard; reads will wait\n", name);
    if (mouse.present)
        printf("ps2kbd: %s: mouse ready, id %d%s\n", mouse_name, mouse.id,
               mouse.id == 3 ? " (a wheel)" : "");
    else if (mouse_irq >= 0)
        printf("ps2kbd: %s: no mouse; reads will wait\n", mouse_name);

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge = 0;
        int waiting = rd_head != rd_tail || mouse_has_readers();

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)in_buf;
        ext.recv_cap = sizeof(in_buf);
        err = cairn_ipc_recv(ep, &msg, waiting && kbd.present ? KBD_POLL_NS : CAIRN_WAIT_FOREVER,
                             &badge);
        if (kbd.present)
            i8042_drain(&kbd, &mouse); /* keys typed meanwhile come before the answer */
        if (err == CAIRN_IPC_NOTIFIED) {
            if (badge & IRQ_BIT)
                (void)cairn_irq_ack(irq);
            if ((badge & MOUSE_IRQ_BIT) && mouse_irq >= 0)
                (void)cairn_irq_ack(mouse_irq);
        } else if ((err == 0 || err == CAIRN_MSG_TRUNCATED) && badge == MOUSE_BADGE) {
            mouse_dispatch(&mouse, err, &msg, &ext);
        } else if (err == 0 || err == CAIRN_MSG_TRUNCATED) {
            kbd_dispatch(err, &msg, &ext);
        } else if (err != -CAIRN_ETIMEDOUT) {
            return fail("ipc_recv", err);
        }
        kbd_serve_readers();
        mouse_serve_readers(&mouse);
        if (mouse.queue.dropped) {
            printf("ps2kbd: %s: %u button changes lost (nobody read them)\n", mouse_name,
                   mouse.queue.dropped);
            mouse.queue.dropped = 0;
        }
        if (kbd.dropped) {
            printf("ps2kbd: %s: %u typed bytes lost (nobody read them)\n", name, kbd.dropped);
            kbd.dropped = 0;
        }
    }
}
