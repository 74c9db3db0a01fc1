// SPDX-License-Identifier: MIT
/*
 * User-mode tests of IPC between threads and processes (docs/ipc.md):
 * messages of every shape, handle transfer that moves or copies, rights
 * that never grow, badges, revocation reaching a third process and a
 * borrow made from a borrow, a server or client killed mid-call, many
 * clients on all CPUs, a stress run with processes dying at random, and
 * quota exhaustion. The one-process checks
 * of each call's arguments are in usertests.c.
 *
 * Child processes are this program again, started by test_spawn with a
 * mode (CHILD_*) and the handles they need as extra handles.
 */
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/ipc.h>
#include <cairn/process.h>
#include <cairn/quota.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "harness.h"

enum child_mode {
    CHILD_RECV_THEN_HANG = 100, /* extra 0: endpoint; extra 1: notification (bit 1 on receipt) */
    CHILD_CALL_THEN_HANG,       /* extra 0: endpoint to call; never returns from the call */
    CHILD_RELAY,        /* extra 0: a handle; spawn CHILD_WATCH with it, return its status */
    CHILD_WATCH,        /* extra 0: a notification handle: poll it until revoked */
    CHILD_CLIENT_LOOP,  /* extra 0: endpoint; call it until it fails */
    CHILD_BYTES_CLIENT, /* extra 0: endpoint; call with BYTES_LEN bytes, check the reversed reply */
    CHILD_PAGE_TABLES,  /* map a page far away: exit 0 if it and its tables were charged */
};

#define ECHO_CALLS 2000

/* --- an echo server thread ---------------------------------------------------------------- */

/* Answers each call with words + 1 and the badge in word 4; bytes come back
 * reversed; handles received are closed. Ends after `limit` calls (0: no
 * limit), when a call arrives badged ECHO_STOP (echo_stop), or when its
 * endpoint closes. A words-only server (words_only set) passes no
 * extension, so its calls can take the fast path both ways.
 *
 * The stop is a message, not the endpoint handle closing under the server:
 * the server shares the handle, and a handle closed while the server is
 * between two calls makes its next call fail with EBADH (or, once the slot
 * is reused, name another object), not ECLOSED. A message is taken in turn
 * after every call queued before it, whatever the server was doing. */
#define ECHO_STOP 0x5709570957095709ull
struct echo {
    long ep;
    long limit;
    long served;
    int words_only;
};

static long
echo_serve(void *arg)
{
    struct echo *e = arg;
    char buf[CAIRN_MSG_BUF_MAX];
    struct cairn_msg_ext ext;
    struct cairn_msg m = {{0}, &ext};
    uint64_t badge = 0;
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)buf;
    ext.recv_cap = sizeof(buf);
    if (e->words_only)
        m.ext = NULL;
    err = cairn_ipc_recv(e->ep, &m, CAIRN_WAIT_FOREVER, &badge);
    while (err >= 0) {
        uint32_t len = ext.recv_len;
        for (unsigned i = 0; i < ext.recv_nhandles; i++)
            cairn_handle_close(ext.recv_handles[i]);
        for (int i = 0; i < 4; i++)
            m.w[i]++;
        m.w[4] = badge;
        for (uint32_t i = 0; i < len / 2; i++) {
            char c = buf[i];
            buf[i] = buf[len - 1 - i];
            buf[len - 1 - i] = c;
        }
        ext.send_buf = (uint64_t)(uintptr_t)buf;
        ext.send_len = len;
        ext.send_nhandles = 0;
        if (badge == ECHO_STOP)
            return cairn_ipc_reply(&m);
        e->served++;
        if (e->limit && e->served == e->limit)
            return cairn_ipc_reply(&m);
        err = cairn_ipc_reply_recv(e->ep, &m, &badge);
    }
    return err == -CAIRN_ECLOSED ? 0 : err;
}

/* Starts an echo server thread on a new endpoint; returns the endpoint. */
static long
echo_start(struct echo *e, struct test_thread *t, long limit)
{
    e->ep = cairn_endpoint_create();
    e->limit = limit;
    e->served = 0;
    if (e->ep < 0) {
        test_fail("endpoint_create returned %ld", e->ep);
        return e->ep;
    }
    return test_thread_start(t, echo_serve, e) < 0 ? -1 : e->ep;
}

/* Tells the server to stop with a call badged ECHO_STOP, joins it and
 * closes the endpoint. */
static void
echo_stop(struct echo *e, struct test_thread *t)
{
    long stop = cairn_handle_mint(e->ep, CAIRN_RIGHT_SIGNAL, ECHO_STOP);
    struct cairn_msg m = {{0}, NULL};
    int64_t status = -1;

    expect_ret("mint the stop handle", stop < 0 ? stop : 0, 0);
    expect_ret("the stop call", cairn_ipc_call(stop, &m), 0);
    cairn_handle_close(stop);
    expect_ret("join the echo server", test_thread_join(t, 5000 * MS_NS, &status), 0);
    cairn_handle_close(e->ep);
    if (status != 0)
        test_fail("echo server ended with %ld", (long)status);
    test_thread_free(t);
}

