// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the C library on Cairn itself: the allocator on the
 * real page source (memory objects, charged to the quota and given back
 * when freed) and from several threads at once. The functions' results
 * are compared with the host's C library by the host test
 * (tests/host/test_libc.c); these check what only a running system shows.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairn/init.h>
#include <cairn/process.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "harness.h"

#define SECOND             (1000 * MS_NS)
#define BLOCKS             600
#define THREADS            4
#define SLACK_FRAMES       96
#define PROGRAM            "test-libc"
/* main's start word in a child: how it ends (see child_main). */
#define MODE_ATEXIT_EXIT   100
#define MODE_ATEXIT_RETURN 101
#define MODE_ABORT         102
#define MODE_ASSERT        103

/* The largest block: 1 MiB, or less where memory is small (the 64 MiB
 * boots), so that all BLOCKS together take at most a quarter of it. */
static size_t big_block = 1 << 20;

/* Sizes across every small class and the large blocks. */
static size_t
block_size(unsigned i)
{
    static const size_t sizes[] = {1, 16, 24, 100, 500, 1000, 2048, 3000, 3073, 5000, 70000, 0};
    size_t size = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];

    return size ? size : big_block;
}

static void
big_block_fit(void)
{
    struct cairn_debug_stats now = stats_now();
    uint64_t share = now.free_frames * 4096 / 4 / (BLOCKS / 12);

    if (share < big_block)
        big_block = share & ~4095ul;
}

/* Allocate and free a block of every small size, so that each class has
 * the run it keeps once its blocks are gone: those are no leak. */
static void
warm_up(void)
{
    for (size_t size = 1; size <= 3072; size += 16)
        free(malloc(size));
}

/* BLOCKS blocks of every size, written, checked and freed; false if one
 * failed (the test has failed then). */
static uint64_t peak_used; /* frames the live blocks took at most */

static int
alloc_check_free(const struct cairn_debug_stats *before)
{
    static unsigned char *blocks[BLOCKS];

    for (unsigned i = 0; i < BLOCKS; i++) {
        blocks[i] = malloc(block_size(i));
        if (!blocks[i]) {
            test_fail("malloc(%zu) failed: errno %d", block_size(i), errno);
            break;
        }
        memset(blocks[i], (int)i, block_size(i));
    }
    peak_used = before->free_frames - stats_now().free_frames;
    for (unsigned i = 0; i < BLOCKS && !test_has_failed(); i++) {
        unsigned char *b = blocks[i];

        if (b[0] != (unsigned char)i || b[block_size(i) - 1] != (unsigned char)i)
            test_fail("block %u was overwritten", i);
    }
    for (unsigned i = 0; i < BLOCKS; i++)
        free(blocks[i]);
    return !test_has_failed();
}

/*
 * What the blocks took must come back when they are freed: every memory
 * object gone, and the free frames back but for a little slack. The slack
 * is for page tables (the kernel keeps a process's page tables for the
 * addresses it has used until the process ends) and the run each class
 * keeps; the blocks themselves take thousands of frames.
 */
static void
expect_given_back(const struct cairn_debug_stats *before, const char *when)
{
    struct cairn_debug_stats after = stats_settled();

    if (after.live_objects[CAIRN_OBJ_MEMOBJ] != before->live_objects[CAIRN_OBJ_MEMOBJ])
        test_fail("%s: %u memory objects, %u before", when, after.live_objects[CAIRN_OBJ_MEMOBJ],
                  before->live_objects[CAIRN_OBJ_MEMOBJ]);
    if (after.free_frames + SLACK_FRAMES < before->free_frames)
        test_fail("%s: %llu frames free, %llu before", when, (unsigned long long)after.free_frames,
                  (unsigned long long)before->free_frames);
}

static void
freed_memory_goes_back_to_the_system(void)
{
    struct cairn_debug_stats before;

    big_block_fit();
    warm_up();
    before = stats_settled();
    if (!alloc_check_free(&before))
        return;
    if (peak_used < (BLOCKS / 12) * big_block / 4096) /* else the check would prove little */
        test_fail("the blocks took only %llu frames", (unsigned long long)peak_used);
    expect_given_back(&before, "after every block was freed");
}

