// SPDX-License-Identifier: MIT
/*
 * Host tests for the shared-memory ring library (libc/ring.c): record
 * sizes, empty and full edges, wrap-around of the data area and of the
 * indices, corrupt and hostile headers, the sleep/wake protocol with its
 * batching, time-outs and closing, and two-thread stress runs.
 *
 * Notifications are a fake (a mutex, a condition variable and a word of
 * bits per handle) behind struct ring_notify_ops, with the contract of
 * cairn_notify_signal/wait; it counts signals and waits. The shared memory
 * is a heap block of exactly the ring's size, so any access outside it is
 * an AddressSanitizer failure.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairn/ipc.h>
#include <cairn/ring.h>

#include "check.h"

/* --- the fake notification ------------------------------------------------------------ */

#define FAKE_COUNT 4

struct fake_notify {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t bits;
    unsigned long signals; /* signal calls */
    unsigned long waits;   /* wait calls */
};

static struct fake_notify fakes[FAKE_COUNT];
static unsigned long fake_clock_reads;

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t
fake_clock(void)
{
    __atomic_add_fetch(&fake_clock_reads, 1, __ATOMIC_RELAXED);
    return now_ns();
}

static long
fake_signal(cairn_handle_t h, uint64_t bits)
{
    struct fake_notify *f;

    if (h < 0 || h >= FAKE_COUNT)
        return -CAIRN_EBADH;
    f = &fakes[h];
    pthread_mutex_lock(&f->lock);
    f->signals++;
    f->bits |= bits;
    if (f->bits)
        pthread_cond_signal(&f->cond);
    pthread_mutex_unlock(&f->lock);
    return 0;
}

static long
fake_wait(cairn_handle_t h, uint64_t timeout_ns, uint64_t *bits)
{
    struct fake_notify *f;
    struct timespec until;
    long ret = 0;

    if (h < 0 || h >= FAKE_COUNT)
        return -CAIRN_EBADH;
    f = &fakes[h];
    if (timeout_ns != CAIRN_WAIT_FOREVER) {
        uint64_t deadline = now_ns() + timeout_ns;
        until.tv_sec = (time_t)(deadline / 1000000000ull);
        until.tv_nsec = (long)(deadline % 1000000000ull);
    }
    pthread_mutex_lock(&f->lock);
    f->waits++;
    while (!f->bits) {
        if (timeout_ns == 0) {
            ret = -CAIRN_ETIMEDOUT;
            break;
        }
        if (timeout_ns == CAIRN_WAIT_FOREVER) {
            pthread_cond_wait(&f->cond, &f->lock);
        } else if (pthread_cond_timedwait(&f->cond, &f->lock, &until)) {
            if (!f->bits)
                ret = -CAIRN_ETIMEDOUT;
            break;
        }
    }
    if (!ret) {
        *bits = f->bits;
        f->bits = 0;
    }
    pthread_mutex_unlock(&f->lock);
    return ret;
}

static const struct ring_notify_ops fake_ops = {
    .signal = fake_signal,
    .wait = fake_wait,
    .clock = fake_clock,
};

static void
fakes_reset(void)
{
    for (int i = 0; i < FAKE_COUNT; i++) {
        struct fake_notify *f = &fakes[i];
        pthread_condattr_t attr;

        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_mutex_init(&f->lock, NULL);
        pthread_cond_init(&f->cond, &attr);
        pthread_condattr_destroy(&attr);
        f->bits = 0;
        f->signals = 0;
        f->waits = 0;
    }
    fake_clock_reads = 0;
}

static unsigned long
fake_signals(long h)
{
    unsigned long n;

    pthread_mutex_lock(&fakes[h].lock);
    n = fakes[h].signals;
    pthread_mutex_unlock(&fakes[h].lock);
    return n;
}

static unsigned long
fake_waits(long h)
{
    unsigned long n;

    pthread_mutex_lock(&fakes[h].lock);
    n = fakes[h].waits;
    pthread_mutex_unlock(&fakes[h].lock);
    return n;
}

/* --- set-up: one ring, both ends in this process ----------------------------------------- */

/* The producer sleeps on fake 0 and wakes the consumer through fake 1. */
static const struct ring_notify prod_notify = {&fake_ops, 0, 1, 1};
static const struct ring_notify cons_notify = {&fake_ops, 1, 0, 2};

struct pair {
    void *mem;
    size_t mem_size;
    struct ring prod, cons;
};

/* A ring of 1 << log2 bytes in a heap block of exactly its size; the
 * producer formats it, the consumer attaches. */