/* Retries ipc_call_timed(ep, m, 0) until a receiver is waiting (a thread
 * just started may not have reached its recv): 5 s at most. A failed call
 * does not give the words back as they were, so each try sends a copy. */
static long
call_when_a_receiver_waits(long ep, struct cairn_msg *m)
{
    long err = -CAIRN_ETIMEDOUT;
    uint64_t t0 = (uint64_t)cairn_clock_get();
    struct cairn_msg sent = *m;

    while (err == -CAIRN_ETIMEDOUT && (uint64_t)cairn_clock_get() - t0 < 5000 * MS_NS) {
        *m = sent;
        err = cairn_ipc_call_timed(ep, m, 0);
        if (err == -CAIRN_ETIMEDOUT)
            cairn_thread_sleep(MS_NS);
    }
    return err;
}

/* --- messages ------------------------------------------------------------------------------ */

static void
call_reply_carries_words_badge_and_bytes(void)
{
    static struct echo e;
    struct test_thread t;
    long ep = echo_start(&e, &t, 0), badged;
    char out[300], back[300];
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{10, 20, 30, 40, 50}, NULL};

    if (ep < 0)
        return;
    badged = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0xfeed);
    expect_ret("call, words only", cairn_ipc_call(badged, &m), 0);
    if (m.w[0] != 11 || m.w[3] != 41 || m.w[4] != 0xfeed)
        test_fail("reply words %lu %lu, badge %#lx", (unsigned long)m.w[0], (unsigned long)m.w[3],
                  (unsigned long)m.w[4]);
    m = (struct cairn_msg){{1, 2, 3, 4, 5}, NULL};
    expect_ret("call through the unbadged handle", cairn_ipc_call(ep, &m), 0);
    if (m.w[4] != 0)
        test_fail("unbadged call arrived with badge %#lx", (unsigned long)m.w[4]);

    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (char)i;
    ext.send_buf = (uint64_t)(uintptr_t)out;
    ext.send_len = sizeof(out);
    ext.recv_buf = (uint64_t)(uintptr_t)back;
    ext.recv_cap = sizeof(back);
    m = (struct cairn_msg){{0}, &ext};
    expect_ret("call with 300 bytes", cairn_ipc_call(badged, &m), 0);
    if (ext.recv_len != sizeof(out) || back[0] != out[299] || back[299] != out[0])
        test_fail("bytes came back as %u bytes, first %d", ext.recv_len, back[0]);

    ext.recv_cap = 100;
    expect_ret("call with a short reply buffer", cairn_ipc_call(badged, &m), CAIRN_MSG_TRUNCATED);
    if (ext.recv_len != 100 || !(ext.recv_flags & CAIRN_MSG_TRUNCATED))
        test_fail("truncated reply: %u bytes, flags %#x", ext.recv_len, ext.recv_flags);
    m.ext = NULL;
    cairn_handle_close(badged);
    echo_stop(&e, &t);
}

/* --- bytes, copied once ---------------------------------------------------------------------- */

enum {
    BYTES_LEN = 4000
};

static uint8_t
byte_at(unsigned i)
{
    return (uint8_t)(i * 7 + 3);
}

/* BYTES_LEN bytes that straddle a page boundary, in a fresh mapping; NULL
 * if there is no memory. */
static uint8_t *
straddling_buffer(void)
{
    long mo = cairn_memobj_create(2 * 4096, 0), at;

    if (mo < 0)
        return NULL;
    at = cairn_vm_map(mo, 0, 2 * 4096, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    cairn_handle_close(mo);
    return at < 0 ? NULL : (uint8_t *)(uintptr_t)at + 4096 - 1000;
}

/* The child's half: send the pattern, expect it back reversed. */
static int
bytes_client(long ep)
{
    uint8_t *out = straddling_buffer(), *back = straddling_buffer();
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{1}, &ext};

    if (!out || !back)
        return 20;
    for (unsigned i = 0; i < BYTES_LEN; i++)
        out[i] = byte_at(i);
    ext.send_buf = (uint64_t)(uintptr_t)out;
    ext.send_len = BYTES_LEN;
    ext.recv_buf = (uint64_t)(uintptr_t)back;
    ext.recv_cap = BYTES_LEN;
    if (cairn_ipc_call(ep, &m) != 0 || ext.recv_len != BYTES_LEN)
        return 21;
    for (unsigned i = 0; i < BYTES_LEN; i++) {
        if (back[i] != byte_at(BYTES_LEN - 1 - i))
            return 22;
    }
    return 0;
}

