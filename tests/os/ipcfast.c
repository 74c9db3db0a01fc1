// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the IPC fast path and of the continuations its waits
 * leave behind (docs/ipc.md, "The fast path"), notify_wait's included: a
 * call or reply_recv of
 * words alone whose partner waits on the same CPU goes from one thread's
 * registers to the other's, and the thread that blocks there resumes either
 * straight from its syscall frame or, when the general path ends its wait,
 * through its continuation. These tests drive every pairing of the two
 * kinds of wait (the fast one and the general one, on both sides), check
 * the registers a message must carry and those it must leave alone (the
 * FPU/SSE registers included, across thousands of switches), and end
 * fast-path waits by a general reply with a handle, a general call with
 * bytes, a kill and a closed endpoint, with leak checks. A notification's
 * signal hands its bits to the waiter before it runs, over thousands of
 * rounds between CPUs, also when the wait holds the notification's last
 * reference, and a kill ends a notify_wait's continuation.
 */
#include <string.h>

#include <cairn/init.h>
#include <cairn/ipc.h>
#include <cairn/process.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "harness.h"

enum child_mode {
    CHILD_CALL_THEN_HANG = 100, /* extra 0: endpoint to call once, words only */
    CHILD_NOTIFY_WAIT = 101,    /* signal extra 1, then wait on extra 0 for ever */
};

/*
 * One raw ipc_call (nr 32) or ipc_reply_recv (nr 35) without an extension,
 * with every register it does not carry set to a known value: rbx, rbp,
 * r13, r14 and r15 from regs[0..4] (r12 is 0: no extension), xmm0..15 from
 * xin (256 bytes). Afterwards regs[0..4] hold what those registers held,
 * regs[5] holds rdi (the badge, for a receive), xout the SSE registers,
 * words the words in rsi, rdx, r10, r8, r9. Returns rax.
 */
struct raw_ipc {
    uint64_t words[5];
    uint64_t regs[6];
    const uint8_t *xin;
    uint8_t *xout;
};
long raw_ipc(long nr, long handle, struct raw_ipc *r);
__asm__(".text\n"
        ".globl raw_ipc\n"
        "raw_ipc:\n"
        "    push %rbp\n"
        "    push %rbx\n"
        "    push %r12\n"
        "    push %r13\n"
        "    push %r14\n"
        "    push %r15\n"
        "    push %rdx\n" /* r */
        "    mov %rdi, %rax\n"
        "    mov %rsi, %rdi\n"
        "    mov 88(%rdx), %rcx\n" /* xin */
        "    movdqu 0(%rcx), %xmm0\n"
        "    movdqu 16(%rcx), %xmm1\n"
        "    movdqu 32(%rcx), %xmm2\n"
        "    movdqu 48(%rcx), %xmm3\n"
        "    movdqu 64(%rcx), %xmm4\n"
        "    movdqu 80(%rcx), %xmm5\n"
        "    movdqu 96(%rcx), %xmm6\n"
        "    movdqu 112(%rcx), %xmm7\n"
        "    movdqu 128(%rcx), %xmm8\n"
        "    movdqu 144(%rcx), %xmm9\n"
        "    movdqu 160(%rcx), %xmm10\n"
        "    movdqu 176(%rcx), %xmm11\n"
        "    movdqu 192(%rcx), %xmm12\n"
        "    movdqu 208(%rcx), %xmm13\n"
        "    movdqu 224(%rcx), %xmm14\n"
        "    movdqu 240(%rcx), %xmm15\n"
        "    mov 40(%rdx), %rbx\n"
        "    mov 48(%rdx), %rbp\n"
        "    mov 56(%rdx), %r13\n"
        "    mov 64(%rdx), %r14\n"
        "    mov 72(%rdx), %r15\n"
        "    xor %r12d, %r12d\n"
        "    mov 0(%rdx), %rsi\n"
        "    mov 16(%rdx), %r10\n"
        "    mov 24(%rdx), %r8\n"
        "    mov 32(%rdx), %r9\n"
        "    mov 8(%rdx), %rdx\n"
        "    syscall\n"
        "    mov (%rsp), %rcx\n"
        "    mov %rsi, 0(%rcx)\n"
        "    mov %rdx, 8(%rcx)\n"
        "    mov %r10, 16(%rcx)\n"
        "    mov %r8, 24(%rcx)\n"
        "    mov %r9, 32(%rcx)\n"
        "    mov %rbx, 40(%rcx)\n"
        "    mov %rbp, 48(%rcx)\n"
        "    mov %r13, 56(%rcx)\n"
        "    mov %r14, 64(%rcx)\n"
        "    mov %r15, 72(%rcx)\n"
        "    mov %rdi, 80(%rcx)\n"
        "    mov 96(%rcx), %rcx\n" /* xout */
        "    movdqu %xmm0, 0(%rcx)\n"
        "    movdqu %xmm1, 16(%rcx)\n"
        "    movdqu %xmm2, 32(%rcx)\n"
        "    movdqu %xmm3, 48(%rcx)\n"
        "    movdqu %xmm4, 64(%rcx)\n"
        "    movdqu %xmm5, 80(%rcx)\n"
        "    movdqu %xmm6, 96(%rcx)\n"
        "    movdqu %xmm7, 112(%rcx)\n"
        "    movdqu %xmm8, 128(%rcx)\n"
        "    movdqu %xmm9, 144(%rcx)\n"
        "    movdqu %xmm10, 160(%rcx)\n"
        "    movdqu %xmm11, 176(%rcx)\n"
        "    movdqu %xmm12, 192(%rcx)\n"
        "    movdqu %xmm13, 208(%rcx)\n"
        "    movdqu %xmm14, 224(%rcx)\n"
        "    movdqu %xmm15, 240(%rcx)\n"
        "    pop %rdx\n"
        "    pop %r15\n"
        "    pop %r14\n"
        "    pop %r13\n"
        "    pop %r12\n"
        "    pop %rbx\n"
        "    pop %rbp\n"
        "    ret\n");