static int
pair_make(struct pair *p, uint32_t log2)
{
    fakes_reset();
    p->mem_size = ring_mem_size(log2);
    p->mem = aligned_alloc(64, p->mem_size);
    if (!p->mem)
        return -1;
    memset(p->mem, 0xa5, p->mem_size);
    if (ring_init(&p->prod, p->mem, p->mem_size, log2, RING_PRODUCER, &prod_notify))
        return -1;
    return ring_attach(&p->cons, p->mem, p->mem_size, RING_CONSUMER, &cons_notify);
}

static void
pair_free(struct pair *p)
{
    free(p->mem);
    p->mem = NULL;
}

static struct ring_shared *
shm(struct pair *p)
{
    return p->mem;
}

/* Record content: a function of the sequence number and the offset. */
static uint8_t
pattern(uint32_t seq, size_t i)
{
    return (uint8_t)(seq * 31u + i * 7u + (i >> 8));
}

static void
fill(uint8_t *buf, uint32_t seq, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = pattern(seq, i);
}

static int
matches(const uint8_t *buf, uint32_t seq, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (buf[i] != pattern(seq, i))
            return 0;
    return 1;
}

static uint8_t wbuf[8192], rbuf[8192];

/* --- arguments and headers ---------------------------------------------------------------- */

TEST(ring_init_refuses_bad_arguments)
{
    static const struct ring_notify_ops no_clock = {fake_signal, fake_wait, NULL};
    const struct ring_notify bad_ops = {&no_clock, 0, 1, 1};
    size_t size = ring_mem_size(8);
    uint8_t *mem = aligned_alloc(64, size + 64);
    struct ring r;

    CHECK(mem != NULL);
    CHECK(ring_init(&r, mem + 8, size, 8, RING_PRODUCER, &prod_notify) == -CAIRN_EINVAL);
    CHECK(ring_init(&r, mem, size - 1, 8, RING_PRODUCER, &prod_notify) == -CAIRN_EINVAL);
    CHECK(ring_init(&r, mem, size, RING_MIN_LOG2 - 1, RING_PRODUCER, &prod_notify) ==
          -CAIRN_EINVAL);
    CHECK(ring_init(&r, mem, (size_t)-1, RING_MAX_LOG2 + 1, RING_PRODUCER, &prod_notify) ==
          -CAIRN_EINVAL);
    CHECK(ring_init(&r, mem, size, 8, 0, &prod_notify) == -CAIRN_EINVAL);
    CHECK(ring_init(&r, mem, size, 8, RING_PRODUCER, NULL) == -CAIRN_EINVAL);
    CHECK(ring_init(&r, mem, size, 8, RING_PRODUCER, &bad_ops) == -CAIRN_EINVAL);
    CHECK(ring_init(&r, NULL, size, 8, RING_PRODUCER, &prod_notify) == -CAIRN_EINVAL);
    CHECK(ring_init(&r, mem, size, 8, RING_PRODUCER, &prod_notify) == 0);
    CHECK(ring_max_record(&r) == 256 - RING_RECORD_HDR);
    free(mem);
}

/* Corrupts one field of a fresh ring's header; attach must refuse it. */
static int
attach_after(void (*corrupt)(struct ring_shared *), size_t mem_size_cut)
{
    struct pair p;
    struct ring r;
    int ret;

    if (pair_make(&p, 8))
        return 1;
    corrupt(shm(&p));
    ret = ring_attach(&r, p.mem, p.mem_size - mem_size_cut, RING_CONSUMER, &cons_notify);
    pair_free(&p);
    return ret;
}

static void
nothing(struct ring_shared *s)
{
    (void)s;
}
static void
bad_magic(struct ring_shared *s)
{
    s->magic ^= 1;
}
static void
bad_version(struct ring_shared *s)
{
    s->version = RING_VERSION + 1;
}
static void
bad_header_size(struct ring_shared *s)
{
    s->header_size = 64;
}
static void
size_past_mapping(struct ring_shared *s)
{
    s->size_log2 = 9;
}
static void
size_huge(struct ring_shared *s)
{
    s->size_log2 = 40;
}
static void
size_tiny(struct ring_shared *s)
{
    s->size_log2 = 2;
}
static void
head_far_ahead(struct ring_shared *s)
{
    s->head = 256 + 8;
}
static void
tail_ahead_of_head(struct ring_shared *s)
{
    s->tail = 8;
}
static void
head_unaligned(struct ring_shared *s)
{
    s->head = 4;
    s->tail = 4;
}

