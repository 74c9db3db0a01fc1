// SPDX-License-Identifier: MIT
/*
 * User-mode tests of close notices (docs/ipc.md, "Close notices"): a
 * handle minted with handle_mint_notify shares one count with every copy
 * of it, and when the last copy goes (closed, dropped with a message, or
 * with the process that held it) the endpoint's receiver takes one notice
 * with the badge: a waiting receiver at once, a later one from the
 * queue, in the order notices and calls came, each notice once. An endpoint that
 * closes drops its queued notices; every bad input is refused; nothing
 * is left behind.
 *
 * Child processes are this program again, started by test_spawn with a
 * mode (CHILD_*) and the handles they need as extra handles.
 */
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/ipc.h>
#include <cairn/process.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "harness.h"

enum child_mode {
    CHILD_HANG = 100, /* extra 0: a handle to hold; sleep until killed */
    CHILD_EXIT = 101, /* exit at once */
};

/* Far above what any wait here takes: a loaded host stalls virtual CPUs. */
#define HANG_NS (30000 * MS_NS)

#define CLIENT_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

/* One receive on ep with timeout; the result, and the badge and the
 * bytes and handles that came with it. */
struct received {
    long ret;
    uint64_t badge;
    uint32_t len, nhandles;
    uint64_t w0;
};

static struct received
receive(long ep, uint64_t timeout)
{
    static char buf[64];
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0, 0, 0, 0, 0}, &ext};
    struct received r = {0};

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)buf;
    ext.recv_cap = sizeof(buf);
    r.ret = cairn_ipc_recv(ep, &msg, timeout, &r.badge);
    r.len = ext.recv_len;
    r.nhandles = ext.recv_nhandles;
    r.w0 = msg.w[0];
    for (uint32_t i = 0; r.ret >= 0 && i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
        cairn_handle_close(ext.recv_handles[i]);
    return r;
}

/* The next receive on ep is the notice of badge, and nothing else. */
static void
expect_notice(const char *what, long ep, uint64_t timeout, uint64_t badge)
{
    struct received r = receive(ep, timeout);

    if (r.ret != CAIRN_IPC_CLOSED || r.badge != badge || r.len != 0 || r.nhandles != 0 || r.w0 != 0)
        test_fail("%s: receive gave %ld, badge %lu, %u bytes, %u handles, w0 %lu (want the "
                  "notice of %lu)",
                  what, r.ret, (unsigned long)r.badge, r.len, r.nhandles, (unsigned long)r.w0,
                  (unsigned long)badge);
}

static void
expect_nothing(const char *what, long ep)
{
    struct received r = receive(ep, 0);

    if (r.ret != -CAIRN_ETIMEDOUT)
        test_fail("%s: receive gave %ld with badge %lu (want nothing)", what, r.ret,
                  (unsigned long)r.badge);
}

/* A client thread: one call through its handle, then it closes it. */
struct client {
    long h;
    long ret;
};

static long
call_then_close(void *arg)
{
    struct client *c = arg;
    struct cairn_msg msg = {{41, 0, 0, 0, 0}, NULL};

    c->ret = cairn_ipc_call(c->h, &msg);
    if (c->ret == 0)
        c->ret = (long)msg.w[0];
    cairn_handle_close(c->h);
    return 0;
}

static void
the_last_close_of_a_minted_handle_is_told_once_with_its_badge(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create();
    long h = cairn_handle_mint_notify(ep, CLIENT_RIGHTS, 77), d;
    struct cairn_handle_info info;

    if (ep < 0 || h < 0) {
        test_fail("endpoint %ld, mint_notify %ld", ep, h);
        return;
    }
    expect_ret("handle_info", cairn_handle_info(h, &info), 0);
    expect_ret("its rights: no REVOKE", info.rights, CLIENT_RIGHTS);
    expect_nothing("while it is open", ep);
    d = cairn_handle_dup(h, CAIRN_RIGHT_SIGNAL);
    expect_ret("close the first", cairn_handle_close(h), 0);
    expect_nothing("while a copy is open", ep);
    expect_ret("close the copy", cairn_handle_close(d), 0);
    expect_notice("after the last close", ep, 0, 77);
    expect_nothing("after the notice", ep);
    cairn_handle_close(ep);
    expect_stats(&before, "after the notice");
}

