// SPDX-License-Identifier: MIT
/*
 * Host tests for kernel/console/klog.c: records come back in order with
 * their text, long writes are split, and once the ring is full the oldest
 * records give way while a reader that asks for one of them is handed the
 * oldest kept, whose sequence number tells it how many it missed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "console/klog.h"

static struct klog_ring ring;
static uint8_t rec[CAIRN_KLOG_READ_MIN];

static const struct cairn_klog_record *
hdr(void)
{
    return (const struct cairn_klog_record *)rec;
}

TEST(klog_records_come_back_in_order_with_their_text)
{
    memset(&ring, 0, sizeof(ring));
    klog_ring_append(&ring, "one\n", 4, 10, CAIRN_KLOG_KERNEL, 1);
    klog_ring_append(&ring, "second line\n", 12, 20, CAIRN_KLOG_USER, 3);
    CHECK(klog_ring_copy(&ring, 0, rec) == CAIRN_KLOG_RECORD_SIZE(4));
    CHECK(hdr()->seq == 0 && hdr()->len == 4 && hdr()->time_ns == 10 && hdr()->shown == 1);
    CHECK(memcmp(rec + 24, "one\n", 4) == 0 && rec[28] == 0);
    CHECK(klog_ring_copy(&ring, 1, rec) == CAIRN_KLOG_RECORD_SIZE(12));
    CHECK(hdr()->seq == 1 && hdr()->source == CAIRN_KLOG_USER);
    CHECK(memcmp(rec + 24, "second line\n", 12) == 0);
    CHECK(klog_ring_copy(&ring, 2, rec) == 0);
    CHECK(klog_ring_copy(&ring, 0, rec) && hdr()->seq == 0); /* backwards too */
}

TEST(klog_long_writes_are_split_into_records)
{
    static char big[CAIRN_KLOG_TEXT_MAX * 2 + 5];

    memset(&ring, 0, sizeof(ring));
    memset(big, 'x', sizeof(big));
    klog_ring_append(&ring, big, sizeof(big), 0, 0, 0);
    CHECK(ring.next_seq == 3);
    CHECK(klog_ring_copy(&ring, 0, rec) && hdr()->len == CAIRN_KLOG_TEXT_MAX);
    CHECK(klog_ring_copy(&ring, 2, rec) && hdr()->len == 5);
}

TEST(klog_full_ring_drops_the_oldest_and_readers_see_the_gap)
{
    char text[100];
    uint64_t n = 5000, seq, expect;

    memset(&ring, 0, sizeof(ring));
    for (uint64_t i = 0; i < n; i++) {
        size_t len = 1 + (size_t)(i * 7919 % 90);

        memset(text, 'a' + (int)(i % 26), len);
        klog_ring_append(&ring, text, len, i, 0, 0);
        CHECK(ring.tail - ring.head <= CAIRN_KLOG_RING_SIZE);
    }
    CHECK(ring.next_seq == n && ring.first_seq > 0);
    /* Asking for a dropped record gives the oldest kept. */
    CHECK(klog_ring_copy(&ring, 0, rec) && hdr()->seq == ring.first_seq);
    /* Every kept record reads back whole, in order, each text as written. */
    expect = ring.first_seq;
    for (seq = ring.first_seq; klog_ring_copy(&ring, seq, rec); seq++) {
        size_t len = 1 + (size_t)(hdr()->seq * 7919 % 90);

        CHECK(hdr()->seq == expect++ && hdr()->len == len && hdr()->time_ns == hdr()->seq);
        CHECK(rec[24] == 'a' + (int)(hdr()->seq % 26) && rec[24 + len - 1] == rec[24]);
    }
    CHECK(expect == n);
    /* A reader that falls behind while writers go on. */
    seq = ring.first_seq;
    for (int i = 0; i < 2000; i++)
        klog_ring_append(&ring, "z", 1, 0, 0, 0);
    CHECK(klog_ring_copy(&ring, seq, rec) && hdr()->seq > seq && hdr()->seq == ring.first_seq);
}

int
main(void)
{
    RUN(klog_records_come_back_in_order_with_their_text);
    RUN(klog_long_writes_are_split_into_records);
    RUN(klog_full_ring_drops_the_oldest_and_readers_see_the_gap);
    return check_exit();
}
