// SPDX-License-Identifier: MIT
/*
 * Single-producer/single-consumer rings in shared memory (<cairn/ring.h>).
 *
 * Layout: the header (struct ring_shared, three cache lines, one writer
 * each), then a data area of 2^n bytes. A record is an 8-byte header (a
 * 32-bit length, a reserved word) and the bytes, padded to a multiple of 8;
 * a record may run off the end of the data area and continue at its start,
 * so any record up to data_size - 8 bytes fits wherever the ring stands.
 * Records start at multiples of 8, so a record header never straddles the
 * end.
 *
 * Why variable-length records and not fixed slots: the streams differ by
 * three orders of magnitude (a console line is tens of bytes, a file read
 * 4 KiB). Slots big enough for 4 KiB would waste nearly all of a console
 * ring, small slots would split every file read. The price is a length
 * word to validate, paid below.
 *
 * The peer is untrusted. Each end keeps its own index (head for the
 * producer, tail for the consumer) and the ring's geometry in struct ring,
 * private memory, and never reads them back from the shared header. Every
 * access to the data area is data + (own index mod size) for at most size
 * bytes, so no value in shared memory can move an access outside it. What
 * is read from the peer (its index, a record length, its event index and
 * closed flag) is loaded exactly once per use with an atomic load, so the
 * compiler cannot fetch it twice, and is checked before use: a peer index
 * that claims more than size bytes in use, or a length that runs past the
 * published bytes, marks the ring broken.
 *
 * Memory ordering (GCC __atomic builtins, C11 semantics):
 *   - The producer writes a record's bytes with plain stores, then stores
 *     head with release; the consumer loads head with acquire before it
 *     reads the record. So a record is complete when it becomes visible.
 *   - The consumer copies a record out, then stores tail with release; the
 *     producer loads tail with acquire before it reuses that space. So the
 *     producer never overwrites bytes the consumer is still reading.
 *   - Sleeping is a Dekker-style handshake. A side about to sleep stores
 *     its event index, issues a sequentially consistent fence, then loads
 *     the other side's index once more. The other side stores its index,
 *     issues the same fence, then loads the event index. The two fences
 *     guarantee that at least one of them sees the other's store: either
 *     the sleeper sees the new index and does not sleep, or the other side
 *     sees the event index and signals. No wake-up is lost.
 *   - Closing stores the closed flag with release after the last index
 *     store, and always signals. The consumer loads the producer's flag
 *     (acquire) before head, so "empty and closed" means nothing follows.
 *
 * Batching: a side signals only when its new index passes the event index
 * that the sleeper published (the test of virtio's vring_need_event). A
 * sleeper publishes one event per sleep, so the other side signals at most
 * once per sleep however many records it moves, and never while the peer
 * is awake. A stale event index is passed once every 2^32 bytes at most,
 * costing one spurious signal. The producer asks to be woken as soon as its
 * record fits, not later (e.g. at half empty): a consumer may have a reason
 * to stop reading after freeing just that much, and waking late would then
 * deadlock the two.
 */
#include <string.h>

#include <cairn/ipc.h>
#include <cairn/ring.h>

#define RING_EVENT_NONE ((uint32_t)-1) /* with index 0: "already passed" */

