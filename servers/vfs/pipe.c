// SPDX-License-Identifier: MIT
/*
 * Pipes (pipe.h has the semantics). The buffer is a ring of PIPE_SIZE
 * bytes; the waiters are two singly linked FIFOs. pipe_pump is the one
 * place that answers waiters for data or room, and it runs until nothing
 * more can be answered, so the invariants of pipe.h hold whenever the
 * server receives its next request. A large writer (a bulk channel's) at
 * the head of its queue is the stream's continuation: its bytes from
 * done on follow the ring's, which is why a reader may take them
 * straight from its buffer (pipe_gather) once the ring is empty.
 */
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>

#include "pipe.h"

struct pipe *
pipe_create(void)
{
    struct pipe *p = calloc(1, sizeof(*p));

    if (p)
        p->reader_open = p->writer_open = 1;
    return p;
}

void
pipe_destroy(struct pipe *p)
{
    free(p);
}

/* Copies n bytes from the front of the ring to out, without taking them. */
static void
pipe_peek(const struct pipe *p, void *out, uint32_t n)
{
    uint32_t first = PIPE_SIZE - p->head;

    if (first > n)
        first = n;
    memcpy(out, p->buf + p->head, first);
    if (n > first) /* the rest wraps around to the ring's start */
        memcpy((uint8_t *)out + first, p->buf, n - first);
}

static void
pipe_take(struct pipe *p, uint32_t n)
{
    p->head = (p->head + n) % PIPE_SIZE;
    p->count -= n;
    if (p->count == 0)
        p->head = 0;
}

static void
pipe_put(struct pipe *p, const void *data, uint32_t n)
{
    uint32_t tail = (p->head + p->count) % PIPE_SIZE, first = PIPE_SIZE - tail;

    if (first > n)
        first = n;
    memcpy(p->buf + tail, data, first);
    if (n > first) /* the rest wraps around to the ring's start */
        memcpy(p->buf, (const uint8_t *)data + first, n - first);
    p->count += n;
}

/* A large write (a bulk channel's, over PIPE_ATOMIC bytes) may go in as
 * room comes; a smaller one goes in whole. */
static int
pipe_splits(const struct pipe_waiter *w)
{
    return w->bulk && w->len > PIPE_ATOMIC;
}

static inline const uint8_t *
pipe_waiter_bytes(const struct pipe_waiter *w)
{
    return w->bulk ? w->bulk : w->data;
}

/*
 * The bytes a reader that emptied the ring gets next, up to len: the
 * first writer's, if it is a large one (they come next in the stream),
 * copied to out from its buffer, not taken. The count.
 */
static uint32_t
pipe_gather_direct(const struct pipe *p, uint8_t *out, uint32_t len)
{
    const struct pipe_waiter *w = p->writers;
    uint32_t n;

    if (!pipe_splits(w) || !p->reader_open)
        return 0;
    n = w->len - w->done;
    if (n > len)
        n = len;
    memcpy(out, w->bulk + w->done, n);
    return n;
}

/* Copies up to len bytes of what a reader would get into out, taking
 * nothing: the ring's, then pipe_gather_direct's. The count; *direct of
 * it came from the writer. Inlined: it is on every read's path, and a
 * call of its own cost the one-byte round trip (pipe_roundtrip) more
 * than the copy of one byte. */
static inline __attribute__((always_inline)) uint32_t
pipe_gather(const struct pipe *p, uint32_t len, uint8_t *out, uint32_t *direct)
{
    uint32_t n = len < p->count ? len : p->count;

    pipe_peek(p, out, n);
    *direct = n < len && p->writers ? pipe_gather_direct(p, out + n, len - n) : 0;
    return n + *direct;
}

/* Takes what pipe_gather copied: n bytes, direct of them the first
 * writer's (whose answer pipe_pump gives once all its bytes are taken). */
static inline void
pipe_consume(struct pipe *p, uint32_t n, uint32_t direct)
{
    pipe_take(p, n - direct);
    if (direct)
        p->writers->done += direct;
}

