// SPDX-License-Identifier: MIT
#include <cairn/rights.h>

#include "core/ktest.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "obj/object.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "test/live_counts.h"

static struct live_counts
live_counts_sample(void)
{
    kmalloc_shrink();
    return (struct live_counts){frame_free_count(), thread_live_count(), process_live_count(),
                                object_live_count(CAIRN_OBJ_QUOTA)};
}

static int
live_counts_equal(struct live_counts a, struct live_counts b)
{
    return a.frames == b.frames && a.threads == b.threads && a.processes == b.processes &&
           a.quotas == b.quotas;
}

/* The counts once they hold still for a millisecond (up to a second): what
 * an earlier test let go may still be on its way back (a reaper on another
 * CPU), and a count taken mid-way would be lower than the one after. */
struct live_counts
live_counts_now(void)
{
    struct live_counts last = live_counts_sample(), now;

    for (unsigned i = 0; i < 1000; i++) {
        sched_sleep_ns(1000000);
        now = live_counts_sample();
        if (live_counts_equal(now, last))
            break;
        last = now;
    }
    return last;
}

void
live_counts_expect_back(struct live_counts before, const char *when)
{
    struct live_counts now = live_counts_sample();

    for (unsigned i = 0; i < 1000 && !live_counts_equal(now, before); i++) {
        sched_sleep_ns(1000000);
        now = live_counts_sample();
    }
    KTEST_EXPECT(now.frames == before.frames, "%s: %lu frames free, %lu before", when, now.frames,
                 before.frames);
    KTEST_EXPECT(now.threads == before.threads, "%s: %u threads, %u before", when, now.threads,
                 before.threads);
    KTEST_EXPECT(now.processes == before.processes, "%s: %u processes, %u before", when,
                 now.processes, before.processes);
    KTEST_EXPECT(now.quotas == before.quotas, "%s: %u quotas, %u before", when, now.quotas,
                 before.quotas);
}
