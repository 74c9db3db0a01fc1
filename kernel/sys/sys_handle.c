// SPDX-License-Identifier: MIT
/*
 * The capability calls beyond dup/close/info: badges (mint), and
 * revocable lending (borrow, revoke). The rules live in obj/handle.c and
 * obj/token.c; these only pick the caller's table.
 */
#include "obj/process.h"
#include "sys/syscall.h"

int64_t
sys_handle_mint(struct trap_frame *f)
{
    return handle_mint(&process_current()->handles, (int32_t)f->rdi, (uint32_t)f->rsi, f->rdx);
}

int64_t
sys_handle_borrow(struct trap_frame *f)
{
    return handle_borrow(&process_current()->handles, (int32_t)f->rdi, (uint32_t)f->rsi);
}

int64_t
sys_handle_revoke(struct trap_frame *f)
{
    return handle_revoke(&process_current()->handles, (int32_t)f->rdi);
}
