// SPDX-License-Identifier: MIT
/*
 * irq objects and the lines they share (see irq.h).
 *
 * Invariants, under a line's lock: count is the length of the line's list
 * and is > 0 exactly when routed (vector claimed, entry programmed); bound
 * counts objects with a notification; pending counts objects whose pending
 * flag is set, which only bound objects on a level-triggered line have;
 * masked mirrors the I/O APIC entry, and is false exactly when
 * bound > 0 && pending == 0.
 *
 * MSI slots are lines too, past the GSIs (CAIRN_IRQ_MSI_BASE + k, vector
 * VEC_MSI_BASE + k): edge-triggered, never shared (count is 0 or 1), with
 * no I/O APIC entry; masked means nothing for them. A device's MSI is
 * masked, if at all, in the device, which its driver owns.
 */
#include <cairn/device.h>
#include <cairn/errors.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "lib/spinlock.h"
#include "mm/kmalloc.h"
#include "obj/irq.h"

struct irq_line {
    struct spinlock lock;
    struct list_node irqs;  /* [L] its irq objects; zeroed until the first is made */
    unsigned count;         /* [L] objects on the list */
    unsigned bound;         /* [L] of those, bound to a notification */
    unsigned pending;       /* [L] of those, signalled and not acknowledged */
    bool level, active_low; /* [L] fixed while count > 0 */
    bool masked;            /* [L] the I/O APIC entry's mask bit, while count > 0 */
    uint64_t fired;         /* [L] interrupts taken */
};

#define IRQ_LINES_ALL (CAIRN_IRQ_MSI_BASE + CAIRN_IRQ_MSI_COUNT)

_Static_assert(CAIRN_IRQ_MSI_BASE == CAIRN_IRQ_LINES, "MSI slots follow the GSIs");
_Static_assert(VEC_MSI_BASE + CAIRN_IRQ_MSI_COUNT <= VEC_IRQ_BASE, "MSI vectors fit below GSIs");
_Static_assert(VEC_IRQ_BASE + CAIRN_IRQ_LINES <= VEC_TIMER, "GSI vectors fit below the kernel's");

static struct irq_line irq_lines[IRQ_LINES_ALL];

static uint32_t
irq_line_gsi(const struct irq_line *line)
{
    return (uint32_t)(line - irq_lines);
}

static bool
irq_line_is_msi(const struct irq_line *line)
{
    return irq_line_gsi(line) >= CAIRN_IRQ_MSI_BASE;
}

static unsigned
irq_line_vector(const struct irq_line *line)
{
    uint32_t n = irq_line_gsi(line);

    return n >= CAIRN_IRQ_MSI_BASE ? VEC_MSI_BASE + (n - CAIRN_IRQ_MSI_BASE) : VEC_IRQ_BASE + n;
}

/* Mask or unmask the line as the invariant says. */
static void
irq_line_update_locked(struct irq_line *line)
{
    bool mask = line->bound == 0 || line->pending > 0;

    spin_assert_held(&line->lock);

    if (irq_line_is_msi(line))
        return;
    if (mask != line->masked) {
        ioapic_set_masked(irq_line_gsi(line), mask);
        line->masked = mask;
    }
}

/* The vector's handler, in interrupt context with interrupts off. */
static void
irq_line_interrupt(struct trap_frame *tf, void *arg)
{
    struct irq_line *line = arg;
    struct list_node *pos;

    (void)tf;
    spin_lock(&line->lock);
    line->fired++;
    if (line->level && !line->masked) {
        /* Before the EOI: a level line still asserted would fire again at once. */
        ioapic_set_masked(irq_line_gsi(line), true);
        line->masked = true;
    }
    if (line->count > 0) {
        list_for_each(pos, &line->irqs) {
            struct irq *irq = list_entry(pos, struct irq, link);

            if (!irq->notify)
                continue;
            if (line->level && !irq->pending) {
                irq->pending = true;
                line->pending++;
            }
            notification_signal(irq->notify, irq->bits);
        }
        irq_line_update_locked(line);
    }
    spin_unlock(&line->lock);
}

static void
irq_destroy(struct object *o)
{
    struct irq *irq = irq_from(o);
    struct irq_line *line = &irq_lines[irq->gsi];
    struct notification *old;
    bool flags = spin_lock_irqsave(&line->lock);

    list_remove(&irq->link);
    line->count--;
    if (irq->pending)
        line->pending--;
    old = irq->notify;
    if (old)
        line->bound--;
    if (line->count == 0) {
        if (!irq_line_is_msi(line))
            ioapic_set_masked(irq->gsi, true);
        line->masked = true;
        trap_clear_handler(irq_line_vector(line));
    } else {
        irq_line_update_locked(line);
    }
    spin_unlock_irqrestore(&line->lock, flags);
    if (old)
        object_unref(&old->obj);
    kfree(irq);
}

static const struct object_ops irq_ops = {.destroy = irq_destroy};

