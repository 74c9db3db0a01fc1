// SPDX-License-Identifier: MIT
/*
 * The console's devices: input sources (a thread each, reading its
 * driver), outputs, and feeding what is typed through lib/termline
 * (console.h has the invariants).
 *
 * A source thread's loop: PROTO_IO_READ from the driver (it waits there
 * for a key), then CONSOLE_INPUT to the main thread with the bytes, which
 * returns once they are all taken. A driver that fails (it ended: its
 * endpoint closed) is looked up again in the registry, so a restarted
 * driver is picked up.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/registry.h>
#include <cairn/sys.h>
#include <proto/io.h>
#include <proto/proc.h>

#include "console.h"

#define SECOND_NS 1000000000ull

/* An I/O call on handle h: words op, w1, w2, bytes out of send, into recv. */
static long
io_call(long h, uint64_t op, uint64_t w1, const void *send, uint32_t send_len, void *recv,
        uint32_t recv_cap)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{op, w1, 0, 0, 0}, &ext};
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.send_buf = (uint64_t)(uintptr_t)send;
    ext.send_len = send_len;
    ext.recv_buf = (uint64_t)(uintptr_t)recv;
    ext.recv_cap = recv_cap;
    err = cairn_ipc_call(h, &msg);
    if (err < 0)
        return err;
    if ((int64_t)msg.w[0] > 0 && op == PROTO_IO_READ && ext.recv_len != msg.w[0])
        return -CAIRN_EIO; /* a driver that says more than it sent */
    return (long)msg.w[0];
}

static void *
source_thread(void *arg)
{
    struct console_source *src = arg;
    uint8_t buf[CONSOLE_SOURCE_READ];

    for (;;) {
        long n = io_call(src->io, PROTO_IO_READ, sizeof(buf), NULL, 0, buf, sizeof(buf));

        if (n > 0) {
            (void)io_call(src->self, CONSOLE_INPUT, 0, buf, (uint32_t)n, NULL, 0);
            continue;
        }
        /* the driver is gone (or says end of file, which a device should
         * not): wait for it to come back under its name */
        printf("console: input %s: %s; looking it up again\n", src->name,
               n == 0 ? "end of file" : cairn_strerror((int)n));
        cairn_thread_sleep(SECOND_NS / 10);
        long again = cairn_registry_lookup(src->name, CAIRN_WAIT_FOREVER);
        if (again >= 0) {
            /* the main thread writes through its own handle: outputs are
             * looked up again by it (console_output) */
            cairn_handle_close(src->io);
            src->io = again;
        }
    }
    return NULL;
}

/* Starts src's thread; endpoint is the console's own (unbadged), number
 * the source's badge. 0 or a negative code. */
int
console_source_start(struct console_source *src, long endpoint, unsigned number)
{
    pthread_t thread;
    pthread_attr_t attr;
    int err;

    src->reply = -1;
    src->self = cairn_handle_mint(endpoint, CAIRN_RIGHT_SIGNAL, number);
    if (src->self < 0)
        return (int)src->self;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    err = pthread_create(&thread, &attr, source_thread, src);
    pthread_attr_destroy(&attr);
    return err ? -CAIRN_ENOMEM : 0;
}

/*
 * The window size: PROTO_IO_TTY_GET asked of every output. One that
 * draws a grid (the framebuffer driver) answers with its rows and
 * columns; a serial line has no size and says -CAIRN_ENOTTY. The window
 * is the smallest grid of those that answered, so what fits it fits every
 * screen; with none, CONSOLE_ROWS x CONSOLE_COLS. Each call has a time
 * limit, so a driver that hangs cannot hold the console. Called at start
 * and whenever an output was looked up again (a restarted driver may
 * draw on a screen of another size).
 */
#define SIZE_CALL_NS (SECOND_NS / 2)

void
console_size_probe(void)
{
    uint32_t rows = 0, cols = 0;

    for (unsigned i = 0; i < console.noutputs; i++) {
        struct cairn_msg msg = {{PROTO_IO_TTY_GET, 0, 0, 0, 0}, NULL};

        console.outputs[i].screen = 0;
        if (cairn_ipc_call_timed(console.outputs[i].io, &msg, SIZE_CALL_NS) < 0 || msg.w[0] != 0)
            continue;
        if (msg.w[2] == 0 || msg.w[2] > CONSOLE_GRID_MAX || msg.w[3] == 0 ||
            msg.w[3] > CONSOLE_GRID_MAX) {
            printf("console: output %s says its grid is %lu x %lu; not taken\n",
                   console.outputs[i].name, (unsigned long)msg.w[2], (unsigned long)msg.w[3]);
            continue;
        }
        console.outputs[i].screen = 1;
        if (rows == 0 || msg.w[2] < rows)
            rows = (uint32_t)msg.w[2];
        if (cols == 0 || msg.w[3] < cols)
            cols = (uint32_t)msg.w[3];
    }
    console.rows = rows ? rows : CONSOLE_ROWS;
    console.cols = cols ? cols : CONSOLE_COLS;
}

/* Writes to one output. A driver that ended is looked up again at once
 * (a restarted driver is there under the same name), its size asked
 * again, and the write tried once more; an output that still fails is
 * said once in the log and skipped until it works again. */
