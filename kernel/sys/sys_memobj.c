// SPDX-License-Identifier: MIT
/*
 * The memory object calls: anonymous memory (charged at once or page by
 * page as it is touched), device memory and contiguous DMA memory cut from
 * a physical-range resource, and the physical address of a page
 * (docs/syscalls.md; include/cairn/vm.h, include/cairn/device.h). Each
 * validates its flags and ranges and the handle before it creates
 * anything; what it creates is charged to the caller's quota.
 */
#include <cairn/device.h>
#include <cairn/errors.h>
#include <cairn/rights.h>
#include <cairn/vm.h>

#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "obj/memobj.h"
#include "obj/process.h"
#include "obj/resource.h"
#include "sys/syscall.h"

#define MEMOBJ_CREATOR_RIGHTS                                                    \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_EXEC | CAIRN_RIGHT_MAP | \
     CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER | CAIRN_RIGHT_MANAGE)
#define DEVICE_MEMOBJ_RIGHTS                                                          \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | \
     CAIRN_RIGHT_TRANSFER)

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)

int64_t
sys_memobj_create(uint64_t size, uint64_t flags)
{
    struct quota *q = process_quota_get(process_current());
    struct memobj *mo;
    int err;

    /* The whole size is charged now, so a first touch never fails; or,
     * on request, page by page as the object is touched. */
    if (flags & ~(uint64_t)CAIRN_MEMOBJ_ON_TOUCH)
        err = -CAIRN_EINVAL;
    else if (flags & CAIRN_MEMOBJ_ON_TOUCH)
        err = memobj_create_on_touch(size, q, &mo);
    else
        err = memobj_create(size, q, &mo);
    if (q)
        quota_unref(q);
    if (err)
        return err;
    return syscall_give_handle(&mo->obj, 0, MEMOBJ_CREATOR_RIGHTS); /* charged when made */
}

static const uint64_t cache_pte[] = {
    [CAIRN_CACHE_UC] = PTE_CACHE_UC,
    [CAIRN_CACHE_WC] = PTE_CACHE_WC,
    [CAIRN_CACHE_WB] = PTE_CACHE_WB,
};

int64_t
sys_memobj_create_dev(cairn_handle_t phys_range, uint64_t phys, uint64_t size, uint64_t cache)
{
    struct memobj *mo;
    struct object *o;
    int err;

    if (cache > CAIRN_CACHE_WB || size == 0 || size > MEMOBJ_MAX_SIZE ||
        ((phys | size) & PAGE_MASK))
        return -CAIRN_EINVAL;
    err = handle_get_owned(&process_current()->handles, phys_range, CAIRN_OBJ_PHYS_RANGE,
                           CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err)
        return err;
    if (!resource_contains(resource_from(o), phys, size))
        err = -CAIRN_ERANGE;
    object_unref(o);
    if (!err)
        err = resource_phys_check(phys, size, (uint32_t)cache);
    if (!err)
        err = memobj_create_device(phys, size / PAGE_SIZE, cache_pte[cache], &mo);
    if (err)
        return err;
    return syscall_give_handle(&mo->obj, memobj_footprint(mo), DEVICE_MEMOBJ_RIGHTS);
}

int64_t
sys_memobj_create_dma(cairn_handle_t phys_range, uint64_t size, uint64_t flags)
{
    struct memobj *mo;
    struct quota *q;
    struct object *o;
    int err;

    if ((flags & ~(uint64_t)CAIRN_DMA_32BIT) || size == 0 || size > CAIRN_DMA_MAX_SIZE)
        return -CAIRN_EINVAL;
    err = handle_get_owned(&process_current()->handles, phys_range, CAIRN_OBJ_PHYS_RANGE,
                           CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err)
        return err;
    object_unref(o);
    /* Charged for the whole block before it is taken. */
    q = process_quota_get(process_current());
    err = memobj_create_dma((size + PAGE_MASK) / PAGE_SIZE, flags & CAIRN_DMA_32BIT, q, &mo);
    if (q)
        quota_unref(q);
    if (err)
        return err;
    return syscall_give_handle(&mo->obj, 0, DEVICE_MEMOBJ_RIGHTS);
}

int64_t
sys_memobj_phys(cairn_handle_t memobj, uint64_t offset)
{
    struct object *o;
    uint64_t phys;
    int err = handle_get(&process_current()->handles, memobj, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_READ,
                         &o, NULL);

    if (err)
        return err;
    err = memobj_phys_addr(memobj_from(o), offset, &phys);
    object_unref(o);
    return err ? err : (int64_t)phys;
}
