// SPDX-License-Identifier: MIT
/*
 * The resource call: carve a sub-range out of a resource (interrupt
 * lines, I/O ports, physical addresses: include/cairn/device.h). The
 * sub-range never carries more rights than the handle it was cut with.
 */
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "obj/process.h"
#include "obj/resource.h"
#include "sys/syscall.h"

int64_t
sys_resource_create(cairn_handle_t resource, uint64_t base, uint64_t size)
{
    struct resource *sub;
    struct object *o;
    uint32_t rights;
    int err;

    err = handle_get_owned(&process_current()->handles, resource, CAIRN_OBJ_NONE, 0, &o, &rights);
    if (err)
        return err;
    if (!resource_type_is(o->type))
        err = -CAIRN_EWRONGTYPE;
    else if (!(rights & CAIRN_RIGHT_MANAGE))
        err = -CAIRN_ERIGHTS;
    else
        err = resource_derive(resource_from(o), base, size, &sub);
    object_unref(o);
    if (err)
        return err;
    /* The sub-range carries the parent handle's rights, never more (and not
     * REVOKE: the new handle is not a borrowed one). */
    return syscall_give_handle(&sub->obj, sizeof(*sub), rights & ~CAIRN_RIGHT_REVOKE);
}