TEST(ring_attach_refuses_a_corrupt_header)
{
    CHECK(attach_after(nothing, 0) == 0);
    CHECK(attach_after(nothing, 1) == -CAIRN_EINVAL); /* the mapping is a byte short */
    CHECK(attach_after(bad_magic, 0) == -CAIRN_EINVAL);
    CHECK(attach_after(bad_version, 0) == -CAIRN_EINVAL);
    CHECK(attach_after(bad_header_size, 0) == -CAIRN_EINVAL);
    CHECK(attach_after(size_past_mapping, 0) == -CAIRN_EINVAL);
    CHECK(attach_after(size_huge, 0) == -CAIRN_EINVAL);
    CHECK(attach_after(size_tiny, 0) == -CAIRN_EINVAL);
    CHECK(attach_after(head_far_ahead, 0) == -CAIRN_EINVAL);
    CHECK(attach_after(tail_ahead_of_head, 0) == -CAIRN_EINVAL);
    CHECK(attach_after(head_unaligned, 0) == -CAIRN_EINVAL);
}

TEST(ring_attach_refuses_a_mapping_smaller_than_the_header)
{
    uint8_t *mem = aligned_alloc(64, 64);
    struct ring r;

    CHECK(mem != NULL);
    memset(mem, 0, 64);
    CHECK(ring_attach(&r, mem, 64, RING_CONSUMER, &cons_notify) == -CAIRN_EINVAL);
    free(mem);
}

/* --- records ------------------------------------------------------------------------------ */

TEST(ring_empty_reads_eagain_and_full_writes_eagain)
{
    struct pair p;

    CHECK(pair_make(&p, 6) == 0); /* 64 bytes: four 8-byte records of 16 */
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == -CAIRN_EAGAIN);
    for (uint32_t i = 0; i < 4; i++) {
        fill(wbuf, i, 8);
        CHECK(ring_write(&p.prod, wbuf, 8) == 0);
    }
    CHECK(ring_write(&p.prod, wbuf, 1) == -CAIRN_EAGAIN);
    CHECK(ring_write(&p.prod, wbuf, 0) == -CAIRN_EAGAIN);
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == 8 && matches(rbuf, 0, 8));
    CHECK(ring_write(&p.prod, wbuf, 9) == -CAIRN_EAGAIN); /* 24 bytes needed, 16 free */
    fill(wbuf, 4, 8);
    CHECK(ring_write(&p.prod, wbuf, 8) == 0); /* exactly the 16 free */
    for (uint32_t i = 1; i < 5; i++)
        CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == 8 && matches(rbuf, i, 8));
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == -CAIRN_EAGAIN);
    pair_free(&p);
}

TEST(ring_largest_record_fills_the_whole_data_area)
{
    struct pair p;
    size_t max;

    CHECK(pair_make(&p, 6) == 0);
    max = ring_max_record(&p.prod);
    CHECK(max == 56);
    CHECK(ring_write(&p.prod, wbuf, max + 1) == -CAIRN_EINVAL);
    for (uint32_t round = 0; round < 5; round++) { /* at every offset of the wrap */
        fill(wbuf, round, max);
        CHECK(ring_write(&p.prod, wbuf, max) == 0);
        CHECK(ring_write(&p.prod, wbuf, 0) == -CAIRN_EAGAIN);
        CHECK(ring_read(&p.cons, rbuf, max) == (long)max && matches(rbuf, round, max));
        CHECK(ring_write(&p.prod, wbuf, 1) == 0); /* shift the start by 16 */
        CHECK(ring_read(&p.cons, rbuf, 1) == 1);
    }
    pair_free(&p);
}

TEST(ring_records_of_every_size_up_to_4096_round_trip)
{
    struct pair p;
    uint32_t seq = 0;

    CHECK(pair_make(&p, 13) == 0); /* 8 KiB */
    CHECK(ring_max_record(&p.prod) >= 4096);
    for (size_t len = 0; len <= 4096; len++) {
        fill(wbuf, seq, len);
        CHECK(ring_write(&p.prod, wbuf, len) == 0);
        memset(rbuf, 0, len + 1);
        CHECK(ring_read(&p.cons, rbuf, len) == (long)len);
        CHECK(matches(rbuf, seq, len));
        seq++;
    }
    /* Two at a time, so records straddle the end at many offsets. */
    for (size_t len = 1; len <= 4096; len += 13) {
        size_t len2 = 4097 - len;
        fill(wbuf, seq, len);
        CHECK(ring_write(&p.prod, wbuf, len) == 0);
        fill(wbuf, seq + 1, len2);
        CHECK(ring_write(&p.prod, wbuf, len2) == 0);
        CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == (long)len && matches(rbuf, seq, len));
        CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == (long)len2 && matches(rbuf, seq + 1, len2));
        seq += 2;
    }
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == -CAIRN_EAGAIN);
    pair_free(&p);
}

