/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks, built on __atomic builtins and the pause hint (and on
 * x86-64 one plain add to release), so the same header serves the kernel
 * and host tests.
 *
 * A ticket lock hands the lock out in arrival order, so no CPU starves under
 * contention. spin_lock() leaves the interrupt flag alone; the kernel takes
 * its locks with spin_lock_irqsave(), because a thread preempted while
 * holding a lock would otherwise stall every CPU that then spins on it with
 * interrupts off. (In host tests the irqsave forms are plain locks.)
 */
#ifndef CAIRN_LIB_SPINLOCK_H
#define CAIRN_LIB_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/log.h"

struct spinlock {
    uint32_t next;    /* [a] next ticket to hand out */
    uint32_t serving; /* [a] ticket that holds the lock */
};

#define SPINLOCK_INIT \
    {                 \
        0, 0          \
    }

static inline void
spin_init(struct spinlock *l)
{
    l->next = 0;
    l->serving = 0;
}

static inline void
spin_lock(struct spinlock *l)
{
    uint32_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    /* Uncontended is the rule: that case falls straight through. */
    if (__builtin_expect(__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) == ticket, 1))
        return;
    while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket)
        __builtin_ia32_pause();
}

static inline bool
spin_trylock(struct spinlock *l)
{
    uint32_t serving = __atomic_load_n(&l->serving, __ATOMIC_RELAXED);
    uint32_t expected = serving;

    return __atomic_compare_exchange_n(&l->next, &expected, serving + 1, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

static inline void
spin_unlock(struct spinlock *l)
{
    /* Only the holder writes serving, so a plain increment is race-free.
     * On x86-64 it is one unlocked add to memory: its store is a single
     * aligned write that waiters see whole, and x86 stores are release
     * stores (the clobber keeps the compiler from sinking the critical
     * section's accesses past it). Elsewhere a load and a release store. */
#if defined(__x86_64__)
    __asm__ volatile("addl $1, %0" : "+m"(l->serving) : : "memory");
#else
    __atomic_store_n(&l->serving, l->serving + 1, __ATOMIC_RELEASE);
#endif
}

static inline bool
spin_is_locked(struct spinlock *l)
{
    return __atomic_load_n(&l->next, __ATOMIC_RELAXED) !=
           __atomic_load_n(&l->serving, __ATOMIC_RELAXED);
}

/*
 * What every function named *_locked checks first: that its caller holds
 * the lock it needs. A check that the lock is held at all (by this CPU or
 * another), not by whom: it catches the call made without taking it.
 * Debug builds only (the test kernel and host tests, -DCAIRN_LOCK_DEBUG),
 * where a failure is a kernel bug (kbug); elsewhere it costs nothing.
 */
#ifdef CAIRN_LOCK_DEBUG
#define spin_assert_held(l)                                   \
    do {                                                      \
        if (__builtin_expect(!spin_is_locked(l), 0))          \
            kbug("%s: called without %s held", __func__, #l); \
    } while (0)
#else
#define spin_assert_held(l) ((void)(l))
#endif

/* Lock with interrupts off; returns whether they were on, for
 * spin_unlock_irqrestore(). */
static inline bool
spin_lock_irqsave(struct spinlock *l)
{
    bool was_on = false;
#ifndef HOST_TEST
    uint64_t flags;

    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    was_on = flags & (1u << 9);
#endif
    spin_lock(l);
    return was_on;
}

static inline void
spin_unlock_irqrestore(struct spinlock *l, bool was_on)
{
    spin_unlock(l);
#ifndef HOST_TEST
    if (was_on)
        __asm__ volatile("sti" : : : "memory");
#else
    (void)was_on;
#endif
}

#endif
