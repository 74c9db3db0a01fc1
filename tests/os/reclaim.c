// SPDX-License-Identifier: MIT
/*
 * User-mode tests of the kernel freeing long chains of objects: processes
 * each holding a handle to the next, quotas each split from the one
 * before, and a child process that ends holding such a chain. Each chain
 * is far longer than a kernel stack could follow by recursion; the kernel
 * must free it whole, go on working, and leak nothing.
 */
#include <stdint.h>

#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/rights.h>
#include <cairn/start.h>
#include <cairn/sys.h>

#include "harness.h"

#define PROGRAM       "test-reclaim"
#define SECOND        (1000 * MS_NS)
#define PROCESS_CHAIN 1000
#define QUOTA_CHAIN   5000
#define QUOTA_LINK    (2 * 1024 * 1024ul)
/* A parent pays for its child's kernel struct too: each link is this much
 * smaller than its parent, which covers the struct. */
#define QUOTA_STEP    256ul
#define MODE_EXIT     100 /* the start word of a child that exits at once */

/* PROCESS_CHAIN empty processes, each holding a handle to the next; the
 * handle to the first, or a negative code with nothing left behind. */
static long
process_chain_create(void)
{
    long head = -CAIRN_EINVAL, prev = -CAIRN_EINVAL;

    for (unsigned i = 0; i < PROCESS_CHAIN; i++) {
        long p = cairn_process_create(), err = 0;

        if (p < 0) {
            test_fail("process %u of the chain: %s", i, cairn_error_name((int)p));
            err = p;
        } else if (i > 0) {
            err = cairn_handle_install(prev, p, CAIRN_RIGHTS_SAME);
            if (err < 0)
                test_fail("handle_install at %u: %s", i, cairn_error_name((int)err));
        }
        if (i > 0 && prev != head)
            cairn_handle_close(prev); /* the process before holds it */
        if (err < 0) {
            if (p >= 0)
                cairn_handle_close(p);
            if (head >= 0)
                cairn_handle_close(head);
            return err;
        }
        if (i == 0)
            head = p;
        prev = p;
    }
    if (prev != head)
        cairn_handle_close(prev);
    return head;
}

/* Build a chain of processes and close its head; true if the chain was
 * built. */
static int
process_chain_round(void)
{
    long head = process_chain_create();

    if (head < 0)
        return 0;
    expect_ret("closing the head of the chain", cairn_handle_close(head), 0);
    return 1;
}

static void
chain_of_1000_processes_holding_each_other_is_freed_whole(void)
{
    struct cairn_debug_stats before;

    /* The first round grows our own handle table (handle values are not
     * reused at once), which is no leak: count from the second. */
    if (!process_chain_round())
        return;
    before = stats_settled();
    if (process_chain_round())
        expect_stats(&before, "after closing the chain");
}

/* Build a chain of quotas and close its end; true if it was built. */
static int
quota_chain_round(void)
{
    long q = CAIRN_INIT_HANDLE_QUOTA;
    unsigned made = 0;

    for (; made < QUOTA_CHAIN; made++) {
        long child = cairn_quota_create(q, QUOTA_LINK - made * QUOTA_STEP);

        if (child < 0) {
            test_fail("quota %u of the chain: %s", made, cairn_error_name((int)child));
            break;
        }
        if (q != CAIRN_INIT_HANDLE_QUOTA)
            cairn_handle_close(q); /* the child holds its parent */
        q = child;
    }
    if (q != CAIRN_INIT_HANDLE_QUOTA)
        expect_ret("closing the last quota", cairn_handle_close(q), 0);
    return made == QUOTA_CHAIN;
}

static void
chain_of_5000_quotas_is_freed_whole(void)
{
    struct cairn_debug_stats before;
    struct cairn_quota_info info, after;

    if (!quota_chain_round()) /* as above: our handle table grows once */
        return;
    before = stats_settled();
    expect_ret("quota_info", cairn_quota_info(CAIRN_INIT_HANDLE_QUOTA, &info), 0);
    if (!quota_chain_round())
        return;
    expect_stats(&before, "after closing the quota chain");
    expect_ret("quota_info", cairn_quota_info(CAIRN_INIT_HANDLE_QUOTA, &after), 0);
    if (after.used != info.used)
        test_fail("the quota uses %lu bytes, %lu before the chain", (unsigned long)after.used,
                  (unsigned long)info.used);
}

/* Spawn a child that exits at once holding extra (if >= 0: ours is
 * closed, so the child's is the last), and wait for it. */
static void
run_child(long extra)
{
    long child = test_spawn(PROGRAM, MODE_EXIT, &extra, extra >= 0 ? 1 : 0);
    int64_t status = -1;

    if (extra >= 0)
        cairn_handle_close(extra);
    if (child < 0)
        return;
    expect_ret("process_wait", cairn_process_wait(child, 20 * SECOND, &status), 0);
    if (status != 0)
        test_fail("the child ended with %ld", (long)status);
    cairn_handle_close(child);
}

static void
process_ending_with_a_chain_of_1000_processes_frees_them_all(void)
{
    struct cairn_debug_stats before;
    long head;

    /* Once without a chain: the loader leaves page tables in our own
     * address space the first time, which are no leak. */
    run_child(-1);
    before = stats_settled();
    head = process_chain_create();
    if (head < 0)
        return;
    run_child(head);
    expect_stats(&before, "after the child ended");
}

static const struct usertest tests[] = {
    USERTEST(chain_of_1000_processes_holding_each_other_is_freed_whole),
    USERTEST(chain_of_5000_quotas_is_freed_whole),
    USERTEST(process_ending_with_a_chain_of_1000_processes_frees_them_all),
};

int
main(void)
{
    unsigned long mode = cairn_start_arg();

    if (mode == MODE_EXIT)
        return 0;
    return harness_run("reclaim", tests, sizeof(tests) / sizeof(tests[0]));
}
