// SPDX-License-Identifier: MIT
/*
 * The irq calls: an irq object for an interrupt line or an MSI slot of an
 * irq-range resource, bound to notification bits and acknowledged, and
 * the message an MSI device must send (docs/syscalls.md, "Device access";
 * include/cairn/device.h). Each validates its flags and the line, the
 * handles, their types and rights, and only then creates or changes
 * anything; an irq object is charged to the caller's quota.
 */
#include <cairn/device.h>
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "acpi/acpi.h"
#include "core/kernel.h"
#include "mm/usercopy.h"
#include "obj/irq.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/resource.h"
#include "sys/syscall.h"

#define IRQ_CREATOR_RIGHTS \
    (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_MANAGE | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)
#define IRQ_FLAGS (CAIRN_IRQ_ISA | CAIRN_IRQ_LEVEL | CAIRN_IRQ_ACTIVE_LOW | CAIRN_IRQ_MSI)
#define ISA_IRQS  16

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
    return syscall_give_handle(&irq->obj, sizeof(*irq), IRQ_CREATOR_RIGHTS);
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
    return syscall_give_handle(&irq->obj, sizeof(*irq), IRQ_CREATOR_RIGHTS);
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
