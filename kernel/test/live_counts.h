/* SPDX-License-Identifier: MIT */
/* What a test must find back where it was after it ends: free frames and
 * live threads, processes and quotas (shared by the test files). */
#ifndef CAIRN_TEST_LIVE_COUNTS_H
#define CAIRN_TEST_LIVE_COUNTS_H

#include <stdint.h>

struct live_counts {
    uint64_t frames;
    unsigned threads, processes, quotas;
};

/* The counts once they hold still (what an earlier test let go may still
 * be on its way back), with the allocator's cached empty slabs given back
 * first: a cache is not a leak. */
struct live_counts live_counts_now(void);

/* Fails the running test for each count not back at before's. Reaping
 * happens on each CPU's reaper thread a moment after an object's last
 * reference goes, so it waits up to a second for the counts to settle. */
void live_counts_expect_back(struct live_counts before, const char *when);

#endif
