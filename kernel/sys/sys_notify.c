// SPDX-License-Identifier: MIT
/*
 * The notification calls: create one, signal bits, wait for bits, and
 * bind one to the calling thread so that its receives end for the
 * notification's bits too (docs/ipc.md).
 */
#include <cairn/errors.h>
#include <cairn/ipc.h>
#include <cairn/rights.h>

#include "mm/usercopy.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "sched/waitq.h"
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
    struct object *o;
    int err = handle_get(&process_current()->handles, notification, CAIRN_OBJ_NOTIFICATION,
                         CAIRN_RIGHT_SIGNAL, &o, NULL);

    if (err)
        return err;
    notification_signal(notification_from(o), bits);
    object_unref(o);
    return 0;
}

int64_t
sys_notify_wait(cairn_handle_t notification, uint64_t timeout_ns, uint64_t user_bits)
{
    struct object *o;
    uint64_t bits = 0;
    int err = handle_get(&process_current()->handles, notification, CAIRN_OBJ_NOTIFICATION,
                         CAIRN_RIGHT_WAIT, &o, NULL);

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
