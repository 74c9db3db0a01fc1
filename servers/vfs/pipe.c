// SPDX-License-Identifier: MIT
/*
 * Pipes (pipe.h has the semantics). The buffer is a ring of PIPE_SIZE
 * bytes; the waiters are two singly linked FIFOs. pipe_pump is the one
 * place that answers waiters for data or room, and it runs until nothing
 * more can be answered, so the invariants of pipe.h hold whenever the
 * server receives its next request.
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
    memcpy(p->buf, (const uint8_t *)data + first, n - first);
    p->count += n;
}

long
pipe_read(struct pipe *p, uint32_t len, void *out)
{
    if (p->count == 0)
        return p->writer_open ? -CAIRN_EAGAIN : 0;
    if (len > p->count)
        len = p->count;
    pipe_peek(p, out, len);
    pipe_take(p, len);
    return len;
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

static struct pipe_waiter *
pipe_waiter_new(long reply, uint32_t len, uint32_t datalen)
{
    struct pipe_waiter *w = malloc(sizeof(*w) + datalen);

    if (w) {
        w->next = NULL;
        w->reply = reply;
        w->len = len;
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
    memcpy(w->data, data, len);
    pipe_enqueue(&p->writers, &p->writers_tail, w);
    return 0;
}

void
pipe_pump(struct pipe *p, const struct pipe_ops *ops)
{
    static uint8_t out[PIPE_ATOMIC];
    int progress = 1;

    while (progress) {
        progress = 0;
        /* Writers, oldest first, while the first one fits (or has no reader). */
        while (p->writers && (!p->reader_open || p->writers->len <= PIPE_SIZE - p->count)) {
            struct pipe_waiter *w = pipe_dequeue(&p->writers, &p->writers_tail);

            if (!p->reader_open) {
                ops->answer(ops->ctx, w->reply, -CAIRN_EPIPE, NULL, 0);
            } else if (ops->answer(ops->ctx, w->reply, w->len, NULL, 0) == 0) {
                pipe_put(p, w->data, w->len);
                progress = 1;
            }
            free(w);
        }
        /* Readers, oldest first, while there are bytes (or no writer). */
        while (p->readers && (p->count > 0 || !p->writer_open)) {
            struct pipe_waiter *w = pipe_dequeue(&p->readers, &p->readers_tail);
            uint32_t n = w->len < p->count ? w->len : p->count;

            if (n > PIPE_ATOMIC)
                n = PIPE_ATOMIC;
            pipe_peek(p, out, n);
            if (ops->answer(ops->ctx, w->reply, n, out, n) == 0 && n > 0) {
                pipe_take(p, n);
                progress = 1;
            }
            free(w);
        }
    }
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

        ops->answer(ops->ctx, w->reply, -CAIRN_EBADF, NULL, 0);
        free(w);
    }
    if (!p->reader_open)
        pipe_take(p, p->count); /* nobody will read them */
    pipe_pump(p, ops);
}
