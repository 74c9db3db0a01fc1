// SPDX-License-Identifier: MIT
/*
 * The quota calls: split a quota, read one. Choosing the quota a process
 * is charged to is process_set_quota (sys_process.c); objects keep the
 * quota they were charged to, so that changes only what it allocates
 * afterwards.
 */
#include <cairn/errors.h>
#include <cairn/quota.h>
#include <cairn/rights.h>

#include "mm/usercopy.h"
#include "obj/process.h"
#include "obj/quota.h"
#include "sys/syscall.h"

#define QUOTA_CREATOR_RIGHTS \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

int64_t
sys_quota_create(cairn_handle_t quota, uint64_t bytes)
{
    struct process *p = process_current();
    struct quota *child;
    struct object *o;
    int err, h;

    err = handle_get_owned(&p->handles, quota, CAIRN_OBJ_QUOTA, CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err)
        return err;
    err = quota_split(quota_from(o), bytes, &child);
    object_unref(o);
    if (err)
        return err;
    h = handle_insert(&p->handles, &child->obj, QUOTA_CREATOR_RIGHTS);
    quota_unref(child);
    return h;
}

int64_t
sys_quota_info(cairn_handle_t quota, uint64_t user_info)
{
    struct cairn_quota_info info;
    struct object *o;
    int err;

    err =
        handle_get(&process_current()->handles, quota, CAIRN_OBJ_QUOTA, CAIRN_RIGHT_READ, &o, NULL);
    if (err)
        return err;
    info.limit = quota_from(o)->limit;
    info.used = quota_used(quota_from(o));
    object_unref(o);
    return copy_to_user(user_info, &info, sizeof(info));
}
