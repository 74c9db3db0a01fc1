/* SPDX-License-Identifier: MIT */
/*
 * Single-producer/single-consumer ring buffers in shared memory, for bulk
 * streams between two processes (console bytes, block requests, file
 * reads). One process formats a shared memory object with ring_init, the
 * other checks it with ring_attach; then one side writes records and the
 * other reads them, without a system call while both are busy. A side that
 * runs out of data (or space) says so in the shared header and sleeps on
 * its notification; the other side signals it once, when it crosses the
 * index the sleeper published. docs/ipc.md ("Ring buffers") has the
 * protocol; libc/ring.c the memory ordering.
 *
 * Records are variable-length: a length word, then the bytes, padded to 8.
 * A record of up to ring_max_record() bytes fits; with a data area of 8 KiB
 * or more, that includes every record of 4 KiB.
 *
 * The peer is another process and is not trusted: whatever it writes into
 * the shared memory, these functions read and write only inside the
 * mapping they were given. A peer that breaks the protocol makes the ring
 * broken (ring_is_broken), and every later call fails with -CAIRN_ECLOSED,
 * as if the peer had closed it.
 *
 * A struct ring belongs to one thread at a time (the caller serialises);
 * the two ends of a ring may be in two threads or two processes.
 */
#ifndef CAIRN_LIBC_RING_H
#define CAIRN_LIBC_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairn/errors.h>
#include <cairn/rights.h>

/*
 * The shared header, at the start of the memory. Each cache line has one
 * writer: line 0 the creator (once, at ring_init), line 1 the producer,
 * line 2 the consumer. Indices count bytes since the ring was made and run
 * freely (they wrap at 2^32); a byte's offset in the data area is its index
 * modulo data_size. The data area follows the header.
 */
#define RING_MAGIC       0x676e6952u /* "Ring" */
#define RING_VERSION     1u
#define RING_HEADER_SIZE 192u
#define RING_MIN_LOG2    6u  /* 64 bytes */
#define RING_MAX_LOG2    30u /* 1 GiB: the used byte count always fits in 31 bits */
#define RING_RECORD_HDR  8u  /* a record's length word and a reserved word */
#define RING_ALIGN       8u  /* records start at multiples of this */

/* Legend: [I] written once, by ring_init; [P] written only by the producer,
 * [C] only by the consumer. Every field is accessed with atomic loads and
 * stores, and every value is untrusted by the end that did not write it. */
struct ring_shared {
    /* Line 0. */
    uint32_t magic;       /* [I] RING_MAGIC, stored last */
    uint32_t version;     /* [I] RING_VERSION */
    uint32_t header_size; /* [I] RING_HEADER_SIZE */
    uint32_t size_log2;   /* [I] data area: 1 << size_log2 bytes */
    uint8_t pad0[48];
    /* Line 1. */
    uint32_t head;        /* [P] bytes written and published */
    uint32_t space_event; /* [P] producer sleeps: signal it when tail passes this */
    uint32_t prod_closed; /* [P] nonzero: the producer writes no more */
    uint8_t pad1[52];
    /* Line 2. */
    uint32_t tail;        /* [C] bytes consumed and released */
    uint32_t data_event;  /* [C] consumer sleeps: signal it when head passes this */
    uint32_t cons_closed; /* [C] nonzero: the consumer reads no more */
    uint8_t pad2[52];
};

_Static_assert(sizeof(struct ring_shared) == RING_HEADER_SIZE, "ring header size");
_Static_assert(__builtin_offsetof(struct ring_shared, head) == 64, "producer line");
_Static_assert(__builtin_offsetof(struct ring_shared, tail) == 128, "consumer line");

enum ring_role {
    RING_PRODUCER = 1,
    RING_CONSUMER = 2,
};

/*
 * The seam to notifications, so that the ring logic runs on the host too.
 * The functions have exactly the contract of cairn_notify_signal,
 * cairn_notify_wait and cairn_clock_get in <cairn/sys.h>; ring_notify_sys
 * (libc/ring_sys.c) is those three. Host tests pass a fake.
 */
struct ring_notify_ops {
    long (*signal)(cairn_handle_t notification, uint64_t bits);
    long (*wait)(cairn_handle_t notification, uint64_t timeout_ns, uint64_t *bits);
    uint64_t (*clock)(void); /* monotonic nanoseconds, for time-outs */
};

extern const struct ring_notify_ops ring_notify_sys;

/*
 * How one end wakes the other: it sleeps on wait_handle (its own
 * notification, with WAIT) and wakes the peer by ORing signal_bits into
 * signal_handle (the peer's notification, SIGNAL is enough). The blocking
 * calls take every bit of wait_handle, so only one thread may wait on it;
 * one thread may serve several rings through one notification with
 * ring_read_prepare_wait / ring_write_prepare_wait and its own wait loop.
 */
struct ring_notify {
    const struct ring_notify_ops *ops;
    long wait_handle;
    long signal_handle;
    uint64_t signal_bits;
};

