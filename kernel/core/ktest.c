// SPDX-License-Identifier: MIT
/*
 * The in-kernel test runner. Tests run one after another on the bootstrap
 * CPU with interrupts on, after the core is up.
 */
#include <stdarg.h>

#include "arch/x86_64/cpu.h"
#include "common/printf.h"
#include "common/string.h"
#include "console/console.h"
#include "core/cmdline.h"
#include "core/init.h"
#include "core/ktest.h"
#include "sched/sched.h"
#include "time/clock.h"
#include <cairn/init.h>

extern const struct ktest __start_ktests[], __stop_ktests[];

static bool test_failed;
static char test_failure[160];

void
ktest_fail(const char *fmt, ...)
{
    va_list ap;

    if (test_failed)
        return;
    test_failed = true;
    va_start(ap, fmt);
    vsnprintf(test_failure, sizeof(test_failure), fmt, ap);
    va_end(ap);
}

bool
ktest_enabled(void)
{
    return cmdline_has("test");
}

_Noreturn void
qemu_exit(unsigned value)
{
    outb(0xf4, (uint8_t)value);
    /* Not under QEMU (or no isa-debug-exit device): just stop. */
    cpu_halt_forever();
}

/* Run init in test mode (it runs the user-mode tests) and wait for it;
 * true when it exited with status 0. */
static bool
ktest_run_init(void)
{
    struct process *p;
    bool ok;

    if (init_start(CAIRN_INIT_TEST, &p) < 0) {
        kprintf("FAIL init_runs_user_tests: init could not be started\n");
        return false;
    }
    /* A soak run (make test's last boot) goes on for millions of messages.
     * An ordinary one takes under a minute; the limit is four times that,
     * within the host's 300 s for the boot, so a loaded host (the guest's
     * clock is the host's) slows a boot down without failing it. */
    unsigned limit_s = cmdline_has("soak") ? 480 : 240;

    if (process_wait(p, limit_s * 1000000000ull, NULL) < 0) {
        kprintf("FAIL init_runs_user_tests: init did not finish in %u s\n", limit_s);
        return false;
    }
    ok = p->exit_status == 0;
    if (ok)
        kprintf("ok init_runs_user_tests\n");
    else
        kprintf("FAIL init_runs_user_tests: init exited with status %ld\n", (long)p->exit_status);
    process_unref(p);
    return ok;
}

_Noreturn void
ktest_run_all(const char *filter)
{
    unsigned passed = 0, failed = 0;
    size_t filter_len = filter ? strlen(filter) : 0;
    /* A fuzz boot is about the system calls (init runs the fuzzer) and a
     * soak boot about millions of messages: the in-kernel tests, which
     * have their own boots, are left out of both. The soak runs on QEMU's
     * instruction clock, where the virtual CPUs take turns on one host
     * thread: a CPU whose turn is spent by the time its timer fires runs
     * its other threads almost not at all, which the tests of CPUs
     * working in parallel would take for a kernel that does not. */
    bool own_boot = cmdline_has("fuzz") || cmdline_has("soak");

    for (const struct ktest *t = __start_ktests; t < __stop_ktests && !own_boot; t++) {
        if (filter_len && strncmp(t->name, filter, filter_len) != 0)
            continue;
        test_failed = false;
        t->fn();
        if (test_failed) {
            kprintf("FAIL %s: %s\n", t->name, test_failure);
            failed++;
        } else {
            kprintf("ok %s\n", t->name);
            passed++;
        }
    }
    kprintf("ktest: %u passed, %u failed\n", passed, failed);
    if (!filter_len && !ktest_run_init())
        failed++;
    qemu_exit(failed || (passed == 0 && !own_boot) ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}

static char ktest_filter[64];

static long
ktest_thread(void *arg)
{
    ktest_run_all(arg);
}

void
ktest_start(const char *filter)
{
    struct thread *t;

    strlcpy(ktest_filter, filter ? filter : "", sizeof(ktest_filter));
    t = thread_create("ktest", ktest_thread, ktest_filter, THREAD_PRIORITY_NORMAL);
    if (!t) {
        kprintf("FAIL ktest_start: cannot create the test thread\n");
        qemu_exit(QEMU_EXIT_FAIL);
    }
    sched_start(t);
    thread_unref(t);
}