_Static_assert(__builtin_offsetof(struct raw_ipc, regs) == 40, "raw_ipc's layout");
_Static_assert(__builtin_offsetof(struct raw_ipc, xin) == 88, "raw_ipc's layout");
_Static_assert(__builtin_offsetof(struct raw_ipc, xout) == 96, "raw_ipc's layout");

#define NR_CALL       32
#define NR_REPLY_RECV 35

static uint64_t
mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x9e3779b97f4a7c15ull;
    return x ^ (x >> 29);
}

/* A thread's own values for the registers a message leaves alone. */
struct regs_pattern {
    uint64_t regs[5];
    uint8_t xmm[256];
};

static void
pattern_fill(struct regs_pattern *p, uint64_t seed)
{
    for (unsigned i = 0; i < 5; i++)
        p->regs[i] = mix(seed + i);
    for (unsigned i = 0; i < sizeof(p->xmm); i += 8) {
        uint64_t v = mix(seed * 977 + i);
        memcpy(&p->xmm[i], &v, 8);
    }
}

/* Fails unless r came back with p's values. Returns whether it did. */
static int
pattern_kept(const char *who, const struct regs_pattern *p, const struct raw_ipc *r, unsigned round)
{
    for (unsigned i = 0; i < 5; i++) {
        if (r->regs[i] != p->regs[i]) {
            test_fail("%s, round %u: callee-saved register %u is %#llx, not %#llx", who, round, i,
                      (unsigned long long)r->regs[i], (unsigned long long)p->regs[i]);
            return 0;
        }
    }
    if (memcmp(r->xout, p->xmm, sizeof(p->xmm)) != 0) {
        test_fail("%s, round %u: the SSE registers changed across the call", who, round);
        return 0;
    }
    return 1;
}

/* --- a raw server: reply_recv with words alone, checking its registers ----------------- */

#define RAW_STOP 0x5703ull /* a call whose word 0 is this ends the server (after its reply) */

struct raw_server {
    long ep;
    uint64_t seed;
    uint64_t badge_seen; /* the badge of the last message */
    long served;
    long truncated; /* receives that had no room for bytes or handles */
    long result;    /* 0, or the failing call's code */
};

static long
raw_serve(void *arg)
{
    struct raw_server *s = arg;
    static __thread struct regs_pattern p;
    static __thread uint8_t xout[256];
    struct cairn_msg m = {{0}, NULL};
    struct raw_ipc r;
    uint64_t badge = 0;
    long err;

    pattern_fill(&p, s->seed);
    /* The first message through the general receive; each later one
     * through reply_recv, words alone: the fast path when it can. */
    err = cairn_ipc_recv(s->ep, &m, CAIRN_WAIT_FOREVER, &badge);
    if (err < 0)
        return s->result = err;
    memcpy(r.words, m.w, sizeof(r.words));
    s->badge_seen = badge;
    for (unsigned round = 0;; round++) {
        int stop = r.words[0] == RAW_STOP;

        for (unsigned i = 0; i < 5; i++)
            r.words[i] = ~r.words[i];
        memcpy(r.regs, p.regs, sizeof(p.regs));
        r.xin = p.xmm;
        r.xout = xout;
        if (stop) {
            m = (struct cairn_msg){{r.words[0], r.words[1], r.words[2], r.words[3], r.words[4]},
                                   NULL};
            return s->result = cairn_ipc_reply(&m);
        }
        s->served++;
        err = raw_ipc(NR_REPLY_RECV, s->ep, &r);
        if (err == CAIRN_MSG_TRUNCATED)
            s->truncated++;
        else if (err != 0)
            return s->result = err;
        if (!pattern_kept("server", &p, &r, round))
            return s->result = -CAIRN_EINVAL;
        s->badge_seen = r.regs[5];
    }
}

