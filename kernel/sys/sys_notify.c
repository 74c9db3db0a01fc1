// SPDX-License-Identifier: MIT
/*
 * The notification calls: create one, signal bits, wait for bits, and
 * bind one to the calling thread so that its receives end for the
 * notification's bits too (docs/ipc.md).
 */
#include <cairn/errors.h>
#include <cairn/ipc.h>
#include <cairn/rights.h>

#include "arch/x86_64/cpu.h"
#include "mm/usercopy.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "sched/waitq.h"
#include "sys/ipc_fastpath.h"
#include "sys/syscall.h"

#define NOTIFY_CREATOR_RIGHTS \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

int64_t
sys_notify_create(void)
{
    struct notification *n = notification_create();

    if (!n)
        return -CAIRN_ENOMEM;
    return syscall_give_handle(&n->obj, sizeof(*n), NOTIFY_CREATOR_RIGHTS);
}

int64_t
sys_notify_signal(cairn_handle_t notification, uint64_t bits)
{
    struct handle_table *handles = &process_current()->handles;
    struct object *o;
    uint64_t badge;
    int err;

    /* The common case, a live handle of our own, with interrupts off
     * across the lookup and the signal: no lock on the way saves the
     * interrupt flag. A borrowed handle, or an error, takes handle_get. */
    irq_disable();
    o = handle_get_fast(handles, notification, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &badge);
    if (o) {
        notification_signal_irqoff(notification_from(o), bits);
        irq_enable();
        object_unref(o);
        return 0;
    }
    irq_enable();
    err = handle_get(handles, notification, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &o, NULL);
    if (err)
        return err;
    notification_signal(notification_from(o), bits);
    object_unref(o);
    return 0;
}

/*
 * notify_wait, reached from syscall.S's sys_notify_wait with interrupts
 * off: without a pointer to store the bits through (libc's way: they come
 * back in rsi), a wait on an unbound notification begins here and, if it
 * blocks, leaves no C frames (notification_wait_fast). The rest, the
 * errors included, goes to notify_wait_general.
 */
struct cont_switch
notify_wait_fast(struct trap_frame *f)
{
    struct thread *me = sched_current();
    struct cont_switch sw;
    struct object *o;
    uint64_t badge;

    if (f->rdx)
        return (struct cont_switch){NOTIFY_WAIT_GENERAL, NULL};
    o = handle_get_fast(&me->process->handles, syscall_frame_handle(f), CAIRN_OBJ_NOTIFICATION,
                        CAIRN_RIGHT_WAIT, &badge);
    if (!o)
        return (struct cont_switch){NOTIFY_WAIT_GENERAL, NULL};
    sw = notification_wait_fast(notification_from(o), waitq_deadline_after(f->rsi), f);
    /* A wait that blocked keeps the reference (notification_wait_resume). */
    if (sw.rsp <= NOTIFY_WAIT_DONE)
        object_unref(o);
    return sw;
}

int
notify_cont_resume(struct trap_frame *f)
{
    struct thread *me = sched_current();
    struct notification *n;
    uint64_t bits = 0;
    int err;

    /* Its signal stored the result and dropped the wait's reference
     * (final: only a thread still blocked is finished that way). */
    if (me->ipc.cont == IPC_CONT_NOTIFY_DONE) {
        me->ipc.cont = IPC_CONT_NONE;
        irq_enable();
        return syscall_exit_work(f);
    }
    me->ipc.cont = IPC_CONT_NONE;
    n = me->notify.n; /* the wait's reference, ours to drop */
    err = notification_wait_resume(me, &bits);
    irq_enable();
    object_unref(&n->obj);
    f->rax = (uint64_t)(int64_t)err;
    f->rsi = bits;
    return syscall_exit_work(f);
}

int64_t
notify_wait_general(struct trap_frame *f)
{
    uint64_t timeout_ns = f->rsi, user_bits = f->rdx, bits = 0;
    struct object *o;
    int err = handle_get(&process_current()->handles, syscall_frame_handle(f),
                         CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_WAIT, &o, NULL);

    f->rsi = 0;
    if (err)
        return err;
    /* Check the result pointer first: taken bits must not be lost. */
    if (user_bits && copy_u64_to_user(user_bits, 0) < 0) {
        object_unref(o);
        return -CAIRN_EFAULT;
    }
    err = notification_wait(notification_from(o), waitq_deadline_after(timeout_ns), &bits);
    object_unref(o);
    if (err)
        return err;
    f->rsi = bits; /* there even when the store below fails */
    if (user_bits && copy_u64_to_user(user_bits, bits) < 0)
        return -CAIRN_EFAULT;
    return 0;
}

/* Binding takes WAIT: the bound thread receives the bits. */
int64_t
sys_notify_bind(cairn_handle_t notification)
{
    struct object *o;
    int err = handle_get(&process_current()->handles, notification, CAIRN_OBJ_NOTIFICATION,
                         CAIRN_RIGHT_WAIT, &o, NULL);

    if (err)
        return err;
    err = notification_bind(notification_from(o));
    object_unref(o);
    return err;
}

/* -1: whichever notification is bound (its handles may all be gone). */
int64_t
sys_notify_unbind(cairn_handle_t notification)
{
    struct object *o;
    int err;

    if (notification == CAIRN_HANDLE_INVALID)
        return notification_unbind(NULL);
    err = handle_get(&process_current()->handles, notification, CAIRN_OBJ_NOTIFICATION,
                     CAIRN_RIGHT_WAIT, &o, NULL);
    if (err)
        return err;
    err = notification_unbind(notification_from(o));
    object_unref(o);
    return err;
}
