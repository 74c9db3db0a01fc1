// SPDX-License-Identifier: MIT
/*
 * The thread system calls: create a thread in a process, start it, end
 * the calling one, wait for one to end. A thread handle names a user
 * thread; kernel threads never get one.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/rights.h>

#include "obj/notification.h"
#include "obj/process.h"
#include "obj/watch.h"
#include "sched/sched.h"
#include "sys/syscall.h"

int64_t
sys_thread_create(struct trap_frame *f)
{
    uint64_t entry = f->rsi, stack = f->rdx, arg = f->r10, priority = f->r8;
    struct process *self = process_current(), *p;
    struct thread *t;
    struct object *o;
    int err, h;

    err = handle_get(&self->handles, (int32_t)f->rdi, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_MANAGE, &o,
                     NULL);
    if (err)
        return err;
    p = process_from(o);
    /* iretq to a non-canonical rip would fault in ring 0: only user
     * addresses enter user mode. */
    if (entry >= CAIRN_USER_TOP || stack > CAIRN_USER_TOP || priority >= THREAD_PRIORITIES) {
        err = -CAIRN_EINVAL;
        goto out;
    }
    if (priority > sched_current()->priority) {
        err = -CAIRN_EPERM; /* no thread above its creator */
        goto out;
    }
    t = thread_create_user(p->name, p, entry, stack, arg, (unsigned)priority);
    if (!t) {
        err = -CAIRN_ENOMEM;
        goto out;
    }
    err = process_thread_add(p, t);
    h = err ? err : handle_insert(&self->handles, &t->obj, THREAD_CREATOR_RIGHTS);
    thread_unref(t); /* the handle holds it now (or nothing does, and it goes) */
    process_unref(p);
    return h;
out:
    process_unref(p);
    return err;
}

int64_t
sys_thread_start(struct trap_frame *f)
{
    struct object *o;
    int err = handle_get(&process_current()->handles, (int32_t)f->rdi, CAIRN_OBJ_THREAD,
                         CAIRN_RIGHT_MANAGE, &o, NULL);

    if (err)
        return err;
    err = process_thread_start(thread_from(o));
    object_unref(o);
    return err;
}

int64_t
sys_thread_exit(struct trap_frame *f)
{
    process_thread_exit((int64_t)f->rdi);
}

int64_t
sys_thread_wait(struct trap_frame *f)
{
    struct object *o;
    int64_t status;
    int err = handle_get(&process_current()->handles, (int32_t)f->rdi, CAIRN_OBJ_THREAD,
                         CAIRN_RIGHT_WAIT, &o, NULL);

    if (err)
        return err;
    err = thread_wait(thread_from(o), waitq_deadline_after(f->rsi), &status);
    object_unref(o);
    if (err)
        return err;
    return f->rdx ? copy_to_user(f->rdx, &status, sizeof(status)) : 0;
}

int64_t
sys_thread_set_cpu(struct trap_frame *f)
{
    struct object *o;
    int err = handle_get(&process_current()->handles, (int32_t)f->rdi, CAIRN_OBJ_THREAD,
                         CAIRN_RIGHT_MANAGE, &o, NULL);

    if (err)
        return err;
    err = sched_set_pin(thread_from(o), (int)(int64_t)f->rsi);
    object_unref(o);
    return err;
}

/* As process_watch (sys_process.c), for a thread: WAIT on the thread, as
 * thread_wait needs, and SIGNAL on the notification. Kernel threads have
 * no handles, so every thread found here is a user thread. */
int64_t
sys_thread_watch(struct trap_frame *f)
{
    struct handle_table *t = &process_current()->handles;
    struct object *th, *n;
    int err = handle_get(t, (int32_t)f->rdi, CAIRN_OBJ_THREAD, CAIRN_RIGHT_WAIT, &th, NULL);

    if (err)
        return err;
    err = handle_get(t, (int32_t)f->rsi, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &n, NULL);
    if (!err) {
        err = watch_add(&thread_from(th)->watches, notification_from(n), f->rdx);
        object_unref(n);
    }
    object_unref(th);
    return err;
}