int
irq_create(uint32_t gsi, bool level, bool active_low, struct irq **out)
{
    struct irq_line *line;
    struct irq *irq;
    bool flags;

    if (gsi >= CAIRN_IRQ_LINES || !ioapic_has_gsi(gsi))
        return -CAIRN_EINVAL;
    line = &irq_lines[gsi];
    irq = kzalloc(sizeof(*irq));
    if (!irq)
        return -CAIRN_ENOMEM;
    irq->gsi = gsi;

    flags = spin_lock_irqsave(&line->lock);
    if (!line->irqs.next)
        list_init(&line->irqs);
    if (line->count > 0 && (line->level != level || line->active_low != active_low))
        goto err_busy;
    if (line->count == 0) {
        /* Claim the vector first: the entry must not point at a vector
         * someone else handles. */
        if (trap_set_handler(VEC_IRQ_BASE + gsi, irq_line_interrupt, line) < 0)
            goto err_busy;
        if (ioapic_configure_gsi(gsi, VEC_IRQ_BASE + gsi, cpus[0].apic_id, level, active_low,
                                 true) < 0) {
            trap_clear_handler(VEC_IRQ_BASE + gsi);
            goto err_busy;
        }
        line->level = level;
        line->active_low = active_low;
        line->masked = true;
    }
    list_insert_before(&line->irqs, &irq->link);
    line->count++;
    spin_unlock_irqrestore(&line->lock, flags);
    object_init(&irq->obj, CAIRN_OBJ_IRQ, &irq_ops);
    *out = irq;
    return 0;

err_busy:
    spin_unlock_irqrestore(&line->lock, flags);
    kfree(irq);
    return -CAIRN_EBUSY;
}

/* Claim the free MSI slot of line for a new object irq; false if taken. */
static bool
irq_msi_take(struct irq_line *line, struct irq *irq)
{
    bool flags = spin_lock_irqsave(&line->lock), ok = false;

    if (!line->irqs.next)
        list_init(&line->irqs);
    if (line->count == 0 &&
        trap_set_handler(irq_line_vector(line), irq_line_interrupt, line) == 0) {
        line->level = false;
        line->active_low = false;
        line->masked = true;
        list_insert_before(&line->irqs, &irq->link);
        line->count = 1;
        ok = true;
    }
    spin_unlock_irqrestore(&line->lock, flags);
    return ok;
}

int
irq_create_msi(uint64_t first, uint64_t end, struct irq **out)
{
    uint64_t lo = first > CAIRN_IRQ_MSI_BASE ? first : CAIRN_IRQ_MSI_BASE;
    uint64_t hi = end < IRQ_LINES_ALL ? end : IRQ_LINES_ALL;
    struct irq *irq;

    if (lo >= hi)
        return -CAIRN_ERANGE;
    irq = kzalloc(sizeof(*irq));
    if (!irq)
        return -CAIRN_ENOMEM;
    for (uint64_t n = lo; n < hi; n++) {
        irq->gsi = (uint32_t)n;
        if (irq_msi_take(&irq_lines[n], irq)) {
            object_init(&irq->obj, CAIRN_OBJ_IRQ, &irq_ops);
            *out = irq;
            return 0;
        }
    }
    kfree(irq);
    return -CAIRN_EBUSY;
}

int
irq_msi_message(const struct irq *irq, uint64_t *address, uint32_t *data)
{
    const struct irq_line *line = &irq_lines[irq->gsi];
    uint32_t apic_id = cpus[0].apic_id;

    if (!irq_line_is_msi(line) || apic_id > 0xff)
        return -CAIRN_EINVAL;
    /* Intel SDM vol. 3, 11.11: the fixed address with the destination
     * APIC ID in bits 12-19 (physical mode, no redirection hint); data: the
     * vector, fixed delivery, edge-triggered. */
    *address = 0xfee00000ull | (uint64_t)apic_id << 12;
    *data = irq_line_vector(line);
    return 0;
}

void
irq_bind(struct irq *irq, struct notification *n, uint64_t bits)
{
    struct irq_line *line = &irq_lines[irq->gsi];
    struct notification *old;
    bool flags = spin_lock_irqsave(&line->lock);

    old = irq->notify;
    if (old)
        line->bound--;
    if (irq->pending && !n) {
        irq->pending = false;
        line->pending--;
    }
    irq->notify = n;
    irq->bits = n ? bits : 0;
    if (n)
        line->bound++;
    irq_line_update_locked(line);
    spin_unlock_irqrestore(&line->lock, flags);
    if (old)
        object_unref(&old->obj);
}

void
irq_ack(struct irq *irq)
{
    struct irq_line *line = &irq_lines[irq->gsi];
    bool flags = spin_lock_irqsave(&line->lock);

    if (irq->pending) {
        irq->pending = false;
        line->pending--;
        irq_line_update_locked(line);
    }
    spin_unlock_irqrestore(&line->lock, flags);
}

uint64_t
irq_line_fired(uint32_t gsi)
{
    uint64_t n;
    bool flags;

    if (gsi >= IRQ_LINES_ALL)
        return 0;
    flags = spin_lock_irqsave(&irq_lines[gsi].lock);
    n = irq_lines[gsi].fired;
    spin_unlock_irqrestore(&irq_lines[gsi].lock, flags);
    return n;
}

int
irq_line_masked(uint32_t gsi)
{
    return ioapic_gsi_masked(gsi);
}