TEST(ring_read_into_a_short_buffer_leaves_the_record)
{
    struct pair p;

    CHECK(pair_make(&p, 8) == 0);
    fill(wbuf, 9, 100);
    CHECK(ring_write(&p.prod, wbuf, 100) == 0);
    CHECK(ring_read(&p.cons, rbuf, 99) == -CAIRN_ERANGE);
    CHECK(ring_read(&p.cons, rbuf, 100) == 100 && matches(rbuf, 9, 100));
    pair_free(&p);
}

TEST(ring_each_end_refuses_the_other_ends_calls)
{
    struct pair p;

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_read(&p.prod, rbuf, sizeof(rbuf)) == -CAIRN_EINVAL);
    CHECK(ring_write(&p.cons, wbuf, 1) == -CAIRN_EINVAL);
    CHECK(ring_flush_wait(&p.cons, 0) == -CAIRN_EINVAL);
    CHECK(!ring_read_prepare_wait(&p.prod));
    CHECK(!ring_write_prepare_wait(&p.cons, 1));
    pair_free(&p);
}

TEST(ring_wraps_the_data_area_many_times)
{
    struct pair p;
    uint32_t wseq = 0, rseq = 0;

    CHECK(pair_make(&p, 7) == 0); /* 128 bytes */
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)(wseq * 37u) % 60;
        fill(wbuf, wseq, len);
        if (ring_write(&p.prod, wbuf, len) == 0)
            wseq++;
        if (i % 3 == 0)
            continue; /* let it fill up now and then */
        long got = ring_read(&p.cons, rbuf, sizeof(rbuf));
        if (got == -CAIRN_EAGAIN)
            continue;
        CHECK(got == (long)((rseq * 37u) % 60) && matches(rbuf, rseq, (size_t)got));
        rseq++;
    }
    while (ring_read(&p.cons, rbuf, sizeof(rbuf)) >= 0)
        rseq++;
    CHECK(rseq == wseq && wseq > 10000);
    pair_free(&p);
}

TEST(ring_indices_wrap_at_2_to_the_32)
{
    struct pair p;
    struct ring prod, cons;
    uint32_t seq = 0;

    CHECK(pair_make(&p, 8) == 0);
    shm(&p)->head = 0xffffff00u;
    shm(&p)->tail = 0xffffff00u;
    CHECK(ring_attach(&prod, p.mem, p.mem_size, RING_PRODUCER, &prod_notify) == 0);
    CHECK(ring_attach(&cons, p.mem, p.mem_size, RING_CONSUMER, &cons_notify) == 0);
    for (int i = 0; i < 100; i++) {
        fill(wbuf, seq, 77);
        CHECK(ring_write(&prod, wbuf, 77) == 0);
        fill(wbuf, seq + 1, 3);
        CHECK(ring_write(&prod, wbuf, 3) == 0);
        CHECK(ring_read(&cons, rbuf, sizeof(rbuf)) == 77 && matches(rbuf, seq, 77));
        CHECK(ring_read(&cons, rbuf, sizeof(rbuf)) == 3 && matches(rbuf, seq + 1, 3));
        seq += 2;
    }
    CHECK(shm(&p)->head < 0x10000u); /* it did wrap */
    CHECK(ring_read(&cons, rbuf, sizeof(rbuf)) == -CAIRN_EAGAIN);
    CHECK(!ring_is_broken(&prod) && !ring_is_broken(&cons));
    pair_free(&p);
}

/* --- a hostile peer ----------------------------------------------------------------------- */

static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Values a hostile index takes: near the honest one, around the edges, random. */
static uint32_t
hostile_index(uint32_t honest, uint32_t size)
{
    switch (rng() % 6) {
    case 0:
        return honest + size + 1 + rng() % 64;
    case 1:
        return honest - (rng() % 64);
    case 2:
        return honest + (rng() % (size + 1));
    case 3:
        return honest - size - 1;
    case 4:
        return 0xffffffffu - rng() % 16;
    default:
        return rng();
    }
}

