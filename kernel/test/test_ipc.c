// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of endpoints and notifications, with kernel threads as
 * clients and servers (the endpoint code works on any thread's ipc state;
 * the user-mode tests in tests/os cover the system calls, buffers and
 * handle transfer). Behaviours: words and badges arrive intact; callers
 * queue in order; a receiver that ends without replying fails its caller
 * with ECLOSED; closing the last receive handle fails waiting callers; a
 * caller woken from outside withdraws with EINTR and the server's late
 * reply is dropped; many clients on all CPUs lose no message; notification
 * bits accumulate and are taken at once, and a waiter whose bits another
 * took waits on; a handle table reuses slots in the order it promises.
 */
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "core/ktest.h"
#include "obj/endpoint.h"
#include "obj/handle.h"
#include "obj/notification.h"
#include "sched/sched.h"
#include "test/thread_wait.h"
#include "time/clock.h"

#define MS 1000000ul

/* The endpoint's receive side is "open" while this fake holder exists. */
static struct endpoint *
ipc_test_endpoint(void)
{
    struct endpoint *ep = endpoint_create();

    if (ep)
        object_handle_opened(&ep->obj, CAIRN_RIGHT_WAIT);
    return ep;
}

static void
ipc_test_endpoint_close(struct endpoint *ep)
{
    object_handle_closed(&ep->obj, CAIRN_RIGHT_WAIT);
}

/* Server: answer `count` calls with words[i] + 1 and the badge in word 4;
 * the count 0 means until the endpoint closes. Exits with the number served. */
struct echo_server {
    struct endpoint *ep;
    long count;
};

static long
echo_serve(void *arg)
{
    struct echo_server *s = arg;
    struct thread *me = sched_current();
    long served = 0;
    int err = endpoint_recv(s->ep, SCHED_FOREVER);

    while (err == 0) {
        for (int i = 0; i < 4; i++)
            me->ipc.msg.words[i]++;
        me->ipc.msg.words[4] = me->ipc.msg.badge;
        served++;
        if (s->count && served == s->count) {
            endpoint_reply();
            break;
        }
        err = endpoint_reply_recv(s->ep, SCHED_FOREVER);
    }
    endpoint_thread_exit();
    return served;
}

static int
ipc_test_call(struct endpoint *ep, uint64_t base, uint64_t badge, uint64_t *out)
{
    struct thread *me = sched_current();
    int err;

    for (int i = 0; i < CAIRN_MSG_WORDS; i++)
        me->ipc.msg.words[i] = base + (uint64_t)i;
    err = endpoint_call(ep, badge, SCHED_FOREVER);
    for (int i = 0; i < CAIRN_MSG_WORDS; i++)
        out[i] = me->ipc.msg.words[i];
    return err;
}

KTEST(ipc_call_reply_carries_words_and_badge)
{
    static struct echo_server s;
    struct thread *t;
    uint64_t w[CAIRN_MSG_WORDS];
    int err;

    s.ep = ipc_test_endpoint();
    KTEST_ASSERT(s.ep, "endpoint_create failed");
    s.count = 3;
    t = thread_create("echo", echo_serve, &s, THREAD_PRIORITY_NORMAL);
    KTEST_ASSERT(t, "thread_create failed");
    sched_start(t);
    for (uint64_t round = 0; round < 3; round++) {
        err = ipc_test_call(s.ep, 100 * round, 0xbad9e + round, w);
        KTEST_EXPECT(err == 0, "call %lu returned %d", round, err);
        for (int i = 0; i < 4; i++)
            KTEST_EXPECT(w[i] == 100 * round + (uint64_t)i + 1, "round %lu word %d is %lu", round,
                         i, w[i]);
        KTEST_EXPECT(w[4] == 0xbad9e + round, "badge arrived as %lx", w[4]);
    }
    KTEST_EXPECT(ktest_wait_dead(t, 2000), "server did not finish");
    KTEST_EXPECT(t->exit_status == 3, "server served %ld calls", (long)t->exit_status);
    thread_unref(t);
    ipc_test_endpoint_close(s.ep);
    object_unref(&s.ep->obj);
}

/* Server: take one call and end without replying. */
static long
recv_and_die(void *arg)
{
    int err = endpoint_recv(arg, SCHED_FOREVER);

    endpoint_thread_exit();
    return err;
}

