// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of processes, using the test child (tests/child): a
 * malformed image is refused without leaking, a faulting process dies
 * alone, a process starts with the start block of include/cairn/init.h,
 * and creating and reaping many processes leaks nothing.
 */
#include <cairn/errors.h>
#include <cairn/init.h>

#include "child/child.h"
#include "common/string.h"
#include "core/init.h"
#include "core/ktest.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "test/live_counts.h"
#include "test/thread_wait.h"

#define SECOND 1000000000ull

/* Spawn the test child (tests/child) in role, wait for it, return its exit status. */
static int64_t
run_child(uint64_t role)
{
    const void *image;
    size_t size;
    struct process *p;
    int64_t status = -1;

    if (boot_module_image("child", &image, &size) < 0 ||
        process_spawn_elf("child", image, size, role, &p))
        return -1000;
    process_start(p);
    if (process_wait(p, 20 * SECOND, &status) < 0)
        status = -1001;
    process_unref(p);
    return status;
}

KTEST(process_spawn_refuses_malformed_elf_and_leaks_nothing)
{
    static uint8_t junk[4096];
    const void *image;
    size_t size;
    struct process *p = NULL;
    struct live_counts before;

    if (boot_module_image("child", &image, &size) < 0) {
        ktest_fail("no test child module");
        return;
    }
    before = live_counts_now();
    memset(junk, 0x7f, sizeof(junk));
    KTEST_EXPECT(process_spawn_elf("junk", junk, sizeof(junk), 0, &p) == -CAIRN_EINVAL,
                 "garbage was accepted");
    /* A truncated copy of a good image: headers intact, segments cut off. */
    KTEST_EXPECT(process_spawn_elf("cut", image, 1024, 0, &p) == -CAIRN_EINVAL,
                 "a truncated image was accepted");
    live_counts_expect_back(before, "after refusals");
}

KTEST(faulting_process_dies_and_the_kernel_goes_on)
{
    struct live_counts before = live_counts_now();
    int64_t status = run_child(CHILD_FAULT);

    KTEST_EXPECT(status == -(128 + 14), "status %ld, expected a page-fault death (-142)",
                 (long)status);
    KTEST_EXPECT(run_child(CHILD_EXIT) == 0, "a process after the fault failed");
    live_counts_expect_back(before, "after the fault");
}

/* The start block the kernel writes (include/cairn/init.h): the child
 * checks argc, argv, the environment, the auxiliary vector and where the
 * block lies, and exits with what it found wrong (tests/child/child.h). */
KTEST(kernel_started_process_gets_its_name_as_argv_and_no_environment)
{
    int64_t status = run_child(CHILD_CHECK_START);

    KTEST_EXPECT(status == 0, "the child found its start block wrong: status %ld (child.h)",
                 (long)status);
}

KTEST(process_create_run_exit_1000_rounds_leak_nothing)
{
    struct live_counts before = live_counts_now();
    unsigned bad = 0;

    for (unsigned i = 0; i < 1000; i++) {
        if (run_child(CHILD_EXIT) != 0)
            bad++;
    }
    KTEST_EXPECT(bad == 0, "%u of 1000 rounds failed", bad);
    live_counts_expect_back(before, "after 1000 rounds");
}

static long
do_nothing(void *arg)
{
    (void)arg;
    return 0;
}

KTEST(thread_is_an_object_freed_by_its_last_reference)
{
    unsigned live = thread_live_count();
    struct thread *t = thread_create("obj", do_nothing, NULL, THREAD_PRIORITY_NORMAL);

    if (!t) {
        ktest_fail("thread_create failed");
        return;
    }
    KTEST_EXPECT(t->obj.type == CAIRN_OBJ_THREAD && t->obj.koid != 0, "type %u koid %lu",
                 t->obj.type, t->obj.koid);
    KTEST_EXPECT(thread_live_count() == live + 1, "%u threads, %u before", thread_live_count(),
                 live);
    thread_ref(t);
    thread_unref(t);
    KTEST_EXPECT(thread_live_count() == live + 1, "freed with a reference left");
    thread_unref(t); /* never started: the creator's was the last */
    KTEST_EXPECT(thread_live_count() == live, "%u threads, %u before", thread_live_count(), live);
}

struct process_waiter {
    struct process *p;
    int64_t status;
};

static long
wait_for_process(void *arg)
{
    struct process_waiter *w = arg;

    return process_wait(w->p, 20 * SECOND, &w->status);
}

KTEST(process_wait_times_out_and_wakes_every_waiter)
{
    enum {
        N = 3
    };
    struct live_counts before = live_counts_now();
    struct process_waiter w[N];
    struct thread *t[N];
    const void *image;
    size_t size;
    struct process *p;

    if (boot_module_image("child", &image, &size) < 0 ||
        process_spawn_elf("sleeper", image, size, CHILD_SLEEP, &p) < 0) {
        ktest_fail("cannot spawn the test child");
        return;
    }
    KTEST_EXPECT(process_wait(p, 0, NULL) == -CAIRN_ETIMEDOUT, "an unstarted process ended");
    process_start(p);
    for (int i = 0; i < N; i++) {
        w[i] = (struct process_waiter){p, -1};
        t[i] = thread_create("waiter", wait_for_process, &w[i], THREAD_PRIORITY_NORMAL);
        if (t[i])
            sched_start(t[i]);
    }
    KTEST_EXPECT(process_wait(p, 1000000, NULL) == -CAIRN_ETIMEDOUT, "1 ms wait did not time out");
    for (int i = 0; i < N; i++) {
        if (!t[i])
            continue;
        KTEST_EXPECT(ktest_wait_dead(t[i], 30000), "waiter %d hangs", i);
        KTEST_EXPECT(t[i]->exit_status == 0 && w[i].status == 7, "waiter %d: %ld, status %ld", i,
                     (long)t[i]->exit_status, (long)w[i].status);
        thread_unref(t[i]);
    }
    process_unref(p);
    live_counts_expect_back(before, "after the waits");
}
