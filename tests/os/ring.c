// SPDX-License-Identifier: MIT
/*
 * In-OS tests of the ring library (<cairn/ring.h>): the same code as the
 * host tests cover, now over a real memory object mapped twice or shared
 * by two processes, with the kernel's notifications behind
 * ring_notify_sys.
 *
 * The two-process test: the parent formats two rings in one memory object,
 * requests (parent to child) and echoes (child to parent), and starts the
 * child (this program in RING_PEER_MODE) with the memory object and the
 * two notifications as its extra handles. The child echoes every request with the blocking calls;
 * the parent serves both of its ends from one notification with the
 * prepare-wait calls, so neither blocks the other although both rings fill
 * up. Records run from 1 to 4096 bytes; the parent checks every byte and
 * the order, and the child's exit status.
 *
 * A test that faults ends the program, which init reports as a failure:
 * that is the assertion that a hostile header never makes the library
 * touch memory outside the mapping.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/ring.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "harness.h"

/* What the peer is given, as extra handles in this order. */
enum {
    RING_PEER_MEMOBJ,        /* the shared memory object: READ, WRITE, MAP */
    RING_PEER_OWN_NOTIFY,    /* the peer's notification: WAIT */
    RING_PEER_PARENT_NOTIFY, /* the parent's notification: SIGNAL */
    RING_PEER_HANDLES,
};

#define RING_PEER_MODE 100             /* the start word of the peer */
#define WAIT_NS        (10000 * MS_NS) /* a lost wake-up fails the test instead of hanging it */
#define PAGE           4096ul
#define RING_LOG2      14 /* 16 KiB of data per ring */
#define RING_AREA      ((ring_mem_size(RING_LOG2) + PAGE - 1) & ~(PAGE - 1))
#define RING_TEST_MEM  (2 * RING_AREA) /* requests, then echoes */
#define ECHO_RECORDS   3000u
#define RW             (CAIRN_PROT_READ | CAIRN_PROT_WRITE)

static uint8_t wbuf[4096], rbuf[4096];

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

/* 1 to 4096 bytes, spread over the whole range. */
static size_t
record_len(uint32_t seq)
{
    return 1 + ((seq * 2654435761u) >> 8) % 4096;
}

/* --- one process, two mappings of one memory object ------------------------------------- */

struct one {
    long mem, n_prod, n_cons; /* handles, -1 when absent */
    long a, b;                /* the two mappings, 0 when absent */
    struct ring prod, cons;
};

static void
one_free(struct one *o)
{
    if (o->a > 0)
        cairn_vm_unmap((uint64_t)o->a, RING_AREA);
    if (o->b > 0)
        cairn_vm_unmap((uint64_t)o->b, RING_AREA);
    cairn_handle_close(o->mem);
    cairn_handle_close(o->n_prod);
    cairn_handle_close(o->n_cons);
}

/* The producer formats mapping a, the consumer attaches through mapping b.
 * 0, or -1 with the failure recorded (call one_free either way). */
static int
one_make(struct one *o)
{
    memset(o, 0, sizeof(*o));
    o->mem = cairn_memobj_create(RING_AREA, 0);
    o->n_prod = cairn_notify_create();
    o->n_cons = cairn_notify_create();
    if (o->mem < 0 || o->n_prod < 0 || o->n_cons < 0) {
        test_fail("memobj/notify_create: %ld %ld %ld", o->mem, o->n_prod, o->n_cons);
        return -1;
    }
    o->a = cairn_vm_map(o->mem, 0, RING_AREA, 0, RW, 0);
    o->b = cairn_vm_map(o->mem, 0, RING_AREA, 0, RW, 0);
    if (o->a < 0 || o->b < 0 || o->a == o->b) {
        test_fail("vm_map: %#lx %#lx", o->a, o->b);
        return -1;
    }
    const struct ring_notify pn = {&ring_notify_sys, o->n_prod, o->n_cons, 1};
    const struct ring_notify cn = {&ring_notify_sys, o->n_cons, o->n_prod, 2};
    expect_ret("ring_init",
               ring_init(&o->prod, (void *)o->a, RING_AREA, RING_LOG2, RING_PRODUCER, &pn), 0);
    expect_ret("ring_attach", ring_attach(&o->cons, (void *)o->b, RING_AREA, RING_CONSUMER, &cn),
               0);
    return test_has_failed() ? -1 : 0;
}

