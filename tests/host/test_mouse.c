// SPDX-License-Identifier: MIT
/*
 * Host tests of the PS/2 mouse's packet decoder (drivers/ps2kbd/mouse.c):
 * motion with both signs and at the 9-bit ends, the y axis turned over,
 * buttons, overflowing packets keeping only their buttons, the wheel of
 * 4-byte packets, resynchronisation on a byte that cannot start a packet,
 * mouse_sync, and many random packets through an independent encoder
 * coming back as they went in; the event queue's order, and a full queue
 * folding motion into its newest event but dropping button changes.
 */
#include <string.h>

#include "check.h"
#include "mouse.h"

/* Feeds n bytes; the events in evs (at most max), their number returned. */
static int
feed(struct mouse *m, const uint8_t *bytes, size_t n, struct proto_mouse_event *evs, int max)
{
    int count = 0;

    for (size_t i = 0; i < n; i++) {
        struct proto_mouse_event ev;

        if (mouse_feed(m, bytes[i], &ev)) {
            if (count < max)
                evs[count] = ev;
            count++;
        }
    }
    return count;
}

#define FEED(m, evs, ...)                                                    \
    ({                                                                       \
        static const uint8_t b_[] = {__VA_ARGS__};                           \
        feed(m, b_, sizeof(b_), evs, (int)(sizeof(evs) / sizeof((evs)[0]))); \
    })

/* The encoder the device would be: dx right, dy down in screen terms. */
static size_t
encode(uint8_t *out, int dx, int dy, unsigned buttons, int wheel, int four)
{
    int y = -dy;

    out[0] = (uint8_t)(0x08 | buttons | (dx < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0));
    out[1] = (uint8_t)dx;
    out[2] = (uint8_t)y;
    if (four)
        out[3] = (uint8_t)(int8_t)-wheel;
    return four ? 4 : 3;
}

TEST(a_packet_gives_motion_with_y_turned_over_and_the_buttons)
{
    struct mouse m;
    struct proto_mouse_event ev[4];

    mouse_init(&m, 0);
    CHECK(FEED(&m, ev, 0x09, 10, 5) == 1);
    CHECK(ev[0].dx == 10 && ev[0].dy == -5 && ev[0].wheel == 0);
    CHECK(ev[0].buttons == PROTO_MOUSE_LEFT);
    CHECK(FEED(&m, ev, 0x0e, 0, 0) == 1);
    CHECK(ev[0].buttons == (PROTO_MOUSE_RIGHT | PROTO_MOUSE_MIDDLE) && ev[0].dx == 0);
}

TEST(sign_bits_make_nine_bit_counts)
{
    struct mouse m;
    struct proto_mouse_event ev[4];

    mouse_init(&m, 0);
    CHECK(FEED(&m, ev, 0x38, 0xf6, 0xfb) == 1); /* x -10, y -5 (down) */
    CHECK(ev[0].dx == -10 && ev[0].dy == 5);
    CHECK(FEED(&m, ev, 0x38, 0x00, 0x00) == 1); /* the ends: -256 */
    CHECK(ev[0].dx == -256 && ev[0].dy == 256);
    CHECK(FEED(&m, ev, 0x08, 0xff, 0xff) == 1); /* and 255 */
    CHECK(ev[0].dx == 255 && ev[0].dy == -255);
}

TEST(an_overflowing_packet_keeps_its_buttons_and_drops_its_motion)
{
    struct mouse m;
    struct proto_mouse_event ev[4];

    mouse_init(&m, 0);
    CHECK(FEED(&m, ev, 0x49, 0x7f, 0x10, 0x89, 0x10, 0x7f) == 2);
    CHECK(ev[0].dx == 0 && ev[0].dy == 0 && ev[0].buttons == PROTO_MOUSE_LEFT);
    CHECK(ev[1].dx == 0 && ev[1].dy == 0 && ev[1].buttons == PROTO_MOUSE_LEFT);
    CHECK(m.overflows == 2);
}

TEST(the_wheel_comes_in_the_fourth_byte_of_an_intellimouse)
{
    struct mouse m;
    struct proto_mouse_event ev[4];

    mouse_init(&m, 1);
    CHECK(FEED(&m, ev, 0x08, 1, 2) == 0); /* three bytes are not a packet yet */
    CHECK(FEED(&m, ev, 0xff) == 1);
    CHECK(ev[0].dx == 1 && ev[0].dy == -2 && ev[0].wheel == 1);
    CHECK(FEED(&m, ev, 0x08, 0, 0, 0x01, 0x08, 0, 0, 0x80) == 2);
    CHECK(ev[0].wheel == -1 && ev[1].wheel == 128);
}

TEST(a_byte_that_cannot_start_a_packet_is_discarded)
{
    struct mouse m;
    struct proto_mouse_event ev[4];

    mouse_init(&m, 0);
    /* the tail of a packet whose head was lost, then a whole one */
    CHECK(FEED(&m, ev, 0x05, 0x00, 0x09, 3, 4) == 1);
    CHECK(m.discarded == 2);
    CHECK(ev[0].dx == 3 && ev[0].dy == -4 && ev[0].buttons == PROTO_MOUSE_LEFT);
}