static void
calls_come_through_with_the_badge_and_before_the_notice(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create();
    struct client c = {cairn_handle_mint_notify(ep, CLIENT_RIGHTS, 5), -1};
    struct test_thread t;
    struct received r;
    struct cairn_msg reply = {{42, 0, 0, 0, 0}, NULL};

    if (c.h < 0 || test_thread_start(&t, call_then_close, &c) != 0) {
        test_fail("mint_notify %ld", c.h);
        return;
    }
    r = receive(ep, HANG_NS);
    if (r.ret != 0 || r.badge != 5 || r.w0 != 41)
        test_fail("the call came as %ld, badge %lu, w0 %lu", r.ret, (unsigned long)r.badge,
                  (unsigned long)r.w0);
    expect_ret("reply", cairn_ipc_reply(&reply), 0);
    expect_notice("after the client closed", ep, HANG_NS, 5);
    test_thread_join(&t, HANG_NS, NULL);
    test_thread_free(&t);
    expect_ret("the client's call", c.ret, 42);
    cairn_handle_close(ep);
    expect_stats(&before, "after the client");
}

/* A client thread: one call through its handle, which it keeps. */
static long
call_only(void *arg)
{
    struct client *c = arg;
    struct cairn_msg msg = {{43, 0, 0, 0, 0}, NULL};

    c->ret = cairn_ipc_call(c->h, &msg);
    if (c->ret == 0)
        c->ret = (long)msg.w[0];
    return 0;
}

/*
 * Senders and notices are received in the order they came: a call made
 * after the last copy of another handle went comes after that notice, so
 * a server never answers it as if the copy were still there (a device
 * claimed again once the handle of its claim was closed, say).
 */
static void
a_call_made_after_the_last_close_comes_after_the_notice(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create();
    long h = cairn_handle_mint_notify(ep, CLIENT_RIGHTS, 21);
    struct client c = {cairn_handle_mint(ep, CLIENT_RIGHTS, 22), -1};
    struct cairn_msg reply = {{44, 0, 0, 0, 0}, NULL};
    struct test_thread t;
    struct received r;

    if (h < 0 || c.h < 0) {
        test_fail("mint_notify %ld, mint %ld", h, c.h);
        return;
    }
    expect_ret("close the notice handle", cairn_handle_close(h), 0);
    if (test_thread_start(&t, call_only, &c) != 0) {
        test_fail("the client thread");
        return;
    }
    /* Time for the call to queue behind the notice (if it has not, the
     * order below holds all the same). */
    cairn_thread_sleep(50 * MS_NS);
    expect_notice("first, the notice of the earlier close", ep, HANG_NS, 21);
    r = receive(ep, HANG_NS);
    if (r.ret != 0 || r.badge != 22 || r.w0 != 43)
        test_fail("then the call came as %ld, badge %lu, w0 %lu", r.ret, (unsigned long)r.badge,
                  (unsigned long)r.w0);
    else
        expect_ret("reply", cairn_ipc_reply(&reply), 0);
    test_thread_join(&t, HANG_NS, NULL);
    test_thread_free(&t);
    expect_ret("the client's call", c.ret, 44);
    expect_nothing("after both", ep);
    cairn_handle_close(c.h);
    cairn_handle_close(ep);
    expect_stats(&before, "after the call behind the notice");
}

/* A thread that waits in a receive for the notice. */
struct waiter {
    long ep;
    struct received r;
};

static long
receive_for_ever(void *arg)
{
    struct waiter *w = arg;

    w->r = receive(w->ep, HANG_NS);
    return 0;
}

static void
a_waiting_receiver_is_woken_by_the_notice(void)
{
    struct cairn_debug_stats before = stats_now();
    struct waiter w = {cairn_endpoint_create(), {0}};
    long h = cairn_handle_mint_notify(w.ep, CAIRN_RIGHT_SIGNAL, 9);
    struct test_thread t;

    if (h < 0 || test_thread_start(&t, receive_for_ever, &w) != 0) {
        test_fail("mint_notify %ld", h);
        return;
    }
    cairn_thread_sleep(50 * MS_NS); /* most likely in its receive by now; either way works */
    cairn_handle_close(h);
    test_thread_join(&t, HANG_NS, NULL);
    test_thread_free(&t);
    if (w.r.ret != CAIRN_IPC_CLOSED || w.r.badge != 9)
        test_fail("the waiting receive gave %ld, badge %lu", w.r.ret, (unsigned long)w.r.badge);
    cairn_handle_close(w.ep);
    expect_stats(&before, "after the waiter");
}

