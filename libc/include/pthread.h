/* SPDX-License-Identifier: MIT */
/*
 * Threads (libc/pthread_thread.c), and mutexes and condition variables on
 * futexes (libc/pthread.c), with the POSIX names.
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

#include <stddef.h>
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

/*
 * Threads. A thread runs on a stack of its own (the attribute's size,
 * PTHREAD_STACK_DEFAULT by default) with an unmapped guard page below it,
 * so an overflow faults instead of running into other memory; its
 * thread-local storage (errno among it) sits at the stack's top. Its
 * stack and handle go back when it is joined, or, once detached, when it
 * has ended and another thread creates, joins or detaches one.
 * pthread_create returns EAGAIN when memory or the quota runs out, EINVAL
 * for a bad attribute; pthread_join EINVAL for a detached thread or the
 * caller itself (no EDEADLK in Cairn's codes). Cancellation, scheduling
 * attributes and thread-specific keys are not there yet.
 */
typedef struct pthread *pthread_t;

typedef struct {
    size_t stack_size;
    int detached;
} pthread_attr_t;

#define PTHREAD_STACK_MIN       (16 * 1024)
#define PTHREAD_STACK_DEFAULT   (256 * 1024)
#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
int pthread_detach(pthread_t thread);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
_Noreturn void pthread_exit(void *result);

int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
/* EINVAL below PTHREAD_STACK_MIN. */
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state);

#endif
