// SPDX-License-Identifier: MIT
/*
 * The console's clients: include/proto/io.h with the terminal requests,
 * one handler each (console.h has the invariants).
 *
 * A read returns one line in canonical mode (or part of one, if the
 * buffer is smaller; 0 at ^D on an empty line), whatever is queued in raw
 * mode, and waits (a deferred reply) while there is nothing, unless
 * PROTO_IO_NONBLOCK. A write goes to every output with each "\n" made
 * "\r\n" (a terminal's newline), whole: the console has no output buffer
 * of its own, so a write returns once the drivers took it.
 *
 * Not done yet: reads are not limited to the foreground process group.
 * A read carries nothing that says whose it is (the clients share the one
 * handle the registry hands out); that needs per-client handles (badges)
 * from proc, which knows the groups. PROTO_IO_TTY_SETPGRP records the
 * group that ^C is for.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/sys.h>
#include <proto/io.h>

#include <chardev/chardev.h>

#include "console.h"

static uint8_t read_buf[CAIRN_MSG_BUF_MAX];

_Static_assert(PROTO_TTY_CANON == TERMLINE_CANON && PROTO_TTY_ECHO == TERMLINE_ECHO &&
                   PROTO_TTY_SIGINT == TERMLINE_SIGINT,
               "termline's modes are the protocol's");

static void
reply_error(struct console_reply *rp, long err)
{
    rp->w[0] = (uint64_t)err;
}

/* What a reader of want bytes gets now into read_buf: carried-over bytes
 * first, then termline. Returns the count, 0 for an end of file, or
 * TERMLINE_NOTHING. */
static long
take_input(uint32_t want)
{
    if (console.carry_len) {
        uint32_t n = console.carry_len < want ? console.carry_len : want;

        memcpy(read_buf, console.carry, n);
        memmove(console.carry, console.carry + n, console.carry_len - n);
        console.carry_len -= n;
        return n;
    }
    if (console.carry_eof) {
        console.carry_eof = 0;
        return 0;
    }
    return termline_read(&console.tl, (char *)read_buf, want);
}

static int
have_input(void)
{
    return console.carry_len || console.carry_eof || termline_readable(&console.tl);
}

/* A reply carrying input (or an end of file) did not reach its reader:
 * keep it for the next one. */
void
console_read_failed(const void *data, uint32_t len)
{
    if (len == 0) {
        console.carry_eof = 1;
        return;
    }
    /* taken from the front, so it goes back in front of anything carried */
    if (len + console.carry_len > sizeof(console.carry))
        len = (uint32_t)sizeof(console.carry) -
              console.carry_len; /* cannot happen: one read's worth */
    memmove(console.carry + len, console.carry, console.carry_len);
    memcpy(console.carry, data, len);
    console.carry_len += len;
}

void
console_do_read(const struct console_request *rq, struct console_reply *rp)
{
    uint64_t want = rq->w[1];
    long n, reply;

    if (want == 0 || want > CAIRN_MSG_BUF_MAX || (rq->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
        reply_error(rp, -CAIRN_EINVAL);
        return;
    }
    if (console.rd_head == console.rd_tail && have_input()) {
        n = take_input((uint32_t)want);
        rp->w[0] = (uint64_t)n;
        rp->data = read_buf;
        rp->len = (uint32_t)n;
        rp->is_read = 1;
        console_feed_pending(); /* the queue has room again */
        return;
    }
    if (rq->w[2] & PROTO_IO_NONBLOCK) {
        reply_error(rp, -CAIRN_EAGAIN);
        return;
    }
    if (console.rd_head - console.rd_tail == CONSOLE_MAX_READERS) {
        reply_error(rp, -CAIRN_EBUSY);
        return;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        reply_error(rp, reply);
        return;
    }
    console.readers[console.rd_head++ % CONSOLE_MAX_READERS] =
        (struct console_reader){reply, (uint32_t)want};
    rp->deferred = 1;
}

/* Answers waiting readers while there is input, oldest first. */
void
console_serve_readers(void)
{
    while (console.rd_head != console.rd_tail && have_input()) {
        struct console_reader *r = &console.readers[console.rd_tail % CONSOLE_MAX_READERS];
        long n = take_input(r->want);
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{(uint64_t)n, 0, 0, 0, 0}, &ext};

        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)read_buf;
        ext.send_len = (uint32_t)n;
        if (cairn_ipc_reply_to(r->reply, &msg) < 0)
            console_read_failed(read_buf, (uint32_t)n);
        cairn_handle_close(r->reply);
        console.rd_tail++;
    }
}

