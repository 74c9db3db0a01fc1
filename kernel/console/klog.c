// SPDX-License-Identifier: MIT
/*
 * The kernel log ring (see klog.h).
 *
 * Invariants: every record in [head, tail) starts with a complete header
 * and takes CAIRN_KLOG_RECORD_SIZE(len) bytes, so walking from head by
 * record sizes reaches tail exactly; the record at head is first_seq; if
 * hint_seq >= first_seq then hint_pos is where record hint_seq starts.
 */
#include "console/klog.h"
#include "common/string.h"

#define RING_MASK (CAIRN_KLOG_RING_SIZE - 1u)

_Static_assert((CAIRN_KLOG_RING_SIZE & RING_MASK) == 0, "the ring is a power of two");

/* Copy n bytes in or out at a logical position, wrapping at the end. */
static void
ring_put(struct klog_ring *r, uint64_t pos, const void *src, size_t n)
{
    size_t at = (size_t)(pos & RING_MASK), first = CAIRN_KLOG_RING_SIZE - at;

    if (first > n)
        first = n;
    memcpy(r->bytes + at, src, first);
    memcpy(r->bytes, (const uint8_t *)src + first, n - first);
}

static void
ring_get(const struct klog_ring *r, uint64_t pos, void *dst, size_t n)
{
    size_t at = (size_t)(pos & RING_MASK), first = CAIRN_KLOG_RING_SIZE - at;

    if (first > n)
        first = n;
    memcpy(dst, r->bytes + at, first);
    memcpy((uint8_t *)dst + first, r->bytes, n - first);
}

static uint32_t
ring_record_size(const struct klog_ring *r, uint64_t pos)
{
    struct cairn_klog_record h;

    ring_get(r, pos, &h, sizeof(h));
    return CAIRN_KLOG_RECORD_SIZE(h.len);
}

static void
ring_append_one(struct klog_ring *r, const char *text, size_t len, uint64_t time_ns, uint8_t source,
                uint8_t shown)
{
    static const uint8_t zeros[8];
    struct cairn_klog_record h = {
        .seq = r->next_seq,
        .time_ns = time_ns,
        .len = (uint16_t)len,
        .source = source,
        .shown = shown,
    };
    uint32_t size = CAIRN_KLOG_RECORD_SIZE(len);

    while (r->tail + size - r->head > CAIRN_KLOG_RING_SIZE) {
        r->head += ring_record_size(r, r->head);
        r->first_seq++;
    }
    ring_put(r, r->tail, &h, sizeof(h));
    ring_put(r, r->tail + sizeof(h), text, len);
    ring_put(r, r->tail + sizeof(h) + len, zeros, size - sizeof(h) - len);
    r->tail += size;
    r->next_seq++;
}

void
klog_ring_append(struct klog_ring *r, const char *text, size_t len, uint64_t time_ns,
                 uint8_t source, uint8_t shown)
{
    do {
        size_t n = len > CAIRN_KLOG_TEXT_MAX ? CAIRN_KLOG_TEXT_MAX : len;

        ring_append_one(r, text, n, time_ns, source, shown);
        text += n;
        len -= n;
    } while (len);
}

size_t
klog_ring_copy(struct klog_ring *r, uint64_t seq, void *out)
{
    uint64_t at_seq = r->first_seq, pos = r->head;
    uint32_t size;

    if (seq < r->first_seq)
        seq = r->first_seq;
    if (seq >= r->next_seq)
        return 0;
    /* Readers go forward a record at a time: start from the last one found. */
    if (r->hint_seq >= r->first_seq && r->hint_seq <= seq && r->hint_seq < r->next_seq) {
        at_seq = r->hint_seq;
        pos = r->hint_pos;
    }
    for (; at_seq < seq; at_seq++)
        pos += ring_record_size(r, pos);
    size = ring_record_size(r, pos);
    ring_get(r, pos, out, size);
    r->hint_seq = seq + 1;
    r->hint_pos = pos + size;
    return size;
}
