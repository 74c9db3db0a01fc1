// SPDX-License-Identifier: MIT
/*
 * User-mode tests of what a server waits on and answers (docs/ipc.md,
 * "Waiting on several sources", "Exit notices", "Deferred replies"): a
 * receive that also ends for a bound notification's bits, with messages
 * and bits interleaved and none lost; exit notices of a hundred children
 * through one notification; replies kept, answered out of order, dropped,
 * sent to another process, and every bad input of the new calls; exit
 * notices of threads too.
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
    CHILD_HANG = 100,       /* sleep until killed */
    CHILD_CALL_THEN_HANG,   /* extra 0: endpoint to call; never returns from the call */
    CHILD_SAVE_THEN_HANG,   /* extra 0: endpoint (WAIT); extra 1: notification: receive, keep
                           * the reply, signal bit 1, sleep until killed */
    CHILD_ANSWER_FORWARDED, /* extra 0: endpoint (WAIT): receive a reply handle, answer 4242 */
    CHILD_BOUND_SERVER,     /* extra 0: endpoint (WAIT); extra 1: notification: bind it and
                             * receive for ever */
    CHILD_EXIT_WITH = 1000, /* exit at once with status mode - CHILD_EXIT_WITH */
};

/* --- a bound notification ------------------------------------------------------------------ */

#define SIGNAL_ROUNDS 150
#define CLIENT_CALLS  150
/* How long a wait that must end may take before the test calls it hung:
 * far above what it takes, as a loaded host can stall a virtual CPU for
 * seconds. */
#define HANG_NS       (30000 * MS_NS)

/* A signaller: ORs its bit into the server's notification, then waits for
 * the server's acknowledgement before the next round, so the server must
 * see every round once. */
struct signaller {
    long ntfn, ack;
    uint64_t bit;
    long result;
};

static long
signal_rounds(void *arg)
{
    struct signaller *s = arg;
    uint64_t bits;

    for (int i = 0; i < SIGNAL_ROUNDS; i++) {
        long err = cairn_notify_signal(s->ntfn, s->bit);
        if (!err)
            err = cairn_notify_wait(s->ack, HANG_NS, &bits);
        if (err)
            return s->result = err;
    }
    return s->result = 0;
}

/* A client: CLIENT_CALLS calls, each answered with its word + 1. */
struct client {
    long ep;
    uint64_t base;
    long wrong;
};

static long
call_rounds(void *arg)
{
    struct client *c = arg;

    for (int i = 0; i < CLIENT_CALLS; i++) {
        struct cairn_msg m = {{c->base + (uint64_t)i}, NULL};
        long err = cairn_ipc_call(c->ep, &m);

        if (err || m.w[0] != c->base + (uint64_t)i + 1)
            c->wrong++;
    }
    return 0;
}

static void
a_receive_ends_for_messages_and_bound_bits_and_loses_none(void)
{
    static struct signaller sig[2];
    static struct client cli[2];
    /* Statics first touched after the count would look like a leak. */
    struct cairn_debug_stats before =
        (memset(sig, 0, sizeof(sig)), memset(cli, 0, sizeof(cli)), stats_now());
    struct test_thread st[2], ct[2];
    long ntfn = cairn_notify_create(), ep = cairn_endpoint_create(), ack[2];
    unsigned seen[2] = {0, 0}, served = 0;
    int have_caller = 0;
    uint64_t badge, bits, t0;
    struct cairn_msg m = {{0}, NULL};

    ack[0] = cairn_notify_create();
    ack[1] = cairn_notify_create();
    expect_ret("bind the notification", cairn_notify_bind(ntfn), 0);
    for (int i = 0; i < 2; i++) {
        sig[i] = (struct signaller){ntfn, ack[i], 1ull << (i + 1), 1};
        cli[i] = (struct client){ep, 1000000ull * (uint64_t)(i + 1), 0};
        test_thread_start(&st[i], signal_rounds, &sig[i]);
        test_thread_start(&ct[i], call_rounds, &cli[i]);
    }
    while (!test_has_failed() &&
           (seen[0] < SIGNAL_ROUNDS || seen[1] < SIGNAL_ROUNDS || served < 2 * CLIENT_CALLS)) {
        long r;

        if (have_caller)
            expect_ret("reply", cairn_ipc_reply(&m), 0);
        have_caller = 0;
        r = cairn_ipc_recv(ep, &m, HANG_NS, &badge);
        if (r == CAIRN_IPC_NOTIFIED) {
            if (!badge || (badge & ~6ull) || m.w[0] || m.w[4])
                test_fail("notified with bits %#lx, words %lu", (unsigned long)badge,
                          (unsigned long)m.w[0]);
            for (int i = 0; i < 2; i++) {
                if (badge & (1ull << (i + 1))) {
                    seen[i]++;
                    cairn_notify_signal(ack[i], 1);
                }
            }
        } else if (r == 0) {
            m.w[0]++;
            served++;
            have_caller = 1;
        } else {
            test_fail("recv returned %ld after %u, %u rounds and %u calls", r, seen[0], seen[1],
                      served);
        }
    }
    if (have_caller)
        expect_ret("the last reply", cairn_ipc_reply(&m), 0);
    for (int i = 0; i < 2; i++) {
        expect_ret("join a signaller", test_thread_join(&st[i], HANG_NS, NULL), 0);
        expect_ret("join a client", test_thread_join(&ct[i], HANG_NS, NULL), 0);
        expect_ret("a signaller's rounds", sig[i].result, 0);
        if (cli[i].wrong)
            test_fail("client %d had %ld wrong answers", i, cli[i].wrong);
    }
    if (seen[0] != SIGNAL_ROUNDS || seen[1] != SIGNAL_ROUNDS || served != 2 * CLIENT_CALLS)
        test_fail("saw %u and %u rounds and %u calls", seen[0], seen[1], served);

    /* Time-outs still work, and a poll finds bits at once. */
    t0 = cairn_clock_get();
    expect_ret("a receive with nothing to come", cairn_ipc_recv(ep, &m, 20 * MS_NS, &badge),
               -CAIRN_ETIMEDOUT);
    if (cairn_clock_get() - t0 < 20 * MS_NS)
        test_fail("the receive gave up early");
    expect_ret("signal ourselves", cairn_notify_signal(ntfn, 1ull << 40), 0);
    expect_ret("a poll with bits set", cairn_ipc_recv(ep, &m, 0, &badge), CAIRN_IPC_NOTIFIED);
    if (badge != 1ull << 40)
        test_fail("the poll gave bits %#lx", (unsigned long)badge);
    expect_ret("a poll with nothing", cairn_ipc_recv(ep, &m, 0, &badge), -CAIRN_ETIMEDOUT);
    /* reply_recv with nobody to answer just receives, and takes bits too. */
    cairn_notify_signal(ntfn, 8);
    expect_ret("reply_recv with bits set", cairn_ipc_reply_recv(ep, &m, &badge),
               CAIRN_IPC_NOTIFIED);
    if (badge != 8)
        test_fail("reply_recv gave bits %#lx", (unsigned long)badge);

    /* Unbound: bits stay in the notification and the receive ignores them. */
    expect_ret("unbind", cairn_notify_unbind(ntfn), 0);
    expect_ret("unbind again", cairn_notify_unbind(ntfn), -CAIRN_ENOENT);
    cairn_notify_signal(ntfn, 16);
    expect_ret("an unbound receive", cairn_ipc_recv(ep, &m, 0, &badge), -CAIRN_ETIMEDOUT);
    expect_ret("the bits wait in the notification", cairn_notify_wait(ntfn, 0, &bits), 0);
    if (bits != 16)
        test_fail("notify_wait gave %#lx", (unsigned long)bits);
    for (int i = 0; i < 2; i++) {
        test_thread_free(&st[i]);
        test_thread_free(&ct[i]);
        cairn_handle_close(ack[i]);
    }
    cairn_handle_close(ntfn);
    cairn_handle_close(ep);
    expect_stats(&before, "after the server");
}