KTEST(ipc_server_ending_mid_call_fails_the_caller_with_closed)
{
    struct endpoint *ep = ipc_test_endpoint();
    struct thread *t;
    uint64_t w[CAIRN_MSG_WORDS];
    int err;

    KTEST_ASSERT(ep, "endpoint_create failed");
    t = thread_create("dier", recv_and_die, ep, THREAD_PRIORITY_NORMAL);
    KTEST_ASSERT(t, "thread_create failed");
    sched_start(t);
    err = ipc_test_call(ep, 1, 0, w);
    KTEST_EXPECT(err == -CAIRN_ECLOSED, "call returned %d, expected ECLOSED", err);
    KTEST_EXPECT(ktest_wait_dead(t, 2000) && t->exit_status == 0, "server's recv failed");
    thread_unref(t);
    ipc_test_endpoint_close(ep);
    object_unref(&ep->obj);
}

static long
call_once(void *arg)
{
    uint64_t w[CAIRN_MSG_WORDS];

    return ipc_test_call(arg, 7, 0, w);
}

KTEST(ipc_closing_the_last_receive_handle_fails_waiting_callers)
{
    enum {
        N = 3
    };
    struct endpoint *ep = ipc_test_endpoint();
    struct thread *t[N];

    KTEST_ASSERT(ep, "endpoint_create failed");
    for (int i = 0; i < N; i++) {
        t[i] = thread_create("caller", call_once, ep, THREAD_PRIORITY_NORMAL);
        KTEST_ASSERT(t[i], "thread_create failed");
        sched_start(t[i]);
    }
    for (int i = 0; i < N; i++) /* queued, their calls blocked */
        KTEST_EXPECT(ktest_wait_blocked(t[i], 5000), "caller %d never blocked", i);
    ipc_test_endpoint_close(ep);
    for (int i = 0; i < N; i++) {
        KTEST_EXPECT(ktest_wait_dead(t[i], 2000), "caller %d still waits", i);
        KTEST_EXPECT(t[i]->exit_status == -CAIRN_ECLOSED, "caller %d's call returned %ld", i,
                     (long)t[i]->exit_status);
        thread_unref(t[i]);
    }
    {
        uint64_t w[CAIRN_MSG_WORDS];
        int err = ipc_test_call(ep, 0, 0, w);
        KTEST_EXPECT(err == -CAIRN_ECLOSED, "a call on a closed endpoint returned %d", err);
    }
    object_unref(&ep->obj);
}

KTEST(ipc_caller_woken_from_outside_withdraws_and_late_reply_is_dropped)
{
    struct endpoint *ep = ipc_test_endpoint();
    struct thread *me = sched_current(), *t;
    int err;

    KTEST_ASSERT(ep, "endpoint_create failed");
    t = thread_create("caller", call_once, ep, THREAD_PRIORITY_NORMAL);
    KTEST_ASSERT(t, "thread_create failed");
    sched_start(t);
    err = endpoint_recv(ep, clock_monotonic_ns() + 2000 * MS);
    KTEST_ASSERT(err == 0, "recv returned %d", err);
    KTEST_EXPECT(me->ipc.msg.words[0] == 7, "received word %lu", me->ipc.msg.words[0]);
    /* The caller now awaits our reply: wake it as a kill would. */
    ktest_wait_blocked(t, 5000);
    KTEST_EXPECT(sched_wake(t), "the caller was not blocked");
    KTEST_EXPECT(ktest_wait_dead(t, 2000), "the caller did not finish");
    KTEST_EXPECT(t->exit_status == -CAIRN_EINTR, "the call returned %ld", (long)t->exit_status);
    err = endpoint_reply();
    KTEST_EXPECT(err == -CAIRN_ECLOSED, "the late reply returned %d", err);
    KTEST_EXPECT(me->ipc.caller == NULL, "the caller is still remembered");
    thread_unref(t);
    ipc_test_endpoint_close(ep);
    object_unref(&ep->obj);
}

KTEST(ipc_recv_times_out_and_does_not_wait_with_zero_deadline)
{
    struct endpoint *ep = ipc_test_endpoint();
    uint64_t start = clock_monotonic_ns();
    int err;

    KTEST_ASSERT(ep, "endpoint_create failed");
    err = endpoint_recv(ep, 0);
    KTEST_EXPECT(err == -CAIRN_ETIMEDOUT, "poll returned %d", err);
    err = endpoint_recv(ep, start + 20 * MS);
    KTEST_EXPECT(err == -CAIRN_ETIMEDOUT, "recv returned %d", err);
    KTEST_EXPECT(clock_monotonic_ns() - start >= 20 * MS, "recv returned early");
    KTEST_EXPECT(list_empty(&ep->receivers), "a timed-out receiver stayed queued");
    ipc_test_endpoint_close(ep);
    object_unref(&ep->obj);
}