long
pipe_read(struct pipe *p, uint32_t len, void *out)
{
    uint32_t n, direct;

    if (p->count == 0)
        return p->writer_open ? -CAIRN_EAGAIN : 0;
    if (len <= p->count) { /* the ring has enough: no writer's bytes needed */
        pipe_peek(p, out, len);
        pipe_take(p, len);
        return len;
    }
    n = pipe_gather(p, len, out, &direct);
    pipe_consume(p, n, direct);
    return n;
}

long
pipe_write(struct pipe *p, const void *data, uint32_t len)
{
    if (!p->reader_open)
        return -CAIRN_EPIPE;
    if (p->writers || len > PIPE_SIZE - p->count)
        return -CAIRN_EAGAIN;
    pipe_put(p, data, len);
    return len;
}

long
pipe_write_some(struct pipe *p, const void *data, uint32_t len)
{
    uint32_t room = PIPE_SIZE - p->count;

    if (!p->reader_open)
        return -CAIRN_EPIPE;
    if (p->writers)
        return -CAIRN_EAGAIN;
    if (len <= PIPE_ATOMIC && len > room)
        return 0;
    if (len > room)
        len = room;
    pipe_put(p, data, len);
    return len;
}

static struct pipe_waiter *
pipe_waiter_new(long reply, uint32_t len, uint32_t datalen)
{
    struct pipe_waiter *w = malloc(sizeof(*w) + datalen);

    if (w) {
        w->next = NULL;
        w->reply = reply;
        w->len = len;
        w->bulk = NULL;
    }
    return w;
}

static void
pipe_enqueue(struct pipe_waiter **head, struct pipe_waiter **tail, struct pipe_waiter *w)
{
    if (*tail)
        (*tail)->next = w;
    else
        *head = w;
    *tail = w;
}

static struct pipe_waiter *
pipe_dequeue(struct pipe_waiter **head, struct pipe_waiter **tail)
{
    struct pipe_waiter *w = *head;

    *head = w->next;
    if (!*head)
        *tail = NULL;
    return w;
}

int
pipe_wait_read(struct pipe *p, long reply, uint32_t len)
{
    struct pipe_waiter *w = pipe_waiter_new(reply, len, 0);

    if (!w)
        return -CAIRN_ENOMEM;
    pipe_enqueue(&p->readers, &p->readers_tail, w);
    return 0;
}

int
pipe_wait_write(struct pipe *p, long reply, const void *data, uint32_t len)
{
    struct pipe_waiter *w = pipe_waiter_new(reply, len, len);

    if (!w)
        return -CAIRN_ENOMEM;
    w->done = 0;
    memcpy(w->data, data, len);
    pipe_enqueue(&p->writers, &p->writers_tail, w);
    return 0;
}

int
pipe_wait_read_into(struct pipe *p, long reply, void *out, uint32_t len)
{
    struct pipe_waiter *w = pipe_waiter_new(reply, len, 0);

    if (!w)
        return -CAIRN_ENOMEM;
    w->bulk = out;
    pipe_enqueue(&p->readers, &p->readers_tail, w);
    return 0;
}

int
pipe_wait_write_from(struct pipe *p, long reply, const void *data, uint32_t len, uint32_t done)
{
    struct pipe_waiter *w = pipe_waiter_new(reply, len, 0);

    if (!w)
        return -CAIRN_ENOMEM;
    w->bulk = (uint8_t *)data;
    w->done = done;
    pipe_enqueue(&p->writers, &p->writers_tail, w);
    return 0;
}

/* A writer that will never get all its bytes in: the count of those that
 * went (POSIX's answer to a write cut short), else err. */
static long
pipe_cut_short(const struct pipe_waiter *w, long err)
{
    return w->done ? (long)w->done : err;
}

/* Answers the first writer if it can be answered now; 1 if it was taken
 * out of the queue or made progress, 0 if it must go on waiting. */