/* A receive that waits (not a poll) is woken by a signal of another thread. */
struct late_signal {
    long ntfn;
    uint64_t bits;
};

static long
signal_after_a_while(void *arg)
{
    struct late_signal *s = arg;

    cairn_thread_sleep(10 * MS_NS);
    return cairn_notify_signal(s->ntfn, s->bits);
}

/* With an extension too: the counts are zero and recv_flags says why. */
static void
a_waiting_receive_is_woken_by_a_signal(void)
{
    static struct late_signal s;
    struct test_thread t;
    struct cairn_msg_ext ext;
    struct cairn_msg m = {{9, 9, 9, 9, 9}, &ext};
    long ntfn = cairn_notify_create(), ep = cairn_endpoint_create();
    uint64_t badge = 0;

    memset(&ext, 0xff, sizeof(ext));
    ext.send_len = ext.send_nhandles = 0;
    ext.recv_cap = 0;
    expect_ret("bind", cairn_notify_bind(ntfn), 0);
    s = (struct late_signal){ntfn, 0x8000000000000001ull};
    test_thread_start(&t, signal_after_a_while, &s);
    expect_ret("a receive woken by the signal", cairn_ipc_recv(ep, &m, HANG_NS, &badge),
               CAIRN_IPC_NOTIFIED);
    if (badge != 0x8000000000000001ull || m.w[0] || m.w[4])
        test_fail("woken with bits %#lx, word %lu", (unsigned long)badge, (unsigned long)m.w[0]);
    if (ext.recv_len || ext.recv_nhandles || ext.recv_flags != CAIRN_IPC_NOTIFIED)
        test_fail("extension: %u bytes, %u handles, flags %#x", ext.recv_len, ext.recv_nhandles,
                  ext.recv_flags);
    expect_ret("join the signaller", test_thread_join(&t, HANG_NS, NULL), 0);
    test_thread_free(&t);
    expect_ret("unbind", cairn_notify_unbind(ntfn), 0);
    cairn_handle_close(ntfn);
    cairn_handle_close(ep);
}

/* Another thread's attempts on a notification bound to the main thread. */
struct intruder {
    long ntfn, other;
    long bind, wait, bind_other, unbind;
};

static long
try_to_share(void *arg)
{
    struct intruder *in = arg;
    uint64_t bits;

    in->bind = cairn_notify_bind(in->ntfn);
    in->wait = cairn_notify_wait(in->ntfn, 0, &bits);
    in->unbind = cairn_notify_unbind(in->ntfn);
    in->bind_other = cairn_notify_bind(in->other);
    return 0; /* and ends bound to other: its end unbinds it */
}

