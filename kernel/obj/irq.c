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

static struct irq_line irq_lines[CAIRN_IRQ_LINES];

static uint32_t
irq_line_gsi(const struct irq_line *line)
{
    return (uint32_t)(line - irq_lines);
}

/* Mask or unmask the line as the invariant says. */
static void
irq_line_update_locked(struct irq_line *line)
{
    bool mask = line->bound == 0 || line->pending > 0;

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
        ioapic_set_masked(irq->gsi, true);
        line->masked = true;
        trap_clear_handler(VEC_IRQ_BASE + irq->gsi);
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

    if (gsi >= CAIRN_IRQ_LINES)
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