static inline uint32_t
load_acquire(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline uint32_t
load_once(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void
store_release(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void
store_once(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static inline void
fence_full(void)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Bytes a record of len bytes takes (len <= ring_max_record). */
static inline uint32_t
record_size(size_t len)
{
    return RING_RECORD_HDR + (uint32_t)((len + RING_ALIGN - 1) & ~(size_t)(RING_ALIGN - 1));
}

/* Did moving an index from old to new pass event (old <= event < new,
 * modulo 2^32)? */
static inline bool
passes_event(uint32_t event, uint32_t new_idx, uint32_t old_idx)
{
    return (uint32_t)(new_idx - event - 1) < (uint32_t)(new_idx - old_idx);
}

/* The peer broke the protocol: stop using the ring. */
static long
ring_break(struct ring *r)
{
    r->broken = true;
    return -CAIRN_ECLOSED;
}

static void
ring_signal(struct ring *r)
{
    r->signals++;
    /* A failed signal (a bad handle) leaves the peer to its time-out;
     * the record is in the ring either way. */
    r->notify.ops->signal(r->notify.signal_handle, r->notify.signal_bits);
}

/* Copies n <= size bytes into the data area from index idx on, wrapping. */
static void
copy_in(struct ring *r, uint32_t idx, const void *src, size_t n)
{
    uint32_t off = idx & (r->size - 1);
    size_t first = r->size - off;

    if (first > n)
        first = n;
    if (first)
        memcpy(r->data + off, src, first);
    if (n - first)
        memcpy(r->data, (const uint8_t *)src + first, n - first);
}

/* Copies n <= size bytes out of the data area from index idx on, wrapping. */
static void
copy_out(struct ring *r, uint32_t idx, void *dst, size_t n)
{
    uint32_t off = idx & (r->size - 1);
    size_t first = r->size - off;

    if (first > n)
        first = n;
    if (first)
        memcpy(dst, r->data + off, first);
    if (n - first)
        memcpy((uint8_t *)dst + first, r->data, n - first);
}

/* The checks ring_init and ring_attach share; fills in what does not
 * depend on the header. */
static int
ring_setup(struct ring *r, void *mem, size_t mem_size, enum ring_role role,
           const struct ring_notify *notify)
{
    if (!r || !mem || ((uintptr_t)mem & 63) || mem_size < RING_HEADER_SIZE)
        return -CAIRN_EINVAL;
    if (role != RING_PRODUCER && role != RING_CONSUMER)
        return -CAIRN_EINVAL;
    if (!notify || !notify->ops || !notify->ops->signal || !notify->ops->wait ||
        !notify->ops->clock)
        return -CAIRN_EINVAL;
    memset(r, 0, sizeof(*r));
    r->shm = mem;
    r->data = (uint8_t *)mem + RING_HEADER_SIZE;
    r->role = role;
    r->notify = *notify;
    return 0;
}

int
ring_init(struct ring *r, void *mem, size_t mem_size, uint32_t size_log2, enum ring_role role,
          const struct ring_notify *notify)
{
    struct ring_shared *s;
    int err;

    if (size_log2 < RING_MIN_LOG2 || size_log2 > RING_MAX_LOG2)
        return -CAIRN_EINVAL;
    if (mem_size < ring_mem_size(size_log2))
        return -CAIRN_EINVAL;
    err = ring_setup(r, mem, mem_size, role, notify);
    if (err)
        return err;
    s = r->shm;
    memset(s, 0, sizeof(*s));
    s->version = RING_VERSION;
    s->header_size = RING_HEADER_SIZE;
    s->size_log2 = size_log2;
    s->space_event = RING_EVENT_NONE;
    s->data_event = RING_EVENT_NONE;
    store_release(&s->magic, RING_MAGIC); /* last: the header is complete */
    r->size = (uint32_t)1 << size_log2;
    r->pos = 0;
    return 0;
}

int
ring_attach(struct ring *r, void *mem, size_t mem_size, enum ring_role role,
            const struct ring_notify *notify)
{
    struct ring_shared *s;
    uint32_t log2, head, tail, size;
    int err;

    err = ring_setup(r, mem, mem_size, role, notify);
    if (err)
        return err;
    s = r->shm;
    if (load_acquire(&s->magic) != RING_MAGIC || load_once(&s->version) != RING_VERSION ||
        load_once(&s->header_size) != RING_HEADER_SIZE)
        goto err_invalid;
    log2 = load_once(&s->size_log2);
    if (log2 < RING_MIN_LOG2 || log2 > RING_MAX_LOG2 || mem_size < ring_mem_size(log2))
        goto err_invalid;
    size = (uint32_t)1 << log2;
    head = load_acquire(&s->head);
    tail = load_acquire(&s->tail);
    if ((head | tail) & (RING_ALIGN - 1) || (uint32_t)(head - tail) > size)
        goto err_invalid;
    r->size = size;
    r->pos = role == RING_PRODUCER ? head : tail;
    return 0;

err_invalid:
    memset(r, 0, sizeof(*r));
    return -CAIRN_EINVAL;
}

long
ring_write(struct ring *r, const void *buf, size_t len)
{
    struct ring_shared *s = r->shm;
    uint32_t tail, used, need, old;
    uint32_t hdr[2];

    if (r->role != RING_PRODUCER || len > ring_max_record(r))
        return -CAIRN_EINVAL;
    if (r->broken || r->closed || load_acquire(&s->cons_closed))
        return -CAIRN_ECLOSED;
    tail = load_acquire(&s->tail);
    used = r->pos - tail;
    if (used > r->size)
        return ring_break(r);
    need = record_size(len);
    if (need > r->size - used)
        return -CAIRN_EAGAIN;

    old = r->pos;
    hdr[0] = (uint32_t)len;
    hdr[1] = 0;
    copy_in(r, old, hdr, sizeof(hdr));
    copy_in(r, old + RING_RECORD_HDR, buf, len);
    r->pos = old + need;
    store_release(&s->head, r->pos);

    fence_full();
    if (passes_event(load_once(&s->data_event), r->pos, old))
        ring_signal(r);
    return 0;
}

long
ring_read(struct ring *r, void *buf, size_t cap)
{
    struct ring_shared *s = r->shm;
    uint32_t head, avail, len, need, old;
    bool closed;

    if (r->role != RING_CONSUMER)
        return -CAIRN_EINVAL;
    if (r->broken || r->closed)
        return -CAIRN_ECLOSED;
    closed = load_acquire(&s->prod_closed) != 0;
    head = load_acquire(&s->head);
    avail = head - r->pos;
    if (avail > r->size)
        return ring_break(r);
    if (avail == 0)
        return closed ? -CAIRN_ECLOSED : -CAIRN_EAGAIN;
    if (avail < RING_RECORD_HDR)
        return ring_break(r);
    /* The length word: aligned, so inside the data area; loaded once. */
    len = load_once((const uint32_t *)(r->data + (r->pos & (r->size - 1))));
    if (len > ring_max_record(r))
        return ring_break(r);
    need = record_size(len);
    if (need > avail)
        return ring_break(r);
    if (len > cap)
        return -CAIRN_ERANGE;

    old = r->pos;
    copy_out(r, old + RING_RECORD_HDR, buf, len);
    r->pos = old + need;
    store_release(&s->tail, r->pos);

    fence_full();
    if (passes_event(load_once(&s->space_event), r->pos, old))
        ring_signal(r);
    return (long)len;
}

bool
ring_read_prepare_wait(struct ring *r)
{
    struct ring_shared *s = r->shm;

    if (r->role != RING_CONSUMER || r->broken || r->closed)
        return false;
    /* Wake me when head moves past my tail: any new record. */
    store_once(&s->data_event, r->pos);
    fence_full();
    if (load_acquire(&s->head) != r->pos)
        return false;
    return !load_acquire(&s->prod_closed);
}

/* Producer: publish "wake me when at most max_used bytes are in use",
 * then look again. True if the caller may sleep. */
static bool
ring_writer_arm(struct ring *r, uint32_t max_used)
{
    struct ring_shared *s = r->shm;
    uint32_t used;

    if (r->role != RING_PRODUCER || r->broken || r->closed)
        return false;
    /* used <= max_used  <=>  tail >= head - max_used  <=>  tail passed head - max_used - 1. */
    store_once(&s->space_event, r->pos - max_used - 1);
    fence_full();
    used = r->pos - load_acquire(&s->tail);
    if (used > r->size || used <= max_used)
        return false; /* a bad index is reported by the retried call */
    return !load_acquire(&s->cons_closed);
}

bool
ring_write_prepare_wait(struct ring *r, size_t len)
{
    if (r->role != RING_PRODUCER || len > ring_max_record(r))
        return false;
    return ring_writer_arm(r, r->size - record_size(len));
}

/*
 * The time-out of one blocking call. The clock is read only once the call
 * must wait, so the fast path makes no system call.
 */
struct ring_timer {
    uint64_t timeout_ns; /* as the caller gave it */
    uint64_t deadline;   /* valid once started */
    bool started;
    bool retried; /* timeout 0: the one retry is used up */
};

/*
 * One round of a blocking call whose attempt found no record / no room.
 * armed: the prepare step said the caller may sleep. Returns 0 to attempt
 * again, or what the call returns: -CAIRN_ETIMEDOUT, or the wait's error.
 * When not armed, the state changed between the attempt and the second
 * look; an honest peer makes the next attempt succeed, and the deadline
 * still bounds a peer that keeps the two looks disagreeing.
 */
static long
ring_wait_round(struct ring *r, bool armed, struct ring_timer *t)
{
    uint64_t bits, now, timeout = CAIRN_WAIT_FOREVER;

    if (t->timeout_ns == 0) {
        if (armed || t->retried)
            return -CAIRN_ETIMEDOUT;
        t->retried = true;
        return 0;
    }
    if (t->timeout_ns != CAIRN_WAIT_FOREVER) {
        now = r->notify.ops->clock();
        if (!t->started) {
            t->started = true;
            t->deadline = t->timeout_ns >= CAIRN_WAIT_FOREVER - now ? CAIRN_WAIT_FOREVER - 1
                                                                    : now + t->timeout_ns;
        }
        if (now >= t->deadline)
            return -CAIRN_ETIMEDOUT;
        timeout = t->deadline - now;
    }
    if (!armed)
        return 0;
    r->waits++;
    return r->notify.ops->wait(r->notify.wait_handle, timeout, &bits);
}

long
ring_write_wait(struct ring *r, const void *buf, size_t len, uint64_t timeout_ns)
{
    struct ring_timer t = {.timeout_ns = timeout_ns};
    long ret;

    for (;;) {
        ret = ring_write(r, buf, len);
        if (ret != -CAIRN_EAGAIN)
            return ret;
        ret = ring_wait_round(r, ring_write_prepare_wait(r, len), &t);
        if (ret < 0)
            return ret;
    }
}

long
ring_read_wait(struct ring *r, void *buf, size_t cap, uint64_t timeout_ns)
{
    struct ring_timer t = {.timeout_ns = timeout_ns};
    long ret;

    for (;;) {
        ret = ring_read(r, buf, cap);
        if (ret != -CAIRN_EAGAIN)
            return ret;
        ret = ring_wait_round(r, ring_read_prepare_wait(r), &t);
        if (ret < 0)
            return ret;
    }
}

/* What flushing looks like to ring_flush_wait: 0 (empty), -CAIRN_EAGAIN
 * (records still in the ring), or -CAIRN_ECLOSED. */
static long
ring_flushed(struct ring *r)
{
    uint32_t used;

    if (r->broken || r->closed || load_acquire(&r->shm->cons_closed))
        return -CAIRN_ECLOSED;
    used = r->pos - load_acquire(&r->shm->tail);
    if (used > r->size)
        return ring_break(r);
    return used ? -CAIRN_EAGAIN : 0;
}

long
ring_flush_wait(struct ring *r, uint64_t timeout_ns)
{
    struct ring_timer t = {.timeout_ns = timeout_ns};
    long ret;

    if (r->role != RING_PRODUCER)
        return -CAIRN_EINVAL;
    for (;;) {
        ret = ring_flushed(r);
        if (ret != -CAIRN_EAGAIN)
            return ret;
        ret = ring_wait_round(r, ring_writer_arm(r, 0), &t);
        if (ret < 0)
            return ret;
    }
}

void
ring_close(struct ring *r)
{
    struct ring_shared *s = r->shm;

    if (r->closed || !s)
        return;
    r->closed = true;
    store_release(r->role == RING_PRODUCER ? &s->prod_closed : &s->cons_closed, 1);
    fence_full();
    ring_signal(r); /* the peer may be asleep whatever it published */
}

bool
ring_peer_closed(struct ring *r)
{
    struct ring_shared *s = r->shm;

    if (r->role != RING_PRODUCER && r->role != RING_CONSUMER)
        return true;
    if (r->broken)
        return true;
    return load_acquire(r->role == RING_PRODUCER ? &s->cons_closed : &s->prod_closed) != 0;
}
