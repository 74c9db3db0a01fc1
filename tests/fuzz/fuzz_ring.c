// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for libc's shared-memory rings (libc/ring.c) against a hostile
 * peer.
 *
 * The input is a script. Byte 0 picks the data area (64 bytes to 4 KiB),
 * byte 1 the set-up: either a ring formatted with ring_init by the
 * producer, or a header built from the input (each field the valid value
 * XOR an input word, so zeros give a valid header, plus a data area filled
 * from the input) that both ends must check with ring_attach. The shared
 * memory is a heap block of exactly the ring's size, and any slack asked
 * for after it is poisoned, so the library touching anything outside
 * header and data area is an ASan report. Then both ends live in this
 * process and each further byte is an operation: a write, a read (into a
 * buffer of exactly cap bytes), the blocking forms with a fake clock, the
 * prepare-to-wait calls, a close, or a store of the peer's choice anywhere
 * in the shared memory.
 *
 * Promises checked (cairn/ring.h):
 *   - ring_attach accepts exactly the headers it documents (magic, version,
 *     header size, a data area inside mem_size, aligned indices no more
 *     than the data size apart) and starts at the header's index;
 *   - every call returns one of its documented values, indices stay
 *     aligned, a read returns at most cap and at most ring_max_record()
 *     bytes, copied from the record where the consumer stood and published
 *     in full (the consumer never passes head), and a write leaves its
 *     record exactly at head, in free space (never over bytes the consumer
 *     has not released); a broken ring stays broken and every
 *     later read and write fails with -CAIRN_ECLOSED;
 *   - while no hostile store has been made (an honest peer), the ring never
 *     breaks and behaves as a FIFO: each read returns the next record
 *     written, intact, -CAIRN_EAGAIN comes exactly when the model is empty
 *     (or full for that record), and a record too big for cap stays.
 */
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/ipc.h>
#include <cairn/ring.h>

#include "fuzz.h"

#define MODEL_MAX 1024 /* records in flight: at most 4096 / 8 */
#define SLACK     64   /* poisoned bytes after the ring, when the input asks */

enum op {
    OP_WRITE,
    OP_READ,
    OP_PEER_STORE,
    OP_READ_PREPARE,
    OP_WRITE_PREPARE,
    OP_CLOSE,
    OP_READ_WAIT,
    OP_WRITE_WAIT,
    OP_FLUSH_WAIT,
    OP_PEER_CLOSED,
    OP_COUNT
};

static uint64_t fake_now;

static long
fake_signal(cairn_handle_t notification, uint64_t bits)
{
    (void)notification;
    (void)bits;
    return 0;
}

/* Every wait "wakes" at once; the clock bounds the blocking calls. */
static long
fake_wait(cairn_handle_t notification, uint64_t timeout_ns, uint64_t *bits)
{
    (void)notification;
    (void)timeout_ns;
    *bits = 1;
    fake_now += 1000;
    return 0;
}

static uint64_t
fake_clock(void)
{
    return fake_now += 100;
}

static const struct ring_notify_ops fake_ops = {fake_signal, fake_wait, fake_clock};
static const struct ring_notify fake_notify = {&fake_ops, 1, 2, 1};

struct record {
    uint32_t len;
    uint8_t seed;
};

struct state {
    struct ring prod, cons;
    uint8_t *mem;
    size_t mem_size;
    uint32_t size;
    bool honest;
    /* The model of an honest ring: records written and not yet read. */
    struct record q[MODEL_MAX];
    unsigned q_head, q_count;
    uint32_t q_bytes;
    uint8_t next_seed;
};

static uint32_t
rec_size(uint32_t len)
{
    return RING_RECORD_HDR + ((len + 7) & ~7u);
}

static void
fill(uint8_t *buf, uint32_t len, uint8_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(seed + i * 13);
}