static void
malloc_of_more_than_there_is_fails_with_enomem(void)
{
    struct cairn_debug_stats before = stats_settled();

    errno = 0;
    if (malloc(SIZE_MAX / 2) != NULL || errno != ENOMEM)
        test_fail("malloc(SIZE_MAX / 2) did not fail with ENOMEM (errno %d)", errno);
    errno = 0;
    if (calloc(1ul << 40, 1ul << 30) != NULL || errno != ENOMEM)
        test_fail("calloc of an overflowing product did not fail with ENOMEM");
    /* 64 GiB: far past the quota, though the address space has room. */
    errno = 0;
    if (malloc(64ul << 30) != NULL || errno != ENOMEM)
        test_fail("malloc(64 GiB) did not fail with ENOMEM (errno %d)", errno);
    expect_stats(&before, "after the refused allocations");
}

/* Each thread keeps 32 blocks, replacing one at a time, and checks that
 * what it wrote is still there. */
static long
churn(void *arg)
{
    uint64_t x = (uintptr_t)arg * 0x9e3779b97f4a7c15ull + 1;
    unsigned char *held[32] = {0};
    size_t size[32] = {0};
    long bad = 0;

    for (int i = 0; i < 3000; i++) {
        unsigned k;

        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        k = x % 32;
        if (held[k]) {
            bad += held[k][0] != (unsigned char)(k + (uintptr_t)arg) ||
                   held[k][size[k] - 1] != (unsigned char)(k + (uintptr_t)arg);
            free(held[k]);
        }
        size[k] = 1 + x % 6000;
        held[k] = malloc(size[k]);
        if (!held[k])
            return -1;
        memset(held[k], (int)(k + (uintptr_t)arg), size[k]);
    }
    for (unsigned k = 0; k < 32; k++)
        free(held[k]);
    return bad;
}

static void
threads_share_the_heap(void)
{
    struct test_thread t[THREADS];
    struct cairn_debug_stats before;

    warm_up();
    before = stats_settled();

    for (uintptr_t i = 0; i < THREADS; i++)
        test_thread_start(&t[i], churn, (void *)(i + 1));
    for (int i = 0; i < THREADS; i++) {
        int64_t status = -2;

        expect_ret("thread_wait(churn)", test_thread_join(&t[i], 60 * SECOND, &status), 0);
        if (status != 0)
            test_fail("thread %d: %s", i,
                      status < 0 ? "malloc failed" : "a block was overwritten by another thread");
    }
    for (int i = 0; i < THREADS; i++)
        test_thread_free(&t[i]);
    expect_given_back(&before, "after the threads freed their blocks");
}

static int
compare_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;

    return (x > y) - (x < y);
}

static void
sorting_and_parsing_work_here(void)
{
    long v[100];
    char *end;

    for (int i = 0; i < 100; i++)
        v[i] = (i * 37) % 101 - 50;
    qsort(v, 100, sizeof(v[0]), compare_long);
    for (int i = 1; i < 100; i++) {
        if (v[i - 1] > v[i])
            test_fail("qsort left %ld before %ld", v[i - 1], v[i]);
    }
    errno = 0;
    if (strtol(" -0x7fffffffffffffff1", &end, 0) != LONG_MIN || errno != ERANGE || *end)
        test_fail("strtol did not clamp an overflow to LONG_MIN with ERANGE");
}

