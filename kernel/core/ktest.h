/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests. A test is a function registered with KTEST(); the linker
 * gathers them in the .ktests section. With `test` on the kernel command
 * line the kernel runs them all after boot, prints "ok <name>" or
 * "FAIL <name>: <why>" for each, then leaves QEMU through the isa-debug-exit
 * device (port 0xf4) with a status that says whether all passed.
 *
 *     KTEST(buddy_alloc_everything_then_free_returns_count)
 *     {
 *         KTEST_EXPECT(frame_free_count() == before, "free count %lu != %lu", ...);
 *     }
 *
 * `test=NAME` runs only the tests whose name starts with NAME.
 */
#ifndef CAIRN_CORE_KTEST_H
#define CAIRN_CORE_KTEST_H

#include <stdbool.h>

struct ktest {
    const char *name;
    void (*fn)(void);
};

#define KTEST(name)                                                                       \
    static void ktest_fn_##name(void);                                                    \
    static const struct ktest ktest_##name                                                \
        __attribute__((used, section(".ktests"), aligned(8))) = {#name, ktest_fn_##name}; \
    static void ktest_fn_##name(void)

/* Record a failure of the running test (the first message is kept) and
 * carry on, so one test can report several problems. */
void ktest_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KTEST_EXPECT(cond, ...)      \
    do {                             \
        if (!(cond))                 \
            ktest_fail(__VA_ARGS__); \
    } while (0)

/* Record a failure and end the running test (for a check that later steps
 * depend on). Only in the test function itself. */
#define KTEST_ASSERT(cond, ...)      \
    do {                             \
        if (!(cond)) {               \
            ktest_fail(__VA_ARGS__); \
            return;                  \
        }                            \
    } while (0)

/* Whether this boot is a test boot (`test` on the command line). */
bool ktest_enabled(void);

/* Run the registered tests and leave QEMU. */
_Noreturn void ktest_run_all(const char *filter);
/* Run them in a kernel thread of their own (tests may sleep and block). */
void ktest_start(const char *filter);

/* isa-debug-exit: QEMU exits with status (value << 1) | 1. */
#define QEMU_EXIT_PASS 0x10 /* exit status 33 */
#define QEMU_EXIT_FAIL 0x11 /* exit status 35 */
_Noreturn void qemu_exit(unsigned value);

#endif
