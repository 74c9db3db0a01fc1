// SPDX-License-Identifier: MIT
/*
 * POSIX threads over the kernel's (see <pthread.h>). Each pthread has a
 * struct pthread on the heap, a kernel thread made by
 * cairn_thread_create_fn (which puts its TLS at the top of the stack) and
 * a stack mapping of its own whose lowest page is made inaccessible, the
 * guard. `current` (thread-local) points at the running thread's struct;
 * the main thread, which libc did not make, has a static one.
 *
 * A thread's stack cannot be unmapped while it runs on it, so a thread
 * never frees itself: a joiner does, after thread_wait says it ended; a
 * detached thread goes on `detached_list`, and any later create, join or
 * detach frees those that have ended (thread_wait with no wait).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <cairn/init.h>
#include <cairn/ipc.h>
#include <cairn/process.h>
#include <cairn/sys.h>
#include <cairn/vm.h>

#define GUARD 4096ul

struct pthread {
    long handle; /* the kernel thread; -1 for the main thread */
    void *(*fn)(void *);
    void *arg;
    void *result;
    uint64_t stack_base, stack_len; /* the mapping, guard included */
    int detached;
    struct pthread *next; /* on detached_list */
};

static __thread struct pthread *current;
static struct pthread main_thread = {.handle = -1};
static pthread_mutex_t detached_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pthread *detached_list; /* [detached_lock] */

/* Gives back what a thread that has ended held. */
static void
thread_release(struct pthread *t)
{
    cairn_vm_unmap(t->stack_base, t->stack_len);
    cairn_handle_close(t->handle);
    free(t);
}

/* Frees the detached threads that have ended. */
static void
reap_detached(void)
{
    struct pthread **link, *t;

    pthread_mutex_lock(&detached_lock);
    for (link = &detached_list; (t = *link) != NULL;) {
        if (cairn_thread_wait(t->handle, 0, NULL) == 0) {
            *link = t->next;
            thread_release(t);
        } else {
            link = &t->next;
        }
    }
    pthread_mutex_unlock(&detached_lock);
}

static long
thread_start(void *arg)
{
    struct pthread *t = arg;

    current = t;
    t->result = t->fn(t->arg);
    return 0;
}

/* The priority new threads get: the default, or the process's highest
 * when that is lower (a thread above it would be refused). */
static uint32_t
thread_priority(void)
{
    struct cairn_process_info info;

    if (cairn_process_info(CAIRN_INIT_HANDLE_PROCESS, &info) == 0 &&
        info.max_priority < CAIRN_PRIORITY_DEFAULT)
        return info.max_priority;
    return CAIRN_PRIORITY_DEFAULT;
}

int
pthread_create(pthread_t *out, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    size_t size = attr ? attr->stack_size : PTHREAD_STACK_DEFAULT;
    struct pthread *t;
    long stack, err;

    if (size < PTHREAD_STACK_MIN || size > (1ul << 30))
        return EINVAL;
    reap_detached();
    size = (size + GUARD - 1) & ~(GUARD - 1);
    t = calloc(1, sizeof(*t));
    if (!t)
        return EAGAIN;
    t->handle = -1;
    t->fn = fn;
    t->arg = arg;
    t->detached = attr && attr->detached;
    t->stack_len = size + GUARD;
    stack = cairn_memobj_create(t->stack_len, CAIRN_MEMOBJ_ON_TOUCH);
    err = stack;
    if (stack >= 0) {
        err = cairn_vm_map(stack, 0, t->stack_len, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
        cairn_handle_close(stack); /* the mapping holds it */
    }
    if (err < 0) {
        free(t);
        return EAGAIN;
    }
    t->stack_base = (uint64_t)err;
    err = cairn_vm_protect(t->stack_base, GUARD, 0);
    if (err >= 0)
        t->handle = err =
            cairn_thread_create_fn(CAIRN_INIT_HANDLE_PROCESS, thread_start, t,
                                   (void *)(t->stack_base + t->stack_len), thread_priority());
    if (err >= 0)
        err = cairn_thread_start(t->handle);
    if (err < 0) {
        if (t->handle >= 0)
            cairn_handle_close(t->handle);
        cairn_vm_unmap(t->stack_base, t->stack_len);
        free(t);
        return err == -CAIRN_EPERM ? EPERM : EAGAIN;
    }
    if (t->detached) {
        pthread_mutex_lock(&detached_lock);
        t->next = detached_list;
        detached_list = t;
        pthread_mutex_unlock(&detached_lock);
    }
    *out = t;
    return 0;
}

int
pthread_join(pthread_t t, void **result)
{
    long err;

    if (t == pthread_self() || t->detached || t->handle < 0)
        return EINVAL;
    err = cairn_thread_wait(t->handle, CAIRN_WAIT_FOREVER, NULL);
    if (err < 0)
        return EINVAL;
    if (result)
        *result = t->result;
    thread_release(t);
    reap_detached();
    return 0;
}

int
pthread_detach(pthread_t t)
{
    if (t->detached || t->handle < 0)
        return EINVAL;
    pthread_mutex_lock(&detached_lock);
    t->detached = 1;
    t->next = detached_list;
    detached_list = t;
    pthread_mutex_unlock(&detached_lock);
    reap_detached();
    return 0;
}

pthread_t
pthread_self(void)
{
    return current ? current : &main_thread;
}

int
pthread_equal(pthread_t a, pthread_t b)
{
    return a == b;
}

_Noreturn void
pthread_exit(void *result)
{
    pthread_self()->result = result;
    cairn_thread_exit(0);
}

int
pthread_attr_init(pthread_attr_t *attr)
{
    attr->stack_size = PTHREAD_STACK_DEFAULT;
    attr->detached = PTHREAD_CREATE_JOINABLE;
    return 0;
}

int
pthread_attr_destroy(pthread_attr_t *attr)
{
    (void)attr;
    return 0;
}

int
pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
    if (size < PTHREAD_STACK_MIN)
        return EINVAL;
    attr->stack_size = size;
    return 0;
}

int
pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
    *size = attr->stack_size;
    return 0;
}

int
pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    attr->detached = state;
    return 0;
}

int
pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
    *state = attr->detached;
    return 0;
}