static void
check_result(long ret, bool read)
{
    if (ret >= 0)
        return;
    FUZZ_CHECK(ret == -CAIRN_EAGAIN || ret == -CAIRN_ECLOSED || ret == -CAIRN_EINVAL ||
               ret == -CAIRN_ETIMEDOUT || (read && ret == -CAIRN_ERANGE));
}

/* The record the consumer stands at, as the data area holds it now. */
static void
peek_record(const struct state *st, uint32_t pos, uint8_t *out, uint32_t len)
{
    const uint8_t *data = st->mem + RING_HEADER_SIZE;

    for (uint32_t i = 0; i < len; i++)
        out[i] = data[(pos + RING_RECORD_HDR + i) & (st->size - 1)];
}

static void
do_write(struct state *st, uint32_t len, bool wait)
{
    struct ring *r = &st->prod;
    uint8_t *buf = malloc(len ? len : 1), *check;
    uint8_t seed = st->next_seed;
    uint32_t old = r->pos, tail = __atomic_load_n(&r->shm->tail, __ATOMIC_RELAXED);
    bool was_broken = r->broken;
    long ret;

    fill(buf, len, seed);
    ret = wait ? ring_write_wait(r, buf, len, 5000) : ring_write(r, buf, len);
    check_result(ret, false);
    FUZZ_CHECK(ret <= 0 && r->pos % RING_ALIGN == 0);
    /* An argument error is reported first, even on a broken ring. */
    if (len > ring_max_record(r))
        FUZZ_CHECK(ret == -CAIRN_EINVAL);
    else if (was_broken)
        FUZZ_CHECK(ret == -CAIRN_ECLOSED);
    if (ret == 0) {
        uint32_t word;
        const uint8_t *data = st->mem + RING_HEADER_SIZE;

        FUZZ_CHECK(r->pos == old + rec_size(len));
        FUZZ_CHECK(__atomic_load_n(&r->shm->head, __ATOMIC_RELAXED) == r->pos);
        /* The record went into free space: it overwrote nothing not yet consumed. */
        FUZZ_CHECK(r->pos - tail <= st->size);
        memcpy(&word, data + (old & (st->size - 1)), 4);
        FUZZ_CHECK(word == len);
        check = malloc(len ? len : 1);
        peek_record(st, old, check, len);
        FUZZ_CHECK(memcmp(check, buf, len) == 0);
        free(check);
    } else {
        FUZZ_CHECK(r->pos == old);
    }
    free(buf);

    if (!st->honest)
        return;
    FUZZ_CHECK(!r->broken);
    if (ret == -CAIRN_EINVAL || ret == -CAIRN_ECLOSED)
        return;
    if (ret != 0) {
        FUZZ_CHECK(rec_size(len) > st->size - st->q_bytes);
        return;
    }
    FUZZ_CHECK(st->q_count < MODEL_MAX);
    st->q[(st->q_head + st->q_count++) % MODEL_MAX] = (struct record){len, seed};
    st->q_bytes += rec_size(len);
    FUZZ_CHECK(st->q_bytes <= st->size);
    st->next_seed++;
}