/* Calls through h `rounds` times with words drawn from seed, checking the
 * reply (each word inverted) and this thread's registers. Returns the
 * number of good rounds. */
static unsigned
raw_client_rounds(long h, uint64_t seed, unsigned rounds)
{
    static __thread struct regs_pattern p;
    static __thread uint8_t xout[256];
    struct raw_ipc r;

    pattern_fill(&p, seed);
    for (unsigned round = 0; round < rounds; round++) {
        uint64_t sent[5];
        long err;

        for (unsigned i = 0; i < 5; i++)
            sent[i] = r.words[i] = mix(seed ^ (round * 5 + i));
        if (sent[0] == RAW_STOP)
            sent[0] = r.words[0] = 0;
        memcpy(r.regs, p.regs, sizeof(p.regs));
        r.xin = p.xmm;
        r.xout = xout;
        err = raw_ipc(NR_CALL, h, &r);
        if (err != 0) {
            test_fail("call %u returned %ld", round, err);
            return round;
        }
        for (unsigned i = 0; i < 5; i++) {
            if (r.words[i] != ~sent[i]) {
                test_fail("call %u: reply word %u is %#llx, not %#llx", round, i,
                          (unsigned long long)r.words[i], (unsigned long long)~sent[i]);
                return round;
            }
        }
        if (!pattern_kept("client", &p, &r, round))
            return round;
    }
    return rounds;
}

static void
raw_stop(long h)
{
    struct cairn_msg m = {{RAW_STOP, 0, 0, 0, 0}, NULL};

    expect_ret("the stop call", cairn_ipc_call(h, &m), 0);
}

struct raw_client {
    long h;
    uint64_t seed;
    unsigned rounds, good;
};

static long
raw_client_thread(void *arg)
{
    struct raw_client *c = arg;

    c->good = raw_client_rounds(c->h, c->seed, c->rounds);
    return 0;
}

/* A raw server and a raw client thread, both on CPU cpu (so that every
 * message can take the fast path) or both anywhere (-1). */
static void
raw_round_trips(int cpu, unsigned rounds)
{
    struct cairn_debug_stats before = stats_settled();
    static struct raw_server s;
    static struct raw_client c;
    struct test_thread ts, tc;
    long ep = cairn_endpoint_create(), badged;

    s = (struct raw_server){.ep = ep, .seed = 0x5e4e4 + (uint64_t)cpu};
    badged = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0xbad9e);
    if (ep < 0 || badged < 0) {
        test_fail("endpoint_create %ld, handle_mint %ld", ep, badged);
        return;
    }
    c = (struct raw_client){.h = badged, .seed = 0xc11e47 + (uint64_t)cpu, .rounds = rounds};
    if (test_thread_start_on(&ts, raw_serve, &s, cpu) < 0 ||
        test_thread_start_on(&tc, raw_client_thread, &c, cpu) < 0)
        return;
    expect_ret("the client ends", test_thread_join(&tc, 60000 * MS_NS, NULL), 0);
    expect_ret("good rounds", c.good, rounds);
    if (s.badge_seen != 0xbad9e)
        test_fail("the server saw badge %#llx", (unsigned long long)s.badge_seen);
    raw_stop(badged);
    expect_ret("the server ends", test_thread_join(&ts, 5000 * MS_NS, NULL), 0);
    expect_ret("the server's result", s.result, 0);
    test_thread_free(&tc);
    test_thread_free(&ts);
    cairn_handle_close(badged);
    cairn_handle_close(ep);
    expect_stats(&before, "after the round trips");
}

static void
words_and_badge_cross_the_fast_path_and_other_registers_stay(void)
{
    raw_round_trips(0, 5000);
}

static void
fpu_registers_stay_with_their_thread_on_any_cpu(void)
{
    raw_round_trips(-1, 5000);
}

/* --- the general path ending fast-path waits ---------------------------------------------- */

/* A server of the general kind: every receive and reply with an
 * extension; each reply carries a new notification handle (moved) and 8
 * bytes, which a caller without an extension has no room for. */