static void
bytes_cross_once_whichever_side_waits_first(void)
{
    static struct echo e;
    struct test_thread server;
    uint8_t *in = straddling_buffer(), *out = straddling_buffer();
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{0}, &ext};
    long ep = cairn_endpoint_create(), extra[1], child, served, got = -CAIRN_ETIMEDOUT;
    int64_t status = -1;

    if (!in || !out || ep < 0) {
        test_fail("no memory for the buffers");
        return;
    }
    /* The sender waits first, in another process: the receiver pulls the
     * bytes out of the sender's memory. */
    extra[0] =
        cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_DUPLICATE);
    child = test_spawn("test-ipc", CHILD_BYTES_CLIENT, extra, 1);
    cairn_handle_close(extra[0]);
    expect_ret("spawn the client", child >= 0 ? 0 : child, 0);
    if (child < 0)
        return;
    /* Polls (time-out 0) take the call only once it waits in the queue. */
    ext.recv_buf = (uint64_t)(uintptr_t)in;
    ext.recv_cap = BYTES_LEN;
    for (int i = 0; i < 5000 && (got = cairn_ipc_recv(ep, &m, 0, NULL)) == -CAIRN_ETIMEDOUT; i++)
        cairn_thread_sleep(MS_NS);
    expect_ret("receive the waiting call", got, 0);
    if (ext.recv_len != BYTES_LEN)
        test_fail("received %u bytes, sent %d", ext.recv_len, BYTES_LEN);
    for (unsigned i = 0; i < BYTES_LEN && !test_has_failed(); i++) {
        if (in[i] != byte_at(i))
            test_fail("byte %u arrived as %u", i, in[i]);
    }
    /* The reply goes straight into the caller's buffer. */
    for (unsigned i = 0; i < BYTES_LEN; i++)
        out[i] = in[BYTES_LEN - 1 - i];
    ext = (struct cairn_msg_ext){0};
    ext.send_buf = (uint64_t)(uintptr_t)out;
    ext.send_len = BYTES_LEN;
    expect_ret("reply with the bytes reversed", cairn_ipc_reply(&m), 0);
    expect_ret("wait for the client", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    if (status != 0)
        test_fail("the client found its reply wrong (status %ld)", (long)status);
    cairn_handle_close(child);
    cairn_handle_close(ep);

    /* The receiver waits first: the sender pushes the bytes across. */
    ep = echo_start(&e, &server, 0);
    if (ep < 0)
        return;
    ext = (struct cairn_msg_ext){0};
    ext.send_buf = (uint64_t)(uintptr_t)out;
    ext.send_len = BYTES_LEN;
    ext.recv_buf = (uint64_t)(uintptr_t)in;
    ext.recv_cap = BYTES_LEN;
    expect_ret("call a waiting server", call_when_a_receiver_waits(ep, &m), 0);
    for (unsigned i = 0; i < BYTES_LEN && !test_has_failed(); i++) {
        if (in[i] != out[BYTES_LEN - 1 - i])
            test_fail("byte %u came back as %u", i, in[i]);
    }
    /* A send buffer that is not ours fails before anything moves. */
    served = e.served;
    ext.send_buf = 0x1000;
    expect_ret("call with an unmapped send buffer", cairn_ipc_call(ep, &m), -CAIRN_EFAULT);
    ext.send_buf = (uint64_t)(uintptr_t)out;
    ext.send_len = 5000;
    expect_ret("call with too many bytes", cairn_ipc_call(ep, &m), -CAIRN_EINVAL);
    if (e.served != served)
        test_fail("the server saw %ld refused calls", e.served - served);
    echo_stop(&e, &server);
}

/* --- timed calls ---------------------------------------------------------------------------- */

/* A client thread's timed call: the message, the limit, the result. */
struct timed_caller {
    long ep;
    uint64_t limit;
    long result;
    uint64_t took; /* ns from the call to its return */
};

static long
call_timed_and_record(void *arg)
{
    struct timed_caller *c = arg;
    struct cairn_msg m = {{1}, NULL};
    uint64_t t0 = (uint64_t)cairn_clock_get();

    c->result = cairn_ipc_call_timed(c->ep, &m, c->limit);
    c->took = (uint64_t)cairn_clock_get() - t0;
    return 0;
}

/*
 * A timed call whose receiver took the message but holds the reply back
 * gives up at its limit, and the reply that comes after finds nobody. We
 * are the receiver, so nothing depends on how soon a thread gets to run:
 * the reply waits until the caller has returned. If the caller's limit
 * passed before we took the message at all (this CPU stalled for the whole
 * limit), nothing was sent and we try again.
 */
