// SPDX-License-Identifier: MIT
/*
 * The process calls: spawn one from an ELF image, or create an empty one
 * to build from user space (sys_vm.c maps into it, sys_handle.c installs
 * handles in it); wait for one, watch for its end, kill it, end the
 * caller's own; its quota, name and what it reports about itself, and the
 * bound on its threads' priorities (obj/process_info.c). Threads are
 * sys_thread.c.
 *
 * Every handler validates all handles, rights and arguments before it
 * changes anything.
 */
#include <cairn/errors.h>
#include <cairn/process.h>
#include <cairn/rights.h>

#include "arch/x86_64/layout.h"
#include "mm/usercopy.h"
#include "obj/memobj.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/quota.h"
#include "obj/watch.h"
#include "sys/syscall.h"

int
process_get_managed(cairn_handle_t h, struct process **out)
{
    struct object *o;
    int err =
        handle_get(&process_current()->handles, h, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_MANAGE, &o, NULL);

    if (!err)
        *out = process_from(o);
    return err;
}

int64_t
sys_process_exit(int64_t status)
{
    process_exit(status);
}

/* --- processes --- */

int64_t
sys_process_spawn(cairn_handle_t memobj, uint64_t size, uint64_t arg)
{
    struct process *self = process_current(), *child;
    struct object *o;
    int err, h;

    err = handle_get(&self->handles, memobj, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_READ, &o, NULL);
    if (err)
        return err;
    /* size 0: the whole object (an image padded to whole pages is fine). */
    err = process_spawn_memobj("child", memobj_from(o),
                               size ? size : memobj_from(o)->npages * PAGE_SIZE, arg, &child);
    object_unref(o);
    if (err)
        return err;
    h = handle_insert(&self->handles, &child->obj, PROCESS_CREATOR_RIGHTS);
    if (h < 0) {
        process_discard(child);
        return h;
    }
    process_start(child);
    process_unref(child); /* the handle and the thread hold it now */
    return h;
}

int64_t
sys_process_wait(cairn_handle_t process, uint64_t timeout_ns, uint64_t user_status)
{
    struct process *self = process_current();
    struct object *o;
    int64_t status;
    int err;

    err = handle_get(&self->handles, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_WAIT, &o, NULL);
    if (err)
        return err;
    err = process_wait(process_from(o), timeout_ns, &status);
    object_unref(o);
    if (err)
        return err;
    return user_status ? copy_u64_to_user(user_status, (uint64_t)status) : 0;
}

int64_t
sys_process_create(void)
{
    struct process *p;
    int err, h;

    err = process_create("child", &p);
    if (err)
        return err;
    h = handle_insert(&process_current()->handles, &p->obj, PROCESS_CREATOR_RIGHTS);
    process_unref(p); /* the handle holds it now (or nothing does, and it goes) */
    return h;
}

int64_t
sys_process_kill(cairn_handle_t process)
{
    struct process *p;
    int err = process_get_managed(process, &p);

    if (err)
        return err;
    /* Killing the caller's own process works too: the caller stops on
     * its way back to user mode. */
    process_end(p, CAIRN_STATUS_KILLED);
    process_unref(p);
    return 0;
}

/* Watching takes WAIT on the process, as process_wait does, and SIGNAL on
 * the notification. */
int64_t
sys_process_watch(cairn_handle_t process, cairn_handle_t notification, uint64_t bits)
{
    struct handle_table *t = &process_current()->handles;
    struct object *p, *n;
    int err = handle_get(t, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_WAIT, &p, NULL);

    if (err)
        return err;
    err = handle_get(t, notification, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &n, NULL);
    if (!err) {
        err = watch_add(&process_from(p)->watches, notification_from(n), bits);
        object_unref(n);
    }
    object_unref(p);
    return err;
}

int64_t
sys_process_set_quota(cairn_handle_t process, cairn_handle_t quota)
{
    struct process *self = process_current(), *p;
    struct object *po, *qo;
    int err;

    err = handle_get(&self->handles, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_MANAGE, &po, NULL);
    if (err)
        return err;
    err = handle_get_owned(&self->handles, quota, CAIRN_OBJ_QUOTA, CAIRN_RIGHT_MANAGE, &qo, NULL);
    if (err) {
        object_unref(po);
        return err;
    }
    p = process_from(po);
    process_set_quota(p, quota_from(qo)); /* the quota's reference passes to p */
    object_unref(po);
    return 0;
}

int64_t
sys_process_info(cairn_handle_t process, uint64_t user_info)
{
    struct cairn_process_info info;
    struct object *o;
    int err = handle_get(&process_current()->handles, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_READ,
                         &o, NULL);

    if (err)
        return err;
    process_get_info(process_from(o), &info);
    object_unref(o);
    return copy_to_user(user_info, &info, sizeof(info));
}

int64_t
sys_process_set_name(cairn_handle_t process, uint64_t user_name, uint64_t len)
{
    char name[PROCESS_NAME_MAX];
    struct process *p;
    int err;

    if (len == 0 || len >= PROCESS_NAME_MAX)
        return -CAIRN_EINVAL;
    err = process_get_managed(process, &p);
    if (err)
        return err;
    err = copy_from_user(name, user_name, len);
    /* Names reach the kernel log: printable ASCII only, so none can
     * forge a line or a terminal escape. */
    for (uint64_t i = 0; !err && i < len; i++) {
        if (name[i] < 0x20 || name[i] > 0x7e)
            err = -CAIRN_EINVAL;
    }
    if (!err)
        process_set_name(p, name, len);
    process_unref(p);
    return err;
}

int64_t
sys_process_max_prio(cairn_handle_t process, uint64_t max)
{
    struct process *p;
    int err = process_get_managed(process, &p);

    if (err)
        return err;
    if (max >= THREAD_PRIORITIES)
        err = -CAIRN_EINVAL;
    else if (max > __atomic_load_n(&process_current()->max_priority, __ATOMIC_RELAXED))
        err = -CAIRN_EPERM; /* never above the caller's own bound */
    else
        process_set_max_priority(p, (unsigned)max);
    process_unref(p);
    return err;
}