TEST(ring_consumer_survives_a_hostile_producer)
{
    struct pair p;
    int broken = 0, records = 0;

    for (int trial = 0; trial < 4000; trial++) {
        CHECK(pair_make(&p, 6 + trial % 3) == 0);
        uint32_t size = 1u << (6 + trial % 3);
        uint8_t *data = (uint8_t *)p.mem + RING_HEADER_SIZE;
        /* Scribble over the whole data area, lengths included, then lie about head. */
        for (uint32_t i = 0; i < size; i += 4) {
            uint32_t v = rng() % 3 ? rng() % (size + 16) : rng();
            memcpy(data + i, &v, 4);
        }
        shm(&p)->head = hostile_index(0, size);
        shm(&p)->space_event = rng();
        shm(&p)->size_log2 = 30; /* changing the geometry after attach changes nothing */
        for (int n = 0; n < 8; n++) {
            long got = ring_read(&p.cons, rbuf, sizeof(rbuf));
            if (got >= 0) {
                CHECK((size_t)got <= ring_max_record(&p.cons));
                records++;
            } else {
                CHECK(got == -CAIRN_EAGAIN || got == -CAIRN_ECLOSED);
            }
            if (n == 4)
                shm(&p)->head = hostile_index(shm(&p)->tail, size);
        }
        if (ring_is_broken(&p.cons)) {
            broken++;
            CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == -CAIRN_ECLOSED);
            CHECK(ring_peer_closed(&p.cons));
        }
        pair_free(&p);
    }
    CHECK(broken > 1000 && records > 100); /* both outcomes were exercised */
}

TEST(ring_producer_survives_a_hostile_consumer)
{
    struct pair p;
    int broken = 0, written = 0;

    for (int trial = 0; trial < 4000; trial++) {
        CHECK(pair_make(&p, 6 + trial % 3) == 0);
        uint32_t size = 1u << (6 + trial % 3);
        for (int n = 0; n < 8; n++) {
            size_t len = rng() % (size - RING_RECORD_HDR + 1);
            long ret;
            shm(&p)->tail = hostile_index(shm(&p)->head, size);
            shm(&p)->data_event = rng();
            fill(wbuf, (uint32_t)n, len);
            ret = ring_write(&p.prod, wbuf, len);
            if (ret == 0)
                written++;
            else
                CHECK(ret == -CAIRN_EAGAIN || ret == -CAIRN_ECLOSED);
            ring_write_prepare_wait(&p.prod, len);
            CHECK(ring_flush_wait(&p.prod, 0) <= 0);
        }
        if (ring_is_broken(&p.prod)) {
            broken++;
            CHECK(ring_write(&p.prod, wbuf, 1) == -CAIRN_ECLOSED);
        }
        pair_free(&p);
    }
    CHECK(broken > 1000 && written > 1000);
}

TEST(ring_length_past_the_published_bytes_breaks_the_ring)
{
    struct pair p;
    uint32_t len = 100;

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_write(&p.prod, wbuf, 100) == 0);
    /* The producer claims a longer record than it published. */
    len = 120;
    memcpy((uint8_t *)p.mem + RING_HEADER_SIZE, &len, 4);
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == -CAIRN_ECLOSED);
    CHECK(ring_is_broken(&p.cons));
    pair_free(&p);

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_write(&p.prod, wbuf, 0) == 0);
    len = 0xfffffff8u; /* would wrap the record size computation */
    memcpy((uint8_t *)p.mem + RING_HEADER_SIZE, &len, 4);
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == -CAIRN_ECLOSED);
    pair_free(&p);
}

TEST(ring_tail_beyond_what_was_written_breaks_the_ring)
{
    struct pair p;

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_write(&p.prod, wbuf, 8) == 0);
    shm(&p)->tail = 32; /* consumed more than the 16 bytes written */
    CHECK(ring_write(&p.prod, wbuf, 8) == -CAIRN_ECLOSED && ring_is_broken(&p.prod));
    pair_free(&p);

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_write(&p.prod, wbuf, 8) == 0);
    shm(&p)->tail = (uint32_t)(16 - 256 - 8); /* more than the whole ring in use */
    CHECK(ring_write(&p.prod, wbuf, 8) == -CAIRN_ECLOSED && ring_is_broken(&p.prod));
    pair_free(&p);
}

/* --- waking and batching ------------------------------------------------------------------ */