static void
binding_is_one_thread_to_one_notification(void)
{
    static struct intruder in;
    struct cairn_debug_stats before = (memset(&in, 0, sizeof(in)), stats_now());
    struct test_thread t;
    long n1 = cairn_notify_create(), n2 = cairn_notify_create(), ep = cairn_endpoint_create();
    long signal_only = cairn_handle_dup(n1, CAIRN_RIGHT_SIGNAL), wait_only;

    wait_only = cairn_handle_dup(n2, CAIRN_RIGHT_WAIT);
    expect_ret("bind without WAIT", cairn_notify_bind(signal_only), -CAIRN_ERIGHTS);
    expect_ret("bind a closed handle", cairn_notify_bind(0x7ffffff), -CAIRN_EBADH);
    expect_ret("bind handle -1", cairn_notify_bind(-1), -CAIRN_EBADH);
    expect_ret("bind an endpoint", cairn_notify_bind(ep), -CAIRN_EWRONGTYPE);
    expect_ret("unbind with nothing bound", cairn_notify_unbind(n1), -CAIRN_ENOENT);
    expect_ret("unbind an endpoint", cairn_notify_unbind(ep), -CAIRN_EWRONGTYPE);
    expect_ret("unbind without WAIT", cairn_notify_unbind(signal_only), -CAIRN_ERIGHTS);

    expect_ret("bind n1", cairn_notify_bind(n1), 0);
    expect_ret("bind a second one", cairn_notify_bind(n2), -CAIRN_EBUSY);
    expect_ret("unbind the one not bound", cairn_notify_unbind(n2), -CAIRN_ENOENT);
    expect_ret("bind n1 twice", cairn_notify_bind(n1), -CAIRN_EBUSY);
    /* The bound thread may still wait on its notification itself. */
    cairn_notify_signal(signal_only, 4);
    {
        uint64_t bits = 0;
        expect_ret("the bound thread's own notify_wait", cairn_notify_wait(n1, 0, &bits), 0);
        if (bits != 4)
            test_fail("notify_wait gave %#lx", (unsigned long)bits);
    }

    in = (struct intruder){n1, wait_only, 1, 1, 1, 1};
    test_thread_start(&t, try_to_share, &in);
    expect_ret("join the other thread", test_thread_join(&t, HANG_NS, NULL), 0);
    test_thread_free(&t);
    expect_ret("another thread binds a bound notification", in.bind, -CAIRN_EBUSY);
    expect_ret("another thread waits on it", in.wait, -CAIRN_EBUSY);
    expect_ret("another thread unbinds it", in.unbind, -CAIRN_ENOENT);
    expect_ret("the other thread binds n2 (WAIT only)", in.bind_other, 0);
    /* It ended bound to n2: its end unbound it, so n2 binds again. */
    expect_ret("unbind n1", cairn_notify_unbind(n1), 0);
    expect_ret("bind n2 after its thread ended", cairn_notify_bind(n2), 0);
    /* A bound notification lives on without handles: the binding holds it. */
    cairn_handle_close(n2);
    cairn_handle_close(wait_only);
    expect_ret("unbind through a closed handle", cairn_notify_unbind(n2), -CAIRN_EBADH);
    cairn_handle_close(n1);
    cairn_handle_close(signal_only);
    cairn_handle_close(ep);
    {
        long n3 = cairn_notify_create();
        expect_ret("bind while the closed one is bound", cairn_notify_bind(n3), -CAIRN_EBUSY);
        cairn_handle_close(n3);
    }
    /* -1 unbinds whatever is bound, and the notification goes with it. */
    expect_ret("unbind -1", cairn_notify_unbind(-1), 0);
    expect_ret("unbind -1 with nothing bound", cairn_notify_unbind(-1), -CAIRN_ENOENT);
    expect_stats(&before, "after the bindings");
}

/* A thread that binds a notification, gives up its handle and ends. */
static long
bind_close_and_end(void *arg)
{
    long n = cairn_notify_create();

    (void)arg;
    if (n < 0 || cairn_notify_bind(n) != 0)
        return 1;
    cairn_handle_close(n);
    return 0;
}

static void
a_thread_that_ends_releases_its_binding(void)
{
    struct cairn_debug_stats before = stats_now();
    struct test_thread t;
    int64_t status = -1;

    test_thread_start(&t, bind_close_and_end, NULL);
    expect_ret("join", test_thread_join(&t, HANG_NS, &status), 0);
    test_thread_free(&t);
    if (status != 0)
        test_fail("the thread could not bind (%ld)", (long)status);
    expect_stats(&before, "after the bound thread ended");
}

/* A server that answers after a while, so a call waits for its reply. */
static long
answer_slowly(void *arg)
{
    long ep = *(long *)arg;
    struct cairn_msg m = {{0}, NULL};
    long err = cairn_ipc_recv(ep, &m, HANG_NS, NULL);

    if (err)
        return err;
    cairn_thread_sleep(30 * MS_NS);
    m.w[0]++;
    return cairn_ipc_reply(&m);
}

/* Only receives end for the bits: a call (or a sleep) of a bound thread
 * runs its course, and the bits wait for the next receive. */
static void
a_bound_thread_s_call_is_not_cut_short_by_its_bits(void)
{
    static long ep;
    static struct late_signal s;
    struct test_thread server, signaller;
    long ntfn = cairn_notify_create();
    struct cairn_msg m = {{41}, NULL};
    uint64_t badge;
    int64_t status = -1;

    ep = cairn_endpoint_create();
    expect_ret("bind", cairn_notify_bind(ntfn), 0);
    test_thread_start(&server, answer_slowly, &ep);
    s = (struct late_signal){ntfn, 32};
    test_thread_start(&signaller, signal_after_a_while, &s);
    expect_ret("a call while bits arrive", cairn_ipc_call(ep, &m), 0);
    if (m.w[0] != 42)
        test_fail("the reply said %lu", (unsigned long)m.w[0]);
    expect_ret("join the signaller", test_thread_join(&signaller, HANG_NS, NULL), 0);
    expect_ret("join the server", test_thread_join(&server, HANG_NS, &status), 0);
    expect_ret("the server", status, 0);
    expect_ret("the bits wait for a receive", cairn_ipc_recv(ep, &m, 0, &badge),
               CAIRN_IPC_NOTIFIED);
    if (badge != 32)
        test_fail("the receive gave bits %#lx", (unsigned long)badge);
    expect_ret("unbind", cairn_notify_unbind(ntfn), 0);
    test_thread_free(&server);
    test_thread_free(&signaller);
    cairn_handle_close(ntfn);
    cairn_handle_close(ep);
}

/* A bound server killed while it waits in its receive. */
static void
a_bound_server_killed_in_its_receive_leaves_nothing(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), ntfn = cairn_notify_create(), extra[2], child;
    uint64_t bits;

    extra[0] = ep;
    extra[1] = ntfn;
    child = test_spawn("test-ipcwait", CHILD_BOUND_SERVER, extra, 2);
    if (child < 0)
        return;
    /* Once the child has bound it, our notify_wait on it is refused. */
    {
        uint64_t t0 = cairn_clock_get();
        long err = -CAIRN_ETIMEDOUT;

        while (err == -CAIRN_ETIMEDOUT && cairn_clock_get() - t0 < HANG_NS) {
            err = cairn_notify_wait(ntfn, 0, &bits);
            if (err == -CAIRN_ETIMEDOUT)
                cairn_thread_sleep(MS_NS);
        }
        expect_ret("the child has bound the notification", err, -CAIRN_EBUSY);
    }
    expect_ret("kill the bound server", cairn_process_kill(child), 0);
    expect_ret("wait for it", cairn_process_wait(child, HANG_NS, NULL), 0);
    cairn_handle_close(child);
    /* Its end unbound the notification: ours to wait on again. */
    cairn_notify_signal(ntfn, 2);
    expect_ret("wait on it", cairn_notify_wait(ntfn, 0, &bits), 0);
    cairn_handle_close(ntfn);
    cairn_handle_close(ep);
    expect_stats(&before, "after the bound server");
}

/* --- exit notices -------------------------------------------------------------------------- */