static void
timed_call_gives_up_and_a_late_reply_is_dropped(void)
{
    static struct echo e;
    static struct timed_caller c;
    struct test_thread t;
    struct cairn_msg m = {{1}, NULL};
    long ep = cairn_endpoint_create(), err = -CAIRN_ETIMEDOUT;
    uint64_t t0 = (uint64_t)cairn_clock_get();

    expect_ret("a timed call nobody receives", cairn_ipc_call_timed(ep, &m, 20 * MS_NS),
               -CAIRN_ETIMEDOUT);
    if ((uint64_t)cairn_clock_get() - t0 < 20 * MS_NS)
        test_fail("the call gave up after %lu ns", (unsigned long)(cairn_clock_get() - t0));
    expect_ret("nothing was left in the queue", cairn_ipc_recv(ep, &m, 0, NULL), -CAIRN_ETIMEDOUT);
    expect_ret("a call that may not wait, nobody receiving", cairn_ipc_call_timed(ep, &m, 0),
               -CAIRN_ETIMEDOUT);

    for (int attempt = 0; attempt < 10 && err == -CAIRN_ETIMEDOUT && !test_has_failed();
         attempt++) {
        c = (struct timed_caller){ep, 30 * MS_NS, 1, 0};
        if (test_thread_start(&t, call_timed_and_record, &c) < 0)
            break;
        err = cairn_ipc_recv(ep, &m, 2000 * MS_NS, NULL);
        expect_ret("the caller returns", test_thread_join(&t, 5000 * MS_NS, NULL), 0);
        test_thread_free(&t);
        expect_ret("the call whose reply is held back", c.result, -CAIRN_ETIMEDOUT);
        if (c.took < 30 * MS_NS)
            test_fail("the call gave up after %lu ns", (unsigned long)c.took);
        if (err == 0)
            expect_ret("the late reply", cairn_ipc_reply(&m), -CAIRN_ECLOSED);
        else if (err != -CAIRN_ETIMEDOUT)
            test_fail("recv returned %ld", err);
    }
    if (err != 0)
        test_fail("the timed call never reached us in ten tries (%ld)", err);
    expect_ret("nothing was left in the queue", cairn_ipc_recv(ep, &m, 0, NULL), -CAIRN_ETIMEDOUT);
    cairn_handle_close(ep);

    ep = echo_start(&e, &t, 0);
    if (ep < 0)
        return;
    m = (struct cairn_msg){{41}, NULL};
    expect_ret("a call that may not wait, the server waiting", call_when_a_receiver_waits(ep, &m),
               0);
    if (m.w[0] != 42)
        test_fail("the reply said %lu", (unsigned long)m.w[0]);
    expect_ret("a timed call answered in time", cairn_ipc_call_timed(ep, &m, 5000 * MS_NS), 0);
    echo_stop(&e, &t);
}

/* A server that keeps what it receives: records the handles' info. */
struct keeper {
    long ep;
    struct cairn_handle_info info[CAIRN_MSG_HANDLES];
    uint32_t n;
};

static long
keep_one(void *arg)
{
    struct keeper *k = arg;
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{0}, &ext};
    long err = cairn_ipc_recv(k->ep, &m, 5000 * MS_NS, NULL);

    if (err < 0)
        return err;
    k->n = ext.recv_nhandles;
    for (uint32_t i = 0; i < ext.recv_nhandles; i++) {
        cairn_handle_info(ext.recv_handles[i], &k->info[i]);
        cairn_handle_close(ext.recv_handles[i]);
    }
    return cairn_ipc_reply(&m);
}

static void
handle_transfer_moves_or_copies_as_asked_and_never_adds_rights(void)
{
    static struct keeper k;
    struct test_thread t;
    long moved = cairn_memobj_create(4096, 0), copied = cairn_notify_create();
    struct cairn_handle_info mi, ci, after;
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{0}, &ext};
    int64_t status = -1;

    k.ep = cairn_endpoint_create();
    k.n = 0;
    cairn_handle_info(moved, &mi);
    cairn_handle_info(copied, &ci);
    if (test_thread_start(&t, keep_one, &k) < 0)
        return;
    ext.send_nhandles = 2;
    ext.send_handles[0] = (struct cairn_msg_handle){
        (int32_t)moved, CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP, CAIRN_MSG_HANDLE_MOVE, 0};
    ext.send_handles[1] =
        (struct cairn_msg_handle){(int32_t)copied, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    expect_ret("call with a moved and a copied handle", cairn_ipc_call(k.ep, &m), 0);
    expect_ret("keeper", test_thread_join(&t, 5000 * MS_NS, &status), 0);
    expect_ret("keeper's reply", (long)status, 0);
    test_thread_free(&t);
    if (k.n != 2) {
        test_fail("the receiver got %u handles", k.n);
    } else {
        if (k.info[0].koid != mi.koid || k.info[0].rights != (CAIRN_RIGHT_READ | CAIRN_RIGHT_MAP))
            test_fail("moved handle arrived with rights %#x", k.info[0].rights);
        if (k.info[1].koid != ci.koid || k.info[1].rights != ci.rights)
            test_fail("copied handle arrived with rights %#x, sent %#x", k.info[1].rights,
                      ci.rights);
    }
    expect_ret("the moved handle left the sender", cairn_handle_info(moved, &after), -CAIRN_EBADH);
    expect_ret("the copied handle stayed", cairn_handle_info(copied, &after), 0);
    cairn_handle_close(copied);
    cairn_handle_close(k.ep);
}

