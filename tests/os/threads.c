// SPDX-License-Identifier: MIT
/*
 * User-mode tests of threads: several threads in one process run in
 * parallel and take turns fairly, end with a status that thread_wait
 * delivers, time out, survive a stress of sleeping and yielding; and a
 * process with several threads ends as a whole: when killed (whatever its
 * threads are doing), when one thread calls process_exit, when one
 * faults, when its last thread exits.
 *
 * The processes that end are copies of this program (the boot module
 * test-threads) started in a victim mode: their start word
 * (cairn_start_arg) is the mode instead of CAIRN_INIT_TEST. A victim tells the test it is ready
 * through a page of memory the two share.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "harness.h"

#define PROGRAM "test-threads"
#define SECOND  (1000 * MS_NS)

static uint32_t
cpus(void)
{
    const struct cairn_bootinfo *bi = cairn_bootinfo();

    return bi && bi->cpu_count ? bi->cpu_count : 1;
}

/* --- exit statuses and waiting ------------------------------------------------------------ */

static long
return_arg(void *arg)
{
    return (long)arg;
}

static void __attribute__((noinline)) exit_from_inside(int64_t status)
{
    cairn_thread_exit(status);
}

static long
call_thread_exit(void *arg)
{
    (void)arg;
    exit_from_inside(-7);
    return 1; /* not reached */
}

static void
thread_exit_status_arrives_through_thread_wait(void)
{
    struct test_thread a, b;
    int64_t status = 0;

    test_thread_start(&a, return_arg, (void *)42);
    test_thread_start(&b, call_thread_exit, NULL);
    if (test_has_failed())
        return;
    expect_ret("thread_wait(returns 42)", cairn_thread_wait(a.handle, 5 * SECOND, &status), 0);
    if (status != 42)
        test_fail("a thread returning 42 exited with %ld", (long)status);
    /* Any number of times, as long as the handle lives. */
    status = 0;
    expect_ret("thread_wait again", cairn_thread_wait(a.handle, 0, &status), 0);
    if (status != 42)
        test_fail("the second wait gave %ld", (long)status);
    expect_ret("thread_wait(thread_exit(-7))", test_thread_join(&b, 5 * SECOND, &status), 0);
    if (status != -7)
        test_fail("a thread calling thread_exit(-7) exited with %ld", (long)status);
    expect_ret("thread_wait without status", cairn_thread_wait(a.handle, 0, NULL), 0);
    test_thread_join(&a, 0, NULL);
    test_thread_free(&a);
    test_thread_free(&b);
}

struct waiter {
    long target;
    int64_t status;
    long ret;
};

static long
wait_for_target(void *arg)
{
    struct waiter *w = arg;

    w->ret = cairn_thread_wait(w->target, 10 * SECOND, &w->status);
    return 0;
}

static long
sleep_then_return_5(void *arg)
{
    (void)arg;
    cairn_thread_sleep(100 * MS_NS);
    return 5;
}

static void
many_threads_may_wait_for_one(void)
{
    enum {
        N = 4
    };
    struct test_thread target, t[N];
    struct waiter w[N];

    test_thread_start(&target, sleep_then_return_5, NULL);
    for (int i = 0; i < N; i++) {
        w[i] = (struct waiter){.target = target.handle, .status = -1, .ret = 1};
        test_thread_start(&t[i], wait_for_target, &w[i]);
    }
    for (int i = 0; i < N; i++) {
        expect_ret("thread_wait(waiter)", test_thread_join(&t[i], 20 * SECOND, NULL), 0);
        if (w[i].ret != 0 || w[i].status != 5)
            test_fail("waiter %d: thread_wait returned %ld, status %ld", i, w[i].ret,
                      (long)w[i].status);
    }
    test_thread_join(&target, 5 * SECOND, NULL);
    test_thread_free(&target);
    for (int i = 0; i < N; i++)
        test_thread_free(&t[i]);
}

static long
wait_for_notification(void *arg)
{
    uint64_t bits = 0;

    cairn_notify_wait((long)arg, CAIRN_WAIT_FOREVER, &bits);
    return (long)bits;
}