TEST(ring_signals_a_sleeping_consumer_once_and_an_awake_one_never)
{
    struct pair p;

    CHECK(pair_make(&p, 12) == 0);
    for (int i = 0; i < 10; i++) /* the consumer never said it sleeps */
        CHECK(ring_write(&p.prod, wbuf, 20) == 0);
    CHECK(fake_signals(1) == 0);
    while (ring_read(&p.cons, rbuf, sizeof(rbuf)) >= 0)
        ;
    CHECK(ring_read_prepare_wait(&p.cons)); /* empty: it may sleep */
    for (int i = 0; i < 10; i++)
        CHECK(ring_write(&p.prod, wbuf, 20) == 0);
    CHECK(fake_signals(1) == 1 && fakes[1].bits == 1); /* the producer's bit */
    CHECK(!ring_read_prepare_wait(&p.cons));           /* not empty: it must not */
    CHECK(fake_signals(1) == 1);
    while (ring_read(&p.cons, rbuf, sizeof(rbuf)) >= 0)
        ;
    CHECK(ring_read_prepare_wait(&p.cons));
    CHECK(ring_write(&p.prod, wbuf, 0) == 0); /* an empty record is a record too */
    CHECK(fake_signals(1) == 2);
    pair_free(&p);
}

TEST(ring_signals_a_sleeping_producer_once_its_record_fits)
{
    struct pair p;
    int n = 0;

    CHECK(pair_make(&p, 8) == 0); /* 256 bytes: 8 records of 32 */
    while (ring_write(&p.prod, wbuf, 24) == 0)
        n++;
    CHECK(n == 8);
    CHECK(ring_write_prepare_wait(&p.prod, 56)); /* needs 64: two records must go */
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == 24);
    CHECK(fake_signals(0) == 0);
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == 24);
    CHECK(fake_signals(0) == 1 && fakes[0].bits == 2); /* the consumer's bit */
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == 24);
    CHECK(fake_signals(0) == 1);
    CHECK(ring_write(&p.prod, wbuf, 56) == 0);
    CHECK(!ring_write_prepare_wait(&p.prod, 24)); /* there is room: no sleeping */
    pair_free(&p);
}

TEST(ring_wait_with_timeout_zero_makes_no_call)
{
    struct pair p;

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_read_wait(&p.cons, rbuf, sizeof(rbuf), 0) == -CAIRN_ETIMEDOUT);
    while (ring_write(&p.prod, wbuf, 100) == 0)
        ;
    CHECK(ring_write_wait(&p.prod, wbuf, 100, 0) == -CAIRN_ETIMEDOUT);
    CHECK(ring_flush_wait(&p.prod, 0) == -CAIRN_ETIMEDOUT);
    CHECK(fake_waits(0) == 0 && fake_waits(1) == 0 && fake_clock_reads == 0);
    CHECK(ring_read_wait(&p.cons, rbuf, sizeof(rbuf), 0) == 100);
    pair_free(&p);
}

TEST(ring_blocking_calls_time_out)
{
    struct pair p;
    uint64_t t0;

    CHECK(pair_make(&p, 8) == 0);
    t0 = now_ns();
    CHECK(ring_read_wait(&p.cons, rbuf, sizeof(rbuf), 20000000) == -CAIRN_ETIMEDOUT);
    CHECK(now_ns() - t0 >= 20000000);
    while (ring_write(&p.prod, wbuf, 100) == 0)
        ;
    t0 = now_ns();
    CHECK(ring_write_wait(&p.prod, wbuf, 100, 20000000) == -CAIRN_ETIMEDOUT);
    CHECK(now_ns() - t0 >= 20000000);
    t0 = now_ns();
    CHECK(ring_flush_wait(&p.prod, 20000000) == -CAIRN_ETIMEDOUT);
    CHECK(now_ns() - t0 >= 20000000);
    pair_free(&p);
}

TEST(ring_blocking_calls_return_the_wait_error)
{
    const struct ring_notify bad = {&fake_ops, 99, 0, 1};
    struct pair p;
    struct ring cons;

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_attach(&cons, p.mem, p.mem_size, RING_CONSUMER, &bad) == 0);
    CHECK(ring_read_wait(&cons, rbuf, sizeof(rbuf), CAIRN_WAIT_FOREVER) == -CAIRN_EBADH);
    pair_free(&p);
}

