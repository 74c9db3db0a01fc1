/* SPDX-License-Identifier: MIT */
/* Waiting for kernel threads in in-kernel tests (shared by the test files). */
#ifndef CAIRN_TEST_THREAD_WAIT_H
#define CAIRN_TEST_THREAD_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/thread.h"

/* Sleep in 1 ms steps until t is dead or timeout_ms pass; true if it died. */
bool ktest_wait_dead(struct thread *t, uint64_t timeout_ms);

/* Sleep in 1 ms steps until t is blocked (in a wait of its own making) or
 * timeout_ms pass; true if it blocked. What a test waits for instead of a
 * fixed sleep when it needs a thread to be waiting already. */
bool ktest_wait_blocked(struct thread *t, uint64_t timeout_ms);

/* A dead thread is reaped by its CPU's reaper, a moment after its state
 * says DEAD: wait up to five seconds for the live count to reach
 * expected; true if it did. */
bool ktest_live_threads_settle(unsigned expected);

#endif
