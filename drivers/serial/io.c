// SPDX-License-Identifier: MIT
/*
 * The serial driver's side of include/proto/io.h: one handler per
 * request, and the readers and writers that wait (serial.h has the
 * invariants).
 *
 * A read takes what rx holds, up to what was asked, or waits for the
 * first byte (a deferred reply) unless PROTO_IO_NONBLOCK. A write is
 * queued whole in tx or waits (its bytes copied here) until tx has room
 * for all of it: a write never returns short, so output of many writers
 * never interleaves within one write. Waiters are bounded
 * (SERIAL_MAX_READERS, SERIAL_MAX_WRITERS); one more gets -CAIRN_EBUSY.
 * The driver keeps no per-client state: every client's handle is a copy
 * of the one endpoint handle it registered, DUP and CLOSE have nothing to
 * count (lib/chardev answers them, and SEEK and the terminal requests).
 */
#include <stdint.h>
#include <string.h>

#include <cairn/sys.h>
#include <proto/io.h>

#include <chardev/chardev.h>

#include "serial.h"

static uint8_t read_buf[CAIRN_MSG_BUF_MAX];

static uint32_t
rx_avail(const struct serial *s)
{
    return s->rx_head - s->rx_tail;
}

static uint32_t
tx_room(const struct serial *s)
{
    return SERIAL_TX_SIZE - (s->tx_head - s->tx_tail);
}

/* Copies up to want bytes of rx into read_buf without taking them. */
static uint32_t
rx_peek(const struct serial *s, uint32_t want)
{
    uint32_t n = rx_avail(s) < want ? rx_avail(s) : want;

    for (uint32_t i = 0; i < n; i++)
        read_buf[i] = s->rx[(s->rx_tail + i) % SERIAL_RX_SIZE];
    return n;
}

static void
tx_put(struct serial *s, const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        s->tx[(s->tx_head + i) % SERIAL_TX_SIZE] = data[i];
    s->tx_head += len;
}

static void
reply_error(struct serial_reply *rp, long err)
{
    rp->w[0] = (uint64_t)err;
}

void
serial_do_read(struct serial *s, const struct serial_request *rq, struct serial_reply *rp)
{
    uint64_t want = rq->w[1];
    long reply;

    if (want == 0 || want > CAIRN_MSG_BUF_MAX || (rq->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
        reply_error(rp, -CAIRN_EINVAL);
        return;
    }
    if (rx_avail(s) && s->rd_head == s->rd_tail) {
        /* taken from rx by main.c once the reply went out */
        rp->len = rx_peek(s, (uint32_t)want);
        rp->data = read_buf;
        rp->w[0] = rp->len;
        rp->consume = rp->len;
        return;
    }
    if (rq->w[2] & PROTO_IO_NONBLOCK) {
        reply_error(rp, -CAIRN_EAGAIN);
        return;
    }
    if (s->rd_head - s->rd_tail == SERIAL_MAX_READERS) {
        reply_error(rp, -CAIRN_EBUSY);
        return;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        reply_error(rp, reply); /* no quota for the reply object: say so now */
        return;
    }
    s->readers[s->rd_head++ % SERIAL_MAX_READERS] = (struct serial_reader){reply, (uint32_t)want};
    rp->deferred = 1;
}

void
serial_do_write(struct serial *s, const struct serial_request *rq, struct serial_reply *rp)
{
    struct serial_writer *w;
    long reply;

    if (rq->len == 0 || (rq->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
        reply_error(rp, -CAIRN_EINVAL);
        return;
    }
    if (s->wr_head == s->wr_tail && tx_room(s) >= rq->len) {
        tx_put(s, rq->data, rq->len);
        rp->w[0] = rq->len;
        return;
    }
    if (rq->w[2] & PROTO_IO_NONBLOCK) {
        reply_error(rp, -CAIRN_EAGAIN);
        return;
    }
    if (s->wr_head - s->wr_tail == SERIAL_MAX_WRITERS) {
        reply_error(rp, -CAIRN_EBUSY);
        return;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        reply_error(rp, reply);
        return;
    }
    w = &s->writers[s->wr_head++ % SERIAL_MAX_WRITERS];
    w->reply = reply;
    w->len = rq->len;
    memcpy(w->data, rq->data, rq->len);
    rp->deferred = 1;
}

void
serial_do_stat(struct serial *s, const struct serial_request *rq, struct serial_reply *rp)
{
    static struct proto_stat st;

    (void)rq;
    chardev_stat(&st, 0620, 16);
    st.size = rx_avail(s);
    st.ino = s->port;
    rp->w[0] = 0;
    rp->data = &st;
    rp->len = sizeof(st);
}

/* Answers the waiters that can be answered now, oldest first. */
void
serial_serve_waiters(struct serial *s)
{
    struct cairn_msg_ext ext;
    struct cairn_msg msg;

    while (s->rd_head != s->rd_tail && rx_avail(s)) {
        struct serial_reader *r = &s->readers[s->rd_tail % SERIAL_MAX_READERS];
        uint32_t n = rx_peek(s, r->want);

        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)read_buf;
        ext.send_len = n;
        msg = (struct cairn_msg){{n, 0, 0, 0, 0}, &ext};
        if (cairn_ipc_reply_to(r->reply, &msg) == 0)
            s->rx_tail += n; /* a reader gone meanwhile leaves the bytes to the next */
        cairn_handle_close(r->reply);
        s->rd_tail++;
    }
    while (s->wr_head != s->wr_tail) {
        struct serial_writer *w = &s->writers[s->wr_tail % SERIAL_MAX_WRITERS];

        if (tx_room(s) < w->len)
            break;
        tx_put(s, w->data, w->len);
        msg = (struct cairn_msg){{w->len, 0, 0, 0, 0}, NULL};
        (void)cairn_ipc_reply_to(w->reply, &msg); /* a writer gone: its bytes go out anyway */
        cairn_handle_close(w->reply);
        s->wr_tail++;
    }
}

/* Is anyone waiting, or anything left to send? (The loop then looks at
 * the chip now and then even without an interrupt.) */
int
serial_busy(const struct serial *s)
{
    return s->rd_head != s->rd_tail || s->wr_head != s->wr_tail || s->tx_head != s->tx_tail;
}