TEST(ring_close_lets_the_consumer_drain_then_reports_closed)
{
    struct pair p;

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_write(&p.prod, wbuf, 5) == 0);
    CHECK(ring_write(&p.prod, wbuf, 6) == 0);
    CHECK(!ring_peer_closed(&p.cons));
    ring_close(&p.prod);
    CHECK(fake_signals(1) == 1); /* closing always wakes the peer */
    CHECK(ring_peer_closed(&p.cons));
    CHECK(ring_write(&p.prod, wbuf, 5) == -CAIRN_ECLOSED);
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == 5);
    CHECK(ring_read_wait(&p.cons, rbuf, sizeof(rbuf), CAIRN_WAIT_FOREVER) == 6);
    CHECK(ring_read_wait(&p.cons, rbuf, sizeof(rbuf), CAIRN_WAIT_FOREVER) == -CAIRN_ECLOSED);
    pair_free(&p);

    CHECK(pair_make(&p, 8) == 0);
    CHECK(ring_write(&p.prod, wbuf, 5) == 0);
    ring_close(&p.cons);
    CHECK(ring_write(&p.prod, wbuf, 5) == -CAIRN_ECLOSED);
    CHECK(ring_flush_wait(&p.prod, CAIRN_WAIT_FOREVER) == -CAIRN_ECLOSED);
    CHECK(ring_read(&p.cons, rbuf, sizeof(rbuf)) == -CAIRN_ECLOSED);
    pair_free(&p);
}

/* --- two threads -------------------------------------------------------------------------- */

#define STRESS_RECORDS 3000000u
#define STRESS_TIMEOUT 10000000000ull /* 10 s: a lost wake-up fails instead of hanging */

/* Mostly small records, now and then one of up to 4 KiB. */
static size_t
stress_len(uint32_t seq)
{
    uint32_t h = seq * 2654435761u;

    return (h >> 24) < 4 ? 1 + (h >> 4) % 4096 : 1 + (h >> 8) % 64;
}

struct stress {
    struct pair p;
    uint32_t records;
    long error; /* first failure of the producer */
    uint32_t bad_at;
};

static void *
stress_producer(void *arg)
{
    struct stress *st = arg;
    static uint8_t buf[4096];

    for (uint32_t seq = 0; seq < st->records; seq++) {
        size_t len = stress_len(seq);
        long ret;
        fill(buf, seq, len);
        ret = ring_write_wait(&st->p.prod, buf, len, STRESS_TIMEOUT);
        if (ret) {
            st->error = ret;
            st->bad_at = seq;
            break;
        }
    }
    if (!st->error)
        st->error = ring_flush_wait(&st->p.prod, STRESS_TIMEOUT);
    ring_close(&st->p.prod);
    return NULL;
}

TEST(ring_two_threads_move_millions_of_records_in_order_with_few_signals)
{
    static struct stress st;
    static uint8_t buf[4096];
    pthread_t th;
    uint32_t seq = 0, bad = 0;
    long got;

    memset(&st, 0, sizeof(st));
    st.records = STRESS_RECORDS;
    CHECK(pair_make(&st.p, 16) == 0); /* 64 KiB */
    CHECK(pthread_create(&th, NULL, stress_producer, &st) == 0);
    while ((got = ring_read_wait(&st.p.cons, buf, sizeof(buf), STRESS_TIMEOUT)) >= 0) {
        if ((size_t)got != stress_len(seq) || !matches(buf, seq, (size_t)got))
            bad++;
        seq++;
    }
    pthread_join(th, NULL);
    CHECK(got == -CAIRN_ECLOSED);
    CHECK(st.error == 0);
    CHECK(seq == STRESS_RECORDS);
    CHECK(bad == 0);
    /* Batching: a signal only for a side that published an event index
     * (about to sleep), at most one per event. */
    unsigned long sig = fake_signals(0) + fake_signals(1);
    printf("# %u records, %lu signals to the consumer, %lu to the producer, "
           "%lu + %lu waits\n",
           seq, fake_signals(1), fake_signals(0), fake_waits(1), fake_waits(0));
    CHECK(sig < STRESS_RECORDS / 20);
    pair_free(&st.p);
}

/*
 * Two rings between two threads: requests one way, echoes back the other.
 * The main thread serves both of its ends with one notification and the
 * prepare-wait calls; the echo thread uses the blocking calls. Neither may
 * wedge, even though each blocks on a full ring.
 */
#define ECHO_RECORDS 200000u

struct echo {
    void *mem_req, *mem_echo;
    struct ring req_cons, echo_prod; /* the echo thread's ends */
    long error;
};

static void *
echo_thread(void *arg)
{
    struct echo *e = arg;
    static uint8_t buf[4096];
    long got;

    while ((got = ring_read_wait(&e->req_cons, buf, sizeof(buf), STRESS_TIMEOUT)) >= 0) {
        long ret = ring_write_wait(&e->echo_prod, buf, (size_t)got, STRESS_TIMEOUT);
        if (ret) {
            e->error = ret;
            break;
        }
    }
    if (got != -CAIRN_ECLOSED && !e->error)
        e->error = got;
    ring_close(&e->echo_prod);
    return NULL;
}

