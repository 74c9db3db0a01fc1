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
 * process and thread, the boot information, the memory quota, the
 * device-access roots, then the boot modules. A test that faults ends the whole program; init reports
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

/* The counters once they stand still (two readings 20 ms apart agree, for
 * 5 s at most): the baseline to take right after a child ended, which its
 * CPU's reaper tears down a moment later. */
struct cairn_debug_stats stats_settled(void);

/*
 * Fails unless free frames and live objects of every type are back at
 * before's values; what is freed a moment after a process ends (a thread
 * reaped by the next one on its CPU, a teardown that a reaper does) is
 * waited for, up to 30 seconds, so a slow or loaded machine is not taken
 * for a leak: a four-CPU guest on two busy host cores has been seen to
 * need more than five. A real leak costs only the wait before it fails.
 */
void expect_stats(const struct cairn_debug_stats *before, const char *when);

/* --- threads and child processes for the tests --- */

#define TEST_STACK_SIZE (16 * 1024)

/* A thread of this process running a C function, with its own stack. */
struct test_thread {
    long handle; /* the thread, or a negative code */
    long stack;  /* the stack's memory object */
    long base;   /* where the stack is mapped */
    int running; /* started and not yet seen to end by test_thread_join */
};

/*
 * Creates and starts a thread of this process running fn(arg) on a fresh
 * TEST_STACK_SIZE stack (mapped with a guard page below). Returns 0 or the
 * failing call's code (and fails the test).
 */
long test_thread_start(struct test_thread *t, long (*fn)(void *), void *arg);
/* The same, on CPU cpu alone (-1: any). */
long test_thread_start_on(struct test_thread *t, long (*fn)(void *), void *arg, int cpu);

/* Waits up to timeout_ns for t to end and gives its status; closes the
 * thread's handle, not its stack. Returns thread_wait's result. */
long test_thread_join(struct test_thread *t, uint64_t timeout_ns, int64_t *status);

/* Unmaps and releases t's stack. Only once no other thread of this
 * process is running: an unmap makes every CPU running the process drop
 * the old translation, and a CPU busy in the kernel for a sibling thread
 * may not be able to answer (arch/x86_64/tlb.h). A thread that was not
 * seen to end (its join failed or never came) keeps its stack, and the
 * test fails: unmapped under a thread that wakes later, it would take the
 * whole program down with a page fault instead of one failed test. */
void test_thread_free(struct test_thread *t);

/*
 * Starts another copy of the boot module called module (normally this
 * program) with mode as its start word (cairn_start_arg) and argv = {
 * module }, through cairn_spawn, with this program's
 * handles (the boot information and every module) followed by extra[0 ..
 * nextra): the child finds extra[i] at handle test_extra_handle(i).
 * Returns the process handle or a negative code (and fails the test).
 */
long test_spawn(const char *module, uint64_t mode, const long *extra, unsigned nextra);

/* Where program name's image lies: its own boot module (offset 0), or its
 * member of the initfs module, NAME or bin/NAME (the system's programs);
 * returns the memory object's handle (or a negative code) and sets
 * *offset and *size. */
long test_program_image(const char *name, uint64_t *offset, uint64_t *size);

/* test_spawn at a priority (struct cairn_spawn_attr's), which is also the
 * child's highest (0: the default, within this program's bound); a
 * failure is returned, not recorded. */
long test_spawn_prio(const char *module, uint64_t mode, const long *extra, unsigned nextra,
                     uint32_t priority);

/*
 * Starts the PCI bus server from the initfs with the grants of its
 * manifest entry (servers/init/services), and with the ECAM and the boot
 * information if ecam, and registry_client (which stays the caller's) as
 * its registry: the process handle, or a negative code (and the test
 * fails). The caller serves the registry and takes its registration.
 */
long test_start_pci(long registry_client, int ecam);

/* In a child started by test_spawn: the handle of extra[i]. */
long test_extra_handle(unsigned i);

/*
 * A copy of boot module name to patch (a malformed image for a loader): a
 * fresh memory object holding its *size bytes, mapped read-write at *map
 * (*map_len bytes, whole pages, for the caller to unmap). Returns the
 * object's handle, or a negative code (and fails the test) with nothing
 * left behind.
 */
long test_module_copy(const char *name, uint64_t *size, uint8_t **map, uint64_t *map_len);

#endif