static void
a_holder_that_dies_lets_go_of_its_copies(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create();
    long h = cairn_handle_mint_notify(ep, CLIENT_RIGHTS, 1234), child;

    child = test_spawn("test-notice", CHILD_HANG, &h, 1);
    if (child < 0)
        return;
    cairn_handle_close(h);
    expect_nothing("while the child holds a copy", ep);
    expect_ret("kill the child", cairn_process_kill(child), 0);
    expect_ret("wait for it", cairn_process_wait(child, HANG_NS, NULL), 0);
    cairn_handle_close(child);
    expect_notice("after the child's end", ep, HANG_NS, 1234);
    cairn_handle_close(ep);
    expect_stats(&before, "after the child");
}

static void
a_copy_dropped_with_its_message_counts_as_closed(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), other = cairn_endpoint_create();
    long h = cairn_handle_mint_notify(ep, CLIENT_RIGHTS, 3);
    struct cairn_msg_ext ext;
    struct cairn_msg msg = {{0, 0, 0, 0, 0}, &ext};

    /* Moved into a call nobody receives: the call times out and the
     * message, with the handle, is dropped. */
    memset(&ext, 0, sizeof(ext));
    ext.send_nhandles = 1;
    ext.send_handles[0] =
        (struct cairn_msg_handle){(int32_t)h, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
    expect_ret("a call nobody takes", cairn_ipc_call_timed(other, &msg, 10 * MS_NS),
               -CAIRN_ETIMEDOUT);
    expect_notice("after the message was dropped", ep, HANG_NS, 3);
    cairn_handle_close(other);
    cairn_handle_close(ep);
    expect_stats(&before, "after the dropped message");
}

static void
notices_queue_in_order_and_go_with_their_endpoint(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), h[8];

    for (unsigned i = 0; i < 8; i++)
        h[i] = cairn_handle_mint_notify(ep, CAIRN_RIGHT_SIGNAL, 100 + i);
    for (unsigned i = 0; i < 3; i++)
        cairn_handle_close(h[i]);
    for (unsigned i = 0; i < 3; i++)
        expect_notice("a queued notice, oldest first", ep, 0, 100 + i);
    expect_nothing("after the three", ep);
    /* Five more queued, then the endpoint's receiver goes: they go too. */
    for (unsigned i = 3; i < 8; i++)
        cairn_handle_close(h[i]);
    cairn_handle_close(ep);
    expect_stats(&before, "after the endpoint with queued notices");

    /* The endpoint gone first: the copies' end tells nobody. */
    ep = cairn_endpoint_create();
    h[0] = cairn_handle_mint_notify(ep, CAIRN_RIGHT_SIGNAL, 1);
    cairn_handle_close(ep);
    expect_ret("a call to the closed endpoint",
               cairn_ipc_call(h[0], &(struct cairn_msg){{0, 0, 0, 0, 0}, NULL}), -CAIRN_ECLOSED);
    cairn_handle_close(h[0]);
    expect_stats(&before, "after the endpoint that went first");
}

static void
a_borrow_of_it_holds_the_notice_back_until_it_goes(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create();
    long h = cairn_handle_mint_notify(ep, CLIENT_RIGHTS, 11);
    long b = cairn_handle_borrow(h, CAIRN_RIGHT_SIGNAL);

    if (b < 0)
        test_fail("borrow %ld", b);
    cairn_handle_close(h);
    expect_nothing("while the borrow is open", ep);
    expect_ret("revoke the borrow", cairn_handle_revoke(b), 0);
    expect_ret("close the borrow", cairn_handle_close(b), 0);
    expect_notice("after the borrow went", ep, HANG_NS, 11);
    cairn_handle_close(ep);
    expect_stats(&before, "after the borrow");
}

