// SPDX-License-Identifier: MIT
/*
 * The device-access calls: carving resources, irq objects, I/O port grants
 * and device and DMA memory (docs/syscalls.md, "Device access";
 * include/cairn/device.h). Each validates its flags and ranges, the
 * handles, their types and rights, and only then creates or changes
 * anything; what it creates is charged to the caller's quota.
 */
#include <cairn/device.h>
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "acpi/acpi.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "core/kernel.h"
#include "mm/usercopy.h"
#include "obj/ioport.h"
#include "obj/irq.h"
#include "obj/memobj.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/resource.h"
#include "sys/syscall.h"

#define IRQ_CREATOR_RIGHTS \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)
#define DEVICE_MEMOBJ_RIGHTS                                                          \
    (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_MAP | CAIRN_RIGHT_DUPLICATE | \
     CAIRN_RIGHT_TRANSFER)
#define IRQ_FLAGS (CAIRN_IRQ_ISA | CAIRN_IRQ_LEVEL | CAIRN_IRQ_ACTIVE_LOW | CAIRN_IRQ_MSI)
#define ISA_IRQS  16

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)

/* Insert o into the caller's table with rights after charging bytes for
 * it (0: it was charged when made); drops the caller's reference either
 * way. The handle, or an error. */
static int64_t
device_give(struct object *o, uint64_t bytes, uint32_t rights)
{
    struct process *p = process_current();
    int err = bytes ? process_charge(p, o, bytes) : 0;
    int h = err ? err : handle_insert(&p->handles, o, rights);

    object_unref(o);
    return h;
}

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
    return device_give(&sub->obj, sizeof(*sub), rights & ~CAIRN_RIGHT_REVOKE);
}

/* irq_create with CAIRN_IRQ_MSI: the first free MSI slot of the range. */
static int64_t
irq_create_msi_handle(cairn_handle_t irq_range, uint64_t line, uint64_t flags)
{
    struct resource *r;
    struct object *o;
    struct irq *irq;
    int err;

    if (line != 0 || flags != CAIRN_IRQ_MSI)
        return -CAIRN_EINVAL;
    err = handle_get_owned(&process_current()->handles, irq_range, CAIRN_OBJ_IRQ_RANGE,
                           CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err)
        return err;
    r = resource_from(o);
    err = irq_create_msi(r->base, r->base + r->size, &irq);
    object_unref(o);
    if (err)
        return err;
    return device_give(&irq->obj, sizeof(*irq), IRQ_CREATOR_RIGHTS);
}

int64_t
sys_irq_create(cairn_handle_t irq_range, uint64_t line, uint64_t flags)
{
    bool level, active_low;
    struct object *o;
    struct irq *irq;
    uint32_t gsi;
    int err;

    if (flags & CAIRN_IRQ_MSI)
        return irq_create_msi_handle(irq_range, line, flags);
    if ((flags & ~(uint64_t)IRQ_FLAGS) ||
        ((flags & CAIRN_IRQ_ISA) && (flags & (CAIRN_IRQ_LEVEL | CAIRN_IRQ_ACTIVE_LOW))) ||
        ((flags & CAIRN_IRQ_ISA) && line >= ISA_IRQS) || line >= CAIRN_IRQ_LINES)
        return -CAIRN_EINVAL;
    if (flags & CAIRN_IRQ_ISA) {
        /* The MADT says where the ISA line arrives and how it signals. */
        uint16_t inti = 0;

        gsi = acpi_present ? acpi_irq_to_gsi(&acpi_info, (uint8_t)line, &inti) : (uint32_t)line;
        level = (inti & ACPI_TRIGGER_MASK) == ACPI_TRIGGER_LEVEL;
        active_low = (inti & ACPI_POLARITY_MASK) == ACPI_POLARITY_LOW;
    } else {
        gsi = (uint32_t)line;
        level = flags & CAIRN_IRQ_LEVEL;
        active_low = flags & CAIRN_IRQ_ACTIVE_LOW;
    }
    err = handle_get_owned(&process_current()->handles, irq_range, CAIRN_OBJ_IRQ_RANGE,
                           CAIRN_RIGHT_MANAGE, &o, NULL);
    if (err)
        return err;
    if (!resource_contains(resource_from(o), gsi, 1))
        err = -CAIRN_ERANGE;
    object_unref(o);
    if (err)
        return err;
    err = irq_create(gsi, level, active_low, &irq);
    if (err)
        return err;
    return device_give(&irq->obj, sizeof(*irq), IRQ_CREATOR_RIGHTS);
}

int64_t
sys_irq_bind(cairn_handle_t irq, cairn_handle_t notification, uint64_t bits)
{
    struct handle_table *t = &process_current()->handles;
    struct object *io, *no = NULL;
    int err;

    err = handle_get(t, irq, CAIRN_OBJ_IRQ, CAIRN_RIGHT_MANAGE, &io, NULL);
    if (err)
        return err;
    if (notification != CAIRN_HANDLE_INVALID) {
        err = handle_get(t, notification, CAIRN_OBJ_NOTIFICATION, CAIRN_RIGHT_SIGNAL, &no, NULL);
        if (!err && bits == 0) {
            object_unref(no);
            err = -CAIRN_EINVAL;
        }
        if (err) {
            object_unref(io);
            return err;
        }
    }
    /* The notification's reference passes to the irq object. */
    irq_bind(irq_from(io), no ? notification_from(no) : NULL, bits);
    object_unref(io);
    return 0;
}

int64_t
sys_irq_msi(cairn_handle_t irq, uint64_t user_msi)
{
    struct cairn_irq_msi msg = {0};
    struct object *o;
    int err =
        handle_get(&process_current()->handles, irq, CAIRN_OBJ_IRQ, CAIRN_RIGHT_MANAGE, &o, NULL);

    if (err)
        return err;
    err = irq_msi_message(irq_from(o), &msg.address, &msg.data);
    msg.slot = irq_from(o)->gsi;
    object_unref(o);
    if (err)
        return err;
    return copy_to_user(user_msi, &msg, sizeof(msg)) < 0 ? -CAIRN_EFAULT : 0;
}

int64_t
sys_irq_ack(cairn_handle_t irq)
{
    struct object *o;
    int err =
        handle_get(&process_current()->handles, irq, CAIRN_OBJ_IRQ, CAIRN_RIGHT_SIGNAL, &o, NULL);

    if (err)
        return err;
    irq_ack(irq_from(o));
    object_unref(o);
    return 0;
}

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
    return device_give(&mo->obj, memobj_footprint(mo), DEVICE_MEMOBJ_RIGHTS);
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
    return device_give(&mo->obj, 0, DEVICE_MEMOBJ_RIGHTS);
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