static void
do_read(struct state *st, uint32_t cap, bool wait)
{
    struct ring *r = &st->cons;
    uint8_t *buf = malloc(cap ? cap : 1), *want = NULL;
    uint32_t old = r->pos, want_len = 0, head = __atomic_load_n(&r->shm->head, __ATOMIC_RELAXED);
    bool was_broken = r->broken;
    long ret;

    /* What the data area holds where the consumer stands, before the call. */
    if (r->size != 0) {
        memcpy(&want_len, st->mem + RING_HEADER_SIZE + (old & (st->size - 1)), 4);
        if (want_len <= ring_max_record(r)) {
            want = malloc(want_len ? want_len : 1);
            peek_record(st, old, want, want_len);
        }
    }
    ret = wait ? ring_read_wait(r, buf, cap, 5000) : ring_read(r, buf, cap);
    check_result(ret, true);
    FUZZ_CHECK(r->pos % RING_ALIGN == 0);
    if (was_broken)
        FUZZ_CHECK(ret == -CAIRN_ECLOSED);
    if (ret >= 0) {
        FUZZ_CHECK((size_t)ret <= cap && (size_t)ret <= ring_max_record(r));
        FUZZ_CHECK((uint32_t)ret == want_len && want != NULL);
        FUZZ_CHECK(memcmp(buf, want, want_len) == 0);
        FUZZ_CHECK(r->pos == old + rec_size(want_len));
        FUZZ_CHECK(__atomic_load_n(&r->shm->tail, __ATOMIC_RELAXED) == r->pos);
        /* The record was published in full: the consumer never passes head. */
        FUZZ_CHECK(head - r->pos <= head - old);
    } else {
        FUZZ_CHECK(r->pos == old);
    }

    if (st->honest && ret != -CAIRN_EINVAL && !r->closed) {
        FUZZ_CHECK(!r->broken);
        if (st->q_count == 0) {
            FUZZ_CHECK(ret == -CAIRN_EAGAIN || ret == -CAIRN_ECLOSED || ret == -CAIRN_ETIMEDOUT);
        } else {
            struct record *rec = &st->q[st->q_head];
            uint8_t *expect = malloc(rec->len ? rec->len : 1);

            fill(expect, rec->len, rec->seed);
            if (rec->len > cap) {
                FUZZ_CHECK(ret == -CAIRN_ERANGE);
            } else {
                FUZZ_CHECK(ret == (long)rec->len && memcmp(buf, expect, rec->len) == 0);
                st->q_head = (st->q_head + 1) % MODEL_MAX;
                st->q_count--;
                st->q_bytes -= rec_size(rec->len);
            }
            free(expect);
        }
    }
    free(want);
    free(buf);
}

/* A store of the peer's choice: any aligned word of the shared memory. */
static void
do_peer_store(struct state *st, struct fuzz_input *in)
{
    uint32_t ring_bytes = RING_HEADER_SIZE + st->size;
    uint32_t off = ((uint32_t)fuzz_u8(in) | (uint32_t)fuzz_u8(in) << 8) % ring_bytes & ~3u;
    uint32_t word;

    memcpy(&word, st->mem + off, 4);
    word ^= fuzz_u32(in);
    memcpy(st->mem + off, &word, 4);
    st->honest = false;
}

/* The header fields, each the valid value XOR an input word. */
static bool
build_header(struct state *st, struct fuzz_input *in, uint32_t log2)
{
    struct ring_shared *s = (struct ring_shared *)st->mem;
    uint32_t head, tail, rlog2;
    bool valid;

    memset(s, 0, sizeof(*s));
    s->magic = RING_MAGIC ^ fuzz_u32(in);
    s->version = RING_VERSION ^ fuzz_u32(in);
    s->header_size = RING_HEADER_SIZE ^ fuzz_u32(in);
    s->size_log2 = log2 ^ fuzz_u32(in);
    s->head = head = fuzz_u32(in);
    s->tail = tail = fuzz_u32(in);
    s->space_event = fuzz_u32(in);
    s->data_event = fuzz_u32(in);
    s->prod_closed = fuzz_u8(in) & 1;
    s->cons_closed = fuzz_u8(in) & 1;
    for (uint32_t i = 0; i < st->size; i++)
        st->mem[RING_HEADER_SIZE + i] = fuzz_u8(in);

    rlog2 = s->size_log2;
    valid = s->magic == RING_MAGIC && s->version == RING_VERSION &&
            s->header_size == RING_HEADER_SIZE && rlog2 >= RING_MIN_LOG2 &&
            rlog2 <= RING_MAX_LOG2 && ring_mem_size(rlog2) <= st->mem_size;
    valid = valid && ((head | tail) & 7) == 0 && head - tail <= (1u << rlog2);
    return valid;
}