TEST(sync_drops_a_partial_packet)
{
    struct mouse m;
    struct proto_mouse_event ev[4];

    mouse_init(&m, 0);
    CHECK(FEED(&m, ev, 0x08, 0x33) == 0);
    mouse_sync(&m);
    CHECK(FEED(&m, ev, 0x0a, 7, 0) == 1);
    CHECK(ev[0].dx == 7 && ev[0].buttons == PROTO_MOUSE_RIGHT);
}

TEST(random_packets_come_back_as_they_were_encoded)
{
    uint64_t seed = 0x6d6f757365;
    struct mouse m;

    for (int four = 0; four < 2; four++) {
        mouse_init(&m, four);
        for (int i = 0; i < 20000; i++) {
            int dx = (int)(check_xorshift64(&seed) % 511) - 255;
            int dy = (int)(check_xorshift64(&seed) % 511) - 255;
            int wheel = four ? (int)(check_xorshift64(&seed) % 255) - 127 : 0;
            unsigned buttons = (unsigned)(check_xorshift64(&seed) % 8);
            uint8_t bytes[4];
            size_t n = encode(bytes, dx, dy, buttons, wheel, four);
            struct proto_mouse_event ev[2];

            CHECK(feed(&m, bytes, n, ev, 2) == 1);
            CHECK(ev[0].dx == dx && ev[0].dy == dy && ev[0].wheel == wheel);
            CHECK(ev[0].buttons == buttons);
        }
        CHECK(m.discarded == 0 && m.overflows == 0);
    }
}

TEST(the_queue_gives_events_oldest_first_and_peek_takes_nothing)
{
    static struct mouse_queue q;
    struct proto_mouse_event ev = {0}, out[8];

    memset(&q, 0, sizeof(q));
    for (int i = 0; i < 5; i++) {
        ev.dx = i;
        mouse_queue_push(&q, &ev);
    }
    CHECK(mouse_queue_peek(&q, out, 3) == 3);
    CHECK(out[0].dx == 0 && out[2].dx == 2);
    CHECK(mouse_queue_peek(&q, out, 8) == 5);
    mouse_queue_take(&q, 2);
    CHECK(mouse_queue_peek(&q, out, 8) == 3 && out[0].dx == 2);
    mouse_queue_take(&q, 100); /* more than waiting: all of them */
    CHECK(mouse_queue_peek(&q, out, 8) == 0 && q.head == q.tail);
}

TEST(a_full_queue_folds_motion_and_drops_only_button_changes)
{
    static struct mouse_queue q;
    struct proto_mouse_event ev = {.dx = 1, .dy = -1, .buttons = 0}, out[MOUSE_QUEUE_SIZE];

    memset(&q, 0, sizeof(q));
    for (unsigned i = 0; i < MOUSE_QUEUE_SIZE; i++)
        mouse_queue_push(&q, &ev);
    ev = (struct proto_mouse_event){.dx = 5, .dy = 7, .wheel = 1, .time_ns = 99};
    mouse_queue_push(&q, &ev);
    ev.buttons = PROTO_MOUSE_LEFT;
    mouse_queue_push(&q, &ev);
    CHECK(q.dropped == 1);
    CHECK(mouse_queue_peek(&q, out, MOUSE_QUEUE_SIZE) == MOUSE_QUEUE_SIZE);
    CHECK(out[MOUSE_QUEUE_SIZE - 1].dx == 6 && out[MOUSE_QUEUE_SIZE - 1].dy == 6);
    CHECK(out[MOUSE_QUEUE_SIZE - 1].wheel == 1 && out[MOUSE_QUEUE_SIZE - 1].time_ns == 99);
    CHECK(out[0].dx == 1);
    /* folding saturates instead of wrapping */
    ev = (struct proto_mouse_event){.dx = INT32_MAX};
    mouse_queue_push(&q, &ev);
    mouse_queue_push(&q, &ev);
    CHECK(mouse_queue_peek(&q, out, MOUSE_QUEUE_SIZE) == MOUSE_QUEUE_SIZE);
    CHECK(out[MOUSE_QUEUE_SIZE - 1].dx == INT32_MAX);
}

int
main(void)
{
    RUN(a_packet_gives_motion_with_y_turned_over_and_the_buttons);
    RUN(sign_bits_make_nine_bit_counts);
    RUN(an_overflowing_packet_keeps_its_buttons_and_drops_its_motion);
    RUN(the_wheel_comes_in_the_fourth_byte_of_an_intellimouse);
    RUN(a_byte_that_cannot_start_a_packet_is_discarded);
    RUN(sync_drops_a_partial_packet);
    RUN(random_packets_come_back_as_they_were_encoded);
    RUN(the_queue_gives_events_oldest_first_and_peek_takes_nothing);
    RUN(a_full_queue_folds_motion_and_drops_only_button_changes);
    return check_exit();
}
