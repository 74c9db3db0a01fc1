// SPDX-License-Identifier: MIT
/*
 * The console server: start-up, the receive loop and its dispatch table
 * (console.h has the design, docs/console.md the whole story).
 *
 *     console [-i SOURCE]... [-o OUTPUT]...
 *
 * SOURCE and OUTPUT are registry names of drivers that speak
 * include/proto/io.h; without any, the serial driver (`serial`) is both.
 * Start handle: PROTO_HANDLE_REGISTRY, where the console looks its devices
 * up (waiting for them) and the process server `proc` (for ^C, when it
 * first comes), and registers itself as `console`.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <proto/console.h>
#include <proto/handles.h>
#include <proto/io.h>

#include <chardev/chardev.h>

#include "console.h"

struct console console;

static uint8_t in_buf[CAIRN_MSG_BUF_MAX];

typedef void (*console_handler)(const struct console_request *, struct console_reply *);

/* The clients' requests, by PROTO_IO_*; a hole gets what every character
 * device answers (lib/chardev): SEEK -CAIRN_ESPIPE, DUP and CLOSE 0 (the
 * console is one open file that every client shares and that is never
 * freed: nothing to count), anything else -CAIRN_ENOSYS. */
static const console_handler handlers[] = {
    [PROTO_IO_READ - PROTO_IO_READ] = console_do_read,
    [PROTO_IO_WRITE - PROTO_IO_READ] = console_do_write,
    [PROTO_IO_STAT - PROTO_IO_READ] = console_do_stat,
    [PROTO_IO_TTY_GET - PROTO_IO_READ] = console_do_tty_get,
    [PROTO_IO_TTY_SET - PROTO_IO_READ] = console_do_tty_set,
    [PROTO_IO_TTY_SETPGRP - PROTO_IO_READ] = console_do_tty_setpgrp,
    [PROTO_IO_TTY_HANGUP - PROTO_IO_READ] = console_do_tty_hangup,
};

static int
fail(const char *what, long err)
{
    printf("console: %s: %s\n", what, cairn_strerror((int)err));
    return 1;
}

/* PROTO_CONSOLE_LOG: a read-only copy of the kernel log, for dmesg. */
static void
console_do_log(struct cairn_msg *msg)
{
    long log = cairn_start_handle(PROTO_HANDLE_LOG, 0);
    long copy =
        log < 0 ? -CAIRN_ENOSYS : cairn_handle_dup(log, CAIRN_RIGHT_READ | CAIRN_RIGHT_TRANSFER);
    struct cairn_msg_ext out;
    long err;

    memset(&out, 0, sizeof(out));
    *msg = (struct cairn_msg){{copy < 0 ? (uint64_t)copy : 0, 0, 0, 0, 0}, &out};
    if (copy >= 0) {
        out.send_nhandles = 1;
        out.send_handles[0] =
            (struct cairn_msg_handle){(int32_t)copy, CAIRN_RIGHT_READ, CAIRN_MSG_HANDLE_MOVE, 0};
    }
    err = cairn_ipc_reply(msg);
    if (err < 0 && err != -CAIRN_ECLOSED) {
        /* Refused before it was sent: the copy is still ours, and the
         * caller still waits for an answer. */
        cairn_handle_close(copy);
        *msg = (struct cairn_msg){{(uint64_t)err, 0, 0, 0, 0}, NULL};
        cairn_ipc_reply(msg);
    }
}

