// SPDX-License-Identifier: MIT
/*
 * User-mode tests of what threads need beyond running: thread-local
 * storage (thread_set_tls, `__thread` variables, errno), futexes and the
 * locks libc builds on them (<pthread.h>), what a process tells about
 * itself (process_info, process_set_name), and priorities within a
 * process's bound (thread_set_prio, process_max_prio, spawning at a
 * priority).
 *
 * Children are copies of this program (the boot module test-threadfx)
 * started in a child mode: their start word (cairn_start_arg) is the mode
 * instead of CAIRN_INIT_TEST. They share a page of memory with the test.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cairn/bootinfo.h>
#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/spawn.h>
#include <cairn/start.h>
#include <cairn/sys.h>
#include <cairn/tls.h>

#include "harness.h"

#define PROGRAM "test-threadfx"
#define SECOND  (1000 * MS_NS)

/* Child modes (far from init's flags). */
enum {
    CHILD_FUTEX_WAIT = 0x1000000, /* wait on the shared word, exit with the result */
    CHILD_FUTEX_FOREVER,          /* wait on the shared word until killed */
    CHILD_SPIN_THEN_EXIT,         /* spin 50 ms of the clock, exit with 5 */
    CHILD_REPORT_PRIORITY,        /* report its highest priority and a raise's result */
};

/* The page a child shares with the test. */
struct shared {
    uint32_t word;  /* the futex word */
    uint32_t ready; /* the child is about to wait */
    int64_t result; /* what the child saw */
    int64_t result2;
};