/* --- death mid-call ------------------------------------------------------------------------ */

struct caller {
    long ep;
    long result;
};

static long
call_and_record(void *arg)
{
    struct caller *c = arg;
    struct cairn_msg m = {{1, 2, 3, 4, 5}, NULL};

    c->result = cairn_ipc_call(c->ep, &m);
    return 0;
}

static void
server_killed_mid_call_fails_its_caller_with_closed(void)
{
    static struct caller c;
    struct test_thread t;
    long ep = cairn_endpoint_create(), n = cairn_notify_create();
    long extra[2] = {ep, n}, child;
    uint64_t bits = 0;

    c = (struct caller){ep, 1};
    child = test_spawn("test-ipc", CHILD_RECV_THEN_HANG, extra, 2);
    if (child < 0)
        return;
    /* Only the child may receive: drop our WAIT right. */
    c.ep = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL);
    cairn_handle_close(ep);
    if (test_thread_start(&t, call_and_record, &c) < 0)
        return;
    expect_ret("the child received", cairn_notify_wait(n, 5000 * MS_NS, &bits), 0);
    expect_ret("kill the server", cairn_process_kill(child), 0);
    expect_ret("the caller returns", test_thread_join(&t, 5000 * MS_NS, NULL), 0);
    expect_ret("the call", c.result, -CAIRN_ECLOSED);
    cairn_process_wait(child, 5000 * MS_NS, NULL);
    cairn_handle_close(child);
    cairn_handle_close(c.ep);
    cairn_handle_close(n);
    test_thread_free(&t);
}

static void
client_killed_mid_call_does_not_wedge_the_server(void)
{
    long ep = cairn_endpoint_create(), child, extra[1];
    struct cairn_msg m = {{0}, NULL};
    struct cairn_msg_ext ext = {0};
    static struct echo e;
    struct test_thread t;

    extra[0] =
        cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    child = test_spawn("test-ipc", CHILD_CALL_THEN_HANG, extra, 1);
    cairn_handle_close(extra[0]);
    if (child < 0)
        return;
    expect_ret("receive the child's call", cairn_ipc_recv(ep, &m, 5000 * MS_NS, NULL), 0);
    if (m.w[0] != 77)
        test_fail("the child sent %lu", (unsigned long)m.w[0]);
    expect_ret("kill the client", cairn_process_kill(child), 0);
    cairn_process_wait(child, 5000 * MS_NS, NULL);
    expect_ret("reply to the dead client", cairn_ipc_reply(&m), -CAIRN_ECLOSED);
    /* The server goes on serving others. */
    e.ep = ep;
    e.limit = 1;
    e.served = 0;
    if (test_thread_start(&t, echo_serve, &e) == 0) {
        m = (struct cairn_msg){{5}, &ext};
        expect_ret("the next call", cairn_ipc_call(ep, &m), 0);
        if (m.w[0] != 6)
            test_fail("the next call got %lu", (unsigned long)m.w[0]);
        test_thread_join(&t, 5000 * MS_NS, NULL);
        test_thread_free(&t);
    }
    cairn_handle_close(child);
    cairn_handle_close(ep);
}

/* --- revocation ---------------------------------------------------------------------------- */