#define CHILDREN      100
#define CHILDREN_LIVE 12

struct watched {
    long handle;
    unsigned index;
};

/* A child for index i: most exit with CHILD_EXIT_WITH + i; every seventh
 * hangs and is killed. */
static long
spawn_watched(long ntfn, unsigned i, struct watched *w)
{
    uint64_t mode = i % 7 == 3 ? CHILD_HANG : CHILD_EXIT_WITH + i;
    long child = test_spawn("test-ipcwait", mode, NULL, 0);

    if (child < 0)
        return child;
    w->handle = child;
    w->index = i;
    expect_ret("watch a child", cairn_process_watch(child, ntfn, 1ull << (i % 64)), 0);
    if (mode == CHILD_HANG)
        expect_ret("kill the hanging child", cairn_process_kill(child), 0);
    return 0;
}

static void
a_supervisor_learns_of_a_hundred_exits_through_one_notification(void)
{
    struct cairn_debug_stats before = stats_now();
    struct watched live[CHILDREN_LIVE];
    unsigned nlive = 0, next = 0, ended = 0, killed = 0;
    long ntfn = cairn_notify_create();
    uint64_t bits;

    while (ended < CHILDREN && !test_has_failed()) {
        while (nlive < CHILDREN_LIVE && next < CHILDREN && !test_has_failed()) {
            if (spawn_watched(ntfn, next, &live[nlive]) == 0)
                nlive++;
            next++;
        }
        if (test_has_failed())
            break;
        if (cairn_notify_wait(ntfn, 10000 * MS_NS, &bits) != 0) {
            test_fail("no exit notice with %u children ended, %u live", ended, nlive);
            break;
        }
        /* Bits are shared by children i, i + 64, ...: ask each that has one. */
        for (unsigned j = 0; j < nlive;) {
            int64_t status = 0;

            if (!(bits & (1ull << (live[j].index % 64))) ||
                cairn_process_wait(live[j].handle, 0, &status) != 0) {
                j++;
                continue;
            }
            if (status == CAIRN_STATUS_KILLED)
                killed++;
            else if (status != (int64_t)live[j].index)
                test_fail("child %u ended with %ld", live[j].index, (long)status);
            cairn_handle_close(live[j].handle);
            live[j] = live[--nlive];
            ended++;
        }
    }
    if (killed != (CHILDREN + 3) / 7)
        test_fail("%u killed children reported, %u expected", killed, (CHILDREN + 3) / 7);
    for (unsigned j = 0; j < nlive; j++) {
        cairn_process_kill(live[j].handle);
        cairn_process_wait(live[j].handle, HANG_NS, NULL);
        cairn_handle_close(live[j].handle);
    }
    cairn_handle_close(ntfn);
    expect_stats(&before, "after a hundred children");
}

static void
process_watch_checks_its_inputs_and_keeps_nothing_alive(void)
{
    struct cairn_debug_stats before = stats_now();
    long ntfn = cairn_notify_create(), child = test_spawn("test-ipcwait", CHILD_HANG, NULL, 0);
    long no_wait = cairn_handle_dup(child, CAIRN_RIGHT_READ);
    long no_signal = cairn_handle_dup(ntfn, CAIRN_RIGHT_WAIT), other, many[64];
    uint64_t bits = 0;
    int64_t status = 0;

    if (child < 0)
        return;
    expect_ret("watch a closed handle", cairn_process_watch(0x7ffffff, ntfn, 1), -CAIRN_EBADH);
    expect_ret("watch through a notification", cairn_process_watch(ntfn, ntfn, 1),
               -CAIRN_EWRONGTYPE);
    expect_ret("signal a process", cairn_process_watch(child, child, 1), -CAIRN_EWRONGTYPE);
    expect_ret("watch without WAIT", cairn_process_watch(no_wait, ntfn, 1), -CAIRN_ERIGHTS);
    expect_ret("watch into a notification without SIGNAL", cairn_process_watch(child, no_signal, 1),
               -CAIRN_ERIGHTS);
    expect_ret("withdraw a watch that is not there", cairn_process_watch(child, ntfn, 0),
               -CAIRN_ENOENT);

    /* One watch per notification: a second call adds bits; bits 0 withdraws. */
    expect_ret("watch", cairn_process_watch(child, ntfn, 1), 0);
    expect_ret("watch again", cairn_process_watch(child, ntfn, 2), 0);
    other = cairn_notify_create();
    expect_ret("watch through another notification", cairn_process_watch(child, other, 4), 0);
    expect_ret("withdraw that one", cairn_process_watch(child, other, 0), 0);
    /* A notification that goes takes its watches with it. */
    expect_ret("watch through it again", cairn_process_watch(child, other, 4), 0);
    cairn_handle_close(other);
    /* At most 64 watches on one process. */
    for (int i = 0; i < 64; i++)
        many[i] = cairn_notify_create();
    for (int i = 0; i < 63; i++)
        expect_ret("watch through one of many", cairn_process_watch(child, many[i], 1), 0);
    expect_ret("the 65th watch", cairn_process_watch(child, many[63], 1), -CAIRN_ENOMEM);
    for (int i = 0; i < 64; i++)
        cairn_handle_close(many[i]);
    expect_ret("nothing yet", cairn_notify_wait(ntfn, 0, &bits), -CAIRN_ETIMEDOUT);

    expect_ret("kill the child", cairn_process_kill(child), 0);
    expect_ret("the notice of its end", cairn_notify_wait(ntfn, HANG_NS, &bits), 0);
    if (bits != 3)
        test_fail("the end set bits %#lx", (unsigned long)bits);
    expect_ret("it has ended", cairn_process_wait(child, 0, &status), 0);
    /* An ended process signals a new watch at once. */
    expect_ret("watch an ended process", cairn_process_watch(child, ntfn, 1ull << 63), 0);
    expect_ret("at once", cairn_notify_wait(ntfn, 0, &bits), 0);
    if (bits != 1ull << 63)
        test_fail("the late watch set bits %#lx", (unsigned long)bits);
    cairn_handle_close(no_wait);
    cairn_handle_close(no_signal);

    /* A watch keeps neither side alive: a child watched and let go. */
    {
        long c2 = test_spawn("test-ipcwait", CHILD_HANG, NULL, 0);
        if (c2 >= 0) {
            expect_ret("watch a second child", cairn_process_watch(c2, ntfn, 1), 0);
            cairn_handle_close(ntfn);
            expect_ret("kill it after its notification went", cairn_process_kill(c2), 0);
            expect_ret("wait for it", cairn_process_wait(c2, HANG_NS, NULL), 0);
            cairn_handle_close(c2);
        }
    }
    cairn_handle_close(child);
    expect_stats(&before, "after the watches");
}