TEST(ring_one_notification_serves_two_rings_without_deadlock)
{
    /* Main thread: waits on fake 2; the echo thread on fake 3. */
    const struct ring_notify main_n = {&fake_ops, 2, 3, 1};
    const struct ring_notify echo_n = {&fake_ops, 3, 2, 1};
    static struct echo e;
    static uint8_t buf[4096];
    struct ring req_prod, echo_cons;
    size_t size = ring_mem_size(12);
    uint32_t sent = 0, back = 0, bad = 0;
    pthread_t th;
    bool sent_all = false;

    fakes_reset();
    memset(&e, 0, sizeof(e));
    e.mem_req = aligned_alloc(64, size);
    e.mem_echo = aligned_alloc(64, size);
    CHECK(e.mem_req && e.mem_echo);
    CHECK(ring_init(&req_prod, e.mem_req, size, 12, RING_PRODUCER, &main_n) == 0);
    CHECK(ring_init(&echo_cons, e.mem_echo, size, 12, RING_CONSUMER, &main_n) == 0);
    CHECK(ring_attach(&e.req_cons, e.mem_req, size, RING_CONSUMER, &echo_n) == 0);
    CHECK(ring_attach(&e.echo_prod, e.mem_echo, size, RING_PRODUCER, &echo_n) == 0);
    CHECK(pthread_create(&th, NULL, echo_thread, &e) == 0);

    for (;;) {
        bool progress = false;
        long got;
        if (sent < ECHO_RECORDS) {
            size_t len = stress_len(sent);
            fill(buf, sent, len);
            if (ring_write(&req_prod, buf, len) == 0) {
                sent++;
                progress = true;
            }
        } else if (!sent_all) {
            ring_close(&req_prod);
            sent_all = true;
        }
        got = ring_read(&echo_cons, buf, sizeof(buf));
        if (got >= 0) {
            if ((size_t)got != stress_len(back) || !matches(buf, back, (size_t)got))
                bad++;
            back++;
            progress = true;
        } else if (got == -CAIRN_ECLOSED) {
            break;
        }
        if (progress)
            continue;
        /* Nothing moved: arm both ends, then sleep unless one of them changed. */
        bool sleep_ok = ring_read_prepare_wait(&echo_cons);
        if (sent < ECHO_RECORDS)
            sleep_ok = ring_write_prepare_wait(&req_prod, stress_len(sent)) && sleep_ok;
        uint64_t bits;
        if (sleep_ok && fake_wait(2, STRESS_TIMEOUT, &bits) < 0)
            break; /* a lost wake-up */
    }
    pthread_join(th, NULL);
    CHECK(e.error == 0);
    CHECK(sent == ECHO_RECORDS && back == ECHO_RECORDS && bad == 0);
    free(e.mem_req);
    free(e.mem_echo);
}

int
main(void)
{
    RUN(ring_init_refuses_bad_arguments);
    RUN(ring_attach_refuses_a_corrupt_header);
    RUN(ring_attach_refuses_a_mapping_smaller_than_the_header);
    RUN(ring_empty_reads_eagain_and_full_writes_eagain);
    RUN(ring_largest_record_fills_the_whole_data_area);
    RUN(ring_records_of_every_size_up_to_4096_round_trip);
    RUN(ring_read_into_a_short_buffer_leaves_the_record);
    RUN(ring_each_end_refuses_the_other_ends_calls);
    RUN(ring_wraps_the_data_area_many_times);
    RUN(ring_indices_wrap_at_2_to_the_32);
    RUN(ring_consumer_survives_a_hostile_producer);
    RUN(ring_producer_survives_a_hostile_consumer);
    RUN(ring_length_past_the_published_bytes_breaks_the_ring);
    RUN(ring_tail_beyond_what_was_written_breaks_the_ring);
    RUN(ring_signals_a_sleeping_consumer_once_and_an_awake_one_never);
    RUN(ring_signals_a_sleeping_producer_once_its_record_fits);
    RUN(ring_wait_with_timeout_zero_makes_no_call);
    RUN(ring_blocking_calls_time_out);
    RUN(ring_blocking_calls_return_the_wait_error);
    RUN(ring_close_lets_the_consumer_drain_then_reports_closed);
    RUN(ring_two_threads_move_millions_of_records_in_order_with_few_signals);
    RUN(ring_one_notification_serves_two_rings_without_deadlock);
    return check_exit();
}