static void
revoke_reaches_a_handle_passed_on_to_a_third_process(void)
{
    long n = cairn_notify_create();
    long lent = cairn_handle_borrow(n, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT |
                                           CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    long give =
        cairn_handle_dup(lent, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    long child, extra[1] = {give};
    uint64_t bits = 0;
    int64_t status = -1;

    child = test_spawn("test-ipc", CHILD_RELAY, extra, 1);
    cairn_handle_close(give);
    if (child < 0)
        return;
    /* The grandchild signals through its copy while it works. */
    expect_ret("the grandchild's signal", cairn_notify_wait(n, 5000 * MS_NS, &bits), 0);
    expect_ret("revoke", cairn_handle_revoke(lent), 0);
    expect_ret("the relay ends", cairn_process_wait(child, 10000 * MS_NS, &status), 0);
    if (status != 0)
        test_fail("the grandchild's handle still worked (status %ld)", (long)status);
    expect_ret("our own handle still works", cairn_notify_signal(n, 1), 0);
    cairn_handle_close(child);
    cairn_handle_close(lent);
    cairn_handle_close(n);
}

/*
 * Borrowing a borrowed handle makes a child borrow; revoking the parent
 * ends the child too, here held by another process, and leaves our own
 * unborrowed handle working.
 */
static void
revoking_a_borrow_ends_a_borrow_made_from_it_in_another_process(void)
{
    const uint32_t lend = CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER;
    long n = cairn_notify_create();
    long parent = cairn_handle_borrow(n, lend);
    long child_borrow = cairn_handle_borrow(parent, lend);
    long give = cairn_handle_dup(child_borrow, lend), child, extra[1] = {give};
    uint64_t bits = 0;
    int64_t status = -1;

    if (n < 0 || parent < 0 || child_borrow < 0 || give < 0) {
        test_fail("borrow returned %ld %ld %ld", parent, child_borrow, give);
        return;
    }
    child = test_spawn("test-ipc", CHILD_WATCH, extra, 1);
    cairn_handle_close(give);
    if (child < 0)
        return;
    expect_ret("the child's signal through the child borrow",
               cairn_notify_wait(n, 5000 * MS_NS, &bits), 0);
    expect_ret("revoke the parent borrow", cairn_handle_revoke(parent), 0);
    expect_ret("the child ends", cairn_process_wait(child, 10000 * MS_NS, &status), 0);
    if (status != 0)
        test_fail("the child borrow still worked after its parent was revoked (status %ld)",
                  (long)status);
    expect_ret("our child borrow is revoked too", cairn_notify_signal(child_borrow, 1),
               -CAIRN_EREVOKED);
    expect_ret("our own handle still works", cairn_notify_signal(n, 1), 0);
    cairn_handle_close(child);
    cairn_handle_close(child_borrow);
    cairn_handle_close(parent);
    cairn_handle_close(n);
}

/* --- many clients, and a stress run -------------------------------------------------------- */

struct client {
    long ep;
    uint64_t id;
    long calls;
};

static long
client_loop(void *arg)
{
    struct client *c = arg;

    for (long i = 0; i < c->calls; i++) {
        struct cairn_msg m = {{c->id, (uint64_t)i, 0, 0, 0}, NULL};
        long err = cairn_ipc_call(c->ep, &m);
        if (err)
            return err;
        if (m.w[0] != c->id + 1 || m.w[1] != (uint64_t)i + 1 || m.w[4] != c->id)
            return -1000 - i;
    }
    return 0;
}

static void
many_clients_on_all_cpus_lose_no_message(void)
{
    enum {
        CLIENTS = 6
    };
    static struct echo e;
    static struct client c[CLIENTS];
    struct test_thread server, t[CLIENTS];
    long ep = echo_start(&e, &server, 0);

    if (ep < 0)
        return;
    for (int i = 0; i < CLIENTS; i++) {
        c[i] = (struct client){cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, (uint64_t)i + 1),
                               (uint64_t)i + 1, ECHO_CALLS};
        test_thread_start(&t[i], client_loop, &c[i]);
    }
    for (int i = 0; i < CLIENTS; i++) {
        int64_t status = -1;
        expect_ret("join a client", test_thread_join(&t[i], 60000 * MS_NS, &status), 0);
        if (status != 0)
            test_fail("client %d ended with %ld", i, (long)status);
        test_thread_free(&t[i]);
        cairn_handle_close(c[i].ep);
    }
    echo_stop(&e, &server);
    if (e.served != CLIENTS * ECHO_CALLS)
        test_fail("the server answered %ld calls, expected %d", e.served, CLIENTS * ECHO_CALLS);
}

static void
ipc_stress_with_clients_dying_at_random_leaves_no_leak(void)
{
    enum {
        ROUNDS = 12,
        CHILDREN = 3,
        SOAK_MESSAGES = 2000000
    };
    static struct echo e;
    struct test_thread server;
    struct cairn_debug_stats before = stats_now();
    uint64_t seed = 12345;
    /* make test's soak boot goes on until millions of messages have passed. */
    long target = cairn_cmdline_has("soak") ? SOAK_MESSAGES : 0;
    long ep;

    e.words_only = 1; /* the fast path, under processes dying at random */
    ep = echo_start(&e, &server, 0);

    if (ep < 0)
        return;
    for (int round = 0; (round < ROUNDS || e.served < target) && !test_has_failed(); round++) {
        if (target && round % 100 == 0)
            printf("ipc: soak: round %d, %ld messages\n", round, e.served);
        long child[CHILDREN], extra[1];

        extra[0] =
            cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER,
                              (uint64_t)round + 1);
        for (int i = 0; i < CHILDREN; i++)
            child[i] = test_spawn("test-ipc", CHILD_CLIENT_LOOP, extra, 1);
        cairn_handle_close(extra[0]);
        for (int i = 0; i < CHILDREN; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            /* Clients live up to 20 ms (200 in the soak, where the point
             * is the volume of messages). */
            cairn_thread_sleep((seed >> 33) % (target ? 200 : 20) * MS_NS);
            if (child[i] >= 0) {
                cairn_process_kill(child[i]);
                cairn_process_wait(child[i], 5000 * MS_NS, NULL);
                cairn_handle_close(child[i]);
            }
        }
    }
    echo_stop(&e, &server);
    if (e.served < ROUNDS)
        test_fail("only %ld messages in the whole run", e.served);
    printf("ipc: stress run passed %ld messages\n", e.served);
    expect_stats(&before, "after the stress run");
}

