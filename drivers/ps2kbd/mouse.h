/* SPDX-License-Identifier: MIT */
/*
 * The PS/2 mouse's packets turned into events (include/proto/input.h): a
 * pure state machine (no system calls, no allocation), host-tested
 * (tests/host/test_mouse.c) and fuzzed (tests/fuzz/fuzz_mouse.c).
 *
 * A standard packet is 3 bytes: flags (bit 0 left, 1 right, 2 middle,
 * bit 3 always 1, bits 4 and 5 the signs of x and y, bits 6 and 7 their
 * overflows), then x and y, the low 8 bits of 9-bit two's complement
 * counts (y up). An IntelliMouse (id 3, after the sample rates 200, 100,
 * 80) adds a fourth byte, the wheel's motion as a signed byte (negative:
 * away from the user).
 *
 * Resynchronisation: a byte that should start a packet but lacks bit 3
 * cannot be one, and is discarded (counted); the packet starts again at
 * the next byte that has it. A packet with an overflow bit carries
 * motion that is meaningless: its buttons are kept, its motion dropped.
 * The caller can also throw away a partial packet (mouse_sync), when the
 * bytes stopped for longer than a packet takes.
 *
 * Invariants: every byte fed is accepted; at most one event comes out per
 * byte; dx is within -256..255, dy within -255..256 (turned over) and the
 * wheel within -127..128.
 */
#ifndef CAIRN_DRIVERS_PS2KBD_MOUSE_H
#define CAIRN_DRIVERS_PS2KBD_MOUSE_H

#include <stdint.h>

#include <proto/input.h>

#define MOUSE_FLAG_ALWAYS1 0x08u

struct mouse {
    uint8_t packet[4];
    uint8_t have;       /* bytes of the packet so far */
    uint8_t size;       /* 3, or 4 with a wheel */
    uint32_t discarded; /* bytes dropped to find a packet's start */
    uint32_t overflows; /* packets whose motion overflowed */
};

/* wheel: the device answered id 3 (4-byte packets). */
void mouse_init(struct mouse *m, int wheel);

/* Feeds one byte; 1 and *ev filled (but its time) when it ended a packet. */
int mouse_feed(struct mouse *m, uint8_t byte, struct proto_mouse_event *ev);

/* Drops a partial packet: the next byte must start one. */
void mouse_sync(struct mouse *m);

/*
 * The events waiting for a reader: a ring of MOUSE_QUEUE_SIZE. Invariant:
 * head - tail events, at most the size. A push that finds it full folds
 * the event's motion into the newest one when the buttons are the same
 * (nothing but resolution in time is lost), else drops it and counts.
 */
#define MOUSE_QUEUE_SIZE 256u /* a power of two */

struct mouse_queue {
    struct proto_mouse_event ring[MOUSE_QUEUE_SIZE];
    uint32_t head, tail;
    uint32_t dropped; /* button changes lost to a full queue */
};

void mouse_queue_push(struct mouse_queue *q, const struct proto_mouse_event *ev);

/* Copies up to max of the oldest events to out without taking them;
 * returns how many. */
uint32_t mouse_queue_peek(const struct mouse_queue *q, struct proto_mouse_event *out, uint32_t max);

/* Takes n events (at most those waiting) off the queue. */
void mouse_queue_take(struct mouse_queue *q, uint32_t n);

#endif