static void
ring_moves_records_between_two_mappings_of_one_object(void)
{
    struct one o;
    uint32_t seq = 0;

    if (one_make(&o) == 0) {
        for (size_t len = 0; len <= 4096 && !test_has_failed(); len += len < 64 ? 1 : 61, seq++) {
            fill(wbuf, seq, len);
            expect_ret("ring_write", ring_write(&o.prod, wbuf, len), 0);
            expect_ret("ring_read", ring_read(&o.cons, rbuf, sizeof(rbuf)), (long)len);
            if (!matches(rbuf, seq, len))
                test_fail("record %u of %zu bytes came back changed", seq, len);
        }
        expect_ret("ring_read of an empty ring", ring_read(&o.cons, rbuf, sizeof(rbuf)),
                   -CAIRN_EAGAIN);
    }
    one_free(&o);
}

static void
ring_signals_the_notification_only_when_the_reader_sleeps(void)
{
    struct one o;
    uint64_t bits = 0;

    if (one_make(&o) == 0) {
        for (int i = 0; i < 3; i++)
            ring_write(&o.prod, wbuf, 100);
        expect_ret("notify_wait after writes to an awake reader",
                   cairn_notify_wait(o.n_cons, 0, &bits), -CAIRN_ETIMEDOUT);
        while (ring_read(&o.cons, rbuf, sizeof(rbuf)) >= 0)
            ;
        if (!ring_read_prepare_wait(&o.cons))
            test_fail("an empty ring did not let the reader sleep");
        ring_write(&o.prod, wbuf, 100);
        ring_write(&o.prod, wbuf, 100);
        expect_ret("notify_wait after writes to a sleeping reader",
                   cairn_notify_wait(o.n_cons, 0, &bits), 0);
        if (bits != 1)
            test_fail("the reader got bits %#lx, expected 0x1", (unsigned long)bits);
        expect_ret("notify_wait for a second signal", cairn_notify_wait(o.n_cons, 0, &bits),
                   -CAIRN_ETIMEDOUT);
        if (o.prod.signals != 1)
            test_fail("%lu signals for one sleep", (unsigned long)o.prod.signals);
    }
    one_free(&o);
}

static void
ring_blocking_read_times_out_and_survives_a_stale_wakeup(void)
{
    struct one o;
    uint64_t t0;

    if (one_make(&o) == 0) {
        t0 = cairn_clock_get();
        expect_ret("ring_read_wait(5 ms) of an empty ring",
                   ring_read_wait(&o.cons, rbuf, sizeof(rbuf), 5 * MS_NS), -CAIRN_ETIMEDOUT);
        if (cairn_clock_get() - t0 < 5 * MS_NS)
            test_fail("timed out after %lu ns", (unsigned long)(cairn_clock_get() - t0));
        expect_ret("ring_read_wait(0)", ring_read_wait(&o.cons, rbuf, sizeof(rbuf), 0),
                   -CAIRN_ETIMEDOUT);
        /* A signal for a record read without waiting stays pending... */
        ring_read_prepare_wait(&o.cons);
        ring_write(&o.prod, wbuf, 10);
        expect_ret("ring_read_wait of a signalled record",
                   ring_read_wait(&o.cons, rbuf, sizeof(rbuf), CAIRN_WAIT_FOREVER), 10);
        /* ... and wakes the next wait early, which must go back to sleep. */
        expect_ret("ring_read_wait(5 ms) after a stale signal",
                   ring_read_wait(&o.cons, rbuf, sizeof(rbuf), 5 * MS_NS), -CAIRN_ETIMEDOUT);
    }
    one_free(&o);
}

