// SPDX-License-Identifier: MIT
/*
 * The capability calls beyond dup/close/info: badges (mint), and
 * revocable lending (borrow, revoke). The rules live in obj/handle.c and
 * obj/token.c; these only pick the caller's table.
 */
#include "obj/process.h"
#include "sys/syscall.h"

int64_t
sys_handle_mint(cairn_handle_t endpoint, uint32_t rights, uint64_t badge)
{
    return handle_mint(&process_current()->handles, endpoint, rights, badge);
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
