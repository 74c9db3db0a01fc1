/* SPDX-License-Identifier: MIT */
/*
 * The kernel log ring: records of console output with sequence numbers
 * (the record format is ABI: include/cairn/console.h).
 *
 * A ring is CAIRN_KLOG_RING_SIZE bytes addressed by ever-growing logical
 * positions: head is where the oldest record starts, tail where the next
 * one goes, and tail - head <= the ring's size; a record may wrap around
 * the end of the array. Appending never fails: the oldest records are
 * dropped until the new one fits. Records are numbered without gaps from
 * first_seq (the oldest kept) to next_seq - 1.
 *
 * Pure code with no lock of its own: the kernel calls it under the console
 * lock (console/console.c); host tests call it directly.
 *
 * Lock legend: [C] the caller's lock (console_lock in the kernel).
 */
#ifndef CAIRN_CONSOLE_KLOG_H
#define CAIRN_CONSOLE_KLOG_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/console.h>

struct klog_ring {
    uint8_t bytes[CAIRN_KLOG_RING_SIZE]; /* [C] */
    uint64_t head, tail;                 /* [C] logical positions */
    uint64_t first_seq, next_seq;        /* [C] */
    uint64_t hint_seq, hint_pos;         /* [C] a record's position, to start a search */
};

/*
 * Appends len bytes of text as one record, or as several of at most
 * CAIRN_KLOG_TEXT_MAX bytes each; source and shown as in struct
 * cairn_klog_record. Drops the oldest records as needed.
 */
void klog_ring_append(struct klog_ring *r, const char *text, size_t len, uint64_t time_ns,
                      uint8_t source, uint8_t shown);

/*
 * Copies the record numbered seq, or the oldest one after it if it has
 * been dropped, into out (header and padded text: CAIRN_KLOG_RECORD_SIZE
 * of its length, at most CAIRN_KLOG_READ_MIN bytes). Returns the bytes
 * copied, or 0 if there is no record numbered seq or later yet.
 */
size_t klog_ring_copy(struct klog_ring *r, uint64_t seq, void *out);

#endif
