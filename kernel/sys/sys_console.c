// SPDX-License-Identifier: MIT
/*
 * The console call: claim a console device for a user-space driver, so
 * that the kernel stops writing to it (docs/syscalls.md, "The kernel log
 * and the console"; include/cairn/console.h). It does not block.
 */
#include <cairn/console.h>
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "obj/console_cap.h"
#include "obj/process.h"
#include "sys/syscall.h"

#define CLAIM_RIGHTS (CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)

/* console_claim(console, device): a claim handle, or an error. */
int64_t
sys_console_claim(cairn_handle_t console, uint64_t device)
{
    struct process *p = process_current();
    struct console_cap *claim;
    struct object *o;
    int err;

    if (device != CAIRN_CONSOLE_SERIAL && device != CAIRN_CONSOLE_FRAMEBUFFER)
        return -CAIRN_EINVAL;
    err = handle_get(&p->handles, console, CAIRN_OBJ_CONSOLE, CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err)
        return err;
    /* Only the root claims: a claim handle stands for one device, not the console. */
    if (console_cap_from(o)->device != 0)
        err = -CAIRN_EWRONGTYPE;
    object_unref(o);
    if (err)
        return err;
    err = console_cap_claim((uint32_t)device, &claim);
    if (err)
        return err;
    /* On failure, dropping the claim gives the device back. */
    return syscall_give_handle(&claim->obj, sizeof(*claim), CLAIM_RIGHTS);
}
