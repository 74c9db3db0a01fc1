// SPDX-License-Identifier: MIT
/*
 * Mutexes and condition variables on futexes (see <pthread.h>).
 *
 * The mutex is the three-state one from Drepper's "Futexes Are Tricky":
 * 0 free, 1 held, 2 held and perhaps waited for. Lock takes 0 -> 1 with
 * one compare-and-swap; a thread that finds it held sets 2 and sleeps
 * while it stays 2. Unlock goes 1 -> 0 with no call, and from 2 sets 0
 * and wakes one sleeper, which takes the lock as 2 (it cannot know whether
 * others still sleep), so no wake-up is ever lost.
 *
 * The condition variable is a sequence number: a waiter reads it, unlocks
 * the mutex and sleeps while it is unchanged; signal and broadcast bump
 * it and wake one or all. A signal between the read and the sleep changes
 * the number, so the sleep returns at once (EAGAIN from the kernel).
 */
#include <errno.h>
#include <pthread.h>

#include <cairn/process.h>
#include <cairn/sys.h>

int
pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    (void)attr;
    __atomic_store_n(&m->state, 0, __ATOMIC_RELAXED);
    return 0;
}

int
pthread_mutex_destroy(pthread_mutex_t *m)
{
    return __atomic_load_n(&m->state, __ATOMIC_RELAXED) ? EBUSY : 0;
}

int
pthread_mutex_trylock(pthread_mutex_t *m)
{
    uint32_t free = 0;

    return __atomic_compare_exchange_n(&m->state, &free, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)
               ? 0
               : EBUSY;
}

/* Take m, contended: mark it waited for and sleep until it comes free. */
static int
mutex_lock_slow(pthread_mutex_t *m, uint32_t seen)
{
    if (seen != 2)
        seen = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    while (seen != 0) {
        long err = cairn_futex_wait(&m->state, 2, CAIRN_WAIT_FOREVER);

        /* Woken, or the word was no longer 2: try again. A bad address
         * would fail forever. */
        if (err == -CAIRN_EFAULT || err == -CAIRN_EINVAL)
            return (int)-err;
        seen = __atomic_exchange_n(&m->state, 2, __ATOMIC_ACQUIRE);
    }
    return 0;
}

int
pthread_mutex_lock(pthread_mutex_t *m)
{
    uint32_t seen = 0;

    if (__atomic_compare_exchange_n(&m->state, &seen, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return 0;
    return mutex_lock_slow(m, seen);
}

int
pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_RELEASE) != 1) {
        __atomic_store_n(&m->state, 0, __ATOMIC_RELEASE);
        cairn_futex_wake(&m->state, 1);
    }
    return 0;
}

int
pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
    (void)attr;
    __atomic_store_n(&c->seq, 0, __ATOMIC_RELAXED);
    return 0;
}

int
pthread_cond_destroy(pthread_cond_t *c)
{
    (void)c;
    return 0;
}

int
pthread_cond_timedwait_ns(pthread_cond_t *c, pthread_mutex_t *m, uint64_t timeout_ns)
{
    uint32_t seq = __atomic_load_n(&c->seq, __ATOMIC_RELAXED);
    long err;

    pthread_mutex_unlock(m);
    err = cairn_futex_wait(&c->seq, seq, timeout_ns);
    /* Taken as contended: other waiters woken by a broadcast may sleep on
     * the mutex, and its unlock must wake them. */
    mutex_lock_slow(m, 1);
    return err == -CAIRN_ETIMEDOUT ? ETIMEDOUT : 0;
}

int
pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    return pthread_cond_timedwait_ns(c, m, CAIRN_WAIT_FOREVER);
}

int
pthread_cond_signal(pthread_cond_t *c)
{
    __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
    cairn_futex_wake(&c->seq, 1);
    return 0;
}

int
pthread_cond_broadcast(pthread_cond_t *c)
{
    __atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
    cairn_futex_wake(&c->seq, CAIRN_FUTEX_WAKE_ALL);
    return 0;
}
