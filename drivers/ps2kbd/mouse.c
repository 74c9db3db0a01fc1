// SPDX-License-Identifier: MIT
/*
 * PS/2 mouse packets to events, and the queue they wait in (mouse.h has
 * the format and the contract).
 */
#include "mouse.h"

void
mouse_init(struct mouse *m, int wheel)
{
    *m = (struct mouse){.size = wheel ? 4 : 3};
}

void
mouse_sync(struct mouse *m)
{
    m->have = 0;
}

/* A 9-bit count from its low byte and sign bit. */
static int32_t
mouse_count(uint8_t low, int negative)
{
    return negative ? (int32_t)low - 256 : (int32_t)low;
}

int
mouse_feed(struct mouse *m, uint8_t byte, struct proto_mouse_event *ev)
{
    uint8_t flags;

    if (m->have == 0 && !(byte & MOUSE_FLAG_ALWAYS1)) {
        m->discarded++; /* cannot start a packet: out of step, wait for one that can */
        return 0;
    }
    m->packet[m->have++] = byte;
    if (m->have < m->size)
        return 0;
    m->have = 0;
    flags = m->packet[0];
    *ev = (struct proto_mouse_event){0};
    ev->buttons = flags & (PROTO_MOUSE_LEFT | PROTO_MOUSE_RIGHT | PROTO_MOUSE_MIDDLE);
    if (flags & 0xc0) {
        m->overflows++; /* the counts wrapped: keep the buttons only */
    } else {
        ev->dx = mouse_count(m->packet[1], flags & 0x10);
        ev->dy = -mouse_count(m->packet[2], flags & 0x20); /* PS/2 y points up */
    }
    if (m->size == 4)
        ev->wheel = -(int32_t)(int8_t)m->packet[3];
    return 1;
}

/* a + b within int32_t's range (motion folded for a long time saturates). */
static int32_t
sat_add(int32_t a, int32_t b)
{
    int64_t s = (int64_t)a + b;

    return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
}

void
mouse_queue_push(struct mouse_queue *q, const struct proto_mouse_event *ev)
{
    if (q->head - q->tail == MOUSE_QUEUE_SIZE) {
        struct proto_mouse_event *last = &q->ring[(q->head - 1) % MOUSE_QUEUE_SIZE];

        if (last->buttons != ev->buttons) {
            q->dropped++;
            return;
        }
        last->dx = sat_add(last->dx, ev->dx);
        last->dy = sat_add(last->dy, ev->dy);
        last->wheel = sat_add(last->wheel, ev->wheel);
        last->time_ns = ev->time_ns;
        return;
    }
    q->ring[q->head++ % MOUSE_QUEUE_SIZE] = *ev;
}

uint32_t
mouse_queue_peek(const struct mouse_queue *q, struct proto_mouse_event *out, uint32_t max)
{
    uint32_t n = q->head - q->tail;

    if (n > max)
        n = max;
    for (uint32_t i = 0; i < n; i++)
        out[i] = q->ring[(q->tail + i) % MOUSE_QUEUE_SIZE];
    return n;
}

void
mouse_queue_take(struct mouse_queue *q, uint32_t n)
{
    if (n > q->head - q->tail)
        n = q->head - q->tail;
    q->tail += n;
}