/* Waits until every bit of want has come through ntfn (5 s at most). */
static uint64_t
collect_bits(long ntfn, uint64_t want)
{
    uint64_t got = 0, bits, t0 = cairn_clock_get();

    while ((got & want) != want && cairn_clock_get() - t0 < HANG_NS) {
        if (cairn_notify_wait(ntfn, 100 * MS_NS, &bits) == 0)
            got |= bits;
    }
    return got;
}

static long
return_five(void *arg)
{
    (void)arg;
    return 5;
}

static long
return_six_when_told(void *arg)
{
    uint64_t bits;

    return cairn_notify_wait(*(long *)arg, HANG_NS, &bits) == 0 ? 6 : -1;
}

static void
threads_tell_of_their_ends_through_thread_watch(void)
{
    static long go;
    static uint64_t never_stack[64];
    struct cairn_debug_stats before =
        (go = 0, memset(never_stack, 0, sizeof(never_stack)), stats_now());
    struct test_thread a, b;
    long ntfn = cairn_notify_create(), never, read_only, child, stranger;
    int64_t status = 0;
    uint64_t got;

    go = cairn_notify_create();
    test_thread_start(&a, return_five, NULL);
    test_thread_start(&b, return_six_when_told, &go);
    never = cairn_thread_create_fn(CAIRN_INIT_HANDLE_PROCESS, return_five, NULL, &never_stack[64],
                                   CAIRN_PRIORITY_DEFAULT);
    read_only = cairn_handle_dup(b.handle, CAIRN_RIGHT_READ);
    expect_ret("watch a process as a thread",
               cairn_thread_watch(CAIRN_INIT_HANDLE_PROCESS, ntfn, 1), -CAIRN_EWRONGTYPE);
    expect_ret("watch without WAIT", cairn_thread_watch(read_only, ntfn, 1), -CAIRN_ERIGHTS);
    expect_ret("withdraw no watch", cairn_thread_watch(b.handle, ntfn, 0), -CAIRN_ENOENT);
    expect_ret("watch into a thread", cairn_thread_watch(b.handle, b.handle, 1), -CAIRN_EWRONGTYPE);

    /* A may have ended already: then its watch fires at once. */
    expect_ret("watch a", cairn_thread_watch(a.handle, ntfn, 1), 0);
    expect_ret("watch b", cairn_thread_watch(b.handle, ntfn, 2), 0);
    expect_ret("watch a thread never started", cairn_thread_watch(never, ntfn, 4), 0);
    got = collect_bits(ntfn, 1);
    if (got != 1)
        test_fail("a's end set bits %#lx", (unsigned long)got);
    expect_ret("a has ended", cairn_thread_wait(a.handle, 0, &status), 0);
    expect_ret("a's status", status, 5);
    cairn_notify_signal(go, 1);
    got = collect_bits(ntfn, 2);
    if (got != 2)
        test_fail("b's end set bits %#lx", (unsigned long)got);
    expect_ret("b has ended", cairn_thread_wait(b.handle, 0, &status), 0);
    expect_ret("b's status", status, 6);
    /* A thread that never ran ends when it goes. */
    cairn_handle_close(never);
    if (collect_bits(ntfn, 4) != 4)
        test_fail("the unstarted thread's end was not told");

    /* A thread that never ran, in a process that is killed: its end comes
     * under the process's lock. */
    child = test_spawn("test-ipcwait", CHILD_HANG, NULL, 0);
    stranger = child < 0 ? child : cairn_thread_create(child, 0x400000, 0, 0, 16);
    expect_ret("a thread in the child", stranger < 0 ? stranger : 0, 0);
    expect_ret("watch it", cairn_thread_watch(stranger, ntfn, 8), 0);
    expect_ret("kill the child", cairn_process_kill(child), 0);
    if (collect_bits(ntfn, 8) != 8)
        test_fail("the killed child's unstarted thread's end was not told");
    expect_ret("it has ended", cairn_thread_wait(stranger, 0, &status), 0);
    expect_ret("with the child's status", status, CAIRN_STATUS_KILLED);
    cairn_process_wait(child, HANG_NS, NULL);

    test_thread_join(&a, 0, NULL);
    test_thread_join(&b, 0, NULL);
    test_thread_free(&a);
    test_thread_free(&b);
    cairn_handle_close(stranger);
    cairn_handle_close(child);
    cairn_handle_close(read_only);
    cairn_handle_close(go);
    cairn_handle_close(ntfn);
    expect_stats(&before, "after the thread watches");
}

/* --- deferred replies ---------------------------------------------------------------------- */

#define HELD   3
#define SERVED 10

/* A client thread: one call through a badged handle, the answer kept. */
struct held_client {
    long ep;
    uint64_t word;
    long result;
    uint64_t answer;
    struct cairn_msg_ext ext;
    char buf[32];
};

static long
call_once(void *arg)
{
    struct held_client *c = arg;
    struct cairn_msg m = {{c->word}, &c->ext};

    memset(&c->ext, 0, sizeof(c->ext));
    c->ext.recv_buf = (uint64_t)(uintptr_t)c->buf;
    c->ext.recv_cap = sizeof(c->buf);
    c->result = cairn_ipc_call(c->ep, &m);
    c->answer = m.w[0];
    return 0;
}

/* SERVED sequential calls, each answered with word + 1. */
static long
call_served(void *arg)
{
    struct held_client *c = arg;

    c->result = 0;
    for (int i = 0; i < SERVED; i++) {
        struct cairn_msg m = {{(uint64_t)i}, NULL};
        if (cairn_ipc_call(c->ep, &m) != 0 || m.w[0] != (uint64_t)i + 1)
            c->result++;
    }
    return 0;
}