/*
 * One end of a ring, in the caller's private memory. Nothing here is read
 * back from shared memory after ring_init/ring_attach: the geometry and
 * this end's own index are private copies, so the peer cannot move them.
 */
/* Legend: [I] set by ring_init / ring_attach; [o] the owning thread's. */
struct ring {
    struct ring_shared *shm;   /* [I] the shared header */
    uint8_t *data;             /* [I] the data area: size bytes */
    uint32_t size;             /* [I] 1 << size_log2, validated */
    enum ring_role role;       /* [I] */
    struct ring_notify notify; /* [I] */
    uint32_t pos;              /* [o] this end's index: head (producer) or tail (consumer) */
    bool broken;               /* [o] the peer broke the protocol */
    bool closed;               /* [o] this end was closed */
    uint64_t signals;          /* [o] statistics: signals sent */
    uint64_t waits;            /* [o] statistics: notification waits entered */
};

/* Bytes of shared memory a ring with a data area of 1 << size_log2 needs. */
static inline size_t
ring_mem_size(uint32_t size_log2)
{
    return RING_HEADER_SIZE + ((size_t)1 << size_log2);
}

/* The largest record this ring can carry. */
static inline size_t
ring_max_record(const struct ring *r)
{
    return r->size - RING_RECORD_HDR;
}

/*
 * Formats mem (mem_size bytes, 64-byte aligned) as an empty ring with a
 * data area of 1 << size_log2 bytes, and makes r this process's end with
 * the given role. Returns 0, or -CAIRN_EINVAL (alignment, size_log2
 * outside RING_MIN_LOG2..RING_MAX_LOG2, the ring larger than mem_size, a
 * bad role or no notify ops).
 */
int ring_init(struct ring *r, void *mem, size_t mem_size, uint32_t size_log2, enum ring_role role,
              const struct ring_notify *notify);

/*
 * Makes r an end of the ring that the peer formatted in mem (mem_size
 * bytes mapped here). The header is checked first: magic, version, header
 * size, a data area that fits in mem_size, indices that are aligned and
 * no more than data_size apart. Returns 0, or -CAIRN_EINVAL for any of
 * those (or the argument errors of ring_init); r is then unusable.
 */
int ring_attach(struct ring *r, void *mem, size_t mem_size, enum ring_role role,
                const struct ring_notify *notify);

/*
 * Producer: appends one record of len bytes. Never blocks. Returns 0;
 * -CAIRN_EAGAIN when there is no room now; -CAIRN_EINVAL for a consumer's
 * end or len > ring_max_record(); -CAIRN_ECLOSED when either end is closed
 * or the ring is broken. Signals the consumer only if it said it sleeps.
 */
long ring_write(struct ring *r, const void *buf, size_t len);

/*
 * Consumer: takes the next record into buf (cap bytes). Never blocks.
 * Returns the record's length (0 is a valid record); -CAIRN_EAGAIN when
 * the ring is empty; -CAIRN_ERANGE when the record is longer than cap (it
 * stays in the ring; a buffer of ring_max_record() bytes always suffices);
 * -CAIRN_EINVAL for a producer's end; -CAIRN_ECLOSED when the ring is empty
 * and the producer closed it, when this end was closed, or when the ring
 * is broken. Signals the producer only if it said it sleeps.
 */
long ring_read(struct ring *r, void *buf, size_t cap);

/*
 * Blocking forms: as ring_write / ring_read, but wait on the notification
 * for room / a record, up to timeout_ns in all (CAIRN_WAIT_FOREVER: no
 * limit). -CAIRN_ETIMEDOUT when none came in time (with timeout_ns 0, at
 * once and without a system call); an error of the notify wait is
 * returned as it is.
 */
long ring_write_wait(struct ring *r, const void *buf, size_t len, uint64_t timeout_ns);
long ring_read_wait(struct ring *r, void *buf, size_t cap, uint64_t timeout_ns);

/*
 * Producer: waits until the consumer has taken every record written (0),
 * or closed its end (-CAIRN_ECLOSED), up to timeout_ns.
 */
long ring_flush_wait(struct ring *r, uint64_t timeout_ns);

/*
 * For a caller that waits itself (several rings, one notification): tells
 * the peer that this end is about to sleep, then looks once more. Returns
 * true if the caller may now wait on its notification (no record to read /
 * no room for len bytes, and nothing changed meanwhile: the peer will
 * signal when that changes); false if it should retry the call instead.
 */
bool ring_read_prepare_wait(struct ring *r);
bool ring_write_prepare_wait(struct ring *r, size_t len);

/*
 * Closes this end: the peer's calls fail with -CAIRN_ECLOSED (a consumer
 * first reads what was written before). Signals the peer. The memory and
 * the handles stay the caller's to release.
 */
void ring_close(struct ring *r);

/* True once the peer closed its end or broke the protocol. */
bool ring_peer_closed(struct ring *r);

/* True once the peer was caught breaking the protocol (bad index or length). */
static inline bool
ring_is_broken(const struct ring *r)
{
    return r->broken;
}

#endif
