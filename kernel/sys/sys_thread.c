// SPDX-License-Identifier: MIT
/*
 * The thread calls: create a thread in a process, start it, pin it to a
 * CPU, end the calling one, wait for one to end or watch for it, give up
 * the CPU or sleep, set a thread's priority (within its process's bound,
 * obj/process_info.c) and the caller's TLS pointer. A thread handle names
 * a user thread; kernel threads never get one.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/rights.h>

#include "arch/x86_64/cpu.h"
#include "mm/usercopy.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/watch.h"
#include "sched/sched.h"
#include "sched/waitq.h"
#include "sys/syscall.h"

int64_t
sys_thread_yield(void)
{
    sched_yield();
    return 0;
}

int64_t
sys_thread_sleep(uint64_t ns)
{
    sched_sleep_ns(ns);
    return 0;
}

int64_t
sys_thread_create(cairn_handle_t process, uint64_t entry, uint64_t stack, uint64_t arg,
                  uint64_t priority)
{
    struct process *self = process_current(), *p;
    struct thread *t;
    struct object *o;
    int err, h;

    err = handle_get(&self->handles, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err)
        return err;
    p = process_from(o);
    /* iretq to a non-canonical rip would fault in ring 0: only user
     * addresses enter user mode. */
    if (entry >= CAIRN_USER_TOP || stack > CAIRN_USER_TOP || priority >= THREAD_PRIORITIES) {
        err = -CAIRN_EINVAL;
        goto out;
    }
    /* Above p's highest: refused before anything is allocated, and again
     * by process_thread_add under p's lock (a process_max_prio may come
     * in between). */
    if (priority > __atomic_load_n(&p->max_priority, __ATOMIC_RELAXED)) {
        err = -CAIRN_EPERM;
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
sys_thread_start(cairn_handle_t thread)
{
    struct object *o;
    int err = handle_get(&process_current()->handles, thread, CAIRN_OBJ_THREAD, CAIRN_RIGHT_MANAGE,
                         &o, NULL);

    if (err)
        return err;
    err = process_thread_start(thread_from(o));
    object_unref(o);
    return err;
}

int64_t
sys_thread_exit(int64_t status)
{
    process_thread_exit(status);
}

int64_t
sys_thread_wait(cairn_handle_t thread, uint64_t timeout_ns, uint64_t user_status)
{
    struct object *o;
    int64_t status;
    int err = handle_get(&process_current()->handles, thread, CAIRN_OBJ_THREAD, CAIRN_RIGHT_WAIT,
                         &o, NULL);

    if (err)
        return err;
    err = thread_wait(thread_from(o), waitq_deadline_after(timeout_ns), &status);
    object_unref(o);
    if (err)
        return err;
    return user_status ? copy_u64_to_user(user_status, (uint64_t)status) : 0;
}

int64_t
sys_thread_set_cpu(cairn_handle_t thread, int32_t cpu)
{
    struct object *o;
    int err = handle_get(&process_current()->handles, thread, CAIRN_OBJ_THREAD, CAIRN_RIGHT_MANAGE,
                         &o, NULL);

    if (err)
        return err;
    err = sched_set_pin(thread_from(o), cpu);
    object_unref(o);
    return err;
}

/* As process_watch (sys_process.c), for a thread: WAIT on the thread, as
 * thread_wait needs, and SIGNAL on the notification. Kernel threads have
 * no handles, so every thread found here is a user thread. */
int64_t
sys_thread_watch(cairn_handle_t thread, cairn_handle_t notification, uint64_t bits)
{
    struct handle_table *t = &process_current()->handles;
    struct object *th, *n;
    int err = handle_get(t, thread, CAIRN_OBJ_THREAD, CAIRN_RIGHT_WAIT, &th, NULL);

    if (err)
        return err;
    err = handle_get(t, notification, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &n, NULL);
    if (!err) {
        err = watch_add(&thread_from(th)->watches, notification_from(n), bits);
        object_unref(n);
    }
    object_unref(th);
    return err;
}

int64_t
sys_thread_set_tls(uint64_t base)
{
    struct thread *t = sched_current();
    bool irq;

    /* wrmsr of a non-canonical base faults in ring 0; a kernel-half one
     * would only hand the thread addresses it cannot use. */
    if (base >= 0x0000800000000000ull)
        return -CAIRN_EINVAL;
    irq = irq_save(); /* no switch between the field and the register */
    t->fs_base = base;
    wrmsr(MSR_FS_BASE, base);
    this_cpu()->fs_base = base;
    this_cpu()->fs_tid = t->id;
    irq_restore(irq);
    return 0;
}

int64_t
sys_thread_set_prio(cairn_handle_t thread, uint64_t prio)
{
    struct thread *t;
    struct object *o;
    int err = handle_get(&process_current()->handles, thread, CAIRN_OBJ_THREAD, CAIRN_RIGHT_MANAGE,
                         &o, NULL);

    if (err)
        return err;
    t = thread_from(o);
    err = prio >= THREAD_PRIORITIES ? -CAIRN_EINVAL
                                    : process_set_thread_priority(t->process, t, (unsigned)prio);
    object_unref(o);
    return err;
}