/* --- notifications across threads ---------------------------------------------------------- */

static long
wait_for_bit(void *arg)
{
    uint64_t bits = 0;
    long err = cairn_notify_wait(*(long *)arg, 5000 * MS_NS, &bits);

    return err ? err : (long)bits;
}

static void
notify_wait_blocks_until_another_thread_signals(void)
{
    static long n;
    struct test_thread t;
    int64_t status = -1;

    n = cairn_notify_create();
    if (test_thread_start(&t, wait_for_bit, &n) < 0)
        return;
    cairn_thread_sleep(20 * MS_NS);
    expect_ret("signal", cairn_notify_signal(n, 0x40), 0);
    expect_ret("join the waiter", test_thread_join(&t, 5000 * MS_NS, &status), 0);
    if (status != 0x40)
        test_fail("the waiter got %ld", (long)status);
    test_thread_free(&t);
    cairn_handle_close(n);
}

/* --- quotas -------------------------------------------------------------------------------- */

static void
quota_exhaustion_fails_cleanly_and_gives_everything_back(void)
{
    long own = CAIRN_INIT_HANDLE_QUOTA, small, mo[64];
    struct cairn_quota_info start, info;
    unsigned made = 0;
    long err = 0;

    expect_ret("quota_info", cairn_quota_info(own, &start), 0);
    small = cairn_quota_create(own, 256 * 1024);
    expect_ret("quota_create", small >= 0 ? 0 : small, 0);
    expect_ret("charge ourselves to the small quota",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, small), 0);
    while (made < 64) {
        err = cairn_memobj_create(64 * 1024, 0);
        if (err < 0)
            break;
        mo[made++] = err;
    }
    expect_ret("the allocation past the quota", err, -CAIRN_ENOMEM);
    if (made < 2 || made > 4)
        test_fail("%u objects of 64 KiB fit a 256 KiB quota", made);
    /* Others are not disturbed: the big quota still serves. */
    expect_ret("back to our own quota", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, own), 0);
    err = cairn_memobj_create(64 * 1024, 0);
    expect_ret("an allocation from the big quota", err >= 0 ? 0 : err, 0);
    cairn_handle_close(err);
    while (made)
        cairn_handle_close(mo[--made]);
    expect_ret("quota_info of the small quota", cairn_quota_info(small, &info), 0);
    if (info.used != 0)
        test_fail("%lu bytes still charged to the small quota", (unsigned long)info.used);
    cairn_handle_close(small);
    expect_ret("quota_info", cairn_quota_info(own, &info), 0);
    if (info.used != start.used)
        test_fail("our quota has %lu bytes charged, %lu before", (unsigned long)info.used,
                  (unsigned long)start.used);
    expect_ret("quota_create beyond the parent", cairn_quota_create(own, info.limit + 1),
               -CAIRN_ENOMEM);
}

/* A thread's kernel stack and a mapping's page tables are paid for too. */
/* A page alone in its 512 GiB: PDPT, PD and PT are made for it. */
#define PT_TABLES 3
#define PT_FAR    0x600000000000ull /* 96 TiB: nothing of ours is near */

/*
 * In a fresh process (no table of its address space emptied yet and kept
 * for reuse, as one that has mapped and unmapped would have): map a page
 * far away and touch it. 0 when it and its tables were charged to our
 * quota, and no more than the tables kept after the unmap.
 */
static int
child_page_tables(void)
{
    const uint64_t page = 4096;
    struct cairn_quota_info before, info;
    long mo, at;
    int result = 0;

    if (cairn_quota_info(CAIRN_INIT_HANDLE_QUOTA, &before) < 0)
        return 10;
    mo = cairn_memobj_create(page, 0);
    at = cairn_vm_map(mo, 0, page, PT_FAR, CAIRN_PROT_READ | CAIRN_PROT_WRITE, CAIRN_MAP_FIXED);
    if (at != (long)PT_FAR)
        return 11;
    *(volatile uint64_t *)PT_FAR = 1; /* the first touch builds the tables */
    cairn_quota_info(CAIRN_INIT_HANDLE_QUOTA, &info);
    if (info.used < before.used + page + PT_TABLES * page)
        result = 12;
    cairn_vm_unmap(PT_FAR, page);
    cairn_handle_close(mo);
    /* Emptied tables may stay with the address space for reuse, charged. */
    cairn_quota_info(CAIRN_INIT_HANDLE_QUOTA, &info);
    if (!result && info.used > before.used + PT_TABLES * page)
        result = 13;
    return result;
}

