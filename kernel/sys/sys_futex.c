// SPDX-License-Identifier: MIT
/*
 * The futex calls user-space locks sleep on (sched/futex.c; <pthread.h>):
 * wait while a user word holds a value, wake waiters on a word.
 */
#include "sched/futex.h"
#include "sched/waitq.h"
#include "sys/syscall.h"

int64_t
sys_futex_wait(uint64_t addr, uint32_t expected, uint64_t timeout_ns)
{
    return futex_wait(addr, expected, waitq_deadline_after(timeout_ns));
}

int64_t
sys_futex_wake(uint64_t addr, uint32_t count)
{
    return futex_wake(addr, count);
}