/* One request, received in msg with ext: answer it now or later. */
static void
console_dispatch(long err, struct cairn_msg *msg, struct cairn_msg_ext *ext, uint64_t badge)
{
    struct console_request rq;
    struct console_reply rp;
    uint64_t op = msg->w[0];

    rq.badge = badge;
    memcpy(rq.w, msg->w, sizeof(rq.w));
    rq.data = in_buf;
    rq.len = ext->recv_len;
    memset(&rp, 0, sizeof(rp));
    if (op == PROTO_CONSOLE_LOG && badge == 0 && err == 0 && !ext->recv_nhandles) {
        console_do_log(msg);
        return;
    }
    if (chardev_refuse_malformed(err, msg, ext)) /* handles are no part of this protocol */
        return;
    if (op == CONSOLE_INPUT)
        console_do_input(&rq, &rp);
    else if (op == CONSOLE_LOG_SCREEN)
        console_do_log_screen(&rq, &rp);
    else if (badge != 0)
        rp.w[0] = (uint64_t)-CAIRN_EBADF; /* a source's handle asking a client's question */
    else if (op >= PROTO_IO_READ && op - PROTO_IO_READ < sizeof(handlers) / sizeof(handlers[0]) &&
             handlers[op - PROTO_IO_READ])
        handlers[op - PROTO_IO_READ](&rq, &rp);
    else
        rp.w[0] = (uint64_t)chardev_default(op);
    if (rp.deferred)
        return;
    if (chardev_reply(msg, rp.w, rp.data, rp.len) < 0 && rp.is_read)
        console_read_failed(rp.data, rp.len);
}

/* The handle of a device: looked up (waiting for it), or a copy of one an
 * earlier entry already has. */
static long
device_lookup(const char *name)
{
    for (unsigned i = 0; i < console.nsources; i++) {
        if (strcmp(console.sources[i].name, name) == 0)
            return cairn_handle_dup(console.sources[i].io, CAIRN_RIGHT_SIGNAL);
    }
    for (unsigned i = 0; i < console.noutputs; i++) {
        if (strcmp(console.outputs[i].name, name) == 0)
            return cairn_handle_dup(console.outputs[i].io, CAIRN_RIGHT_SIGNAL);
    }
    return cairn_registry_lookup(name, CAIRN_WAIT_FOREVER);
}

int
main(int argc, char **argv)
{
    long ep, err;

    termline_init(&console.tl, TERMLINE_CANON | TERMLINE_ECHO | TERMLINE_SIGINT);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-i") == 0 && console.nsources < CONSOLE_MAX_SOURCES)
            console.sources[console.nsources++].name = argv[i + 1];
        else if (strcmp(argv[i], "-o") == 0 && console.noutputs < CONSOLE_MAX_OUTPUTS)
            console.outputs[console.noutputs++].name = argv[i + 1];
        else
            return fail("usage: console [-i SOURCE]... [-o OUTPUT]... (at most 4 each)",
                        -CAIRN_EINVAL);
    }
    if (!console.nsources && !console.noutputs) {
        console.sources[console.nsources++].name = "serial";
        console.outputs[console.noutputs++].name = "serial";
    }
    /* Lookups fill the lists in order; device_lookup sees the entries done so far. */
    unsigned nsources = console.nsources, noutputs = console.noutputs;
    console.nsources = console.noutputs = 0;
    for (unsigned i = 0; i < nsources; i++, console.nsources++) {
        console.sources[i].io = device_lookup(console.sources[i].name);
        if (console.sources[i].io < 0)
            return fail(console.sources[i].name, console.sources[i].io);
    }
    for (unsigned i = 0; i < noutputs; i++, console.noutputs++) {
        console.outputs[i].io = device_lookup(console.outputs[i].name);
        if (console.outputs[i].io < 0)
            return fail(console.outputs[i].name, console.outputs[i].io);
    }
    console_size_probe();

    ep = cairn_endpoint_create();
    if (ep < 0)
        return fail("endpoint_create", ep);
    for (unsigned i = 0; i < console.nsources; i++) {
        err = console_source_start(&console.sources[i], ep, i + 1);
        if (err < 0)
            return fail("starting an input thread", err);
    }
    err = console_log_start(ep);
    if (err < 0)
        return fail("starting the log thread", err);
    err = chardev_publish(ep, "console");
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
        console_dispatch(err, &msg, &ext, badge);
    }
}
