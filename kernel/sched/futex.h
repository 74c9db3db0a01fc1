/* SPDX-License-Identifier: MIT */
/*
 * Futexes: threads waiting for a 32-bit word of user memory to change, so
 * that user-space locks sleep in the kernel only when contended.
 *
 * A word is named by what it is, not where it is mapped: the koid of the
 * memory object behind the address and the word's offset in it. Two
 * processes that map one object (at any addresses) wait and wake on the
 * same word; a koid is never reused, so a key cannot outlive its object
 * and name another. The waiter record is part of struct thread: a wait
 * allocates nothing, and a thread waits on one word at a time.
 *
 * Lock legend: [b] the lock of the bucket the key hashes to.
 */
#ifndef CAIRN_SCHED_FUTEX_H
#define CAIRN_SCHED_FUTEX_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"

struct futex_waiter {
    struct list_node link; /* [b] on its bucket while it may be woken through it */
    uint64_t koid;         /* [b] the key: the memory object ... */
    uint64_t offset;       /* [b] ... and the word's offset in it */
    bool woken;            /* [b] a futex_wake took it off the bucket */
};

/* Set up the buckets; once, at boot, before any user thread runs. */
void futex_init(void);

/*
 * Block the calling thread while the word at user address addr holds
 * expected, until futex_wake on the same word, the deadline (monotonic
 * ns; 0: do not wait; SCHED_FOREVER) or the thread is being stopped. The
 * comparison and the queueing are one step under the bucket's lock, which
 * futex_wake takes too: a wake-up after the word changed cannot be missed.
 * 0 (woken), -CAIRN_EAGAIN (the word did not hold expected),
 * -CAIRN_ETIMEDOUT, -CAIRN_EINTR (being stopped), -CAIRN_EINVAL (addr not
 * 4-byte aligned), -CAIRN_EFAULT (no readable mapping at addr).
 */
int futex_wait(uint64_t addr, uint32_t expected, uint64_t deadline);

/* Wake up to count threads waiting on the word at user address addr, the
 * oldest first. Returns the number woken, -CAIRN_EINVAL or -CAIRN_EFAULT. */
long futex_wake(uint64_t addr, uint32_t count);

#endif