static void
replies_are_kept_across_other_calls_and_answered_in_reverse(void)
{
    static struct held_client held[HELD], fast;
    struct cairn_debug_stats before =
        (memset(held, 0, sizeof(held)), memset(&fast, 0, sizeof(fast)), stats_now());
    struct test_thread ht[HELD], ft;
    long ep = cairn_endpoint_create(), replies[HELD], gift = cairn_notify_create();
    uint64_t words[HELD];
    unsigned nheld = 0, served = 0;
    uint64_t badge;
    struct cairn_handle_info info;

    for (int i = 0; i < HELD; i++) {
        held[i] = (struct held_client){0};
        held[i].ep = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 1);
        held[i].word = 100 + (uint64_t)i;
        held[i].result = 1;
        test_thread_start(&ht[i], call_once, &held[i]);
    }
    fast.ep = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 2);
    test_thread_start(&ft, call_served, &fast);
    while ((nheld < HELD || served < SERVED) && !test_has_failed()) {
        struct cairn_msg m = {{0}, NULL};
        long r = cairn_ipc_recv(ep, &m, HANG_NS, &badge);

        if (r != 0) {
            test_fail("recv returned %ld with %u held, %u served", r, nheld, served);
            break;
        }
        if (badge == 1) {
            replies[nheld] = cairn_ipc_reply_save();
            if (replies[nheld] < 0) {
                test_fail("reply_save returned %ld", replies[nheld]);
                break;
            }
            words[nheld++] = m.w[0]; /* whose it is */
            expect_ret("reply_save with no caller left", cairn_ipc_reply_save(), -CAIRN_ENOENT);
            expect_ret("ipc_reply with no caller left", cairn_ipc_reply(&m), -CAIRN_ENOENT);
        } else {
            m.w[0]++;
            expect_ret("serve a call", cairn_ipc_reply(&m), 0);
            served++;
        }
    }
    expect_ret("join the served client", test_thread_join(&ft, HANG_NS, NULL), 0);
    expect_ret("the served calls", fast.result, 0);
    expect_ret("info on a reply handle", cairn_handle_info(replies[0], &info), 0);
    if (info.type != CAIRN_OBJ_REPLY || info.rights != (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER))
        test_fail("a reply handle is type %u with rights %#x", info.type, info.rights);
    /* Answer in reverse order; the first answered carries bytes and a handle. */
    for (int i = (int)nheld - 1; i >= 0; i--) {
        struct cairn_msg_ext ext = {0};
        struct cairn_msg m = {{words[i] + 1000}, NULL};

        if (i == (int)nheld - 1) {
            ext.send_buf = (uint64_t)(uintptr_t) "deferred";
            ext.send_len = 9;
            ext.send_nhandles = 1;
            ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)gift, CAIRN_RIGHTS_SAME,
                                                            CAIRN_MSG_HANDLE_MOVE, 0};
            m.ext = &ext;
        }
        expect_ret("answer a kept reply", cairn_ipc_reply_to(replies[i], &m), 0);
        expect_ret("answer it twice", cairn_ipc_reply_to(replies[i], &m), -CAIRN_ENOENT);
        cairn_handle_close(replies[i]);
    }
    for (int i = 0; i < HELD; i++) {
        expect_ret("join a kept client", test_thread_join(&ht[i], HANG_NS, NULL), 0);
        test_thread_free(&ht[i]);
        expect_ret("a kept call", held[i].result, 0);
        if (held[i].answer != held[i].word + 1000)
            test_fail("client %d sent %lu and got %lu", i, (unsigned long)held[i].word,
                      (unsigned long)held[i].answer);
        if (held[i].ext.recv_len == 9) {
            if (strcmp(held[i].buf, "deferred") || held[i].ext.recv_nhandles != 1)
                test_fail("the bytes said %s with %u handles", held[i].buf,
                          held[i].ext.recv_nhandles);
            else
                cairn_handle_close(held[i].ext.recv_handles[0]);
        }
        cairn_handle_close(held[i].ep);
    }
    test_thread_free(&ft);
    cairn_handle_close(fast.ep);
    cairn_handle_close(ep);
    expect_stats(&before, "after the kept replies");
}

/* A client thread whose call's result is recorded. */
static long
call_and_record(void *arg)
{
    struct held_client *c = arg;
    struct cairn_msg m = {{c->word}, NULL};

    c->result = cairn_ipc_call(c->ep, &m);
    c->answer = m.w[0];
    return 0;
}

static void
a_reply_dropped_or_its_server_killed_fails_the_call_with_eclosed(void)
{
    static struct held_client c;
    struct cairn_debug_stats before = (memset(&c, 0, sizeof(c)), stats_now());
    struct test_thread t;
    long ep = cairn_endpoint_create(), r, ntfn = cairn_notify_create(), extra[2], child;
    struct cairn_msg m = {{0}, NULL};
    uint64_t bits;

    /* Dropped: the handle closed unanswered. */
    c = (struct held_client){0};
    c.ep = ep;
    c.word = 5;
    c.result = 1;
    test_thread_start(&t, call_and_record, &c);
    expect_ret("receive", cairn_ipc_recv(ep, &m, HANG_NS, NULL), 0);
    r = cairn_ipc_reply_save();
    expect_ret("reply_save", r < 0 ? r : 0, 0);
    cairn_handle_close(r);
    expect_ret("join the client", test_thread_join(&t, HANG_NS, NULL), 0);
    test_thread_free(&t);
    expect_ret("the call whose reply was dropped", c.result, -CAIRN_ECLOSED);

    /* The server process killed while it holds the reply. */
    extra[0] = ep;
    extra[1] = ntfn;
    child = test_spawn("test-ipcwait", CHILD_SAVE_THEN_HANG, extra, 2);
    if (child < 0)
        return;
    c.result = 1;
    test_thread_start(&t, call_and_record, &c);
    expect_ret("the child has kept the reply", cairn_notify_wait(ntfn, HANG_NS, &bits), 0);
    expect_ret("kill the server", cairn_process_kill(child), 0);
    expect_ret("join the client", test_thread_join(&t, HANG_NS, NULL), 0);
    test_thread_free(&t);
    expect_ret("the call whose server died", c.result, -CAIRN_ECLOSED);
    cairn_process_wait(child, HANG_NS, NULL);
    cairn_handle_close(child);
    cairn_handle_close(ntfn);
    cairn_handle_close(ep);
    expect_stats(&before, "after the dropped replies");
}