static void
thread_wait_times_out_then_succeeds(void)
{
    long n = cairn_notify_create();
    struct test_thread t;
    int64_t status = 0;
    uint64_t start, took;

    test_thread_start(&t, wait_for_notification, (void *)n);
    if (test_has_failed())
        return;
    expect_ret("thread_wait(0)", cairn_thread_wait(t.handle, 0, &status), -CAIRN_ETIMEDOUT);
    start = cairn_clock_get();
    expect_ret("thread_wait(50 ms)", cairn_thread_wait(t.handle, 50 * MS_NS, &status),
               -CAIRN_ETIMEDOUT);
    took = cairn_clock_get() - start;
    if (took < 50 * MS_NS || took > 5 * SECOND)
        test_fail("a 50 ms time-out took %llu us", (unsigned long long)(took / 1000));
    expect_ret("notify_signal", cairn_notify_signal(n, 0x30), 0);
    expect_ret("thread_wait(5 s)", test_thread_join(&t, 5 * SECOND, &status), 0);
    if (status != 0x30)
        test_fail("the thread exited with %#lx, expected the bits 0x30", (long)status);
    test_thread_free(&t);
    cairn_handle_close(n);
}

/* --- running together ------------------------------------------------------------------ */

/* A ring of players passing a turn around; gaps are measured between a
 * turn being passed and taken. */
struct ring {
    volatile uint64_t turn;
    volatile uint64_t passed_at; /* clock when the turn was last passed */
    volatile uint32_t fast[4];   /* per player: turns taken within FAST_NS of being passed */
    uint32_t players;
    uint64_t turns; /* in all */
    uint64_t deadline;
    int yield; /* wait by yielding (one CPU), else by spinning */
};

#define FAST_NS (1 * MS_NS)

struct player {
    struct ring *ring;
    uint32_t id;
};

static long
ring_play(void *arg)
{
    struct player *pl = arg;
    struct ring *r = pl->ring;

    for (;;) {
        uint64_t turn = r->turn, spins = 0;

        while (turn % r->players != pl->id) {
            if (turn >= r->turns)
                return 0;
            if (r->yield)
                cairn_thread_yield();
            else
                __builtin_ia32_pause();
            if (++spins % 256 == 0 && cairn_clock_get() > r->deadline)
                return 1;
            turn = r->turn;
        }
        if (turn >= r->turns)
            return 0;
        uint64_t now = cairn_clock_get();
        if (turn > 0 && now - r->passed_at < FAST_NS)
            r->fast[pl->id]++;
        r->passed_at = cairn_clock_get();
        __atomic_store_n(&r->turn, turn + 1, __ATOMIC_RELEASE);
    }
}

/*
 * With several CPUs, one player per CPU (up to 4), all spinning: on one CPU
 * a spinning player keeps the CPU for a whole slice (milliseconds), so a
 * turn taken within FAST_NS of being passed proves that the player ran at
 * the same moment as the one before it. Every player must manage that a
 * few times: two players stuck on one CPU never could. (Turns are not all
 * fast: under TCG the virtual CPUs share fewer host cores.) On one CPU they
 * yield, and must all finish all the same.
 */
static void
threads_of_one_process_run_in_parallel(void)
{
    static struct ring r;
    struct player pl[4];
    struct test_thread t[4];
    uint32_t n = cpus() >= 2 ? (cpus() < 4 ? cpus() : 4) : 3;
    int64_t status;

    memset(&r, 0, sizeof(r));
    r.players = n;
    r.turns = 1000;
    r.yield = cpus() < 2;
    r.deadline = cairn_clock_get() + 60 * SECOND;
    for (uint32_t i = 0; i < n; i++) {
        pl[i] = (struct player){&r, i};
        test_thread_start(&t[i], ring_play, &pl[i]);
    }
    for (uint32_t i = 0; i < n; i++) {
        status = -1;
        test_thread_join(&t[i], 90 * SECOND, &status);
        if (status != 0)
            test_fail("player %u ended with %ld after %lu of %lu turns", i, (long)status,
                      (unsigned long)r.turn, (unsigned long)r.turns);
    }
    for (uint32_t i = 0; i < n && !r.yield; i++) {
        if (r.fast[i] < 2)
            test_fail("player %u took %u of its turns within 1 ms on %u CPUs: not in parallel", i,
                      r.fast[i], cpus());
    }
    for (uint32_t i = 0; i < n; i++)
        test_thread_free(&t[i]);
}