/* Many clients: each sends its id and a counter; the server echoes. */
struct many_client {
    struct endpoint *ep;
    uint64_t id;
};

static long
many_calls(void *arg)
{
    struct many_client *c = arg;
    uint64_t w[CAIRN_MSG_WORDS];

    for (uint64_t i = 0; i < 500; i++) {
        int err = ipc_test_call(c->ep, (c->id << 32) | i, c->id, w);
        if (err)
            return err;
        if (w[0] != ((c->id << 32) | i) + 1 || w[4] != c->id)
            return -1000 - (long)i;
    }
    return 0;
}

KTEST(ipc_many_clients_on_all_cpus_lose_no_message)
{
    enum {
        N = 8
    };
    static struct echo_server s;
    static struct many_client c[N];
    struct thread *server, *t[N];

    s.ep = ipc_test_endpoint();
    KTEST_ASSERT(s.ep, "endpoint_create failed");
    s.count = 0;
    server = thread_create("echo", echo_serve, &s, THREAD_PRIORITY_NORMAL);
    KTEST_ASSERT(server, "thread_create failed");
    sched_start(server);
    for (int i = 0; i < N; i++) {
        c[i] = (struct many_client){s.ep, (uint64_t)i + 1};
        t[i] = thread_create("client", many_calls, &c[i], THREAD_PRIORITY_NORMAL);
        KTEST_ASSERT(t[i], "thread_create failed");
        sched_start(t[i]);
    }
    for (int i = 0; i < N; i++) {
        KTEST_EXPECT(ktest_wait_dead(t[i], 20000), "client %d did not finish", i);
        KTEST_EXPECT(t[i]->exit_status == 0, "client %d failed with %ld", i,
                     (long)t[i]->exit_status);
        thread_unref(t[i]);
    }
    ipc_test_endpoint_close(s.ep); /* ends the server's wait */
    KTEST_EXPECT(ktest_wait_dead(server, 2000), "server did not finish");
    KTEST_EXPECT(server->exit_status == N * 500, "server answered %ld calls",
                 (long)server->exit_status);
    thread_unref(server);
    object_unref(&s.ep->obj);
}

static long
signal_later(void *arg)
{
    sched_sleep_ns(10 * MS);
    notification_signal(arg, 0x10);
    return 0;
}

KTEST(notification_bits_accumulate_and_wait_takes_them_all)
{
    struct notification *n = notification_create();
    uint64_t bits = 0;
    struct thread *t;
    int err;

    KTEST_ASSERT(n, "notification_create failed");
    err = notification_wait(n, 0, &bits);
    KTEST_EXPECT(err == -CAIRN_ETIMEDOUT, "poll of an empty word returned %d", err);
    notification_signal(n, 0x1);
    notification_signal(n, 0x4);
    notification_signal(n, 0x1);
    err = notification_wait(n, 0, &bits);
    KTEST_EXPECT(err == 0 && bits == 0x5, "wait returned %d with bits %lx", err, bits);
    err = notification_wait(n, 0, &bits);
    KTEST_EXPECT(err == -CAIRN_ETIMEDOUT, "bits were not taken: %d", err);

    t = thread_create("signaller", signal_later, n, THREAD_PRIORITY_NORMAL);
    KTEST_ASSERT(t, "thread_create failed");
    sched_start(t);
    err = notification_wait(n, clock_monotonic_ns() + 2000 * MS, &bits);
    KTEST_EXPECT(err == 0 && bits == 0x10, "blocking wait returned %d with bits %lx", err, bits);
    KTEST_EXPECT(ktest_wait_dead(t, 2000), "signaller did not finish");
    thread_unref(t);
    object_unref(&n->obj);
}

/* Wait without a limit; exit with the bits taken, or the error. */
static long
wait_for_bits(void *arg)
{
    uint64_t bits = 0;
    int err = notification_wait(arg, SCHED_FOREVER, &bits);

    return err ? err : (long)bits;
}