static void
run_script(struct state *st, struct fuzz_input *in)
{
    while (!fuzz_done(in)) {
        uint8_t op = fuzz_u8(in);
        uint32_t n;

        switch (op % OP_COUNT) {
        case OP_WRITE:
        case OP_WRITE_WAIT:
            n = ((uint32_t)fuzz_u8(in) | (uint32_t)fuzz_u8(in) << 8) % (st->size + 16);
            do_write(st, n, op % OP_COUNT == OP_WRITE_WAIT);
            break;
        case OP_READ:
        case OP_READ_WAIT:
            n = ((uint32_t)fuzz_u8(in) | (uint32_t)fuzz_u8(in) << 8) % (st->size + 16);
            do_read(st, n, op % OP_COUNT == OP_READ_WAIT);
            break;
        case OP_PEER_STORE:
            do_peer_store(st, in);
            break;
        case OP_READ_PREPARE:
            if (ring_read_prepare_wait(&st->cons) && st->honest)
                FUZZ_CHECK(st->q_count == 0);
            break;
        case OP_WRITE_PREPARE:
            n = fuzz_u8(in) * 17u % (st->size + 16);
            if (ring_write_prepare_wait(&st->prod, n) && st->honest)
                FUZZ_CHECK(rec_size(n) > st->size - st->q_bytes);
            break;
        case OP_CLOSE:
            ring_close(op & 0x80 ? &st->cons : &st->prod);
            break;
        case OP_FLUSH_WAIT:
            check_result(ring_flush_wait(&st->prod, op & 0x80 ? 0 : 5000), false);
            break;
        case OP_PEER_CLOSED:
            (void)ring_peer_closed(&st->prod);
            (void)ring_peer_closed(&st->cons);
            break;
        }
        FUZZ_CHECK(st->prod.pos % RING_ALIGN == 0 && st->cons.pos % RING_ALIGN == 0);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct state st;
    struct fuzz_input in = {data, size, 0};
    uint32_t log2 = RING_MIN_LOG2 + fuzz_u8(&in) % 7u;
    uint8_t setup = fuzz_u8(&in);
    size_t ring_bytes = ring_mem_size(log2);
    int rp, rc;

    memset(&st, 0, sizeof(st));
    st.size = 1u << log2;
    st.mem_size = ring_bytes + (setup & 2 ? SLACK : 0);
    st.mem = aligned_alloc(64, st.mem_size);
    FUZZ_CHECK(st.mem != NULL);
    memset(st.mem, 0, st.mem_size);

    if (setup & 1) {
        bool valid = build_header(&st, &in, log2);

        rp = ring_attach(&st.prod, st.mem, st.mem_size, RING_PRODUCER, &fake_notify);
        rc = ring_attach(&st.cons, st.mem, st.mem_size, RING_CONSUMER, &fake_notify);
        FUZZ_CHECK(rp == (valid ? 0 : -CAIRN_EINVAL) && rc == rp);
        if (rp == 0) {
            const struct ring_shared *s = (const struct ring_shared *)st.mem;

            FUZZ_CHECK(st.prod.pos == s->head && st.cons.pos == s->tail);
            FUZZ_CHECK(st.prod.size == 1u << s->size_log2 && st.cons.size == st.prod.size);
            st.size = st.prod.size;
        }
        st.honest = false;
    } else {
        rp = ring_init(&st.prod, st.mem, st.mem_size, log2, RING_PRODUCER, &fake_notify);
        rc = ring_attach(&st.cons, st.mem, st.mem_size, RING_CONSUMER, &fake_notify);
        FUZZ_CHECK(rp == 0 && rc == 0);
        st.honest = true;
    }

    if (rp == 0) {
        /* Nothing past the header and the data area belongs to the ring. */
        size_t used = RING_HEADER_SIZE + st.size;

        ASAN_POISON_MEMORY_REGION(st.mem + used, st.mem_size - used);
        run_script(&st, &in);
        ASAN_UNPOISON_MEMORY_REGION(st.mem + used, st.mem_size - used);
    }
    free(st.mem);
    return 0;
}
