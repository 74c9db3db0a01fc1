/* SPDX-License-Identifier: MIT */
/*
 * The harness every user-mode test program links: a table of tests, each
 * one function whose name states the behaviour it checks, run in order.
 * A test reports its first failure with test_fail() (or expect_ret());
 * harness_run() prints `ok <program>/<test>` or `FAIL <program>/<test>:
 * <why>` for each, which tests/run.sh tallies, and returns the number that
 * failed: the program's exit status, which init adds up.
 *
 * A test program is a boot module, test-<program>, that init starts in a
 * test boot with init's own handle layout (include/cairn/init.h): its
 * process and thread at 0 and 1, the boot information at 2, the boot
 * modules from 3. A test that faults ends the whole program; init reports
 * that as the program's failure.
 */
#ifndef CAIRN_TESTS_OS_HARNESS_H
#define CAIRN_TESTS_OS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include <cairn/debug.h>

#define MS_NS 1000000ull

struct usertest {
    const char *name;
    void (*fn)(void);
};

#define USERTEST(fn) \
    {                \
#fn, fn      \
    }

/* Records the first failure of the running test; later ones add nothing. */
void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Has the running test failed yet? */
int test_has_failed(void);

/* Fails unless a call returned want; names both values and what was called. */
void expect_ret(const char *call, long got, long want);

/* Runs the n tests in order (see above); returns how many failed. */
int harness_run(const char *program, const struct usertest *tests, size_t n);

/* The kernel's counters, or all zero (and a failure) if the call fails. */
struct cairn_debug_stats stats_now(void);

/*
 * Fails unless free frames and live objects of every type are back at
 * before's values; what is freed a moment after a process ends (a thread
 * reaped by the next one on its CPU) is waited for, up to a second.
 */
void expect_stats(const struct cairn_debug_stats *before, const char *when);

#endif