static void
a_reply_kept_for_a_killed_caller_fails_cleanly(void)
{
    struct cairn_debug_stats before = stats_now();
    long ep = cairn_endpoint_create(), child, r, extra[1];
    struct cairn_msg m = {{0}, NULL};

    extra[0] = ep;
    child = test_spawn("test-ipcwait", CHILD_CALL_THEN_HANG, extra, 1);
    if (child < 0)
        return;
    expect_ret("receive the child's call", cairn_ipc_recv(ep, &m, HANG_NS, NULL), 0);
    r = cairn_ipc_reply_save();
    expect_ret("reply_save", r < 0 ? r : 0, 0);
    expect_ret("kill the caller", cairn_process_kill(child), 0);
    expect_ret("wait for it", cairn_process_wait(child, HANG_NS, NULL), 0);
    cairn_handle_close(child);
    m.w[0] = 1;
    expect_ret("answer the dead caller", cairn_ipc_reply_to(r, &m), -CAIRN_ECLOSED);
    expect_ret("answer it again", cairn_ipc_reply_to(r, &m), -CAIRN_ENOENT);
    cairn_handle_close(r);
    cairn_handle_close(ep);
    expect_stats(&before, "after the dead caller");
}

static void
a_reply_handle_moves_to_another_process_and_is_answered_there(void)
{
    static struct held_client c;
    struct cairn_debug_stats before = (memset(&c, 0, sizeof(c)), stats_now());
    struct test_thread t;
    long ep = cairn_endpoint_create(), ep2 = cairn_endpoint_create(), extra[1], child, r;
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{0}, NULL};
    int64_t status = -1;

    c = (struct held_client){0};
    c.ep = ep;
    c.word = 7;
    c.result = 1;
    test_thread_start(&t, call_and_record, &c);
    expect_ret("receive", cairn_ipc_recv(ep, &m, HANG_NS, NULL), 0);
    r = cairn_ipc_reply_save();
    expect_ret("reply_save", r < 0 ? r : 0, 0);
    /* One-shot: no copies. */
    expect_ret("dup a reply handle", cairn_handle_dup(r, CAIRN_RIGHT_SIGNAL), -CAIRN_ERIGHTS);
    ext.send_nhandles = 1;
    ext.send_handles[0] =
        (struct cairn_msg_handle){(int32_t)r, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_COPY, 0};
    m = (struct cairn_msg){{0}, &ext};
    expect_ret("send a copy", cairn_ipc_call_timed(ep2, &m, 0), -CAIRN_ERIGHTS);

    extra[0] = ep2;
    child = test_spawn("test-ipcwait", CHILD_ANSWER_FORWARDED, extra, 1);
    if (child < 0)
        return;
    ext.send_handles[0].flags = CAIRN_MSG_HANDLE_MOVE;
    m = (struct cairn_msg){{0}, &ext};
    /* A plain call: a timed one that found nobody would drop the handle. */
    expect_ret("move the reply handle to the child", cairn_ipc_call(ep2, &m), 0);
    expect_ret("the handle has left", cairn_ipc_reply_to(r, &m), -CAIRN_EBADH);
    expect_ret("join the client", test_thread_join(&t, HANG_NS, NULL), 0);
    test_thread_free(&t);
    expect_ret("the call answered by the child", c.result, 0);
    if (c.answer != 4242)
        test_fail("the client got %lu", (unsigned long)c.answer);
    expect_ret("wait for the child", cairn_process_wait(child, HANG_NS, &status), 0);
    if (status != 0)
        test_fail("the child ended with %ld", (long)status);
    cairn_handle_close(child);
    cairn_handle_close(ep);
    cairn_handle_close(ep2);
    expect_stats(&before, "after the forwarded reply");
}

static void
reply_calls_refuse_bad_input_and_lose_nothing(void)
{
    static struct held_client c;
    struct cairn_debug_stats before = (memset(&c, 0, sizeof(c)), stats_now());
    struct test_thread t;
    long ep = cairn_endpoint_create(), r, n = cairn_notify_create();
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{0}, NULL};

    expect_ret("reply_save with no caller", cairn_ipc_reply_save(), -CAIRN_ENOENT);
    expect_ret("reply_to a closed handle", cairn_ipc_reply_to(0x7ffffff, &m), -CAIRN_EBADH);
    expect_ret("reply_to handle -1", cairn_ipc_reply_to(-1, &m), -CAIRN_EBADH);
    expect_ret("reply_to an endpoint", cairn_ipc_reply_to(ep, &m), -CAIRN_EWRONGTYPE);

    c = (struct held_client){0};
    c.ep = ep;
    c.word = 1;
    c.result = 1;
    test_thread_start(&t, call_and_record, &c);
    expect_ret("receive", cairn_ipc_recv(ep, &m, HANG_NS, NULL), 0);
    r = cairn_ipc_reply_save();
    expect_ret("reply_save", r < 0 ? r : 0, 0);
    /* A failed answer leaves the reply and the handles where they were. */
    m = (struct cairn_msg){{2}, (struct cairn_msg_ext *)0x1000};
    expect_ret("an unmapped extension", cairn_ipc_reply_to(r, &m), -CAIRN_EFAULT);
    ext.send_nhandles = 2;
    ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)n, CAIRN_RIGHTS_SAME, 0, 0};
    ext.send_handles[1] = (struct cairn_msg_handle){0x7ffffff, CAIRN_RIGHTS_SAME, 0, 0};
    m.ext = &ext;
    expect_ret("a bad handle in the answer", cairn_ipc_reply_to(r, &m), -CAIRN_EBADH);
    ext.send_nhandles = 1;
    ext.send_len = 5000;
    expect_ret("too many bytes", cairn_ipc_reply_to(r, &m), -CAIRN_EINVAL);
    expect_ret("the handle stayed", cairn_notify_signal(n, 1), 0);
    m = (struct cairn_msg){{3}, NULL};
    expect_ret("the good answer", cairn_ipc_reply_to(r, &m), 0);
    expect_ret("join", test_thread_join(&t, HANG_NS, NULL), 0);
    test_thread_free(&t);
    expect_ret("the call", c.result, 0);
    if (c.answer != 3)
        test_fail("the client got %lu", (unsigned long)c.answer);
    cairn_handle_close(r);
    cairn_handle_close(n);
    cairn_handle_close(ep);
    expect_stats(&before, "after the refused answers");
}