static void
threads_and_page_tables_are_charged_to_the_quota(void)
{
    enum {
        THREAD_AT_LEAST = 16 * 1024 /* its kernel stack alone */
    };
    long own = CAIRN_INIT_HANDLE_QUOTA, t, child;
    struct cairn_quota_info before, info;
    int64_t status = -1;

    expect_ret("quota_info", cairn_quota_info(own, &before), 0);
    t = cairn_thread_create(CAIRN_INIT_HANDLE_PROCESS, 0x1000, 0x2000, 0, CAIRN_PRIORITY_DEFAULT);
    expect_ret("thread_create", t >= 0 ? 0 : t, 0);
    cairn_quota_info(own, &info);
    if (info.used < before.used + THREAD_AT_LEAST)
        test_fail("a thread charged %ld bytes", (long)(info.used - before.used));
    cairn_handle_close(t); /* never started: it goes with its handle */
    cairn_quota_info(own, &info);
    if (info.used != before.used)
        test_fail("%ld bytes still charged after the thread went", (long)(info.used - before.used));

    child = test_spawn("test-ipc", CHILD_PAGE_TABLES, NULL, 0);
    if (child < 0)
        return;
    expect_ret("wait for the page-table child", cairn_process_wait(child, 30000 * MS_NS, &status),
               0);
    if (status == 12)
        test_fail("a page and its tables were not charged in full");
    else if (status == 13)
        test_fail("more than the emptied tables still charged after the unmap");
    else if (status != 0)
        test_fail("the page-table child ended with %ld", (long)status);
    cairn_handle_close(child);
}

/* --- children ------------------------------------------------------------------------------ */

static int
child_main(unsigned long mode)
{
    long h = test_extra_handle(0);
    struct cairn_msg m = {{77}, NULL};

    switch (mode) {
    case CHILD_PAGE_TABLES:
        return child_page_tables();
    case CHILD_RECV_THEN_HANG:
        if (cairn_ipc_recv(h, &m, 5000 * MS_NS, NULL) < 0)
            return 1;
        cairn_notify_signal(test_extra_handle(1), 1);
        for (;;)
            cairn_thread_sleep(1000 * MS_NS);
    case CHILD_CALL_THEN_HANG:
        cairn_ipc_call(h, &m);
        for (;;)
            cairn_thread_sleep(1000 * MS_NS);
    case CHILD_RELAY: {
        long extra[1] = {h}, grandchild = test_spawn("test-ipc", CHILD_WATCH, extra, 1);
        int64_t status = -1;
        if (grandchild < 0 || cairn_process_wait(grandchild, 8000 * MS_NS, &status) < 0)
            return 2;
        return (int)status;
    }
    case CHILD_WATCH:
        /* Signal until the handle is revoked: that must come. */
        for (int i = 0; i < 5000; i++) {
            long err = cairn_notify_signal(h, 1);
            if (err == -CAIRN_EREVOKED)
                return 0;
            if (err)
                return 3;
            cairn_thread_sleep(MS_NS);
        }
        return 4;
    case CHILD_BYTES_CLIENT:
        return bytes_client(h);
    case CHILD_CLIENT_LOOP:
        for (uint64_t i = 0;; i++) {
            m = (struct cairn_msg){{i, 0, 0, 0, 0}, NULL};
            if (cairn_ipc_call(h, &m) < 0 || m.w[0] != i + 1)
                return 5;
        }
    }
    return 6;
}

/* --- the table ---------------------------------------------------------------------------- */

static const struct usertest tests[] = {
    USERTEST(call_reply_carries_words_badge_and_bytes),
    USERTEST(bytes_cross_once_whichever_side_waits_first),
    USERTEST(timed_call_gives_up_and_a_late_reply_is_dropped),
    USERTEST(handle_transfer_moves_or_copies_as_asked_and_never_adds_rights),
    USERTEST(notify_wait_blocks_until_another_thread_signals),
    USERTEST(server_killed_mid_call_fails_its_caller_with_closed),
    USERTEST(client_killed_mid_call_does_not_wedge_the_server),
    USERTEST(revoke_reaches_a_handle_passed_on_to_a_third_process),
    USERTEST(revoking_a_borrow_ends_a_borrow_made_from_it_in_another_process),
    USERTEST(many_clients_on_all_cpus_lose_no_message),
    USERTEST(ipc_stress_with_clients_dying_at_random_leaves_no_leak),
    USERTEST(quota_exhaustion_fails_cleanly_and_gives_everything_back),
    USERTEST(threads_and_page_tables_are_charged_to_the_quota),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode >= CHILD_RECV_THEN_HANG)
        return child_main(mode);
    return harness_run("ipc", tests, sizeof(tests) / sizeof(tests[0]));
}