static void
output_write(struct console_output *out, const uint8_t *p, uint32_t len)
{
    int retried = 0;

    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < CAIRN_MSG_BUF_MAX ? len - done : CAIRN_MSG_BUF_MAX;
        long r = io_call(out->io, PROTO_IO_WRITE, 0, p + done, n, NULL, 0);

        if (r == -CAIRN_ECLOSED && !retried) {
            long again = cairn_registry_lookup(out->name, 0);

            retried = 1;
            if (again >= 0) {
                cairn_handle_close(out->io);
                out->io = again;
                console_size_probe();
                continue;
            }
        }
        if (r <= 0) {
            if (!out->failed)
                printf("console: output %s: %s\n", out->name,
                       r == 0 ? "wrote nothing" : cairn_strerror((int)r));
            out->failed = 1;
            return;
        }
        out->failed = 0;
        done += (uint32_t)r;
    }
}

/* Writes to every output. */
void
console_output(const void *buf, uint32_t len)
{
    for (unsigned i = 0; i < console.noutputs; i++)
        output_write(&console.outputs[i], buf, len);
}

/* Writes to the outputs that are screens (they told a grid). */
void
console_output_screens(const void *buf, uint32_t len)
{
    for (unsigned i = 0; i < console.noutputs; i++) {
        if (console.outputs[i].screen)
            output_write(&console.outputs[i], buf, len);
    }
}

/*
 * ^C: PROTO_PROC_KILL of the foreground process group with PROTO_SIGINT,
 * sent to the process server, looked up in the registry when first
 * needed (and again if it restarted). With no group set, or no process
 * server, it is only logged. The call has a time limit: proc may itself
 * be calling the console (a DUP of its stream for the shell it starts),
 * and neither must wait on the other for good.
 */
#define PROC_CALL_NS (SECOND_NS / 2)

static long proc_handle = -1;

void
console_interrupt(void)
{
    struct cairn_msg msg;
    long err = -CAIRN_ENOENT;

    if (console.pgrp <= 0) {
        printf("console: ^C with no foreground process group\n");
        return;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        if (proc_handle < 0)
            proc_handle = cairn_registry_lookup("proc", 0);
        if (proc_handle < 0) {
            err = proc_handle;
            break;
        }
        msg = (struct cairn_msg){
            {PROTO_PROC_KILL, (uint64_t) - (int64_t)console.pgrp, PROTO_SIGINT, 0, 0}, NULL};
        err = cairn_ipc_call_timed(proc_handle, &msg, PROC_CALL_NS);
        if (err == 0)
            err = (long)msg.w[0];
        if (err != -CAIRN_ECLOSED)
            break;
        cairn_handle_close(proc_handle); /* proc restarted: find it again */
        proc_handle = -1;
    }
    if (err < 0)
        printf("console: ^C for process group %d: %s\n", (int)console.pgrp,
               cairn_strerror((int)err));
}

/* Feeds the bytes of src that wait; returns 1 when they are all taken. */
static int
feed_source(struct console_source *src)
{
    static char echo[2 * TERMLINE_ECHO_MAX + CONSOLE_SOURCE_READ];
    char one[TERMLINE_ECHO_MAX];
    uint32_t echo_len = 0;
    int readable = 0;

    while (src->pos < src->len) {
        size_t n;
        unsigned ev = termline_feed(&console.tl, src->pending[src->pos], one, &n);

        if (ev & TERMLINE_EV_FULL)
            break; /* waits for a reader to make room */
        src->pos++;
        if (echo_len + n > sizeof(echo)) {
            console_output(echo, echo_len);
            echo_len = 0;
        }
        memcpy(echo + echo_len, one, n);
        echo_len += (uint32_t)n;
        if (ev & TERMLINE_EV_INTR)
            console_interrupt();
        readable |= (ev & TERMLINE_EV_READABLE) != 0;
    }
    if (echo_len)
        console_output(echo, echo_len);
    if (readable)
        console_serve_readers();
    return src->pos == src->len;
}

/* Feeds every source's waiting bytes, and lets the sources whose bytes
 * are all taken read on. */
void
console_feed_pending(void)
{
    for (unsigned i = 0; i < console.nsources; i++) {
        struct console_source *src = &console.sources[i];
        struct cairn_msg msg = {{0, 0, 0, 0, 0}, NULL};

        if (src->reply < 0 || !feed_source(src))
            continue;
        (void)cairn_ipc_reply_to(src->reply, &msg);
        cairn_handle_close(src->reply);
        src->reply = -1;
    }
}

/* CONSOLE_INPUT from a source thread. */
void
console_do_input(const struct console_request *rq, struct console_reply *rp)
{
    struct console_source *src;
    long reply;

    if (rq->badge < 1 || rq->badge > console.nsources || rq->len > CONSOLE_SOURCE_READ) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return;
    }
    src = &console.sources[rq->badge - 1];
    memcpy(src->pending, rq->data, rq->len);
    src->len = rq->len;
    src->pos = 0;
    if (feed_source(src)) {
        rp->w[0] = 0;
        return;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        /* no quota for the reply object: the thread waits, retrying later */
        printf("console: input %s: %u bytes dropped (%s)\n", src->name, src->len - src->pos,
               cairn_strerror((int)reply));
        rp->w[0] = 0;
        return;
    }
    src->reply = reply;
    rp->deferred = 1;
}