static long
shared_map(long mo)
{
    return cairn_vm_map(mo, 0, 4096, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
}

static int
wait_until(volatile uint32_t *flag, uint64_t timeout_ns)
{
    uint64_t end = cairn_clock_get() + timeout_ns;

    while (!*flag) {
        if (cairn_clock_get() > end)
            return 0;
        cairn_thread_sleep(MS_NS);
    }
    return 1;
}

/* --- thread-local storage ----------------------------------------------------------------- */

static __thread int tls_init = 42;
static __thread uint8_t tls_table[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static __thread long tls_zero;
static __thread char tls_big[3000];

struct tls_report {
    int id;
    int bad;            /* a check failed: which */
    int *errno_at;      /* where this thread's errno lives */
    volatile int *stop; /* spin until set, checking */
};

/* Each thread finds fresh copies of the template, sets its own values and
 * checks them across sleeps, yields and (spinning) preemption. */
static long
tls_thread(void *arg)
{
    struct tls_report *r = arg;

    r->errno_at = &errno;
    if (tls_init != 42 || tls_zero != 0 || errno != 0 || tls_big[2999] != 0)
        r->bad = 1;
    for (int i = 0; i < 16; i++) {
        if (tls_table[i] != i + 1)
            r->bad = 2;
    }
    tls_init = r->id * 1000;
    tls_zero = -r->id;
    errno = r->id;
    tls_big[2999] = (char)r->id;
    for (int round = 0; !r->bad && (round < 200 || !*r->stop); round++) {
        if (round % 3 == 0)
            cairn_thread_yield();
        else if (round % 3 == 1)
            cairn_thread_sleep(100000);
        else
            for (volatile int spin = 0; spin < 20000; spin++) {
            }
        if (tls_init != r->id * 1000 || tls_zero != -r->id || errno != r->id ||
            tls_big[2999] != (char)r->id)
            r->bad = 3;
        if (cairn_tls_self()->self != cairn_tls_self())
            r->bad = 4;
    }
    return 0;
}

static void
tls_variables_and_errno_are_per_thread(void)
{
    enum {
        N = 3
    };
    struct test_thread t[N];
    struct tls_report r[N];
    volatile int stop = 0;

    if (tls_init != 42 || tls_table[15] != 16 || tls_zero != 0)
        test_fail("the main thread's TLS was not initialised from the template");
    errno = 77;
    tls_init = 7;
    for (int i = 0; i < N; i++) {
        r[i] = (struct tls_report){.id = i + 1, .stop = &stop};
        test_thread_start(&t[i], tls_thread, &r[i]);
    }
    cairn_thread_sleep(50 * MS_NS);
    stop = 1;
    for (int i = 0; i < N; i++)
        expect_ret("thread_wait", test_thread_join(&t[i], 30 * SECOND, NULL), 0);
    for (int i = 0; i < N; i++) {
        if (r[i].bad)
            test_fail("thread %d: check %d failed", i + 1, r[i].bad);
        for (int j = 0; j < i; j++) {
            if (r[i].errno_at == r[j].errno_at)
                test_fail("threads %d and %d share errno at %p", i + 1, j + 1,
                          (void *)r[i].errno_at);
        }
    }
    if (errno != 77 || tls_init != 7)
        test_fail("the main thread's errno or variable changed: %d %d", errno, tls_init);
    errno = 0;
    tls_init = 42;
    for (int i = 0; i < N; i++)
        test_thread_free(&t[i]);
}

/* A control block of our own: %fs:0 points at it, %fs:8 holds magic. */
struct own_tcb {
    struct own_tcb *self;
    uint64_t magic;
};

static uint64_t
fs_magic(void)
{
    uint64_t v;

    __asm__ volatile("mov %%fs:8, %0" : "=r"(v));
    return v;
}

struct fs_check {
    uint64_t magic;
    int bad;
    volatile int *stop;
};

/* Installs its own FS base and checks that it stays across switches while
 * another thread (the test) does the same with another value. */
static long
own_fs_thread(void *arg)
{
    struct fs_check *c = arg;
    struct own_tcb tcb = {.self = &tcb, .magic = c->magic};
    uintptr_t saved = (uintptr_t)cairn_tls_self();

    if (cairn_thread_set_tls((uint64_t)(uintptr_t)&tcb) != 0) {
        c->bad = 1;
        return 0;
    }
    for (int i = 0; i < 300 || !*c->stop; i++) {
        if (fs_magic() != c->magic) {
            c->bad = 2;
            break;
        }
        if (i % 2)
            cairn_thread_yield();
        else
            cairn_thread_sleep(50000);
    }
    cairn_thread_set_tls(saved); /* libc's, for what runs after us */
    return 0;
}

static void
fs_base_follows_each_thread_across_switches_and_faults(void)
{
    enum {
        N = 3
    };
    struct test_thread t[N];
    struct fs_check c[N];
    volatile int stop = 0;
    struct own_tcb mine = {.self = &mine, .magic = 0x5eed0000};
    uintptr_t saved = (uintptr_t)cairn_tls_self();
    long mo = cairn_memobj_create(4 * 4096, 0);
    long at = mo < 0 ? mo : cairn_vm_map(mo, 0, 4 * 4096, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);

    for (int i = 0; i < N; i++) {
        c[i] = (struct fs_check){.magic = 0xfee10000u + (uint64_t)i, .stop = &stop};
        test_thread_start(&t[i], own_fs_thread, &c[i]);
    }
    expect_ret("thread_set_tls(own block)", cairn_thread_set_tls((uint64_t)(uintptr_t)&mine), 0);
    for (int i = 0; i < 200; i++) {
        if (fs_magic() != mine.magic) {
            test_fail("the test's FS base changed after %d switches", i);
            break;
        }
        /* Page faults (a fresh page each time round) must not touch it. */
        if (at >= 0 && i < 4)
            ((volatile char *)at)[i * 4096] = 1;
        cairn_thread_yield();
    }
    expect_ret("thread_set_tls(libc's)", cairn_thread_set_tls(saved), 0);
    stop = 1;
    for (int i = 0; i < N; i++) {
        expect_ret("thread_wait", test_thread_join(&t[i], 30 * SECOND, NULL), 0);
        if (c[i].bad)
            test_fail("thread %d saw another FS base (check %d)", i, c[i].bad);
    }
    for (int i = 0; i < N; i++)
        test_thread_free(&t[i]);
    if (at >= 0)
        cairn_vm_unmap((uint64_t)at, 4 * 4096);
    cairn_handle_close(mo);
}

static void
thread_set_tls_refuses_non_canonical_and_kernel_bases(void)
{
    static const uint64_t bad[] = {0x0000800000000000ull,
                                   0x0000800000001000ull,
                                   0xffff800000000000ull,
                                   0xffffffff80000000ull,
                                   ~0ull,
                                   0x8000000000000000ull};

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_ret("thread_set_tls(bad base)", cairn_thread_set_tls(bad[i]), -CAIRN_EINVAL);
    /* Refused means unchanged: libc's block still answers. */
    if (cairn_tls_self()->self != cairn_tls_self() || tls_table[3] != 4)
        test_fail("a refused thread_set_tls changed the FS base");
}

/* The entry of a raw thread (thread_create, not libc's): it has no TLS, so
 * it touches no thread-local variable. With FS base 0, %fs:ADDR reads ADDR
 * itself (the program's first text bytes); another base would read
 * elsewhere or fault. */
static volatile uint64_t raw_fs_read, raw_plain_read;
static volatile uint32_t raw_done;

static void __attribute__((noreturn)) raw_thread_entry(void)
{
    uint64_t v;

    __asm__ volatile("mov %%fs:0x400000, %0" : "=r"(v));
    raw_fs_read = v;
    raw_plain_read = *(volatile uint64_t *)0x400000;
    raw_done = 1;
    cairn_thread_exit(0);
}

static void
new_threads_start_with_fs_base_zero(void)
{
    long stack = cairn_memobj_create(TEST_STACK_SIZE, 0);
    long base = stack < 0 ? stack
                          : cairn_vm_map(stack, 0, TEST_STACK_SIZE, 0,
                                         CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    long t;

    if (base < 0) {
        test_fail("no stack: %ld", base);
        return;
    }
    raw_done = 0;
    /* rsp as after a call: 8 below a 16-byte boundary. */
    t = cairn_thread_create(CAIRN_INIT_HANDLE_PROCESS, (uint64_t)(uintptr_t)raw_thread_entry,
                            (uint64_t)base + TEST_STACK_SIZE - 8, 0, CAIRN_PRIORITY_DEFAULT);
    if (t < 0 || cairn_thread_start(t) < 0) {
        test_fail("raw thread: %ld", t);
        return;
    }
    expect_ret("thread_wait(raw)", cairn_thread_wait(t, 30 * SECOND, NULL), 0);
    if (!raw_done || raw_fs_read != raw_plain_read)
        test_fail("a new thread's FS base is not 0 (%#lx read, %#lx expected)",
                  (unsigned long)raw_fs_read, (unsigned long)raw_plain_read);
    cairn_handle_close(t);
    cairn_vm_unmap((uint64_t)base, TEST_STACK_SIZE);
    cairn_handle_close(stack);
}

/* --- futexes ---------------------------------------------------------------------------- */

static void
futex_wait_returns_at_once_for_a_stale_value_and_times_out(void)
{
    static uint32_t word = 5;
    uint64_t t0;

    expect_ret("futex_wait(stale)", cairn_futex_wait(&word, 4, CAIRN_WAIT_FOREVER), -CAIRN_EAGAIN);
    expect_ret("futex_wait(timeout 0)", cairn_futex_wait(&word, 5, 0), -CAIRN_ETIMEDOUT);
    t0 = cairn_clock_get();
    expect_ret("futex_wait(20 ms)", cairn_futex_wait(&word, 5, 20 * MS_NS), -CAIRN_ETIMEDOUT);
    if (cairn_clock_get() - t0 < 20 * MS_NS)
        test_fail("futex_wait timed out early: after %lu ns",
                  (unsigned long)(cairn_clock_get() - t0));
    expect_ret("futex_wake(nobody)", cairn_futex_wake(&word, 10), 0);
}

struct futex_waiter_arg {
    volatile uint32_t *word;
    volatile uint32_t *ready;
    long result;
};

static long
futex_waiter(void *arg)
{
    struct futex_waiter_arg *a = arg;

    __atomic_add_fetch(a->ready, 1, __ATOMIC_SEQ_CST);
    a->result = cairn_futex_wait(a->word, 0, 30 * SECOND);
    return 0;
}

/* Wake waiters count at a time until total are woken: a waiter that has
 * not reached the kernel yet is woken by a later round. */
static long
wake_until(volatile uint32_t *word, uint32_t count, long total)
{
    uint64_t end = cairn_clock_get() + 20 * SECOND;
    long woken = 0;

    while (woken < total && cairn_clock_get() < end) {
        long r = cairn_futex_wake(word, count);

        if (r < 0 || r > (long)count || r > total - woken) {
            test_fail("futex_wake(%u) returned %ld with %ld of %ld woken", count, r, woken, total);
            return woken;
        }
        woken += r;
        if (r == 0)
            cairn_thread_sleep(MS_NS);
    }
    return woken;
}

static void
futex_wake_wakes_at_most_count_and_says_how_many(void)
{
    enum {
        N = 4
    };
    static volatile uint32_t word, ready;
    struct test_thread t[N];
    struct futex_waiter_arg a[N];
    struct cairn_debug_stats before = {0};

    /* The leak count starts after the first round, which brings in what
     * stays for good once touched (this stack's pages, page tables). */
    for (uint32_t count = 1; count <= 2; count++) {
        if (count == 2)
            before = stats_settled();
        ready = 0;
        for (int i = 0; i < N; i++) {
            a[i] = (struct futex_waiter_arg){.word = &word, .ready = &ready, .result = 1};
            test_thread_start(&t[i], futex_waiter, &a[i]);
        }
        while (ready < N)
            cairn_thread_sleep(MS_NS);
        /* One at a time, then two, then all at once. */
        if (count == 1) {
            expect_ret("woken one by one", wake_until(&word, 1, N), N);
        } else {
            expect_ret("woken two at a time", wake_until(&word, 2, 2), 2);
            expect_ret("woken all at once", wake_until(&word, CAIRN_FUTEX_WAKE_ALL, N - 2), N - 2);
        }
        expect_ret("futex_wake(none left)", cairn_futex_wake(&word, CAIRN_FUTEX_WAKE_ALL), 0);
        for (int i = 0; i < N; i++) {
            expect_ret("thread_wait", test_thread_join(&t[i], 30 * SECOND, NULL), 0);
            if (a[i].result != 0)
                test_fail("waiter %d: futex_wait returned %ld", i, a[i].result);
            test_thread_free(&t[i]);
        }
    }
    expect_stats(&before, "after the waiters");
}

static void
futex_calls_refuse_bad_addresses(void)
{
    static uint32_t words[2];
    long mo = cairn_memobj_create(4096, 0);
    long at = mo < 0 ? mo : cairn_vm_map(mo, 0, 4096, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    const volatile uint32_t *misaligned = (const volatile uint32_t *)((char *)words + 2);

    expect_ret("futex_wait(misaligned)", cairn_futex_wait(misaligned, 0, 0), -CAIRN_EINVAL);
    expect_ret("futex_wake(misaligned)", cairn_futex_wake(misaligned, 1), -CAIRN_EINVAL);
    expect_ret("futex_wait(NULL)", cairn_futex_wait(NULL, 0, 0), -CAIRN_EFAULT);
    expect_ret("futex_wake(NULL)", cairn_futex_wake(NULL, 1), -CAIRN_EFAULT);
    expect_ret("futex_wait(kernel)", cairn_futex_wait((const uint32_t *)0xffffffff80100000ul, 0, 0),
               -CAIRN_EFAULT);
    expect_ret("futex_wake(kernel)", cairn_futex_wake((const uint32_t *)0xffff800000000000ul, 1),
               -CAIRN_EFAULT);
    expect_ret("futex_wait(non-canonical)",
               cairn_futex_wait((const uint32_t *)0x0000800000000000ul, 0, 0), -CAIRN_EFAULT);
    expect_ret("futex_wait(unmapped)", cairn_futex_wait((const uint32_t *)0x10000000000ul, 0, 0),
               -CAIRN_EFAULT);
    /* Read-only memory (the program's text) is fine to wait on. */
    expect_ret("futex_wait(text)",
               cairn_futex_wait((const uint32_t *)0x400000, ~*(const uint32_t *)0x400000, 0),
               -CAIRN_EAGAIN);
    if (at >= 0) {
        expect_ret("vm_protect(none)", cairn_vm_protect((uint64_t)at, 4096, 0), 0);
        expect_ret("futex_wait(no access)", cairn_futex_wait((const uint32_t *)at, 0, 0),
                   -CAIRN_EFAULT);
        expect_ret("futex_wake(no access)", cairn_futex_wake((const uint32_t *)at, 1),
                   -CAIRN_EFAULT);
        cairn_vm_unmap((uint64_t)at, 4096);
    }
    cairn_handle_close(mo);
}

static long
spawn_child(uint64_t mode, long extra)
{
    return test_spawn(PROGRAM, mode, &extra, 1);
}

static void
futex_wakes_a_waiter_in_another_process_sharing_the_memory(void)
{
    struct cairn_debug_stats before = stats_now();
    long mo = cairn_memobj_create(4096, 0);
    long at = mo < 0 ? mo : shared_map(mo);
    struct shared *s = (struct shared *)at;
    int64_t status = -1;
    long child;

    if (at < 0) {
        test_fail("no shared page: %ld", at);
        return;
    }
    s->result = 99;
    child = spawn_child(CHILD_FUTEX_WAIT, mo);
    if (child < 0)
        goto out;
    if (!wait_until(&s->ready, 20 * SECOND))
        test_fail("the child never got ready");
    /* The child maps the page at an address of its own: the word is
     * named by the memory object, not the address. */
    expect_ret("woken in the other process", wake_until(&s->word, 1, 1), 1);
    expect_ret("process_wait", cairn_process_wait(child, 30 * SECOND, &status), 0);
    if (status != 0 || s->result != 0)
        test_fail("the child's futex_wait returned %ld (status %ld)", (long)s->result,
                  (long)status);
    cairn_handle_close(child);
out:
    cairn_vm_unmap((uint64_t)at, 4096);
    cairn_handle_close(mo);
    expect_stats(&before, "after the child");
}

static void
killed_futex_waiter_leaves_nothing_behind(void)
{
    struct cairn_debug_stats before = stats_now();
    long mo = cairn_memobj_create(4096, 0);
    long at = mo < 0 ? mo : shared_map(mo);
    struct shared *s = (struct shared *)at;
    int64_t status = 0;
    long child;

    if (at < 0) {
        test_fail("no shared page: %ld", at);
        return;
    }
    child = spawn_child(CHILD_FUTEX_FOREVER, mo);
    if (child < 0)
        goto out;
    if (!wait_until(&s->ready, 20 * SECOND))
        test_fail("the child never got ready");
    cairn_thread_sleep(20 * MS_NS); /* most likely asleep in the kernel by now */
    expect_ret("process_kill", cairn_process_kill(child), 0);
    expect_ret("process_wait", cairn_process_wait(child, 30 * SECOND, &status), 0);
    if (status != CAIRN_STATUS_KILLED)
        test_fail("the child ended with %ld", (long)status);
    expect_ret("futex_wake(the killed waiter's word)", cairn_futex_wake(&s->word, 1), 0);
    cairn_handle_close(child);
out:
    cairn_vm_unmap((uint64_t)at, 4096);
    cairn_handle_close(mo);
    expect_stats(&before, "after the killed child");
}

/* --- mutexes and condition variables ----------------------------------------------------- */

enum {
    COUNTERS = 4,
    INCREMENTS = 20000
};

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile unsigned long counted;

static long
count_under_lock(void *arg)
{
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        if (pthread_mutex_lock(&count_lock) != 0)
            return 1;
        unsigned long v = counted;
        /* Hold it across a switch now and then: the others must sleep. */
        if (i % 512 == 0)
            cairn_thread_yield();
        counted = v + 1;
        pthread_mutex_unlock(&count_lock);
    }
    return 0;
}

static void
contended_mutex_loses_no_increment(void)
{
    struct test_thread t[COUNTERS];
    int64_t status;

    counted = 0;
    for (int i = 0; i < COUNTERS; i++)
        test_thread_start(&t[i], count_under_lock, NULL);
    for (int i = 0; i < COUNTERS; i++) {
        status = -1;
        expect_ret("thread_wait", test_thread_join(&t[i], 120 * SECOND, &status), 0);
        if (status != 0)
            test_fail("counter %d: lock failed", i);
        test_thread_free(&t[i]);
    }
    if (counted != (unsigned long)COUNTERS * INCREMENTS)
        test_fail("%lu increments counted, %lu made", counted,
                  (unsigned long)COUNTERS * INCREMENTS);
    expect_ret("trylock(free)", pthread_mutex_trylock(&count_lock), 0);
    expect_ret("trylock(held)", pthread_mutex_trylock(&count_lock), EBUSY);
    expect_ret("destroy(held)", pthread_mutex_destroy(&count_lock), EBUSY);
    pthread_mutex_unlock(&count_lock);
    expect_ret("destroy(free)", pthread_mutex_destroy(&count_lock), 0);
}

enum {
    QUEUE = 4,
    ITEMS = 3000
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    unsigned items[QUEUE];
    unsigned head, count;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0};

static long
producer(void *arg)
{
    (void)arg;
    for (unsigned i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&q.lock);
        while (q.count == QUEUE)
            pthread_cond_wait(&q.not_full, &q.lock);
        q.items[(q.head + q.count) % QUEUE] = i;
        q.count++;
        pthread_cond_signal(&q.not_empty);
        pthread_mutex_unlock(&q.lock);
    }
    return 0;
}

static long
consumer(void *arg)
{
    unsigned long sum = 0;
    unsigned last = 0;

    (void)arg;
    for (unsigned n = 0; n < ITEMS; n++) {
        pthread_mutex_lock(&q.lock);
        while (q.count == 0)
            pthread_cond_wait(&q.not_empty, &q.lock);
        unsigned v = q.items[q.head];
        q.head = (q.head + 1) % QUEUE;
        q.count--;
        pthread_cond_signal(&q.not_full);
        pthread_mutex_unlock(&q.lock);
        if (v != last + 1)
            return -1; /* out of order or lost */
        last = v;
        sum += v;
    }
    return (long)sum;
}

static void
condvar_producer_consumer_passes_every_item_in_order(void)
{
    struct test_thread p, c;
    int64_t status = -1;

    test_thread_start(&c, consumer, NULL);
    test_thread_start(&p, producer, NULL);
    expect_ret("producer", test_thread_join(&p, 120 * SECOND, NULL), 0);
    expect_ret("consumer", test_thread_join(&c, 120 * SECOND, &status), 0);
    if (status != (int64_t)ITEMS * (ITEMS + 1) / 2)
        test_fail("the consumer summed %ld", (long)status);
    test_thread_free(&p);
    test_thread_free(&c);
}

static void
cond_timedwait_times_out_with_the_mutex_held_again(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;

    pthread_mutex_lock(&m);
    expect_ret("pthread_cond_timedwait_ns", pthread_cond_timedwait_ns(&c, &m, 10 * MS_NS),
               ETIMEDOUT);
    expect_ret("trylock(held again)", pthread_mutex_trylock(&m), EBUSY);
    pthread_mutex_unlock(&m);
}

/* --- process information -------------------------------------------------------------- */

static void
process_info_reports_state_time_threads_and_name(void)
{
    struct cairn_debug_stats before = stats_now();
    struct cairn_process_info info, self;
    static const char name[] = "threadfx-under-test";
    static volatile uint32_t word;
    struct futex_waiter_arg a[2];
    struct test_thread t[2];
    uint32_t ready = 0;
    long empty, child;
    int64_t status;

    expect_ret("process_set_name",
               cairn_process_set_name(CAIRN_INIT_HANDLE_PROCESS, name, sizeof(name) - 1), 0);
    expect_ret("process_info(self)", cairn_process_info(CAIRN_INIT_HANDLE_PROCESS, &self), 0);
    if (self.state != CAIRN_PROCESS_RUNNING || self.pid == 0 || strcmp(self.name, name) != 0 ||
        self.threads < 1 || self.cpu_ns == 0 || self.mem_charged == 0 ||
        self.mem_charged > self.mem_limit)
        test_fail("self: state %u pid %u name '%s' threads %u cpu %lu mem %lu of %lu", self.state,
                  self.pid, self.name, self.threads, (unsigned long)self.cpu_ns,
                  (unsigned long)self.mem_charged, (unsigned long)self.mem_limit);
    /* init's bound, inherited: the highest user priority. */
    if (self.max_priority != CAIRN_PRIORITY_USER_MAX)
        test_fail("max_priority %u, init's is %u", self.max_priority, CAIRN_PRIORITY_USER_MAX);

    /* Two more threads, asleep: counted while they live. */
    word = 0;
    for (int i = 0; i < 2; i++) {
        a[i] = (struct futex_waiter_arg){.word = &word, .ready = &ready};
        test_thread_start(&t[i], futex_waiter, &a[i]);
    }
    expect_ret("process_info", cairn_process_info(CAIRN_INIT_HANDLE_PROCESS, &info), 0);
    if (info.threads != self.threads + 2)
        test_fail("%u threads with two more, %u before", info.threads, self.threads);
    if (info.pid != self.pid || info.cpu_ns < self.cpu_ns)
        test_fail("pid %u then %u, cpu %lu then %lu", self.pid, info.pid,
                  (unsigned long)self.cpu_ns, (unsigned long)info.cpu_ns);
    wake_until(&word, CAIRN_FUTEX_WAKE_ALL, 2);
    for (int i = 0; i < 2; i++) {
        test_thread_join(&t[i], 30 * SECOND, NULL);
        test_thread_free(&t[i]);
    }
    expect_ret("process_info", cairn_process_info(CAIRN_INIT_HANDLE_PROCESS, &info), 0);
    if (info.threads != self.threads)
        test_fail("%u threads after they exited, %u before", info.threads, self.threads);

    /* A process with no thread, then killed. */
    empty = cairn_process_create();
    expect_ret("process_info(new)", cairn_process_info(empty, &info), 0);
    if (info.state != CAIRN_PROCESS_NEW || info.threads != 0 || info.cpu_ns != 0 ||
        info.pid == self.pid || strcmp(info.name, "child") != 0)
        test_fail("new: state %u threads %u cpu %lu pid %u name '%s'", info.state, info.threads,
                  (unsigned long)info.cpu_ns, info.pid, info.name);
    cairn_process_kill(empty);
    cairn_process_wait(empty, 30 * SECOND, NULL);
    expect_ret("process_info(killed)", cairn_process_info(empty, &info), 0);
    if (info.state != CAIRN_PROCESS_ENDED || info.exit_status != CAIRN_STATUS_KILLED)
        test_fail("killed: state %u status %ld", info.state, (long)info.exit_status);
    cairn_handle_close(empty);

    /* A child that burns 50 ms of CPU, then ends with 5. */
    child = test_spawn(PROGRAM, CHILD_SPIN_THEN_EXIT, NULL, 0);
    if (child >= 0) {
        expect_ret("process_wait", cairn_process_wait(child, 60 * SECOND, &status), 0);
        expect_ret("process_info(ended)", cairn_process_info(child, &info), 0);
        if (info.state != CAIRN_PROCESS_ENDED || info.exit_status != 5 || info.threads != 0)
            test_fail("ended: state %u status %ld threads %u", info.state, (long)info.exit_status,
                      info.threads);
        /* It ran while the clock moved 50 ms; a little of that may have
         * gone to others on its CPU. */
        if (info.cpu_ns < 25 * MS_NS)
            test_fail("a child that spun 50 ms used %lu ns of CPU", (unsigned long)info.cpu_ns);
        cairn_handle_close(child);
    }
    expect_stats(&before, "after the processes");
}

static void
process_info_and_set_name_refuse_bad_input(void)
{
    struct cairn_process_info info;
    long self = CAIRN_INIT_HANDLE_PROCESS;
    long mo = cairn_memobj_create(4096, 0);
    long noread = cairn_handle_dup(self, CAIRN_RIGHT_WAIT | CAIRN_RIGHT_MANAGE);
    long nomanage = cairn_handle_dup(self, CAIRN_RIGHT_READ);
    char name[40];

    expect_ret("process_info(bad handle)", cairn_process_info(-5, &info), -CAIRN_EBADH);
    expect_ret("process_info(memobj)", cairn_process_info(mo, &info), -CAIRN_EWRONGTYPE);
    expect_ret("process_info(thread)", cairn_process_info(CAIRN_INIT_HANDLE_THREAD, &info),
               -CAIRN_EWRONGTYPE);
    expect_ret("process_info(no READ)", cairn_process_info(noread, &info), -CAIRN_ERIGHTS);
    expect_ret("process_info(NULL)", cairn_process_info(self, NULL), -CAIRN_EFAULT);
    expect_ret("process_info(kernel)",
               cairn_process_info(self, (struct cairn_process_info *)0xffffffff80000000ul),
               -CAIRN_EFAULT);
    expect_ret("process_info(text)",
               cairn_process_info(self, (struct cairn_process_info *)0x400000), -CAIRN_EFAULT);

    memset(name, 'a', sizeof(name));
    expect_ret("set_name(bad handle)", cairn_process_set_name(-5, "x", 1), -CAIRN_EBADH);
    expect_ret("set_name(memobj)", cairn_process_set_name(mo, "x", 1), -CAIRN_EWRONGTYPE);
    expect_ret("set_name(no MANAGE)", cairn_process_set_name(nomanage, "x", 1), -CAIRN_ERIGHTS);
    expect_ret("set_name(empty)", cairn_process_set_name(self, "x", 0), -CAIRN_EINVAL);
    expect_ret("set_name(32 bytes)", cairn_process_set_name(self, name, 32), -CAIRN_EINVAL);
    expect_ret("set_name(huge)", cairn_process_set_name(self, name, ~0ul), -CAIRN_EINVAL);
    expect_ret("set_name(newline)", cairn_process_set_name(self, "a\nb", 3), -CAIRN_EINVAL);
    expect_ret("set_name(escape)", cairn_process_set_name(self, "\033[2J", 4), -CAIRN_EINVAL);
    expect_ret("set_name(NULL)", cairn_process_set_name(self, NULL, 4), -CAIRN_EFAULT);
    expect_ret("set_name(kernel)",
               cairn_process_set_name(self, (const char *)0xffff800000000000ul, 4), -CAIRN_EFAULT);
    expect_ret("set_name(31 bytes)", cairn_process_set_name(self, name, 31), 0);
    expect_ret("process_info", cairn_process_info(self, &info), 0);
    if (strlen(info.name) != 31 || info.name[30] != 'a')
        test_fail("a 31-byte name came back as '%s'", info.name);
    cairn_process_set_name(self, "threadfx", 8);
    cairn_handle_close(mo);
    cairn_handle_close(noread);
    cairn_handle_close(nomanage);
}

/* --- priorities ----------------------------------------------------------------------- */

static void
priorities_stay_within_the_process_bound(void)
{
    struct cairn_debug_stats before = stats_now();
    struct cairn_process_info info;
    long child = cairn_process_create();
    long mo = cairn_memobj_create(4096, 0);
    long weak = cairn_handle_dup(child, CAIRN_RIGHT_READ);
    long t, tweak;

    expect_ret("process_max_prio(10)", cairn_process_max_prio(child, 10), 0);
    expect_ret("process_info", cairn_process_info(child, &info), 0);
    if (info.max_priority != 10)
        test_fail("max_priority %u after setting 10", info.max_priority);
    expect_ret("thread_create(11 > max)", cairn_thread_create(child, 0x400000, 0, 0, 11),
               -CAIRN_EPERM);
    t = cairn_thread_create(child, 0x400000, 0, 0, 10);
    if (t < 0)
        test_fail("thread_create(10 = max) returned %ld", t);
    expect_ret("thread_set_prio(11 > max)", cairn_thread_set_prio(t, 11), -CAIRN_EPERM);
    expect_ret("thread_set_prio(lower)", cairn_thread_set_prio(t, 3), 0);
    expect_ret("thread_set_prio(back)", cairn_thread_set_prio(t, 10), 0);
    /* Raising the bound again: up to the caller's own. */
    expect_ret("process_max_prio(20)", cairn_process_max_prio(child, 20), 0);
    expect_ret("thread_set_prio(20)", cairn_thread_set_prio(t, 20), 0);
    expect_ret("process_max_prio(above ours)", cairn_process_max_prio(child, CAIRN_PRIORITY_MAX),
               -CAIRN_EPERM);
    expect_ret("process_max_prio(32)", cairn_process_max_prio(child, 32), -CAIRN_EINVAL);
    expect_ret("process_max_prio(huge)", cairn_process_max_prio(child, ~0u), -CAIRN_EINVAL);
    /* Lowering the bound lowers the thread with it. */
    expect_ret("process_max_prio(5)", cairn_process_max_prio(child, 5), 0);
    expect_ret("thread_set_prio(6 > new max)", cairn_thread_set_prio(t, 6), -CAIRN_EPERM);

    expect_ret("thread_set_prio(bad handle)", cairn_thread_set_prio(-1, 1), -CAIRN_EBADH);
    expect_ret("thread_set_prio(process)", cairn_thread_set_prio(child, 1), -CAIRN_EWRONGTYPE);
    tweak = cairn_handle_dup(t, CAIRN_RIGHT_WAIT);
    expect_ret("thread_set_prio(no MANAGE)", cairn_thread_set_prio(tweak, 1), -CAIRN_ERIGHTS);
    expect_ret("thread_set_prio(32)", cairn_thread_set_prio(t, 32), -CAIRN_EINVAL);
    expect_ret("process_max_prio(bad handle)", cairn_process_max_prio(-1, 1), -CAIRN_EBADH);
    expect_ret("process_max_prio(memobj)", cairn_process_max_prio(mo, 1), -CAIRN_EWRONGTYPE);
    expect_ret("process_max_prio(no MANAGE)", cairn_process_max_prio(weak, 1), -CAIRN_ERIGHTS);

    /* Our own thread: above the bound refused, lowering and raising back
     * within it allowed. */
    expect_ret("thread_set_prio(self, 31)",
               cairn_thread_set_prio(CAIRN_INIT_HANDLE_THREAD, CAIRN_PRIORITY_MAX), -CAIRN_EPERM);
    expect_ret("thread_set_prio(self, 15)", cairn_thread_set_prio(CAIRN_INIT_HANDLE_THREAD, 15), 0);
    expect_ret("thread_set_prio(self, default)",
               cairn_thread_set_prio(CAIRN_INIT_HANDLE_THREAD, CAIRN_PRIORITY_DEFAULT), 0);

    cairn_handle_close(tweak);
    cairn_handle_close(t);
    cairn_handle_close(weak);
    cairn_handle_close(child);
    cairn_handle_close(mo);
    expect_stats(&before, "after the child");
}

/* Two spinners pinned to CPU 0: the low one counts, the high one watches
 * whether the low one makes progress while it runs. */
static volatile uint64_t low_count, high_count;
static volatile int low_stop, high_stop;
static volatile uint64_t low_seen_at_start, low_seen_at_end;

static long
low_spinner(void *arg)
{
    (void)arg;
    while (!low_stop)
        low_count++;
    return 0;
}

/* Runs a fixed number of rounds, or until told to stop when arg is set. */
static long
high_spinner(void *arg)
{
    low_seen_at_start = low_count;
    if (arg) {
        while (!high_stop)
            high_count++;
    } else {
        for (int i = 0; i < 3000000; i++)
            high_count++;
    }
    low_seen_at_end = low_count;
    return 0;
}

static long
start_pinned(struct test_thread *t, long (*fn)(void *), void *arg, uint32_t prio)
{
    long err;

    t->handle = -1;
    t->stack = cairn_memobj_create(TEST_STACK_SIZE, 0);
    t->base = t->stack < 0 ? t->stack
                           : cairn_vm_map(t->stack, 0, TEST_STACK_SIZE, 0,
                                          CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    if (t->base < 0)
        return t->base;
    t->handle = cairn_thread_create_fn(CAIRN_INIT_HANDLE_PROCESS, fn, arg,
                                       (void *)(t->base + TEST_STACK_SIZE), prio);
    if (t->handle < 0)
        return t->handle;
    err = cairn_thread_set_cpu(t->handle, 0);
    return err ? err : cairn_thread_start(t->handle);
}

static int
wait_for_progress(volatile uint64_t *counter, uint64_t timeout_ns)
{
    uint64_t from = *counter, end = cairn_clock_get() + timeout_ns;

    while (*counter == from) {
        if (cairn_clock_get() > end)
            return 0;
        cairn_thread_sleep(MS_NS);
    }
    return 1;
}

static void
higher_priority_thread_preempts_a_lower_one_on_its_cpu(void)
{
    struct test_thread low, high;
    uint64_t frozen;

    low_count = high_count = 0;
    low_stop = high_stop = 0;
    low_seen_at_start = low_seen_at_end = 1;
    if (start_pinned(&low, low_spinner, NULL, 4) < 0) {
        test_fail("low spinner: %ld", low.handle);
        return;
    }
    if (!wait_for_progress(&low_count, 20 * SECOND))
        test_fail("the low spinner never ran");

    /* A higher one on the same CPU runs at once, and the low one makes no
     * progress at all until it ends. */
    if (start_pinned(&high, high_spinner, NULL, 8) < 0)
        test_fail("high spinner: %ld", high.handle);
    expect_ret("thread_wait(high)", test_thread_join(&high, 60 * SECOND, NULL), 0);
    if (low_seen_at_start != low_seen_at_end)
        test_fail("the low thread counted %lu while the high one ran",
                  (unsigned long)(low_seen_at_end - low_seen_at_start));
    test_thread_free(&high);

    /* A high one that spins until lowered below it: while it is high the
     * low one stands still; once lowered, the low one runs again. */
    high_count = 0;
    if (start_pinned(&high, high_spinner, (void *)1, 8) < 0)
        test_fail("high spinner: %ld", high.handle);
    if (!wait_for_progress(&high_count, 20 * SECOND))
        test_fail("the high spinner never ran");
    frozen = low_count;
    cairn_thread_sleep(30 * MS_NS);
    if (!wait_for_progress(&high_count, 20 * SECOND) || low_count != frozen)
        test_fail("the low thread ran beside a higher one on its CPU");
    expect_ret("thread_set_prio(high -> 2)", cairn_thread_set_prio(high.handle, 2), 0);
    if (!wait_for_progress(&low_count, 20 * SECOND))
        test_fail("the low thread did not run once the other was lowered below it");
    high_stop = 1;
    low_stop = 1;
    test_thread_join(&high, 60 * SECOND, NULL);
    test_thread_join(&low, 60 * SECOND, NULL);
    test_thread_free(&high);
    test_thread_free(&low);
}

static void
spawn_at_a_priority_bounds_the_child(void)
{
    struct cairn_debug_stats before = stats_now();
    long mo = cairn_memobj_create(4096, 0);
    long at = mo < 0 ? mo : shared_map(mo);
    struct shared *s = (struct shared *)at;
    int64_t status = -1;
    long child;

    if (at < 0) {
        test_fail("no shared page: %ld", at);
        return;
    }
    expect_ret("spawn above our bound", test_spawn_prio(PROGRAM, CHILD_REPORT_PRIORITY, &mo, 1, 31),
               -CAIRN_EPERM);
    child = test_spawn_prio(PROGRAM, CHILD_REPORT_PRIORITY, &mo, 1, 9);
    if (child < 0) {
        test_fail("spawn at 9: %ld", child);
    } else {
        expect_ret("process_wait", cairn_process_wait(child, 60 * SECOND, &status), 0);
        if (status != 0 || s->result != 9 || s->result2 != -CAIRN_EPERM)
            test_fail("child: status %ld, max %ld, raising to 10 gave %ld", (long)status,
                      (long)s->result, (long)s->result2);
        cairn_handle_close(child);
    }
    cairn_vm_unmap((uint64_t)at, 4096);
    cairn_handle_close(mo);
    expect_stats(&before, "after the child");
}

/* --- children ----------------------------------------------------------------------------- */

static int
child_main(uint64_t mode)
{
    struct cairn_process_info info;
    long at = shared_map(test_extra_handle(0));
    struct shared *s = (struct shared *)at;

    if (mode == CHILD_SPIN_THEN_EXIT) {
        uint64_t end = cairn_clock_get() + 50 * MS_NS;

        while (cairn_clock_get() < end) {
        }
        return 5;
    }
    if (at < 0)
        return 100;
    switch (mode) {
    case CHILD_FUTEX_WAIT:
        __atomic_store_n(&s->ready, 1, __ATOMIC_SEQ_CST);
        s->result = cairn_futex_wait(&s->word, 0, 30 * SECOND);
        return (int)s->result;
    case CHILD_FUTEX_FOREVER:
        __atomic_store_n(&s->ready, 1, __ATOMIC_SEQ_CST);
        for (;;)
            cairn_futex_wait(&s->word, 0, CAIRN_WAIT_FOREVER);
    case CHILD_REPORT_PRIORITY:
        s->result = cairn_process_info(CAIRN_INIT_HANDLE_PROCESS, &info) == 0
                        ? (int64_t)info.max_priority
                        : -1;
        s->result2 = cairn_thread_set_prio(CAIRN_INIT_HANDLE_THREAD, 10);
        return 0;
    default:
        return 101;
    }
}

/* --- the table ---------------------------------------------------------------------------- */

static const struct usertest tests[] = {
    USERTEST(tls_variables_and_errno_are_per_thread),
    USERTEST(fs_base_follows_each_thread_across_switches_and_faults),
    USERTEST(thread_set_tls_refuses_non_canonical_and_kernel_bases),
    USERTEST(new_threads_start_with_fs_base_zero),
    USERTEST(futex_wait_returns_at_once_for_a_stale_value_and_times_out),
    USERTEST(futex_wake_wakes_at_most_count_and_says_how_many),
    USERTEST(futex_calls_refuse_bad_addresses),
    USERTEST(futex_wakes_a_waiter_in_another_process_sharing_the_memory),
    USERTEST(killed_futex_waiter_leaves_nothing_behind),
    USERTEST(contended_mutex_loses_no_increment),
    USERTEST(condvar_producer_consumer_passes_every_item_in_order),
    USERTEST(cond_timedwait_times_out_with_the_mutex_held_again),
    USERTEST(process_info_reports_state_time_threads_and_name),
    USERTEST(process_info_and_set_name_refuse_bad_input),
    USERTEST(priorities_stay_within_the_process_bound),
    USERTEST(higher_priority_thread_preempts_a_lower_one_on_its_cpu),
    USERTEST(spawn_at_a_priority_bounds_the_child),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode >= CHILD_FUTEX_WAIT)
        return child_main(mode);
    return harness_run("threadfx", tests, sizeof(tests) / sizeof(tests[0]));
}