/* The longest time a thread went without running, seen through the clock. */
struct fairness {
    uint64_t deadline;
    uint64_t longest_gap;
    uint64_t reads;
};

static long
spin_and_watch_the_clock(void *arg)
{
    struct fairness *f = arg;
    uint64_t prev = cairn_clock_get(), now;

    while ((now = cairn_clock_get()) < f->deadline) {
        if (now - prev > f->longest_gap)
            f->longest_gap = now - prev;
        prev = now;
        f->reads++;
    }
    return 0;
}

/*
 * One more spinner than CPUs, all at the caller's priority, the caller
 * among them: round robin must give each a turn every few slices (20 ms
 * each). A thread starved for 500 ms means a spinner kept its CPU beyond
 * its slice. A loaded host can stall a virtual CPU for that long too, so
 * one clean round of three is enough; a scheduler that lets a spinner keep
 * its CPU fails every round.
 */
static int
spinners_share_one_round(uint32_t n, char *why, size_t why_size)
{
    struct fairness f[5];
    struct test_thread t[4];
    uint64_t deadline = cairn_clock_get() + 1 * SECOND;
    int fair = 1;

    for (uint32_t i = 0; i <= n; i++)
        f[i] = (struct fairness){.deadline = deadline};
    for (uint32_t i = 0; i < n; i++)
        test_thread_start(&t[i], spin_and_watch_the_clock, &f[i]);
    spin_and_watch_the_clock(&f[n]);
    for (uint32_t i = 0; i < n; i++)
        test_thread_join(&t[i], 10 * SECOND, NULL);
    for (uint32_t i = 0; i <= n && fair; i++) {
        if (f[i].reads == 0 || f[i].longest_gap > 500 * MS_NS) {
            snprintf(why, why_size, "thread %u of %u: %lu clock reads, longest gap %lu ms", i,
                     n + 1, (unsigned long)f[i].reads, (unsigned long)(f[i].longest_gap / MS_NS));
            fair = 0;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        test_thread_free(&t[i]);
    return fair;
}

static void
spinning_thread_does_not_starve_an_equal_priority_one(void)
{
    uint32_t n = cpus() < 4 ? cpus() : 4;
    char why[128] = "";

    for (int round = 0; round < 3; round++) {
        if (spinners_share_one_round(n, why, sizeof(why)))
            return;
    }
    test_fail("every round starved a thread; the last: %s", why);
}

static long
sleep_and_yield(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u;

    for (int i = 0; i < 60; i++) {
        seed = seed * 1103515245u + 12345u;
        if (seed >> 31)
            cairn_thread_sleep((seed >> 16) % 2000 * 1000); /* up to 2 ms */
        else
            cairn_thread_yield();
    }
    return (long)(uintptr_t)arg;
}

/* Lost wake-ups or a lost thread would show as a hang: every wait has a
 * time-out, and every thread must end with its own status. */
static void
many_threads_sleeping_and_yielding_all_finish(void)
{
    enum {
        N = 32
    };
    static struct test_thread t[N];
    int64_t status;

    for (long i = 0; i < N; i++)
        test_thread_start(&t[i], sleep_and_yield, (void *)i);
    for (long i = 0; i < N; i++) {
        status = -1;
        long err = test_thread_join(&t[i], 60 * SECOND, &status);
        if (err || status != i)
            test_fail("thread %ld: thread_wait returned %ld, status %ld", i, err, (long)status);
    }
    for (long i = 0; i < N; i++)
        test_thread_free(&t[i]);
}

/* --- bad arguments -------------------------------------------------------------------- */

static void
thread_calls_refuse_bad_handles_rights_and_arguments(void)
{
    const long self = CAIRN_INIT_HANDLE_PROCESS;
    long mo = cairn_memobj_create(4096, 0);
    long weak = cairn_handle_dup(self, CAIRN_RIGHT_READ | CAIRN_RIGHT_WAIT);
    long dead = cairn_process_create();
    struct test_thread t;
    int64_t status;

    expect_ret("thread_create(bad handle)", cairn_thread_create(-3, 0x400000, 0, 0, 16),
               -CAIRN_EBADH);
    expect_ret("thread_create(a memobj)", cairn_thread_create(mo, 0x400000, 0, 0, 16),
               -CAIRN_EWRONGTYPE);
    expect_ret("thread_create(no MANAGE)", cairn_thread_create(weak, 0x400000, 0, 0, 16),
               -CAIRN_ERIGHTS);
    expect_ret("thread_create(kernel entry)",
               cairn_thread_create(self, 0xffffffff80000000ul, 0, 0, 16), -CAIRN_EINVAL);
    expect_ret("thread_create(non-canonical entry)",
               cairn_thread_create(self, 0x0000800000000000ul, 0, 0, 16), -CAIRN_EINVAL);
    expect_ret("thread_create(kernel stack)",
               cairn_thread_create(self, 0x400000, 0xffff800000001000ul, 0, 16), -CAIRN_EINVAL);
    expect_ret("thread_create(priority 32)", cairn_thread_create(self, 0x400000, 0, 0, 32),
               -CAIRN_EINVAL);
    expect_ret("thread_create(priority above the process's highest)",
               cairn_thread_create(self, 0x400000, 0, 0, CAIRN_PRIORITY_MAX), -CAIRN_EPERM);
    expect_ret("process_kill(empty)", cairn_process_kill(dead), 0);
    expect_ret("thread_create(ended process)", cairn_thread_create(dead, 0x400000, 0, 0, 16),
               -CAIRN_ECLOSED);

    expect_ret("thread_start(bad handle)", cairn_thread_start(12345), -CAIRN_EBADH);
    expect_ret("thread_start(a process)", cairn_thread_start(self), -CAIRN_EWRONGTYPE);
    expect_ret("thread_wait(bad handle)", cairn_thread_wait(-1, 0, NULL), -CAIRN_EBADH);
    expect_ret("thread_wait(a memobj)", cairn_thread_wait(mo, 0, NULL), -CAIRN_EWRONGTYPE);

    test_thread_start(&t, return_arg, (void *)3);
    if (t.handle >= 0) {
        long nomanage = cairn_handle_dup(t.handle, CAIRN_RIGHT_WAIT);
        long nowait = cairn_handle_dup(t.handle, CAIRN_RIGHT_MANAGE);

        expect_ret("thread_start twice", cairn_thread_start(t.handle), -CAIRN_EBUSY);
        expect_ret("thread_start(no MANAGE)", cairn_thread_start(nomanage), -CAIRN_ERIGHTS);
        expect_ret("thread_wait(no WAIT)", cairn_thread_wait(nowait, SECOND, NULL), -CAIRN_ERIGHTS);
        expect_ret("thread_wait", cairn_thread_wait(nomanage, 5 * SECOND, &status), 0);
        expect_ret("thread_wait(NULL status)", cairn_thread_wait(t.handle, 0, NULL), 0);
        expect_ret("thread_wait(kernel status)",
                   cairn_thread_wait(t.handle, 0, (int64_t *)0xffffffff80000000ul), -CAIRN_EFAULT);
        expect_ret("thread_wait(unmapped status)",
                   cairn_thread_wait(t.handle, 0, (int64_t *)0x10000000ul), -CAIRN_EFAULT);
        cairn_handle_close(nomanage);
        cairn_handle_close(nowait);
    }
    test_thread_join(&t, 0, NULL);
    test_thread_free(&t);
    cairn_handle_close(dead);
    cairn_handle_close(weak);
    cairn_handle_close(mo);
}

/* --- victims: processes with threads that end as a whole ------------------------------------ */

enum victim_mode {
    VICTIM_WAIT_FOR_KILL = 0x100, /* threads spin, sleep and wait every way until killed */
    VICTIM_FAULT,                 /* ... until one of them faults */
    VICTIM_PROCESS_EXIT,          /* ... until one calls process_exit(5) */
    VICTIM_LAST_THREAD,           /* main exits at once; the other thread last, with 9 */
    VICTIM_SLEEP_THEN_EXIT,       /* a bystander: sleeps 500 ms, exits 7 */
    VICTIM_KILL_ITSELF,           /* threads running, then it kills its own process */
};

/* The page a victim shares with the test (its first extra handle). */
struct victim_page {
    volatile uint64_t ready;   /* threads started */
    volatile uint64_t spins;   /* the spinner's progress */
    volatile uint64_t stopped; /* set when something ran that must not */
};

static struct victim_page *victim;

static long
victim_spin(void *arg)
{
    (void)arg;
    while (!victim->stopped)
        victim->spins++;
    return 0;
}

static long
victim_sleep(void *arg)
{
    (void)arg;
    cairn_thread_sleep(3600 * SECOND);
    victim->stopped = 1; /* woken: it must exit, never return here */
    return 0;
}

static long
victim_block_on_notification(void *arg)
{
    (void)arg;
    uint64_t bits;
    long n = cairn_notify_create();

    cairn_notify_wait(n, CAIRN_WAIT_FOREVER, &bits);
    victim->stopped = 2;
    return 0;
}

static long
victim_block_on_endpoint(void *arg)
{
    (void)arg;
    long ep = cairn_endpoint_create();
    struct cairn_msg msg = {0};
    uint64_t badge;

    cairn_ipc_recv(ep, &msg, CAIRN_WAIT_FOREVER, &badge);
    victim->stopped = 3;
    return 0;
}

static long
victim_block_on_own_process(void *arg)
{
    (void)arg;
    cairn_process_wait(CAIRN_INIT_HANDLE_PROCESS, CAIRN_WAIT_FOREVER, NULL);
    victim->stopped = 4;
    return 0;
}

static long
victim_block_on_futex(void *arg)
{
    static uint32_t word;

    (void)arg;
    cairn_futex_wait(&word, 0, CAIRN_WAIT_FOREVER);
    victim->stopped = 7;
    return 0;
}

/* Waits on the IPC fast path (docs/ipc.md), all on CPU 0 so that the
 * messages take it: a server that has answered once and waits in its
 * reply_recv, and a client that called a second server, which holds the
 * call, and waits for the reply. */
static long victim_ep_echo, victim_ep_hold;
static volatile int victim_client_calling;

static long
victim_fast_server(void *arg)
{
    struct cairn_msg m = {{0}, NULL};
    uint64_t badge;
    long err = cairn_ipc_recv(victim_ep_echo, &m, CAIRN_WAIT_FOREVER, &badge);

    (void)arg;
    while (err >= 0)
        err = cairn_ipc_reply_recv(victim_ep_echo, &m, &badge);
    victim->stopped = 8;
    return 0;
}

static long
victim_holder(void *arg)
{
    struct cairn_msg m = {{0}, NULL};
    uint64_t badge, bits;
    long n = cairn_notify_create();

    (void)arg;
    cairn_ipc_recv(victim_ep_hold, &m, CAIRN_WAIT_FOREVER, &badge);
    cairn_notify_wait(n, CAIRN_WAIT_FOREVER, &bits); /* the call is never answered */
    victim->stopped = 9;
    return 0;
}

static long
victim_fast_client(void *arg)
{
    struct cairn_msg m = {{1}, NULL};

    (void)arg;
    cairn_ipc_call(victim_ep_echo, &m);
    victim_client_calling = 1;
    cairn_ipc_call(victim_ep_hold, &m);
    victim->stopped = 10;
    return 0;
}

static long
victim_fault(void *arg)
{
    (void)arg;
    cairn_thread_sleep(20 * MS_NS);
    volatile uint64_t *volatile nowhere = (volatile uint64_t *)0x10;

    *nowhere = 1; /* nothing is mapped below CAIRN_USER_BASE */
    return 0;
}

static long
victim_process_exit(void *arg)
{
    (void)arg;
    cairn_thread_sleep(20 * MS_NS);
    cairn_process_exit(5);
}

static long
victim_return_9_later(void *arg)
{
    (void)arg;
    cairn_thread_sleep(100 * MS_NS);
    return 9;
}

static int
victim_main(uint64_t mode)
{
    static long (*const busy[])(void *) = {
        victim_spin,
        victim_sleep,
        victim_block_on_notification,
        victim_block_on_endpoint,
        victim_block_on_own_process,
    };
    static struct test_thread t[12];
    unsigned n = 0;
    long page = test_extra_handle(0);
    long a = cairn_vm_map(page, 0, 4096, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);

    if (mode == VICTIM_SLEEP_THEN_EXIT) {
        cairn_thread_sleep(500 * MS_NS);
        return 7;
    }
    if (a < 0)
        return 100;
    victim = (struct victim_page *)a;
    if (mode == VICTIM_LAST_THREAD) {
        test_thread_start(&t[n++], victim_return_9_later, NULL);
        victim->ready = 1;
        cairn_thread_exit(3);
    }
    for (unsigned i = 0; i < sizeof(busy) / sizeof(busy[0]); i++)
        test_thread_start(&t[n++], busy[i], NULL);
    if (mode == VICTIM_WAIT_FOR_KILL) {
        victim_ep_echo = cairn_endpoint_create();
        victim_ep_hold = cairn_endpoint_create();
        test_thread_start(&t[n++], victim_block_on_futex, NULL);
        test_thread_start_on(&t[n++], victim_fast_server, NULL, 0);
        test_thread_start_on(&t[n++], victim_holder, NULL, 0);
        test_thread_start_on(&t[n++], victim_fast_client, NULL, 0);
        while (!victim_client_calling)
            cairn_thread_sleep(MS_NS);
        cairn_thread_sleep(5 * MS_NS);
    }
    if (mode == VICTIM_FAULT)
        test_thread_start(&t[n++], victim_fault, NULL);
    if (mode == VICTIM_PROCESS_EXIT)
        test_thread_start(&t[n++], victim_process_exit, NULL);
    victim->ready = 1;
    if (mode == VICTIM_KILL_ITSELF) {
        cairn_thread_sleep(20 * MS_NS);
        cairn_process_kill(CAIRN_INIT_HANDLE_PROCESS);
        victim->stopped = 5; /* the kill stops us on the way out of it */
        return 0;
    }
    /* The main thread blocks too, on its own main thread's handle. */
    cairn_thread_wait(CAIRN_INIT_HANDLE_THREAD, CAIRN_WAIT_FOREVER, NULL);
    victim->stopped = 6;
    return 0;
}

/*
 * Runs a victim in mode with a shared page and waits for it to end (kills
 * it first if kill). Returns its status (or an impossible value after a
 * failure).
 */
static int64_t
run_victim(uint64_t mode, int kill)
{
    long page = cairn_memobj_create(4096, 0), a, child, err;
    struct victim_page *v;
    int64_t status = 12345;
    uint64_t start, spins;

    a = cairn_vm_map(page, 0, 4096, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (a < 0) {
        test_fail("no shared page: %s", cairn_error_name((int)a));
        return status;
    }
    v = (struct victim_page *)a;
    child = test_spawn(PROGRAM, mode, &page, 1);
    if (child < 0)
        return status;
    start = cairn_clock_get();
    while (!v->ready && cairn_clock_get() - start < 10 * SECOND)
        cairn_thread_sleep(MS_NS);
    if (!v->ready)
        test_fail("the victim never got ready");
    if (kill) {
        /* The spinner must make progress: waited for, not slept for, as a
         * loaded host can stall its virtual CPU for longer than any sleep. */
        spins = v->spins;
        start = cairn_clock_get();
        while (mode != VICTIM_LAST_THREAD && v->spins == spins &&
               cairn_clock_get() - start < 10 * SECOND)
            cairn_thread_sleep(MS_NS);
        if (v->spins == spins && mode != VICTIM_LAST_THREAD)
            test_fail("the victim's spinner is not spinning");
        expect_ret("process_wait before the kill", cairn_process_wait(child, 20 * MS_NS, NULL),
                   -CAIRN_ETIMEDOUT);
        expect_ret("process_kill", cairn_process_kill(child), 0);
    }
    err = cairn_process_wait(child, 10 * SECOND, &status);
    expect_ret("process_wait", err, 0);
    if (err) {
        cairn_process_kill(child);
        cairn_process_wait(child, 10 * SECOND, NULL);
    }
    if (v->stopped)
        test_fail("victim code ran after it was stopped (place %lu)", (unsigned long)v->stopped);
    expect_ret("process_kill after the end", cairn_process_kill(child), 0);
    cairn_handle_close(child);
    cairn_vm_unmap((uint64_t)a, 4096);
    cairn_handle_close(page);
    return status;
}

/* A victim ends with want, and everything it had is released: free frames
 * and live objects are back where they were. */
static void
expect_victim_status(uint64_t mode, int kill, int64_t want)
{
    struct cairn_debug_stats before = stats_now();
    int64_t status = run_victim(mode, kill);

    if (status != want)
        test_fail("the process ended with %ld, expected %ld", (long)status, (long)want);
    expect_stats(&before, "after it ended");
}

static void
process_kill_stops_spinning_sleeping_and_blocked_threads(void)
{
    expect_victim_status(VICTIM_WAIT_FOR_KILL, 1, CAIRN_STATUS_KILLED);
}

static void
process_can_kill_itself(void)
{
    expect_victim_status(VICTIM_KILL_ITSELF, 0, CAIRN_STATUS_KILLED);
}

static void
process_exit_from_one_thread_ends_them_all(void)
{
    expect_victim_status(VICTIM_PROCESS_EXIT, 0, 5);
}

static void
last_thread_to_exit_ends_the_process_with_its_status(void)
{
    expect_victim_status(VICTIM_LAST_THREAD, 0, 9);
}

static void
faulting_thread_kills_its_whole_process_and_others_go_on(void)
{
    struct cairn_debug_stats before = stats_now();
    long page = cairn_memobj_create(4096, 0);
    long bystander = test_spawn(PROGRAM, VICTIM_SLEEP_THEN_EXIT, &page, 1);
    int64_t status = run_victim(VICTIM_FAULT, 0), other = -1;

    if (status != CAIRN_STATUS_FAULT(14))
        test_fail("process ended with %ld, expected a page fault's %d", (long)status,
                  CAIRN_STATUS_FAULT(14));
    expect_ret("process_wait(bystander)", cairn_process_wait(bystander, 10 * SECOND, &other), 0);
    if (other != 7)
        test_fail("the bystander ended with %ld, expected 7", (long)other);
    cairn_handle_close(bystander);
    cairn_handle_close(page);
    expect_stats(&before, "after both ended");
}

/* Several threads of this process wait for one child; all hear of its end. */
static long
wait_for_process(void *arg)
{
    struct waiter *w = arg;

    w->ret = cairn_process_wait(w->target, 20 * SECOND, &w->status);
    return 0;
}

static void
many_waiters_hear_of_a_process_end(void)
{
    enum {
        N = 3
    };
    long page = cairn_memobj_create(4096, 0);
    long child = test_spawn(PROGRAM, VICTIM_SLEEP_THEN_EXIT, &page, 1);
    struct test_thread t[N];
    struct waiter w[N];

    for (int i = 0; i < N; i++) {
        w[i] = (struct waiter){.target = child, .status = -1, .ret = 1};
        test_thread_start(&t[i], wait_for_process, &w[i]);
    }
    for (int i = 0; i < N; i++) {
        test_thread_join(&t[i], 30 * SECOND, NULL);
        if (w[i].ret != 0 || w[i].status != 7)
            test_fail("waiter %d: process_wait returned %ld, status %ld", i, w[i].ret,
                      (long)w[i].status);
    }
    for (int i = 0; i < N; i++)
        test_thread_free(&t[i]);
    cairn_handle_close(child);
    cairn_handle_close(page);
}

/* --- the table ---------------------------------------------------------------------------- */

static const struct usertest tests[] = {
    USERTEST(thread_exit_status_arrives_through_thread_wait),
    USERTEST(many_threads_may_wait_for_one),
    USERTEST(thread_wait_times_out_then_succeeds),
    USERTEST(threads_of_one_process_run_in_parallel),
    USERTEST(spinning_thread_does_not_starve_an_equal_priority_one),
    USERTEST(many_threads_sleeping_and_yielding_all_finish),
    USERTEST(thread_calls_refuse_bad_handles_rights_and_arguments),
    USERTEST(process_kill_stops_spinning_sleeping_and_blocked_threads),
    USERTEST(process_can_kill_itself),
    USERTEST(process_exit_from_one_thread_ends_them_all),
    USERTEST(last_thread_to_exit_ends_the_process_with_its_status),
    USERTEST(faulting_thread_kills_its_whole_process_and_others_go_on),
    USERTEST(many_waiters_hear_of_a_process_end),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode >= VICTIM_WAIT_FOR_KILL)
        return victim_main(mode);
    return harness_run("threads", tests, sizeof(tests) / sizeof(tests[0]));
}