static void
ring_refuses_a_hostile_header_in_shared_memory(void)
{
    struct one o;
    struct ring r;
    const struct ring_notify cn = {&ring_notify_sys, -1, -1, 0};

    if (one_make(&o) == 0) {
        struct ring_shared *s = (struct ring_shared *)o.a;
        s->size_log2 = 30; /* larger than the mapping */
        expect_ret("ring_attach to a ring larger than its mapping",
                   ring_attach(&r, (void *)o.b, RING_AREA, RING_CONSUMER, &cn), -CAIRN_EINVAL);
        s->size_log2 = RING_LOG2;
        s->magic = 0;
        expect_ret("ring_attach without the magic",
                   ring_attach(&r, (void *)o.b, RING_AREA, RING_CONSUMER, &cn), -CAIRN_EINVAL);
        s->magic = RING_MAGIC;
        /* After attaching, lies about head and lengths cannot move accesses. */
        ring_write(&o.prod, wbuf, 8);
        *(volatile uint32_t *)(o.a + RING_HEADER_SIZE) = 0x7ffffff0u;
        expect_ret("ring_read of a record longer than the ring", ring_read(&o.cons, rbuf, 4096),
                   -CAIRN_ECLOSED);
        if (!ring_is_broken(&o.cons))
            test_fail("a bad length did not break the ring");
        s->head = 0x80000000u;
        expect_ret("ring_read once broken", ring_read(&o.cons, rbuf, 4096), -CAIRN_ECLOSED);
    }
    one_free(&o);
}

/* --- two processes ------------------------------------------------------------------------ */

/* The parent's side: one notification for both of its ends. */
static void
echo_parent(struct ring *req, struct ring *echo, long notify)
{
    uint32_t sent = 0, back = 0;
    bool closed = false;

    while (!test_has_failed()) {
        bool progress = false;
        long got;

        if (sent < ECHO_RECORDS) {
            fill(wbuf, sent, record_len(sent));
            if (ring_write(req, wbuf, record_len(sent)) == 0) {
                sent++;
                progress = true;
            }
        } else if (!closed) {
            ring_close(req);
            closed = true;
        }
        got = ring_read(echo, rbuf, sizeof(rbuf));
        if (got >= 0) {
            if ((size_t)got != record_len(back) || !matches(rbuf, back, (size_t)got))
                test_fail("echo %u: %ld bytes, or changed", back, got);
            back++;
            progress = true;
        } else if (got == -CAIRN_ECLOSED) {
            break;
        }
        if (progress)
            continue;
        bool may_sleep = ring_read_prepare_wait(echo);
        if (sent < ECHO_RECORDS)
            may_sleep = ring_write_prepare_wait(req, record_len(sent)) && may_sleep;
        uint64_t bits;
        if (may_sleep && cairn_notify_wait(notify, WAIT_NS, &bits) < 0)
            test_fail("no wake-up for 10 s: %u sent, %u back", sent, back);
    }
    if (!test_has_failed() && (sent != ECHO_RECORDS || back != ECHO_RECORDS))
        test_fail("%u sent, %u back, expected %u", sent, back, ECHO_RECORDS);
}