struct ext_server {
    long ep;
    long result;
    uint64_t badge_seen;
    uint32_t last_len;
};

static long
ext_serve(void *arg)
{
    struct ext_server *s = arg;
    static char buf[64];
    struct cairn_msg_ext ext;
    struct cairn_msg m = {{0}, &ext};
    uint64_t badge = 0;
    long err;

    memset(&ext, 0, sizeof(ext));
    ext.recv_buf = (uint64_t)(uintptr_t)buf;
    ext.recv_cap = sizeof(buf);
    err = cairn_ipc_recv(s->ep, &m, CAIRN_WAIT_FOREVER, &badge);
    while (err >= 0) {
        int stop = m.w[0] == RAW_STOP;
        long n = cairn_notify_create();

        s->badge_seen = badge;
        s->last_len = ext.recv_len;
        if (n < 0)
            return s->result = n;
        for (unsigned i = 0; i < 5; i++)
            m.w[i] = ~m.w[i];
        memset(&ext, 0, sizeof(ext));
        ext.send_buf = (uint64_t)(uintptr_t) "8 bytes";
        ext.send_len = 8;
        ext.send_nhandles = 1;
        ext.send_handles[0] =
            (struct cairn_msg_handle){n, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
        ext.recv_buf = (uint64_t)(uintptr_t)buf;
        ext.recv_cap = sizeof(buf);
        if (stop) {
            cairn_handle_close(n);
            ext.send_len = 0;
            ext.send_nhandles = 0;
            return s->result = cairn_ipc_reply(&m);
        }
        err = cairn_ipc_reply_recv(s->ep, &m, &badge);
    }
    return s->result = err;
}

static void
a_fast_caller_answered_by_a_general_reply_gets_its_words_and_loses_the_rest(void)
{
    struct cairn_debug_stats before = stats_settled();
    static struct ext_server s;
    static struct regs_pattern p;
    static uint8_t xout[256];
    struct test_thread t;
    long ep = cairn_endpoint_create();
    struct raw_ipc r;

    s = (struct ext_server){.ep = ep};
    /* This thread calls; the server shares its CPU, so the calls take the
     * fast path into the server's general receive. */
    if (test_thread_start_on(&t, ext_serve, &s, 0) < 0)
        return;
    pattern_fill(&p, 77);
    for (unsigned round = 0; round < 200; round++) {
        long err;

        for (unsigned i = 0; i < 5; i++)
            r.words[i] = round * 8 + i;
        memcpy(r.regs, p.regs, sizeof(p.regs));
        r.xin = p.xmm;
        r.xout = xout;
        err = raw_ipc(NR_CALL, ep, &r);
        /* The handle and the bytes had nowhere to go: dropped, and said. */
        if (err != CAIRN_MSG_TRUNCATED) {
            test_fail("call %u returned %ld, not CAIRN_MSG_TRUNCATED", round, err);
            break;
        }
        if (r.words[0] != ~(uint64_t)(round * 8) || r.words[4] != ~(uint64_t)(round * 8 + 4)) {
            test_fail("call %u: reply words %#llx .. %#llx", round, (unsigned long long)r.words[0],
                      (unsigned long long)r.words[4]);
            break;
        }
        if (!pattern_kept("caller", &p, &r, round))
            break;
    }
    raw_stop(ep);
    expect_ret("the server ends", test_thread_join(&t, 5000 * MS_NS, NULL), 0);
    expect_ret("the server's result", s.result, 0);
    test_thread_free(&t);
    cairn_handle_close(ep);
    expect_stats(&before, "after the dropped handles");
}

static void
a_fast_receiver_takes_a_general_call_with_bytes_and_a_handle(void)
{
    struct cairn_debug_stats before = stats_settled();
    static struct raw_server s;
    struct test_thread t;
    long ep = cairn_endpoint_create(), badged = cairn_handle_mint(ep, CAIRN_RIGHT_SIGNAL, 0x9e4);
    static char reply_buf[64];

    s = (struct raw_server){.ep = ep, .seed = 5};
    if (test_thread_start_on(&t, raw_serve, &s, 0) < 0)
        return;
    for (unsigned round = 0; round < 200; round++) {
        struct cairn_msg_ext ext;
        struct cairn_msg m = {{round, 1, 2, 3, 4}, &ext};
        long n = cairn_notify_create(), err;

        /* Words alone first: the server then waits on the fast path. */
        if (round % 2 == 0) {
            m.ext = NULL;
            err = cairn_ipc_call(badged, &m);
        } else {
            memset(&ext, 0, sizeof(ext));
            ext.send_buf = (uint64_t)(uintptr_t) "some bytes";
            ext.send_len = 10;
            ext.send_nhandles = 1;
            ext.send_handles[0] =
                (struct cairn_msg_handle){n, CAIRN_RIGHTS_SAME, CAIRN_MSG_HANDLE_MOVE, 0};
            ext.recv_buf = (uint64_t)(uintptr_t)reply_buf;
            ext.recv_cap = sizeof(reply_buf);
            err = cairn_ipc_call(badged, &m);
            if (err == 0 && (ext.recv_len != 0 || ext.recv_nhandles != 0))
                test_fail("call %u: the reply brought %u bytes and %u handles", round, ext.recv_len,
                          ext.recv_nhandles);
        }
        if (err != 0 || m.w[0] != ~(uint64_t)round || m.w[3] != ~3ull) {
            test_fail("call %u returned %ld, word 0 %#llx", round, err, (unsigned long long)m.w[0]);
            break;
        }
        if (s.badge_seen != 0x9e4) {
            test_fail("call %u: the server saw badge %#llx", round,
                      (unsigned long long)s.badge_seen);
            break;
        }
        if (round % 2 == 0)
            cairn_handle_close(n);
    }
    raw_stop(badged);
    expect_ret("the server ends", test_thread_join(&t, 5000 * MS_NS, NULL), 0);
    /* The server's reply_recv took the calls with bytes and a handle: it
     * had no room for either, and said so. */
    expect_ret("the server's result", s.result, 0);
    expect_ret("receives that had no room", s.truncated, 100);
    test_thread_free(&t);
    cairn_handle_close(badged);
    cairn_handle_close(ep);
    expect_stats(&before, "after the general calls");
}

/* --- kills, closes and lookups racing the fast path ---------------------------------------- */

static long
child_call_thread(void *arg)
{
    struct cairn_msg m = {{1, 2, 3, 4, 5}, NULL};

    return cairn_ipc_call((long)(uintptr_t)arg, &m);
}

struct receiver {
    long ep;
    volatile int received;
    long reply_result;
};

static long
receive_then_reply_late(void *arg)
{
    struct receiver *r = arg;
    struct cairn_msg m = {{0}, NULL};
    uint64_t badge;
    long err = cairn_ipc_recv(r->ep, &m, CAIRN_WAIT_FOREVER, &badge);

    if (err < 0)
        return r->reply_result = err;
    r->received = 1;
    /* Answer only once the caller is gone (the test kills it). */
    while (r->received != 2)
        cairn_thread_sleep(MS_NS);
    return r->reply_result = cairn_ipc_reply(&m);
}

static void
a_caller_killed_in_a_fast_path_wait_ends_and_its_late_reply_is_refused(void)
{
    struct cairn_debug_stats before = stats_settled();
    static struct receiver r;
    struct test_thread t;
    long ep = cairn_endpoint_create(), extra[1], child;
    int64_t status = 0;

    r = (struct receiver){.ep = ep};
    if (test_thread_start_on(&t, receive_then_reply_late, &r, 0) < 0)
        return;
    extra[0] =
        cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    child = test_spawn("test-ipcfast", CHILD_CALL_THEN_HANG, extra, 1);
    cairn_handle_close(extra[0]);
    if (child < 0)
        return;
    for (int i = 0; i < 5000 && !r.received; i++)
        cairn_thread_sleep(MS_NS);
    if (!r.received)
        test_fail("the child's call never arrived");
    expect_ret("kill the caller", cairn_process_kill(child), 0);
    expect_ret("the caller ends", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    expect_ret("its status", status, CAIRN_STATUS_KILLED);
    r.received = 2;
    expect_ret("the receiver ends", test_thread_join(&t, 5000 * MS_NS, NULL), 0);
    expect_ret("the late reply", r.reply_result, -CAIRN_ECLOSED);
    test_thread_free(&t);
    cairn_handle_close(child);
    cairn_handle_close(ep);
    expect_stats(&before, "after the killed caller");
}

static void
a_receiver_waiting_on_the_fast_path_learns_its_endpoint_closed(void)
{
    struct cairn_debug_stats before = stats_settled();
    static struct raw_server s;
    static struct raw_client c;
    struct test_thread ts, tc;
    long ep = cairn_endpoint_create(), caller = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL);

    s = (struct raw_server){.ep = ep, .seed = 9};
    c = (struct raw_client){.h = caller, .seed = 10, .rounds = 100};
    if (test_thread_start_on(&ts, raw_serve, &s, 0) < 0 ||
        test_thread_start_on(&tc, raw_client_thread, &c, 0) < 0)
        return;
    expect_ret("the client ends", test_thread_join(&tc, 5000 * MS_NS, NULL), 0);
    expect_ret("good rounds", c.good, 100);
    /* The server now waits in its fast reply_recv; the last handle that
     * may receive goes. */
    cairn_thread_sleep(10 * MS_NS);
    cairn_handle_close(ep);
    expect_ret("the server ends", test_thread_join(&ts, 5000 * MS_NS, NULL), 0);
    expect_ret("the server's reply_recv", s.result, -CAIRN_ECLOSED);
    test_thread_free(&tc);
    test_thread_free(&ts);
    cairn_handle_close(caller);
    expect_stats(&before, "after the closed endpoint");
}

struct churn {
    long ep;
    volatile long h; /* the handle the caller uses now */
    volatile int done;
    long rounds;
};

static long
churn_handles(void *arg)
{
    struct churn *c = arg;

    while (!c->done) {
        long fresh = cairn_handle_dup(c->ep, CAIRN_RIGHT_SIGNAL), old = c->h;

        if (fresh < 0)
            return fresh;
        c->h = fresh;
        cairn_handle_close(old);
        c->rounds++;
    }
    return 0;
}

static void
a_handle_closed_while_another_cpu_calls_through_it(void)
{
    struct cairn_debug_stats before = stats_settled();
    static struct raw_server s;
    static struct churn ch;
    struct test_thread ts, tc;
    long ep = cairn_endpoint_create(), ok = 0, closed = 0;
    int64_t status = -1;

    s = (struct raw_server){.ep = ep, .seed = 11};
    ch = (struct churn){.ep = ep, .h = cairn_handle_dup(ep, CAIRN_RIGHT_SIGNAL)};
    if (test_thread_start_on(&ts, raw_serve, &s, 0) < 0 ||
        test_thread_start_on(&tc, churn_handles, &ch, before.cpu_count > 1 ? 1 : 0) < 0)
        return;
    for (unsigned i = 0; i < 20000 && !test_has_failed(); i++) {
        struct cairn_msg m = {{i, 0, 0, 0, 0}, NULL};
        long err = cairn_ipc_call(ch.h, &m);

        if (err == 0 && m.w[0] == ~(uint64_t)i)
            ok++;
        else if (err == -CAIRN_EBADH)
            closed++;
        else
            test_fail("call %u returned %ld, word 0 %#llx", i, err, (unsigned long long)m.w[0]);
    }
    ch.done = 1;
    expect_ret("the churn ends", test_thread_join(&tc, 5000 * MS_NS, &status), 0);
    expect_ret("the churn's result", status, 0);
    if (ok == 0)
        test_fail("no call got through (%ld closed under it)", closed);
    raw_stop(ch.h);
    expect_ret("the server ends", test_thread_join(&ts, 5000 * MS_NS, NULL), 0);
    expect_ret("the server's result", s.result, 0);
    test_thread_free(&tc);
    test_thread_free(&ts);
    cairn_handle_close(ch.h);
    cairn_handle_close(ep);
    expect_stats(&before, "after the handle churn");
}

/* --- notify_wait's continuation ------------------------------------------------------------- */

struct notify_once {
    long n;
    long result;
    uint64_t bits;
};

static long
notify_wait_once(void *arg)
{
    struct notify_once *w = arg;

    w->result = cairn_notify_wait(w->n, 5000 * MS_NS, &w->bits);
    return 0;
}

/* From a thread on CPU 0: starts w's wait there and returns once it has
 * blocked (a higher priority than ours makes it run first). */
static long
start_blocked_waiter(struct test_thread *tw, struct notify_once *w)
{
    if (test_thread_start_on(tw, notify_wait_once, w, 0) < 0)
        return -1;
    expect_ret("raise the waiter", cairn_thread_set_prio(tw->handle, CAIRN_PRIORITY_DEFAULT + 1),
               0);
    cairn_thread_yield(); /* it runs until it blocks in notify_wait */
    return 0;
}

/* Runs on CPU 0 with the waiter, which a lower priority keeps off the CPU
 * once signalled. */
static long
handoff_scenario(void *arg)
{
    static struct notify_once w;
    struct test_thread tw;
    long n = *(long *)arg, err;
    uint64_t bits = 0;

    w = (struct notify_once){.n = n, .result = 1};
    if (start_blocked_waiter(&tw, &w) < 0)
        return 1;
    expect_ret("lower the waiter", cairn_thread_set_prio(tw.handle, CAIRN_PRIORITY_DEFAULT - 1), 0);
    expect_ret("signal 0x1", cairn_notify_signal(n, 0x1), 0);
    /* The waiter is ready but has not run: the bits are its already. */
    err = cairn_notify_wait(n, 0, &bits);
    if (err != -CAIRN_ETIMEDOUT)
        test_fail("a poll took the waiter's bits: %ld, bits %#lx", err, (unsigned long)bits);
    expect_ret("signal 0x2", cairn_notify_signal(n, 0x2), 0);
    expect_ret("join the waiter", test_thread_join(&tw, 5000 * MS_NS, NULL), 0);
    expect_ret("the waiter's notify_wait", w.result, 0);
    if (w.bits != 0x1)
        test_fail("the waiter got %#lx, expected 0x1", (unsigned long)w.bits);
    expect_ret("the later bits stay in the word", cairn_notify_wait(n, 0, &bits), 0);
    if (bits != 0x2)
        test_fail("the word held %#lx, expected 0x2", (unsigned long)bits);
    test_thread_free(&tw);
    return 0;
}

static void
a_signal_hands_its_bits_to_the_waiter_before_it_runs(void)
{
    struct cairn_debug_stats before = stats_settled();
    static long n;
    struct test_thread t;
    int64_t status = -1;

    n = cairn_notify_create();
    if (test_thread_start_on(&t, handoff_scenario, &n, 0) < 0)
        return;
    expect_ret("the scenario ends", test_thread_join(&t, 10000 * MS_NS, &status), 0);
    expect_ret("its status", status, 0);
    test_thread_free(&t);
    cairn_handle_close(n);
    expect_stats(&before, "after the hand-off");
}

static long
wait_for_go(void *arg)
{
    volatile int *go = arg;

    while (!*go)
        cairn_thread_sleep(MS_NS);
    return 0;
}

/* On CPU 0: a thread's end, through a watch, signals a notification whose
 * only reference left is the one a waiter's wait holds; the signal cannot
 * drop it, so the waiter's resume step takes the bits and drops it. */
static long
last_reference_scenario(void *arg)
{
    static struct notify_once w;
    static volatile int go;
    struct test_thread tw, tt;
    long n = cairn_notify_create(), mine = cairn_handle_dup(n, CAIRN_RIGHT_WAIT);

    (void)arg;
    go = 0;
    w = (struct notify_once){.n = mine, .result = 1};
    if (test_thread_start(&tt, wait_for_go, (void *)&go) < 0)
        return 1;
    expect_ret("watch the thread", cairn_thread_watch(tt.handle, n, 0x4), 0);
    if (start_blocked_waiter(&tw, &w) < 0)
        return 1;
    cairn_handle_close(n);
    cairn_handle_close(mine); /* the wait holds the last reference */
    go = 1;
    expect_ret("the watched thread ends", test_thread_join(&tt, 5000 * MS_NS, NULL), 0);
    expect_ret("join the waiter", test_thread_join(&tw, 5000 * MS_NS, NULL), 0);
    expect_ret("the waiter's notify_wait", w.result, 0);
    if (w.bits != 0x4)
        test_fail("the waiter got %#lx, expected the watch's 0x4", (unsigned long)w.bits);
    test_thread_free(&tw);
    test_thread_free(&tt);
    return 0;
}

static void
a_waiter_holding_the_last_reference_gets_a_watch_signal(void)
{
    struct cairn_debug_stats before = stats_settled();
    struct test_thread t;
    int64_t status = -1;

    if (test_thread_start_on(&t, last_reference_scenario, NULL, 0) < 0)
        return;
    expect_ret("the scenario ends", test_thread_join(&t, 10000 * MS_NS, &status), 0);
    expect_ret("its status", status, 0);
    test_thread_free(&t);
    expect_stats(&before, "after the last reference");
}

#define PING_ROUNDS 20000

struct ping {
    long ping, pong;
    long bad;
};

/* Answers each bit on ping with the same bit on pong; bit 63 ends it. */
static long
pong_side(void *arg)
{
    struct ping *p = arg;

    for (;;) {
        uint64_t bits = 0;
        long err = cairn_notify_wait(p->ping, 5000 * MS_NS, &bits);

        if (err < 0)
            return err;
        if (bits == 1ull << 63)
            return 0;
        if (bits & (bits - 1))
            p->bad++; /* two signals' bits in one wait: one was lost */
        cairn_notify_signal(p->pong, bits);
    }
}

static void
notifications_ping_pong_between_cpus_without_losing_a_bit(void)
{
    struct cairn_debug_stats before = stats_settled();
    static struct ping p;
    struct test_thread t;
    int64_t status = -1;
    unsigned got = 0;

    p = (struct ping){.ping = cairn_notify_create(), .pong = cairn_notify_create()};
    if (test_thread_start_on(&t, pong_side, &p, before.cpu_count > 1 ? 1 : 0) < 0)
        return;
    for (unsigned i = 0; i < PING_ROUNDS && !test_has_failed(); i++) {
        uint64_t bit = 1ull << (i % 63), bits = 0;
        long err;

        cairn_notify_signal(p.ping, bit);
        err = cairn_notify_wait(p.pong, 5000 * MS_NS, &bits);
        if (err < 0 || bits != bit)
            test_fail("round %u: notify_wait %ld, bits %#llx, expected %#llx", i, err,
                      (unsigned long long)bits, (unsigned long long)bit);
        else
            got++;
    }
    cairn_notify_signal(p.ping, 1ull << 63);
    expect_ret("the other side ends", test_thread_join(&t, 5000 * MS_NS, &status), 0);
    expect_ret("its result", status, 0);
    expect_ret("merged signals", p.bad, 0);
    expect_ret("rounds", got, PING_ROUNDS);
    test_thread_free(&t);
    cairn_handle_close(p.ping);
    cairn_handle_close(p.pong);
    expect_stats(&before, "after the ping-pong");
}

static void
a_thread_killed_in_notify_wait_ends_and_gives_everything_back(void)
{
    struct cairn_debug_stats before = stats_settled();
    long n = cairn_notify_create(), ready = cairn_notify_create(), extra[2], child;
    int64_t status = 0;
    uint64_t bits = 0;

    extra[0] = cairn_handle_dup(n, CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    extra[1] =
        cairn_handle_dup(ready, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER);
    child = test_spawn("test-ipcfast", CHILD_NOTIFY_WAIT, extra, 2);
    cairn_handle_close(extra[0]);
    cairn_handle_close(extra[1]);
    if (child < 0)
        return;
    expect_ret("the child is about to wait", cairn_notify_wait(ready, 5000 * MS_NS, &bits), 0);
    cairn_thread_sleep(10 * MS_NS); /* most likely in the wait by now; either way it must end */
    expect_ret("kill the waiter", cairn_process_kill(child), 0);
    expect_ret("the waiter ends", cairn_process_wait(child, 5000 * MS_NS, &status), 0);
    expect_ret("its status", status, CAIRN_STATUS_KILLED);
    /* Its wait is gone from the notification: a signal now stays. */
    expect_ret("signal", cairn_notify_signal(n, 0x8), 0);
    expect_ret("the bit stayed", cairn_notify_wait(n, 0, &bits), 0);
    expect_ret("the bits", (long)bits, 0x8);
    cairn_handle_close(child);
    cairn_handle_close(ready);
    cairn_handle_close(n);
    expect_stats(&before, "after the killed waiter");
}

static const struct usertest tests[] = {
    USERTEST(words_and_badge_cross_the_fast_path_and_other_registers_stay),
    USERTEST(fpu_registers_stay_with_their_thread_on_any_cpu),
    USERTEST(a_fast_caller_answered_by_a_general_reply_gets_its_words_and_loses_the_rest),
    USERTEST(a_fast_receiver_takes_a_general_call_with_bytes_and_a_handle),
    USERTEST(a_caller_killed_in_a_fast_path_wait_ends_and_its_late_reply_is_refused),
    USERTEST(a_receiver_waiting_on_the_fast_path_learns_its_endpoint_closed),
    USERTEST(a_handle_closed_while_another_cpu_calls_through_it),
    USERTEST(a_signal_hands_its_bits_to_the_waiter_before_it_runs),
    USERTEST(a_waiter_holding_the_last_reference_gets_a_watch_signal),
    USERTEST(notifications_ping_pong_between_cpus_without_losing_a_bit),
    USERTEST(a_thread_killed_in_notify_wait_ends_and_gives_everything_back),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode == CHILD_CALL_THEN_HANG) {
        /* The call from a thread on CPU 0, where the test's receiver
         * waits, so that it takes the fast path; this thread waits. */
        static struct test_thread t;

        if (test_thread_start_on(&t, child_call_thread, (void *)(uintptr_t)test_extra_handle(0),
                                 0) < 0)
            return 1;
        test_thread_join(&t, CAIRN_WAIT_FOREVER, NULL);
        return 2;
    }
    if (mode == CHILD_NOTIFY_WAIT) {
        uint64_t bits = 0;

        cairn_notify_signal(test_extra_handle(1), 1);
        cairn_notify_wait(test_extra_handle(0), CAIRN_WAIT_FOREVER, &bits);
        return 3;
    }
    return harness_run("ipcfast", tests, sizeof(tests) / sizeof(tests[0]));
}
