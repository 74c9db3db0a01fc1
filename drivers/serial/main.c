// SPDX-License-Identifier: MIT
/*
 * The 16550 serial driver: start-up and the receive loop (serial.h has
 * the layers and the invariants; docs/console.md the whole story).
 *
 *     serial [--loopback] [--baud N] [NAME]
 *
 * Start handles (include/proto/handles.h): PROTO_HANDLE_IOPORT, the
 * UART's eight ports; PROTO_HANDLE_IRQ, its interrupt: the irq object
 * itself (what init makes for a manifest's `isa:N`, with the MADT's GSI
 * and mode), or an irq range whose base is the UART's GSI (taken as an
 * ISA line's: edge-triggered, active high);
 * PROTO_HANDLE_REGISTRY, where the driver registers its endpoint as NAME
 * (default `serial`); and PROTO_HANDLE_CLAIM, the console claim on the
 * kernel's serial port, which the driver holds as long as it lives so the
 * kernel's log does not write over it (required for COM1, 0x3f8, where
 * the kernel writes). --baud sets the speed (a divisor of 115200, the
 * default); --loopback puts the chip into its internal loopback (MCR bit
 * 4): what is written comes back as received, for tests.
 *
 * The loop waits for a request or for the interrupt, whose notification
 * is bound to the thread. After every event it moves bytes between the
 * chip and the rings and answers whoever waits. While someone waits it
 * also looks at the chip every SERIAL_POLL_NS, so an interrupt edge lost
 * to a race with the chip costs a little time, never a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/device.h>
#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/handles.h>
#include <proto/io.h>

#include <chardev/chardev.h>

#include "serial.h"

#define SERIAL_POLL_NS 10000000ull /* 10 ms */
#define IRQ_BIT        1ull
#define COM1           0x3f8

static struct serial serial;
static uint8_t in_buf[CAIRN_MSG_BUF_MAX];

typedef void (*serial_handler)(struct serial *, const struct serial_request *,
                               struct serial_reply *);

/* The dispatch table, by PROTO_IO_* request; a hole gets what every
 * character device answers (lib/chardev: SEEK -CAIRN_ESPIPE, DUP and CLOSE
 * 0 since nothing is counted, the terminal requests -CAIRN_ENOTTY since the
 * terminal is the console's, anything else -CAIRN_ENOSYS). */
static const serial_handler handlers[] = {
    [PROTO_IO_READ - PROTO_IO_READ] = serial_do_read,
    [PROTO_IO_WRITE - PROTO_IO_READ] = serial_do_write,
    [PROTO_IO_STAT - PROTO_IO_READ] = serial_do_stat,
};

/*
 * The base of a resource: the lowest value from which a sub-range of size
 * can be carved (the kernel has no call that tells a resource's range, so
 * the driver finds its own port and GSI this way, once). -CAIRN_ENOENT if
 * none below limit.
 */
static long
resource_base(long res, uint64_t limit, uint64_t size)
{
    for (uint64_t v = 0; v + size <= limit; v++) {
        long h = cairn_resource_create(res, v, size);

        if (h >= 0) {
            cairn_handle_close(h);
            return (long)v;
        }
        if (h != -CAIRN_ERANGE)
            return h;
    }
    return -CAIRN_ENOENT;
}