KTEST(notification_signal_hands_its_bits_to_the_oldest_waiter)
{
    struct notification *n = notification_create();
    uint64_t bits = 0;
    struct thread *t;
    int err;

    KTEST_ASSERT(n, "notification_create failed");
    t = thread_create("waiter", wait_for_bits, n, THREAD_PRIORITY_NORMAL);
    KTEST_ASSERT(t, "thread_create failed");
    sched_start(t);
    KTEST_EXPECT(ktest_wait_blocked(t, 5000), "the waiter never blocked");
    notification_signal(n, 0x1);
    /* The bits are the waiter's from the signal on, whether or not it has
     * run yet: a poll finds none, and the next signal's stay in the word. */
    err = notification_wait(n, 0, &bits);
    KTEST_EXPECT(err == -CAIRN_ETIMEDOUT, "a poll took the waiter's bits: %d, bits %lx", err, bits);
    notification_signal(n, 0x2);
    KTEST_EXPECT(ktest_wait_dead(t, 5000), "the signal did not end the wait");
    KTEST_EXPECT(t->exit_status == 0x1, "the wait returned %ld, expected the bits 0x1",
                 (long)t->exit_status);
    err = notification_wait(n, 0, &bits);
    KTEST_EXPECT(err == 0 && bits == 0x2, "the later signal's bits: %d, bits %lx", err, bits);
    thread_unref(t);
    object_unref(&n->obj);
}

/*
 * The order handle.h promises: a fresh slot before any closed one, and of
 * the closed ones the one closed longest ago first, so a closed handle's
 * value (its slot, with the generation that tells a reuse apart) comes back
 * as late as possible.
 */
KTEST(handle_table_hands_out_fresh_slots_first_then_the_slot_closed_longest_ago)
{
    struct handle_table t;
    struct notification *n = notification_create();
    int32_t h[HANDLE_TABLE_FIRST], first_closed, second_closed, got;
    unsigned used = 0;

    KTEST_ASSERT(n, "notification_create failed");
    KTEST_ASSERT(handle_table_init(&t, HANDLE_TABLE_FIRST * 2) == 0, "handle_table_init failed");
    for (; used < 4; used++)
        h[used] = handle_insert(&t, &n->obj, CAIRN_RIGHT_SIGNAL);
    KTEST_EXPECT(handle_close(&t, h[2]) == 0 && handle_close(&t, h[1]) == 0, "close failed");
    first_closed = h[2] & (int32_t)HANDLE_INDEX_MASK;
    second_closed = h[1] & (int32_t)HANDLE_INDEX_MASK;

    /* While the array has fresh slots, they come first, in order. */
    for (; used < HANDLE_TABLE_FIRST; used++) {
        h[used] = handle_insert(&t, &n->obj, CAIRN_RIGHT_SIGNAL);
        KTEST_EXPECT((h[used] & (int32_t)HANDLE_INDEX_MASK) == (int32_t)used,
                     "insert %u got slot %d with fresh slots left", used,
                     h[used] & (int32_t)HANDLE_INDEX_MASK);
    }
    /* Then the closed ones, oldest first, before the array grows. */
    got = handle_insert(&t, &n->obj, CAIRN_RIGHT_SIGNAL);
    KTEST_EXPECT((got & (int32_t)HANDLE_INDEX_MASK) == first_closed,
                 "got slot %d, expected %d (closed first)", got & (int32_t)HANDLE_INDEX_MASK,
                 first_closed);
    KTEST_EXPECT(got != h[2], "a closed handle's value came back: %d", got);
    got = handle_insert(&t, &n->obj, CAIRN_RIGHT_SIGNAL);
    KTEST_EXPECT((got & (int32_t)HANDLE_INDEX_MASK) == second_closed,
                 "got slot %d, expected %d (closed second)", got & (int32_t)HANDLE_INDEX_MASK,
                 second_closed);
    got = handle_insert(&t, &n->obj, CAIRN_RIGHT_SIGNAL);
    KTEST_EXPECT((got & (int32_t)HANDLE_INDEX_MASK) == (int32_t)HANDLE_TABLE_FIRST,
                 "with no slot closed and none fresh, got slot %d, expected the grown array's %u",
                 got & (int32_t)HANDLE_INDEX_MASK, HANDLE_TABLE_FIRST);
    handle_table_fini(&t);
    object_unref(&n->obj);
}
