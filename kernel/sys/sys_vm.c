// SPDX-License-Identifier: MIT
/*
 * The address-space calls: map a memory object, unmap and protect, in the
 * caller's address space (vm_map, vm_unmap, vm_protect) or in that of a
 * process it manages (vm_map_into, vm_unmap_into; process building from
 * user space, docs/syscalls.md). A mapping never allows more than the
 * memory object handle's rights. A call on another process's address
 * space holds a use count on it (process_vspace_get), so that the process
 * cannot be torn down under the call; a process that has ended answers
 * -CAIRN_ECLOSED.
 */
#include <cairn/errors.h>
#include <cairn/rights.h>
#include <cairn/vm.h>

#include "obj/memobj.h"
#include "obj/process.h"
#include "sys/syscall.h"

/* The protections a handle's rights allow. */
static uint32_t
rights_to_max_prot(uint32_t rights)
{
    return (rights & CAIRN_RIGHT_READ ? CAIRN_PROT_READ : 0) |
           (rights & CAIRN_RIGHT_WRITE ? CAIRN_PROT_WRITE : 0) |
           (rights & CAIRN_RIGHT_EXEC ? CAIRN_PROT_EXEC : 0);
}

int64_t
sys_vm_map(cairn_handle_t memobj, uint64_t offset, uint64_t size, uint64_t va, uint32_t prot,
           uint32_t flags)
{
    struct process *p = process_current();
    struct object *o;
    uint32_t rights;
    int err;

    if (flags & ~CAIRN_MAP_FIXED)
        return -CAIRN_EINVAL;
    err = handle_get(&p->handles, memobj, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_MAP, &o, &rights);
    if (err)
        return err;
    err = vspace_map(&p->vs, memobj_from(o), offset, size, &va, flags & CAIRN_MAP_FIXED, prot,
                     rights_to_max_prot(rights));
    object_unref(o);
    return err ? err : (int64_t)va;
}

int64_t
sys_vm_unmap(uint64_t addr, uint64_t size)
{
    return vspace_unmap(&process_current()->vs, addr, size);
}

int64_t
sys_vm_protect(uint64_t addr, uint64_t size, uint32_t prot)
{
    return vspace_protect(&process_current()->vs, addr, size, prot);
}

int64_t
sys_vm_map_into(cairn_handle_t process, cairn_handle_t memobj, uint64_t offset, uint64_t size,
                uint64_t va, uint64_t prot_flags)
{
    uint32_t prot = prot_flags & 0xff, flags = (prot_flags >> 8) & 0xff, rights;
    struct process *p;
    struct object *o;
    int err;

    if ((prot_flags >> 16) || (flags & ~CAIRN_MAP_FIXED))
        return -CAIRN_EINVAL;
    err = process_get_managed(process, &p);
    if (err)
        return err;
    err = handle_get(&process_current()->handles, memobj, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_MAP, &o,
                     &rights);
    if (err)
        goto out_process;
    if (!process_vspace_get(p)) {
        err = -CAIRN_ECLOSED;
    } else {
        err = vspace_map(&p->vs, memobj_from(o), offset, size, &va, flags & CAIRN_MAP_FIXED, prot,
                         rights_to_max_prot(rights));
        process_vspace_put(p);
    }
    object_unref(o);
out_process:
    process_unref(p);
    return err ? err : (int64_t)va;
}

int64_t
sys_vm_unmap_into(cairn_handle_t process, uint64_t addr, uint64_t size)
{
    struct process *p;
    int err = process_get_managed(process, &p);

    if (err)
        return err;
    if (!process_vspace_get(p)) {
        err = -CAIRN_ECLOSED;
    } else {
        err = vspace_unmap(&p->vs, addr, size);
        process_vspace_put(p);
    }
    process_unref(p);
    return err;
}
