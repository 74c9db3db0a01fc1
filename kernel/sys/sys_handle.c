// SPDX-License-Identifier: MIT
/*
 * The handle calls: duplicate, close and describe a handle, copy one into
 * another process (install), badges (mint) and revocable lending (borrow,
 * revoke). The rules live in obj/handle.c and obj/token.c; these pick the
 * caller's table. Also syscall_give_handle, how the calls that create an
 * object hand it to their caller.
 */
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "mm/usercopy.h"
#include "obj/process.h"
#include "sys/syscall.h"

/* --- handles --- */

int64_t
sys_handle_dup(cairn_handle_t handle, uint32_t rights)
{
    return handle_dup(&process_current()->handles, handle, rights);
}

int64_t
sys_handle_close(cairn_handle_t handle)
{
    return handle_close(&process_current()->handles, handle);
}

int64_t
sys_handle_info(cairn_handle_t handle, uint64_t user_info)
{
    struct cairn_handle_info info;
    int err = handle_info(&process_current()->handles, handle, &info);

    if (err)
        return err;
    return copy_to_user(user_info, &info, sizeof(info));
}

int64_t
sys_handle_install(cairn_handle_t process, cairn_handle_t handle, uint32_t rights)
{
    struct process *p;
    struct handle_entry e;
    bool closed;
    int err, h;

    err = process_get_managed(process, &p);
    if (err)
        return err;
    /* A copy: the caller keeps its handle, so it needs DUPLICATE as well
     * as TRANSFER, as for a copy over IPC; the rights only shrink. */
    err = handle_copy_out(&process_current()->handles, handle, rights, &e);
    if (err) {
        process_unref(p);
        return err;
    }
    closed = __atomic_load_n(&p->dying, __ATOMIC_ACQUIRE);
    h = closed ? -CAIRN_ECLOSED : handle_insert_entry(&p->handles, &e);
    /* A table emptied by teardown refuses everything; say why. */
    if (h == -CAIRN_ENOMEM && __atomic_load_n(&p->dying, __ATOMIC_ACQUIRE))
        h = -CAIRN_ECLOSED;
    handle_entry_drop(&e);
    process_unref(p);
    return h;
}

int64_t
sys_handle_mint(cairn_handle_t endpoint, uint32_t rights, uint64_t badge)
{
    return handle_mint(&process_current()->handles, endpoint, rights, badge);
}

int64_t
sys_handle_mint_notify(cairn_handle_t endpoint, uint32_t rights, uint64_t badge)
{
    return handle_mint_notify(&process_current()->handles, endpoint, rights, badge);
}

int64_t
sys_handle_borrow(cairn_handle_t handle, uint32_t rights)
{
    return handle_borrow(&process_current()->handles, handle, rights);
}

int64_t
sys_handle_revoke(cairn_handle_t handle)
{
    return handle_revoke(&process_current()->handles, handle);
}

int64_t
syscall_give_handle(struct object *o, uint64_t bytes, uint32_t rights)
{
    struct process *p = process_current();
    int err = bytes ? process_charge(p, o, bytes) : 0;
    int h = err ? err : handle_insert(&p->handles, o, rights);

    object_unref(o);
    return h;
}