/* The len bytes at data with each "\n" made "\r\n", in a buffer of the
 * console's; *n their new length. */
static const uint8_t *
crlf(const uint8_t *data, uint32_t len, uint32_t *n)
{
    static uint8_t out[2 * CAIRN_MSG_BUF_MAX];

    *n = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (data[i] == '\n')
            out[(*n)++] = '\r';
        out[(*n)++] = data[i];
    }
    return out;
}

void
console_do_write(const struct console_request *rq, struct console_reply *rp)
{
    const uint8_t *out;
    uint32_t n;

    if (rq->len == 0 || (rq->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
        reply_error(rp, -CAIRN_EINVAL);
        return;
    }
    out = crlf(rq->data, rq->len, &n);
    console_output(out, n);
    rp->w[0] = rq->len;
}

/* CONSOLE_LOG_SCREEN from the log thread: to the screens alone. */
void
console_do_log_screen(const struct console_request *rq, struct console_reply *rp)
{
    const uint8_t *out;
    uint32_t n;

    if (rq->badge != CONSOLE_LOG_BADGE) {
        reply_error(rp, -CAIRN_EBADF);
        return;
    }
    if (rq->len) {
        out = crlf(rq->data, rq->len, &n);
        console_output_screens(out, n);
    }
    rp->w[0] = 0;
}

void
console_do_tty_get(const struct console_request *rq, struct console_reply *rp)
{
    (void)rq;
    rp->w[0] = 0;
    rp->w[1] = termline_mode(&console.tl);
    rp->w[2] = console.rows;
    rp->w[3] = console.cols;
    rp->w[4] = (uint64_t)(int64_t)console.pgrp;
}

void
console_do_tty_set(const struct console_request *rq, struct console_reply *rp)
{
    if (rq->w[1] & ~(uint64_t)TERMLINE_MODES) {
        reply_error(rp, -CAIRN_EINVAL);
        return;
    }
    if (termline_set_mode(&console.tl, (uint32_t)rq->w[1]) & TERMLINE_EV_READABLE)
        console_serve_readers();
    console_feed_pending(); /* bytes held back may fit the new mode */
    rp->w[0] = 0;
}

void
console_do_tty_hangup(const struct console_request *rq, struct console_reply *rp)
{
    (void)rq;
    while (console.rd_head != console.rd_tail) {
        struct console_reader *r = &console.readers[console.rd_tail % CONSOLE_MAX_READERS];
        struct cairn_msg msg = {{0, 0, 0, 0, 0}, NULL};

        cairn_ipc_reply_to(r->reply, &msg);
        cairn_handle_close(r->reply);
        console.rd_tail++;
    }
    rp->w[0] = 0;
}

void
console_do_tty_setpgrp(const struct console_request *rq, struct console_reply *rp)
{
    int64_t pgrp = (int64_t)rq->w[1];

    if (pgrp < 0 || pgrp > INT32_MAX) {
        reply_error(rp, -CAIRN_EINVAL);
        return;
    }
    console.pgrp = (int32_t)pgrp;
    rp->w[0] = 0;
}

void
console_do_stat(const struct console_request *rq, struct console_reply *rp)
{
    static struct proto_stat st;

    (void)rq;
    chardev_stat(&st, 0620, CONSOLE_SOURCE_READ);
    rp->w[0] = 0;
    rp->data = &st;
    rp->len = sizeof(st);
}