static void
mint_notify_refuses_bad_input_and_keeps_nothing(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), ntfn = cairn_notify_create();
    long badged = cairn_handle_mint(ep, CLIENT_RIGHTS, 4);
    long watched = cairn_handle_mint_notify(ep, CLIENT_RIGHTS, 5);
    long bare = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL);

    expect_ret("badge 0", cairn_handle_mint_notify(ep, CLIENT_RIGHTS, 0), -CAIRN_EINVAL);
    expect_ret("unknown rights", cairn_handle_mint_notify(ep, 1u << 31, 1), -CAIRN_EINVAL);
    expect_ret("a notification", cairn_handle_mint_notify(ntfn, CAIRN_RIGHT_SIGNAL, 1),
               -CAIRN_EWRONGTYPE);
    expect_ret("a badged handle", cairn_handle_mint_notify(badged, CAIRN_RIGHT_SIGNAL, 1),
               -CAIRN_EPERM);
    expect_ret("a notice handle", cairn_handle_mint_notify(watched, CAIRN_RIGHT_SIGNAL, 1),
               -CAIRN_EPERM);
    expect_ret("a plain mint of a notice handle", cairn_handle_mint(watched, CAIRN_RIGHT_SIGNAL, 1),
               -CAIRN_EPERM);
    expect_ret("without DUPLICATE", cairn_handle_mint_notify(bare, CAIRN_RIGHT_SIGNAL, 1),
               -CAIRN_ERIGHTS);
    expect_ret("more rights than held", cairn_handle_mint_notify(badged + 0, CAIRN_RIGHT_WAIT, 1),
               -CAIRN_EPERM);
    expect_ret("no such handle", cairn_handle_mint_notify(0x7fffff, CAIRN_RIGHT_SIGNAL, 1),
               -CAIRN_EBADH);
    expect_ret("a negative handle", cairn_handle_mint_notify(-5, CAIRN_RIGHT_SIGNAL, 1),
               -CAIRN_EBADH);
    expect_ret("revoke a notice handle", cairn_handle_revoke(watched), -CAIRN_ERIGHTS);
    {
        long narrow = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE);

        expect_ret("rights beyond the handle's",
                   cairn_handle_mint_notify(narrow, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER, 1),
                   -CAIRN_ERIGHTS);
        cairn_handle_close(narrow);
    }
    cairn_handle_close(bare);
    cairn_handle_close(badged);
    cairn_handle_close(watched);
    expect_notice("the one good mint", ep, 0, 5);
    expect_nothing("and no other", ep);
    cairn_handle_close(ntfn);
    cairn_handle_close(ep);
    expect_stats(&before, "after the bad calls");
}

static const struct usertest tests[] = {
    USERTEST(the_last_close_of_a_minted_handle_is_told_once_with_its_badge),
    USERTEST(calls_come_through_with_the_badge_and_before_the_notice),
    USERTEST(a_call_made_after_the_last_close_comes_after_the_notice),
    USERTEST(a_waiting_receiver_is_woken_by_the_notice),
    USERTEST(a_holder_that_dies_lets_go_of_its_copies),
    USERTEST(a_copy_dropped_with_its_message_counts_as_closed),
    USERTEST(notices_queue_in_order_and_go_with_their_endpoint),
    USERTEST(a_borrow_of_it_holds_the_notice_back_until_it_goes),
    USERTEST(mint_notify_refuses_bad_input_and_keeps_nothing),
};

/* What the leak checks must not count, made once before them: a thread's
 * stack tables, a child's loader tables. */
static long
return_at_once(void *arg)
{
    (void)arg;
    return 0;
}

static void
warm_up(void)
{
    struct test_thread t;
    long child = test_spawn("test-notice", CHILD_EXIT, NULL, 0);

    if (test_thread_start(&t, return_at_once, NULL) == 0) {
        test_thread_join(&t, HANG_NS, NULL);
        test_thread_free(&t);
    }
    if (child >= 0) {
        cairn_process_wait(child, HANG_NS, NULL);
        cairn_handle_close(child);
    }
}

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode == CHILD_EXIT)
        return 0;
    if (mode == CHILD_HANG) {
        for (;;)
            cairn_thread_sleep(1000 * MS_NS);
    }
    warm_up();
    return harness_run("notice", tests, sizeof(tests) / sizeof(tests[0]));
}
