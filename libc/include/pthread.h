/* SPDX-License-Identifier: MIT */
/*
 * Mutexes and condition variables on futexes (libc/pthread.c), with the
 * POSIX names. Threads themselves are cairn_thread_create_fn's
 * (<cairn/sys.h>); there is no pthread_create yet.
 *
 * Both are one 32-bit word that any thread may use, also between processes
 * when the word lies in shared memory (futexes key on the memory object),
 * and both need no set-up beyond zero (the initializers below, or _init).
 * Uncontended, lock and unlock are one atomic instruction each and no
 * system call; a thread sleeps in the kernel only when it must wait.
 * Functions return 0 or a positive error code (<errno.h>), as POSIX says.
 * The mutex is a plain one: no owner is recorded, so unlocking a mutex
 * one does not hold, or locking one twice, is not detected.
 */
#ifndef CAIRN_LIBC_PTHREAD_H
#define CAIRN_LIBC_PTHREAD_H

#include <stdint.h>

typedef struct {
    uint32_t state; /* 0 free, 1 held, 2 held and maybe waited for */
} pthread_mutex_t;

typedef struct {
    uint32_t seq; /* bumped by every signal and broadcast */
} pthread_cond_t;

typedef struct {
    int unused;
} pthread_mutexattr_t, pthread_condattr_t;

#define PTHREAD_MUTEX_INITIALIZER \
    {                             \
        0                         \
    }
#define PTHREAD_COND_INITIALIZER \
    {                            \
        0                        \
    }

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
/* EBUSY when another thread holds it. */
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
/* Unlock m, wait for a signal or broadcast, lock m again. May return
 * without one (a spurious wake-up): callers re-check their condition. */
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/* pthread_cond_wait for at most timeout_ns nanoseconds (a Cairn
 * extension: relative, on the monotonic clock); ETIMEDOUT after it, with
 * m locked again. */
int pthread_cond_timedwait_ns(pthread_cond_t *c, pthread_mutex_t *m, uint64_t timeout_ns);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

#endif
