// SPDX-License-Identifier: MIT
/*
 * The I/O port call: grant an ioport object's ports to a process (the
 * caller, or one it manages) or take them back (obj/ioport.c).
 */
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "obj/ioport.h"
#include "obj/process.h"
#include "obj/resource.h"
#include "sys/syscall.h"

int64_t
sys_ioport_enable(cairn_handle_t ioport, cairn_handle_t process, uint64_t enable)
{
    struct process *self = process_current(), *target = self;
    struct handle_table *t = &self->handles;
    struct object *io, *po = NULL;
    int err;

    if (enable > 1)
        return -CAIRN_EINVAL;
    /* A grant lasts until withdrawn, beyond any revocation of the handle:
     * only a handle of one's own grants; any may withdraw. */
    if (enable)
        err = handle_get_owned(t, ioport, CAIRN_OBJ_IOPORT, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE,
                               &io, NULL);
    else
        err = handle_get(t, ioport, CAIRN_OBJ_IOPORT, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE, &io,
                         NULL);
    if (err)
        return err;
    if (process != CAIRN_HANDLE_INVALID) {
        err = handle_get(t, process, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_MANAGE, &po, NULL);
        if (err) {
            object_unref(io);
            return err;
        }
        target = process_from(po);
    }
    if (enable)
        err = ioport_grant(target, resource_from(io));
    else
        err = ioport_withdraw(target, resource_from(io));
    if (po)
        object_unref(po);
    object_unref(io);
    return err;
}
