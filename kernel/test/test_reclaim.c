// SPDX-License-Identifier: MIT
/*
 * In-kernel tests of reclaiming objects: chains of objects each holding the
 * only reference to the next (processes through their handle tables,
 * threads and their processes, quotas through their parents) are freed
 * whole, however long, without the kernel stack growing with the chain,
 * from a plain unref as well as from the reaping of a process's last
 * thread; and nothing is left behind.
 *
 * Recursion used to cost some 150 bytes of a 16 KiB kernel stack a link:
 * each of these chains is several times longer than a stack could hold.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/rights.h>

#include "child/child.h"
#include "core/init.h"
#include "core/ktest.h"
#include "obj/process.h"
#include "obj/quota.h"
#include "sched/sched.h"
#include "test/live_counts.h"

#define SECOND          1000000000ull
#define PROCESS_CHAIN   1000
#define QUOTA_CHAIN     5000
#define QUOTA_LINK_SIZE (1ull << 20)

/* n processes, each holding a handle to the next; returns the first (the
 * caller's only reference into the chain), or NULL with nothing left. */
static struct process *
process_chain_create(unsigned n)
{
    struct process *head = NULL, *prev = NULL;
    unsigned made = 0;

    for (; made < n; made++) {
        struct process *p;
        int err;

        if (process_create("chain", &p) < 0)
            break;
        if (!head) {
            head = prev = p; /* our reference */
            continue;
        }
        err = handle_insert(&prev->handles, &p->obj, CAIRN_RIGHT_READ);
        process_unref(p); /* prev's handle holds it now, or nothing does */
        if (err < 0)
            break;
        prev = p;
    }
    if (made == n)
        return head;
    ktest_fail("built %u of a chain of %u processes", made, n);
    if (head)
        process_unref(head);
    return NULL;
}

KTEST(reclaim_chain_of_1000_processes_holding_each_other_is_freed_whole)
{
    struct live_counts before = live_counts_now();
    struct process *head = process_chain_create(PROCESS_CHAIN);

    if (!head)
        return;
    KTEST_EXPECT(process_live_count() == before.processes + PROCESS_CHAIN, "%u processes",
                 process_live_count());
    process_unref(head); /* the whole chain goes */
    KTEST_EXPECT(process_live_count() == before.processes, "%u of %u processes left",
                 process_live_count() - before.processes, PROCESS_CHAIN);
    live_counts_expect_back(before, "after the process chain");
}

KTEST(reclaim_chain_of_1000_threads_and_their_processes_is_freed_whole)
{
    struct live_counts before = live_counts_now();
    struct thread *first = NULL;
    struct process *prev = NULL;
    unsigned made = 0;

    /* Process i holds a handle to an unstarted thread of process i + 1,
     * the only reference to that thread, whose own reference is the only
     * one to its process. We hold the first thread. */
    for (; made < PROCESS_CHAIN; made++) {
        struct process *p;
        struct thread *t;
        int err = 0;

        if (process_create("tchain", &p) < 0)
            break;
        t = thread_create_user("tchain", p, CAIRN_USER_BASE, 0, 0, THREAD_PRIORITY_NORMAL);
        if (!t || process_thread_add(p, t) < 0) {
            if (t)
                thread_unref(t);
            process_unref(p);
            break;
        }
        process_unref(p); /* the thread holds it now */
        if (prev) {
            err = handle_insert(&prev->handles, &t->obj, CAIRN_RIGHT_READ);
            thread_unref(t); /* prev's handle holds it now, or nothing */
        } else {
            first = t;
        }
        if (err < 0)
            break;
        prev = p;
    }
    KTEST_EXPECT(made == PROCESS_CHAIN, "built %u of %u links", made, PROCESS_CHAIN);
    if (first)
        thread_unref(first); /* the whole chain goes */
    KTEST_EXPECT(process_live_count() == before.processes, "%u processes left",
                 process_live_count() - before.processes);
    live_counts_expect_back(before, "after the thread chain");
}

KTEST(reclaim_chain_of_5000_quotas_is_freed_whole)
{
    struct live_counts before = live_counts_now();
    /* A parent pays for its child's struct as well as its limit, so each
     * link is one struct smaller than the one above it. */
    const uint64_t top = QUOTA_LINK_SIZE + QUOTA_CHAIN * sizeof(struct quota);
    struct quota *root = quota_create_root(top + sizeof(struct quota)), *q;
    uint64_t limit = top;
    unsigned made = 0;

    KTEST_ASSERT(root, "no root quota");
    q = root;
    for (; made < QUOTA_CHAIN; made++) {
        struct quota *child;

        if (quota_split(q, limit, &child) < 0)
            break;
        if (q != root)
            quota_unref(q); /* the child holds its parent */
        q = child;
        limit -= sizeof(struct quota);
    }
    KTEST_EXPECT(made == QUOTA_CHAIN, "built %u of %u quotas", made, QUOTA_CHAIN);
    KTEST_EXPECT(quota_used(root) == top + sizeof(struct quota), "root used %lu", quota_used(root));
    if (q != root)
        quota_unref(q);
    KTEST_EXPECT(quota_used(root) == 0, "root still used %lu after the chain went",
                 quota_used(root));
    quota_unref(root);
    live_counts_expect_back(before, "after the quota chain");
}

/* The last thread of a process is reaped, and the process torn down, by
 * its CPU's reaper: a chain held in the process's handle table goes then. */
KTEST(reclaim_process_ending_with_a_chain_of_1000_processes_frees_them_all)
{
    struct live_counts before = live_counts_now();
    struct process *head = process_chain_create(PROCESS_CHAIN), *p;
    const void *image;
    size_t size;
    int64_t status = -1;

    if (!head)
        return;
    if (boot_module_image("child", &image, &size) < 0 ||
        process_spawn_elf("holder", image, size, CHILD_EXIT, &p) < 0) {
        ktest_fail("cannot spawn the test child");
        process_unref(head);
        return;
    }
    KTEST_EXPECT(handle_insert(&p->handles, &head->obj, CAIRN_RIGHT_READ) >= 0,
                 "cannot give the chain to the process");
    process_unref(head);
    process_start(p);
    KTEST_EXPECT(process_wait(p, 20 * SECOND, &status) == 0 && status == 0, "status %ld",
                 (long)status);
    /* Torn down before the wait returned: the chain is gone already. */
    KTEST_EXPECT(process_live_count() == before.processes + 1, "%u processes left",
                 process_live_count() - before.processes);
    process_unref(p);
    live_counts_expect_back(before, "after the holder ended");
}