/* Formats with the one formatter and compares with the expected text. */
static void
expect_format(const char *want, const char *fmt, ...)
{
    char got[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(got, sizeof(got), fmt, ap);
    va_end(ap);
    if (n != (int)strlen(want) || strcmp(got, want) != 0)
        test_fail("\"%s\" gave \"%s\" (%d), not \"%s\"", fmt, got, n, want);
}

/* The digits glibc prints: the exact binary value, rounded half to even. */
static void
printf_prints_floating_point_exactly(void)
{
    expect_format("0.10000000000000001|1.234568e+04|0x1.5555555555555p-2", "%.17g|%e|%a", 0.1,
                  12345.678, 1.0 / 3);
    expect_format("2.67|0.12|0.38|1e-05|1E+100|3.", "%.2f|%.2f|%.2f|%g|%G|%#.0f", 2.675, 0.125,
                  0.375, 1e-5, 1e100, 3.0);
    expect_format("-0.00e+00|-003.142|[     inf]|-nan", "%+.2e|%08.3f|[%8f]|%f", -0.0, -3.14159,
                  1.0 / 0.0, -__builtin_nan(""));
    expect_format("9.99999999999999999997e+3999|0xcp-3|1e-4000", "%.20Le|%La|%Lg", 1e4000L, 1.5L,
                  1e-4000L);
    expect_format("99999999999999991611392|0.100000000000000005551115123126|4.941e-324",
                  "%.0f|%.30f|%.3e", 1e23, 0.1, 4.9406564584124654e-324);
}

static void
strtod_rounds_correctly_and_reports_range(void)
{
    char *end;
    double d;

    if (strtod("0.1", NULL) != 0.1 || strtod("0x1.8p1", NULL) != 3.0 || atof("-2.5e-3") != -2.5e-3)
        test_fail("strtod misread a plain number");
    errno = 0;
    d = strtod("2.2250738585072011e-308", &end);
    if (d != 0x0.fffffffffffffp-1022 || errno != ERANGE || *end)
        test_fail("strtod of the largest subnormal's neighbour gave %a (errno %d)", d, errno);
    errno = 0;
    if (strtod("1e400", NULL) != 1.0 / 0.0 || errno != ERANGE)
        test_fail("strtod did not overflow 1e400 to infinity with ERANGE");
    /* A halfway point in many digits: 2^53 + 1 rounds to even, 2^53. */
    if (strtod("9007199254740993", NULL) != 9007199254740992.0 ||
        strtod("9007199254740993.0000000000000000000000000001", NULL) != 9007199254740994.0)
        test_fail("strtod rounded a halfway case wrongly");
    if (strtold("0.1", NULL) != 0.1L || strtof("3.4028235677973366e38", NULL) != 0x1.fffffep+127f)
        test_fail("strtold or strtof misread");
    if (strtod("1e+", &end) != 1.0 || strcmp(end, "e+") != 0 || strtod("nan(x)y", &end) == 0 ||
        *end != 'y' || strtod("junk", &end) != 0 || strcmp(end, "junk") != 0)
        test_fail("strtod ended in the wrong place");
}

static void
sscanf_reads_every_conversion(void)
{
    int i = 0, n = 0, count;
    unsigned u = 0;
    long long ll = 0;
    double d = 0;
    float f = 0;
    char word[16] = "", set[16] = "", c[3] = "";
    void *p = NULL;

    count = sscanf("  -42 0x1F 077 -9000000000 2.5e3 0.125 hello abc123 xy 0xbeef",
                   "%d %x %o %lld %lf %f %15s %15[a-z]%*d %2c %p%n", &i, &u, &u, &ll, &d, &f, word,
                   set, c, &p, &n);
    if (count != 10 || i != -42 || u != 077 || ll != -9000000000ll || d != 2500.0 || f != 0.125f ||
        strcmp(word, "hello") != 0 || strcmp(set, "abc") != 0 || c[0] != 'x' || c[1] != 'y' ||
        p != (void *)0xbeef || n != 61)
        test_fail("sscanf read %d items wrongly (n %d)", count, n);
    if (sscanf("", "%d", &i) != EOF || sscanf("abc", "%d", &i) != 0 ||
        sscanf("7,8", "%d,%d", &i, &n) != 2 || i != 7 || n != 8)
        test_fail("sscanf's EOF and matching failures are wrong");
}

/* stdout is the kernel console here: a terminal, so line buffered. */
static void
stdio_streams_write_the_console(void)
{
    char *s = NULL;

    if (!isatty(fileno(stdout)) || fileno(stdin) != 0 || fileno(stderr) != 2)
        test_fail("the standard streams are not descriptors 0 1 2 on a terminal");
    if (printf("libc: a line through stdout, %.2f\n", 0.5) != 34)
        test_fail("printf of a line did not return its length");
    if (fputs("libc: fputs, ", stdout) < 0 || fprintf(stdout, "then fprintf\n") != 13 ||
        fflush(stdout) != 0 || ferror(stdout))
        test_fail("writing stdout failed");
    if (fprintf(stderr, "libc: stderr, unbuffered\n") != 25 || dprintf(1, "libc: dprintf\n") != 14)
        test_fail("stderr or dprintf failed");
    if (asprintf(&s, "%s-%d", "x", 5) != 3 || strcmp(s, "x-5") != 0)
        test_fail("asprintf gave %s", s ? s : "NULL");
    free(s);
    /* Nothing to read on stdin in a test boot: an error or the end, not a hang. */
    if (fopen("/no/such/file", "r") != NULL)
        test_fail("fopen of a missing file succeeded");
}

/* A pthread's work: sum 1..n into its slot, with its own errno. */
struct sum_job {
    unsigned long n, sum;
    int errno_seen;
    pthread_t self;
};

static void *
sum_thread(void *arg)
{
    struct sum_job *j = arg;

    errno = (int)j->n; /* each thread's own: no other thread changes it */
    j->self = pthread_self();
    for (unsigned long i = 1; i <= j->n; i++) {
        j->sum += i;
        if (i % 1000 == 0)
            cairn_thread_yield();
    }
    j->errno_seen = errno;
    return (void *)(j->n * 2);
}

static void *
exit_early(void *arg)
{
    pthread_exit(arg);
}

static void
pthreads_run_join_and_give_everything_back(void)
{
    struct sum_job jobs[8];
    pthread_t t[8];
    struct cairn_debug_stats before;
    void *result;

    /* Once first: the heap's run for the thread structs stays. */
    if (pthread_create(&t[0], NULL, exit_early, (void *)7) == 0)
        pthread_join(t[0], NULL);
    before = stats_settled();
    for (int i = 0; i < 8; i++) {
        jobs[i] = (struct sum_job){.n = 5000 + i};
        expect_ret("pthread_create", pthread_create(&t[i], NULL, sum_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        result = NULL;
        expect_ret("pthread_join", pthread_join(t[i], &result), 0);
        if (jobs[i].sum != jobs[i].n * (jobs[i].n + 1) / 2 || result != (void *)(jobs[i].n * 2))
            test_fail("thread %d: sum %lu, result %p", i, jobs[i].sum, result);
        if (jobs[i].errno_seen != (int)jobs[i].n)
            test_fail("thread %d's errno changed to %d", i, jobs[i].errno_seen);
        if (jobs[i].self != t[i] || pthread_equal(jobs[i].self, pthread_self()))
            test_fail("thread %d's pthread_self is not its own", i);
    }
    expect_ret("pthread_create(exit_early)", pthread_create(&t[0], NULL, exit_early, (void *)42),
               0);
    expect_ret("pthread_join(exit_early)", pthread_join(t[0], &result), 0);
    if (result != (void *)42)
        test_fail("pthread_exit(42) joined as %p", result);
    expect_ret("joining oneself", pthread_join(pthread_self(), NULL), EINVAL);
    expect_stats(&before, "after every thread was joined");
}

static void
detached_pthreads_are_freed_once_ended(void)
{
    pthread_attr_t attr;
    pthread_t t;
    struct cairn_debug_stats before;
    struct sum_job jobs[4];

    pthread_attr_init(&attr);
    expect_ret("setstacksize too small", pthread_attr_setstacksize(&attr, 100), EINVAL);
    expect_ret("setstacksize", pthread_attr_setstacksize(&attr, 64 * 1024), 0);
    expect_ret("setdetachstate", pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
    before = stats_settled();
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct sum_job){.n = 100};
        expect_ret("pthread_create(detached)", pthread_create(&t, &attr, sum_thread, &jobs[i]), 0);
        if (i == 0)
            expect_ret("joining a detached thread", pthread_join(t, NULL), EINVAL);
    }
    /* Each create and join frees the detached threads that have ended by
     * then; go on until all have (or 10 s have passed). */
    for (int round = 0; round < 1000; round++) {
        struct cairn_debug_stats now;

        if (pthread_create(&t, NULL, exit_early, NULL) == 0)
            pthread_join(t, NULL);
        now = stats_settled();
        if (now.live_objects[CAIRN_OBJ_THREAD] == before.live_objects[CAIRN_OBJ_THREAD] &&
            now.live_objects[CAIRN_OBJ_MEMOBJ] == before.live_objects[CAIRN_OBJ_MEMOBJ])
            break;
        cairn_thread_sleep(10 * MS_NS);
    }
    expect_stats(&before, "after the detached threads ended");
}

/* The atexit functions of a child: the one registered last runs first and
 * sets 2; the first then ends the process with 40 + that, so only that
 * order gives the status 42. */
static int atexit_seen;

static void
atexit_first(void)
{
    _Exit(40 + atexit_seen);
}

static void
atexit_second(void)
{
    atexit_seen = 2;
}

static int
child_main(unsigned long mode)
{
    atexit(atexit_first);
    atexit(atexit_second);
    if (mode == MODE_ABORT)
        abort();
    if (mode == MODE_ASSERT)
        assert(mode == MODE_ABORT); /* fails: ends the process like abort */
    if (mode == MODE_ATEXIT_EXIT)
        exit(0);
    return 0; /* MODE_ATEXIT_RETURN: returning from main is exit */
}

static void
exit_runs_atexit_functions_last_first_and_abort_does_not(void)
{
    static const struct {
        unsigned long mode;
        int64_t status;
    } cases[] = {
        {MODE_ATEXIT_EXIT, 42}, {MODE_ATEXIT_RETURN, 42}, {MODE_ABORT, 134}, {MODE_ASSERT, 134}};

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long child = test_spawn(PROGRAM, cases[i].mode, NULL, 0);
        int64_t status = -1;

        if (child < 0)
            return;
        expect_ret("process_wait", cairn_process_wait(child, 20 * SECOND, &status), 0);
        if (status != cases[i].status)
            test_fail("mode %lu: the child ended with %lld, not %lld", cases[i].mode,
                      (long long)status, (long long)cases[i].status);
        cairn_handle_close(child);
    }
}

static jmp_buf jump_back;

/* Clobbers every callee-saved register it can reach, then jumps back. */
static __attribute__((noinline)) void
jump_inner(int val)
{
    __asm__ volatile("xor %%ebx, %%ebx; xor %%r12d, %%r12d; xor %%r13d, %%r13d; "
                     "xor %%r14d, %%r14d; xor %%r15d, %%r15d" ::
                         : "rbx", "r12", "r13", "r14", "r15");
    longjmp(jump_back, val);
}

/* A frame between: the jump leaves it behind. */
static __attribute__((noinline)) void
jump_from_deep(int val)
{
    volatile char frame[256];

    frame[0] = (char)val;
    jump_inner(frame[0]);
}

static void
longjmp_returns_to_setjmp_with_registers_restored(void)
{
    volatile int rounds = 0;
    register long kept = 0x1234567890l; /* likely in a callee-saved register */
    int got;

    got = setjmp(jump_back);
    rounds++;
    if (rounds == 1) {
        if (got != 0)
            test_fail("setjmp first returned %d", got);
        jump_from_deep(7);
    }
    if (rounds == 2) {
        if (got != 7)
            test_fail("longjmp(7) made setjmp return %d", got);
        jump_from_deep(0);
    }
    if (rounds == 3 && got != 1)
        test_fail("longjmp(0) made setjmp return %d, not 1", got);
    if (rounds != 3)
        test_fail("setjmp returned %d times", rounds);
    __asm__ volatile("" : "+r"(kept));
    if (kept != 0x1234567890l)
        test_fail("a register kept across setjmp came back as %lx", kept);
}

static uint64_t
monotonic_ns(void)
{
    struct timespec ts = {-1, -1};

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        test_fail("clock_gettime(CLOCK_MONOTONIC) gave %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
sleeps_are_never_short_and_the_clock_never_goes_back(void)
{
    struct timespec ts, bad = {0, 1000000000};
    struct cairn_process_info info;
    uint64_t t0 = monotonic_ns(), t1;

    expect_ret("usleep(3000)", usleep(3000), 0);
    t1 = monotonic_ns();
    if (t1 - t0 < 3000000)
        test_fail("usleep(3000) returned after %llu ns", (unsigned long long)(t1 - t0));
    ts = (struct timespec){0, 2000000};
    expect_ret("nanosleep(2 ms)", nanosleep(&ts, NULL), 0);
    t0 = monotonic_ns();
    if (t0 - t1 < 2000000)
        test_fail("nanosleep(2 ms) returned after %llu ns", (unsigned long long)(t0 - t1));
    errno = 0;
    if (nanosleep(&bad, NULL) != -1 || errno != EINVAL)
        test_fail("nanosleep with tv_nsec 1e9 was not refused with EINVAL");
    /* A test program's registry names no `rtc` (tests/os/rtc.c tests the
     * clock): the wall clock is refused, not made up. */
    errno = 0;
    if (clock_gettime(CLOCK_REALTIME, &ts) != -1 || errno != ENOENT)
        test_fail("CLOCK_REALTIME answered without a real-time clock");
    expect_ret("process_info", cairn_process_info(CAIRN_INIT_HANDLE_PROCESS, &info), 0);
    if (getpid() != (pid_t)info.pid || getpid() <= 0)
        test_fail("getpid() is %d, process_info says %u", getpid(), info.pid);
}

static const struct usertest tests[] = {
    USERTEST(freed_memory_goes_back_to_the_system),
    USERTEST(malloc_of_more_than_there_is_fails_with_enomem),
    USERTEST(threads_share_the_heap),
    USERTEST(sorting_and_parsing_work_here),
    USERTEST(printf_prints_floating_point_exactly),
    USERTEST(strtod_rounds_correctly_and_reports_range),
    USERTEST(sscanf_reads_every_conversion),
    USERTEST(stdio_streams_write_the_console),
    USERTEST(pthreads_run_join_and_give_everything_back),
    USERTEST(detached_pthreads_are_freed_once_ended),
    USERTEST(exit_runs_atexit_functions_last_first_and_abort_does_not),
    USERTEST(longjmp_returns_to_setjmp_with_registers_restored),
    USERTEST(sleeps_are_never_short_and_the_clock_never_goes_back),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode >= MODE_ATEXIT_EXIT && mode <= MODE_ASSERT)
        return child_main(mode);
    return harness_run("libc", tests, sizeof(tests) / sizeof(tests[0]));
}