static int
pipe_pump_writer(struct pipe *p, const struct pipe_ops *ops)
{
    struct pipe_waiter *w = p->writers;
    uint32_t room = PIPE_SIZE - p->count, left = w->len - w->done;

    if (!p->reader_open) {
        pipe_dequeue(&p->writers, &p->writers_tail);
        ops->answer(ops->ctx, w->reply, pipe_cut_short(w, -CAIRN_EPIPE), NULL, 0);
        free(w);
        return 1;
    }
    if (left > room) {
        if (!pipe_splits(w) || room == 0)
            return 0;
        /* A part of a large write: no answer yet, the rest waits. */
        pipe_put(p, w->bulk + w->done, room);
        w->done += room;
        return 1;
    }
    /* The last bytes (or all of a small write) go in before the answer:
     * a writer answered may reuse its buffer at once (on another CPU, it
     * runs while this goes on), and a large writer's bytes are still in
     * that buffer. A writer gone by now puts no more: its bytes, the last
     * in the ring, come out again. */
    pipe_dequeue(&p->writers, &p->writers_tail);
    pipe_put(p, pipe_waiter_bytes(w) + w->done, left);
    if (ops->answer(ops->ctx, w->reply, w->len, NULL, 0) != 0) {
        p->count -= left;
        if (p->count == 0)
            p->head = 0;
    }
    free(w);
    return 1;
}

void
pipe_pump(struct pipe *p, const struct pipe_ops *ops)
{
    static uint8_t out[PIPE_ATOMIC];
    int progress = 1;

    while (progress) {
        progress = 0;
        /* Writers, oldest first, while the first one fits (or has no reader). */
        while (p->writers && pipe_pump_writer(p, ops))
            progress = 1;
        /* Readers, oldest first, while there are bytes (or no writer). A
         * message's never needs a writer's bytes directly: a large writer
         * waits only while the ring is full, and a message asks for at
         * most PIPE_ATOMIC bytes. */
        while (p->readers && (p->count > 0 || !p->writer_open)) {
            struct pipe_waiter *w = pipe_dequeue(&p->readers, &p->readers_tail);
            uint32_t direct, n;

            if (!w->bulk) {
                n = w->len < p->count ? w->len : p->count;
                pipe_peek(p, out, n);
                if (ops->answer(ops->ctx, w->reply, n, out, n) == 0 && n > 0) {
                    pipe_take(p, n);
                    progress = 1;
                }
            } else {
                n = pipe_gather(p, w->len, w->bulk, &direct);
                if (ops->answer(ops->ctx, w->reply, n, NULL, 0) == 0 && n > 0) {
                    pipe_consume(p, n, direct);
                    progress = 1;
                }
            }
            free(w);
        }
    }
}

/* Takes every waiter of one queue whose bytes are in buf out, answered
 * -CAIRN_EBADF. */
static void
pipe_cancel_queue(struct pipe_waiter **head, struct pipe_waiter **tail, const void *buf,
                  const struct pipe_ops *ops)
{
    struct pipe_waiter **at = head, *w;

    *tail = NULL;
    while ((w = *at)) {
        if (w->bulk != buf) {
            *tail = w;
            at = &w->next;
            continue;
        }
        *at = w->next;
        ops->answer(ops->ctx, w->reply, -CAIRN_EBADF, NULL, 0);
        free(w);
    }
}

void
pipe_cancel(struct pipe *p, const void *buf, const struct pipe_ops *ops)
{
    pipe_cancel_queue(&p->readers, &p->readers_tail, buf, ops);
    pipe_cancel_queue(&p->writers, &p->writers_tail, buf, ops);
    pipe_pump(p, ops);
}

void
pipe_close_end(struct pipe *p, int reader, const struct pipe_ops *ops)
{
    struct pipe_waiter **head = reader ? &p->readers : &p->writers;
    struct pipe_waiter **tail = reader ? &p->readers_tail : &p->writers_tail;

    if (reader)
        p->reader_open = 0;
    else
        p->writer_open = 0;
    while (*head) {
        struct pipe_waiter *w = pipe_dequeue(head, tail);

        ops->answer(ops->ctx, w->reply, reader ? -CAIRN_EBADF : pipe_cut_short(w, -CAIRN_EBADF),
                    NULL, 0);
        free(w);
    }
    if (!p->reader_open)
        pipe_take(p, p->count); /* nobody will read them */
    pipe_pump(p, ops);
}