/* With no room for the handle, reply_save fails and the thread keeps its
 * caller. Last: it grows this process's handle table for good. */
static void
a_reply_save_refused_for_want_of_memory_keeps_the_caller(void)
{
    static struct held_client c;
    long fill[1100];
    struct test_thread t;
    long ep = cairn_endpoint_create(), n = 0, q = cairn_quota_create(CAIRN_INIT_HANDLE_QUOTA, 8192);
    struct cairn_msg m = {{0}, NULL};

    c = (struct held_client){0};
    c.ep = ep;
    c.word = 10;
    c.result = 1;
    test_thread_start(&t, call_and_record, &c);
    expect_ret("receive", cairn_ipc_recv(ep, &m, HANG_NS, NULL), 0);
    /* Everything this thread makes now is charged to a small quota, which
     * runs out: a handle table can grow far (65536 slots) while a quota
     * pays, so a quota is what makes the room run out. */
    expect_ret("set_quota(8 KiB)", cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, q), 0);
    while (n < 1100 && (fill[n] = cairn_notify_create()) >= 0)
        n++;
    expect_ret("the quota is spent", n < 1100 ? fill[n] : 0, -CAIRN_ENOMEM);
    expect_ret("reply_save with no room", cairn_ipc_reply_save(), -CAIRN_ENOMEM);
    expect_ret("set_quota(back)",
               cairn_process_set_quota(CAIRN_INIT_HANDLE_PROCESS, CAIRN_INIT_HANDLE_QUOTA), 0);
    while (n > 0)
        cairn_handle_close(fill[--n]);
    cairn_handle_close(q);
    m.w[0] = 11;
    expect_ret("the caller is still ours to answer", cairn_ipc_reply(&m), 0);
    expect_ret("join", test_thread_join(&t, HANG_NS, NULL), 0);
    test_thread_free(&t);
    expect_ret("the call", c.result, 0);
    if (c.answer != 11)
        test_fail("the client got %lu", (unsigned long)c.answer);
    cairn_handle_close(ep);
}

static const struct usertest tests[] = {
    USERTEST(a_receive_ends_for_messages_and_bound_bits_and_loses_none),
    USERTEST(a_waiting_receive_is_woken_by_a_signal),
    USERTEST(binding_is_one_thread_to_one_notification),
    USERTEST(a_thread_that_ends_releases_its_binding),
    USERTEST(a_bound_thread_s_call_is_not_cut_short_by_its_bits),
    USERTEST(a_bound_server_killed_in_its_receive_leaves_nothing),
    USERTEST(a_supervisor_learns_of_a_hundred_exits_through_one_notification),
    USERTEST(process_watch_checks_its_inputs_and_keeps_nothing_alive),
    USERTEST(threads_tell_of_their_ends_through_thread_watch),
    USERTEST(replies_are_kept_across_other_calls_and_answered_in_reverse),
    USERTEST(a_reply_dropped_or_its_server_killed_fails_the_call_with_eclosed),
    USERTEST(a_reply_kept_for_a_killed_caller_fails_cleanly),
    USERTEST(a_reply_handle_moves_to_another_process_and_is_answered_there),
    USERTEST(reply_calls_refuse_bad_input_and_lose_nothing),
    USERTEST(a_reply_save_refused_for_want_of_memory_keeps_the_caller),
};

/* --- children ------------------------------------------------------------------------------ */

static long
return_at_once(void *arg)
{
    (void)arg;
    return 0;
}

/* What the tests' leak checks must not count, made once before them: the
 * page tables under four thread stacks, the handle table grown past a
 * hundred handles, the loader's page tables for a child. */
static void
warm_up(void)
{
    struct test_thread t[4];
    long h[100], child = test_spawn("test-ipcwait", CHILD_EXIT_WITH, NULL, 0);

    for (int i = 0; i < 4; i++)
        test_thread_start(&t[i], return_at_once, NULL);
    for (int i = 0; i < 4; i++) {
        test_thread_join(&t[i], HANG_NS, NULL);
        test_thread_free(&t[i]);
    }
    for (int i = 0; i < 100; i++)
        h[i] = cairn_notify_create();
    for (int i = 0; i < 100; i++)
        cairn_handle_close(h[i]);
    if (child >= 0) {
        cairn_process_wait(child, HANG_NS, NULL);
        cairn_handle_close(child);
    }
}

static int
child_main(unsigned long mode)
{
    long h = test_extra_handle(0);
    struct cairn_msg_ext ext = {0};
    struct cairn_msg m = {{77}, NULL};

    if (mode >= CHILD_EXIT_WITH)
        return (int)(mode - CHILD_EXIT_WITH);
    switch (mode) {
    case CHILD_CALL_THEN_HANG:
        cairn_ipc_call(h, &m);
        break;
    case CHILD_SAVE_THEN_HANG:
        if (cairn_ipc_recv(h, &m, HANG_NS, NULL) != 0 || cairn_ipc_reply_save() < 0)
            return 1;
        cairn_notify_signal(test_extra_handle(1), 1);
        break;
    case CHILD_BOUND_SERVER:
        if (cairn_notify_bind(test_extra_handle(1)) != 0)
            return 1;
        while (cairn_ipc_recv(h, &m, CAIRN_WAIT_FOREVER, NULL) >= 0)
            continue;
        return 2;
    case CHILD_ANSWER_FORWARDED:
        m.ext = &ext;
        if (cairn_ipc_recv(h, &m, HANG_NS, NULL) != 0 || ext.recv_nhandles != 1)
            return 1;
        m = (struct cairn_msg){{4242}, NULL};
        if (cairn_ipc_reply_to(ext.recv_handles[0], &m) != 0)
            return 2;
        m.w[0] = 0;
        return cairn_ipc_reply(&m) == 0 ? 0 : 3;
    default:
        break;
    }
    for (;;)
        cairn_thread_sleep(1000 * MS_NS);
}

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode >= CHILD_HANG)
        return child_main(mode);
    warm_up();
    return harness_run("ipcwait", tests, sizeof(tests) / sizeof(tests[0]));
}