static int
fail(const char *what, long err)
{
    printf("serial: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

/* One request, received in msg with the extension ext: answer it (now or
 * later). */
static void
serial_dispatch(long err, struct cairn_msg *msg, struct cairn_msg_ext *ext)
{
    struct serial_request rq;
    struct serial_reply rp;
    uint64_t op = msg->w[0];

    memcpy(rq.w, msg->w, sizeof(rq.w));
    rq.data = in_buf;
    rq.len = ext->recv_len;
    memset(&rp, 0, sizeof(rp));
    if (chardev_refuse_malformed(err, msg, ext))
        return;
    if (op >= PROTO_IO_READ && op - PROTO_IO_READ < sizeof(handlers) / sizeof(handlers[0]) &&
        handlers[op - PROTO_IO_READ])
        handlers[op - PROTO_IO_READ](&serial, &rq, &rp);
    else
        rp.w[0] = (uint64_t)chardev_default(op);
    if (rp.deferred)
        return;
    if (chardev_reply(msg, rp.w, rp.data, rp.len) == 0)
        serial.rx_tail += rp.consume;
}

int
main(int argc, char **argv)
{
    const char *name = "serial";
    long ioport, irqs, irq, notif, ep, port, gsi = -1, err;
    struct cairn_handle_info info;

    serial.divisor = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--loopback") == 0) {
            serial.loopback = 1;
        } else if (strcmp(argv[i], "--baud") == 0 && i + 1 < argc) {
            char *end;
            unsigned long baud = strtoul(argv[++i], &end, 10);

            if (*end || baud == 0 || baud > 115200 || 115200 % baud)
                return fail("--baud takes a divisor of 115200", -CAIRN_EINVAL);
            serial.divisor = (uint16_t)(115200 / baud);
        } else if (argv[i][0] == '-') {
            return fail("usage: serial [--loopback] [--baud N] [NAME]", -CAIRN_EINVAL);
        } else {
            name = argv[i];
        }
    }
    ioport = cairn_start_handle(PROTO_HANDLE_IOPORT, 0);
    irqs = cairn_start_handle(PROTO_HANDLE_IRQ, 0);
    if (ioport < 0 || irqs < 0)
        return fail("no I/O port range or irq among the start handles", -CAIRN_ENOENT);
    if (cairn_handle_info(irqs, &info) < 0 ||
        (info.type != CAIRN_OBJ_IRQ && info.type != CAIRN_OBJ_IRQ_RANGE))
        return fail("the irq start handle is neither an irq nor an irq range", -CAIRN_EWRONGTYPE);
    port = resource_base(ioport, CAIRN_IOPORT_COUNT, SERIAL_PORTS);
    if (port < 0)
        return fail("the I/O port range does not hold a UART's 8 ports", port);
    if (info.type == CAIRN_OBJ_IRQ_RANGE) {
        gsi = resource_base(irqs, CAIRN_IRQ_LINES, 1);
        if (gsi < 0)
            return fail("the irq range holds no line", gsi);
    }
    serial.port = (uint16_t)port;
    if (port == COM1 && cairn_start_handle(PROTO_HANDLE_CLAIM, 0) < 0)
        return fail("COM1 without a console claim (the kernel writes there)", -CAIRN_EPERM);
    err = cairn_ioport_enable(ioport, -1, 1);
    if (err < 0)
        return fail("ioport_enable", err);
    if (!uart_probe(serial.port))
        return fail("no 16550 answers at the port", -CAIRN_ENOENT);

    notif = cairn_notify_create();
    irq = info.type == CAIRN_OBJ_IRQ ? irqs : cairn_irq_create(irqs, (uint64_t)gsi, 0);
    if (notif < 0 || irq < 0)
        return fail("irq_create", irq < 0 ? irq : notif);
    if ((err = cairn_irq_bind(irq, notif, IRQ_BIT)) < 0 || (err = cairn_notify_bind(notif)) < 0)
        return fail("binding the interrupt", err);
    uart_init(&serial);

    ep = cairn_endpoint_create();
    if (ep < 0)
        return fail("endpoint_create", ep);
    err = chardev_publish(ep, name);
    if (err < 0)
        return fail("registering", err);
    if (gsi >= 0)
        printf("serial: %s at port %#lx, gsi %ld, %u baud%s\n", name, port, gsi,
               115200u / serial.divisor, serial.loopback ? ", loopback" : "");
    else
        printf("serial: %s at port %#lx, %u baud%s\n", name, port, 115200u / serial.divisor,
               serial.loopback ? ", loopback" : "");

    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        uint64_t badge = 0;

        memset(&ext, 0, sizeof(ext));
        ext.recv_buf = (uint64_t)(uintptr_t)in_buf;
        ext.recv_cap = sizeof(in_buf);
        err = cairn_ipc_recv(ep, &msg, serial_busy(&serial) ? SERIAL_POLL_NS : CAIRN_WAIT_FOREVER,
                             &badge);
        if (err == CAIRN_IPC_NOTIFIED)
            (void)cairn_irq_ack(irq);
        else if (err == 0 || err == CAIRN_MSG_TRUNCATED) {
            uart_service(&serial); /* bytes that came meanwhile, before answering */
            serial_dispatch(err, &msg, &ext);
        } else if (err == -CAIRN_EINTR) {
            /* A wait that ended with nothing to show: once, in a session
             * with a disk, this driver ended here with status 1 and took
             * the console's line with it. The thread is not being stopped
             * (then it would not run on), so it receives again. */
            printf("serial: %s: a receive ended with nothing (EINTR); going on\n", name);
        } else if (err != -CAIRN_ETIMEDOUT) {
            return fail("ipc_recv", err);
        }
        uart_service(&serial);
        serial_serve_waiters(&serial);
        uart_service(&serial); /* what the writers just queued */
        if (serial.overruns) {
            printf("serial: %s: %u received bytes lost (the chip's FIFO overran)\n", name,
                   serial.overruns);
            serial.overruns = 0;
        }
    }
}
