/* SPDX-License-Identifier: MIT */
/*
 * A tiny harness for host unit tests. Each test is a function; run_test()
 * prints "ok <name>" or "FAIL <name>: <first failed check>", which the test
 * runner counts. main() returns non-zero when any test failed.
 *
 *     TEST(buddy_merges_freed_buddies) { ... CHECK(x == 1); ... }
 *     int main(void) { RUN(buddy_merges_freed_buddies); return check_exit(); }
 */
#ifndef CAIRN_TESTS_HOST_CHECK_H
#define CAIRN_TESTS_HOST_CHECK_H

#include <stdint.h>
#include <stdio.h>

static int check_test_failed;  /* checks failed in the running test */
static int check_tests_failed; /* tests failed so far */
static char check_first_failure[256];

#define TEST(name) static void name(void)

/* Marsaglia's xorshift64: the tests' random inputs, the same sequence from
 * the same seed on every host. *state must not be 0. */
static inline uint64_t
check_xorshift64(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            if (!check_test_failed)                                                               \
                snprintf(check_first_failure, sizeof(check_first_failure), "%s:%d: %s", __FILE__, \
                         __LINE__, #cond);                                                        \
            check_test_failed++;                                                                  \
        }                                                                                         \
    } while (0)

static inline void
run_test(const char *name, void (*fn)(void))
{
    check_test_failed = 0;
    fn();
    if (check_test_failed) {
        printf("FAIL %s: %s\n", name, check_first_failure);
        check_tests_failed++;
    } else {
        printf("ok %s\n", name);
    }
    fflush(stdout);
}

#define RUN(name) run_test(#name, name)

static inline int
check_exit(void)
{
    return check_tests_failed ? 1 : 0;
}

#endif
