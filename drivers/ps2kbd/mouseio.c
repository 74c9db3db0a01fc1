// SPDX-License-Identifier: MIT
/*
 * The mouse's side of the driver's protocol (include/proto/input.h): the
 * requests that arrive on the mouse's badge, and the readers waiting for
 * an event (saved replies, answered in arrival order). Events leave the
 * queue only once the reply carrying them went out, as the keyboard's
 * bytes do (main.c).
 */
#include <stdint.h>
#include <string.h>

#include <cairn/sys.h>
#include <proto/input.h>
#include <proto/io.h>

#include <chardev/chardev.h>

#include "ps2kbd.h"

#define EVENT_SIZE sizeof(struct proto_mouse_event)
#define EVENTS_MAX (CAIRN_MSG_BUF_MAX / EVENT_SIZE)

struct mouse_reader {
    long reply;
    uint32_t want; /* events */
};

static struct mouse_reader readers[MOUSE_MAX_READERS];
static uint32_t rd_head, rd_tail;
static struct proto_mouse_event out_events[EVENTS_MAX];

int
mouse_has_readers(void)
{
    return rd_head != rd_tail;
}

void
mouse_serve_readers(struct ps2mouse *ms)
{
    while (rd_head != rd_tail && ms->queue.head != ms->queue.tail) {
        struct mouse_reader *r = &readers[rd_tail++ % MOUSE_MAX_READERS];
        uint32_t n = mouse_queue_peek(&ms->queue, out_events, r->want);
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{n * EVENT_SIZE, 0, 0, 0, 0}, &ext};

        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t)out_events;
        ext.send_len = (uint32_t)(n * EVENT_SIZE);
        if (cairn_ipc_reply_to(r->reply, &msg) == 0)
            mouse_queue_take(&ms->queue, n); /* a reader gone meanwhile leaves them to the next */
        cairn_handle_close(r->reply);
    }
}

/* PROTO_IO_READ: the events to send now in *n, or 1 when saved. */
static int
mouse_do_read(struct ps2mouse *ms, const uint64_t *rq, uint64_t *w, uint32_t *n)
{
    long reply;

    if (rq[1] < EVENT_SIZE || rq[1] > CAIRN_MSG_BUF_MAX || (rq[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
        w[0] = (uint64_t)-CAIRN_EINVAL;
        return 0;
    }
    if (ms->queue.head != ms->queue.tail && rd_head == rd_tail) {
        *n = mouse_queue_peek(&ms->queue, out_events, (uint32_t)(rq[1] / EVENT_SIZE));
        w[0] = *n * EVENT_SIZE;
        return 0;
    }
    if (rq[2] & PROTO_IO_NONBLOCK) {
        w[0] = (uint64_t)-CAIRN_EAGAIN;
        return 0;
    }
    if (rd_head - rd_tail == MOUSE_MAX_READERS) {
        w[0] = (uint64_t)-CAIRN_EBUSY;
        return 0;
    }
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        w[0] = (uint64_t)reply;
        return 0;
    }
    readers[rd_head++ % MOUSE_MAX_READERS] =
        (struct mouse_reader){reply, (uint32_t)(rq[1] / EVENT_SIZE)};
    return 1;
}

void
mouse_dispatch(struct ps2mouse *ms, long err, struct cairn_msg *msg, struct cairn_msg_ext *ext)
{
    static struct proto_stat st;
    uint64_t w[CAIRN_MSG_WORDS] = {0};
    uint32_t len = 0, n = 0;
    const void *data = out_events;
    int is_read = 0;

    if (chardev_refuse_malformed(err, msg, ext))
        return;
    switch (msg->w[0]) {
    case PROTO_IO_READ:
        if (mouse_do_read(ms, msg->w, w, &n))
            return;
        len = (uint32_t)(n * EVENT_SIZE);
        is_read = 1;
        break;
    case PROTO_INPUT_INFO:
        w[1] = (ms->present ? PROTO_INPUT_PRESENT : 0) |
               (ms->present && ms->id == 3 ? PROTO_INPUT_WHEEL : 0);
        w[2] = (uint64_t)ms->id;
        w[3] = ms->rate;
        w[4] = ms->resolution;
        break;
    case PROTO_IO_WRITE:
        w[0] = (uint64_t)-CAIRN_EBADF;
        break;
    case PROTO_IO_STAT:
        chardev_stat(&st, 0440, EVENT_SIZE);
        st.size = (ms->queue.head - ms->queue.tail) * EVENT_SIZE;
        st.ino = 0x61;
        data = &st;
        len = sizeof(st);
        break;
    default:
        w[0] = (uint64_t)chardev_default(msg->w[0]);
    }
    if (chardev_reply(msg, w, data, len) == 0 && is_read)
        mouse_queue_take(&ms->queue, n);
}