static void
ring_two_processes_echo_records_in_order(void)
{
    long mem = -1, mine = -1, theirs = -1, child = -1, a = 0;
    long handles[RING_PEER_HANDLES] = {-1, -1, -1};
    struct ring_notify n_req, n_echo;
    struct ring req, echo;
    int64_t status = -1;

    mem = cairn_memobj_create(RING_TEST_MEM, 0);
    mine = cairn_notify_create();
    theirs = cairn_notify_create();
    a = mem < 0 ? mem : cairn_vm_map(mem, 0, RING_TEST_MEM, 0, RW, 0);
    if (mine < 0 || theirs < 0 || a < 0) {
        test_fail("set-up: %ld %ld %ld", mine, theirs, a);
        goto out;
    }
    n_req = (struct ring_notify){&ring_notify_sys, mine, theirs, 1};
    n_echo = (struct ring_notify){&ring_notify_sys, mine, theirs, 2};
    expect_ret("ring_init(requests)",
               ring_init(&req, (void *)a, RING_AREA, RING_LOG2, RING_PRODUCER, &n_req), 0);
    expect_ret(
        "ring_init(echoes)",
        ring_init(&echo, (void *)(a + RING_AREA), RING_AREA, RING_LOG2, RING_CONSUMER, &n_echo), 0);
    handles[RING_PEER_MEMOBJ] =
        cairn_handle_dup(mem, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP |
                                  CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    handles[RING_PEER_OWN_NOTIFY] =
        cairn_handle_dup(theirs, CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    handles[RING_PEER_PARENT_NOTIFY] =
        cairn_handle_dup(mine, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    for (int i = 0; i < RING_PEER_HANDLES; i++)
        if (handles[i] < 0)
            test_fail("handle_dup for the peer: %s", cairn_error_name((int)handles[i]));
    if (!test_has_failed())
        child = test_spawn("test-ring", RING_PEER_MODE, handles, RING_PEER_HANDLES);
    for (int i = 0; i < RING_PEER_HANDLES; i++)
        cairn_handle_close(handles[i]); /* the child has copies */
    if (test_has_failed())
        goto out;
    if (child < 0) {
        test_fail("spawning the peer: %s", cairn_error_name((int)child));
        goto out;
    }
    echo_parent(&req, &echo, mine);
    ring_close(&req); /* after a failure too, so that the peer ends */
    ring_close(&echo);
    expect_ret("process_wait(peer)", cairn_process_wait(child, WAIT_NS, &status), 0);
    if (status != 0)
        test_fail("the peer exited with %ld", (long)status);
out:
    if (child >= 0)
        cairn_handle_close(child);
    if (a > 0)
        cairn_vm_unmap((uint64_t)a, RING_TEST_MEM);
    cairn_handle_close(mem);
    cairn_handle_close(mine);
    cairn_handle_close(theirs);
}

/* The peer's side of the two-process test: attaches to both rings and
 * echoes every request until the parent closes. Returns 0, or 100 + the
 * error that stopped it. */
static int
ring_test_peer(const long handles[RING_PEER_HANDLES])
{
    static uint8_t buf[4096];
    const struct ring_notify n_req = {&ring_notify_sys, handles[RING_PEER_OWN_NOTIFY],
                                      handles[RING_PEER_PARENT_NOTIFY], 1};
    const struct ring_notify n_echo = {&ring_notify_sys, handles[RING_PEER_OWN_NOTIFY],
                                       handles[RING_PEER_PARENT_NOTIFY], 2};
    struct ring req, echo;
    long a, got, err = 0;

    a = cairn_vm_map(handles[RING_PEER_MEMOBJ], 0, RING_TEST_MEM, 0, RW, 0);
    if (a < 0)
        return 100 - (int)a;
    err = ring_attach(&req, (void *)a, RING_AREA, RING_CONSUMER, &n_req);
    if (!err)
        err = ring_attach(&echo, (void *)(a + RING_AREA), RING_AREA, RING_PRODUCER, &n_echo);
    if (err)
        return 100 - (int)err;
    while ((got = ring_read_wait(&req, buf, sizeof(buf), WAIT_NS)) >= 0) {
        err = ring_write_wait(&echo, buf, (size_t)got, WAIT_NS);
        if (err)
            break;
    }
    if (!err && got != -CAIRN_ECLOSED)
        err = got;
    ring_close(&echo);
    ring_close(&req);
    return err ? 100 - (int)err : 0;
}

/* --- the table ---------------------------------------------------------------------------- */

static const struct usertest tests[] = {
    USERTEST(ring_moves_records_between_two_mappings_of_one_object),
    USERTEST(ring_signals_the_notification_only_when_the_reader_sleeps),
    USERTEST(ring_blocking_read_times_out_and_survives_a_stale_wakeup),
    USERTEST(ring_refuses_a_hostile_header_in_shared_memory),
    USERTEST(ring_two_processes_echo_records_in_order),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode == RING_PEER_MODE) {
        long handles[RING_PEER_HANDLES];
        for (unsigned i = 0; i < RING_PEER_HANDLES; i++)
            handles[i] = test_extra_handle(i);
        return ring_test_peer(handles);
    }
    return harness_run("ring", tests, sizeof(tests) / sizeof(tests[0]));
}
