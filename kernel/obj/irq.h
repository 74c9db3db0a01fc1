/* SPDX-License-Identifier: MIT */
/*
 * irq objects: one interrupt line (a GSI of the I/O APIC, or an MSI slot:
 * a vector that a device's message-signalled interrupt targets) delivered
 * to user space as bits of a notification.
 *
 *     created ──bind(n, bits)──> bound ──interrupt──> signalled ──ack──> bound
 *        ^                         |                      |
 *        └────────bind(NULL)───────┴──────────────────────┘
 *
 * Creating an irq object claims its line: the line's vector
 * (VEC_IRQ_BASE + gsi) gets the kernel's handler and its I/O APIC entry is
 * programmed masked, for the boot CPU. The line is unmasked while some irq
 * object on it is bound, and, for a level-triggered line, no bound object
 * has been signalled without acknowledging since. The interrupt handler
 * masks a level-triggered line, ORs each bound object's bits into its
 * notification and returns (the local APIC's EOI follows in trap_dispatch):
 * nothing in it blocks or allocates. An edge-triggered line is never masked
 * by delivery: an edge cannot storm, and the I/O APIC drops edges that
 * arrive while a pin is masked, which would leave a device that raises its
 * next edge only once serviced (the RTC, the PS/2 controller) silent for
 * good. Acknowledging an edge-triggered line is allowed and does nothing,
 * so a driver's loop is the same for both: wait, service the device, ack.
 *
 * Several irq objects may share one line (PCI INTx lines are shared) if
 * they agree on its trigger mode and polarity; a level-triggered shared
 * line stays masked until every bound object signalled has acknowledged.
 * The last reference to an irq object going (its last handle closed)
 * unbinds it; the last object on a line masks the line and frees its
 * vector.
 *
 * Lock order: irq_line.lock -> waitq.lock (notification_signal) ->
 * runqueue.lock; irq_line.lock -> ioapic_lock. Taken with interrupts off
 * (the handler takes it too).
 *
 * Lock legend: [I] immutable after creation, [L] the line's lock.
 */
#ifndef CAIRN_OBJ_IRQ_H
#define CAIRN_OBJ_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "obj/notification.h"
#include "obj/object.h"

struct irq {
    struct object obj;           /* type CAIRN_OBJ_IRQ */
    uint32_t gsi;                /* [I] the line: a GSI, or CAIRN_IRQ_MSI_BASE + MSI slot */
    struct list_node link;       /* [L] on its line's list */
    struct notification *notify; /* [L] a reference while bound, else NULL */
    uint64_t bits;               /* [L] what an interrupt ORs into notify */
    bool pending;                /* [L] level line: signalled, not yet acknowledged */
};

/*
 * An irq object on gsi with the line's trigger mode and polarity. The first
 * object on a line sets them and claims its vector; later ones must agree.
 * Returns 0 and the object (one reference, unbound), or -CAIRN_EINVAL (no
 * I/O APIC input gsi, or gsi >= CAIRN_IRQ_LINES), -CAIRN_EBUSY (the line is
 * in use with another mode, or its vector is the kernel's), -CAIRN_ENOMEM.
 */
int irq_create(uint32_t gsi, bool level, bool active_low, struct irq **out);

/*
 * An irq object on a free MSI slot among the lines [first, end) (those of
 * them that are MSI slots, CAIRN_IRQ_MSI_BASE and up): edge-triggered,
 * bound to no one yet, its vector claimed. Returns 0 and the object (one
 * reference), -CAIRN_ERANGE if [first, end) holds no MSI slot,
 * -CAIRN_EBUSY if every one of them is taken, -CAIRN_ENOMEM.
 */
int irq_create_msi(uint64_t first, uint64_t end, struct irq **out);

/* The message an MSI irq object's device must send: 0, or -CAIRN_EINVAL
 * for an object on a GSI. */
int irq_msi_message(const struct irq *irq, uint64_t *address, uint32_t *data);

/* Bind irq to n (the caller's reference passes to irq) with bits != 0, or
 * unbind it with n NULL (bits ignored); a pending acknowledgement is
 * dropped on unbind. Replaces an earlier binding. Never fails. */
void irq_bind(struct irq *irq, struct notification *n, uint64_t bits);

/* The driver has serviced its device: a level-triggered line is unmasked
 * once no bound object on it is pending any more. Harmless when nothing is
 * pending. */
void irq_ack(struct irq *irq);

/* For tests: interrupts taken on gsi since boot, and whether its I/O APIC
 * entry is masked now (1), unmasked (0) or absent (-1). */
uint64_t irq_line_fired(uint32_t gsi);
int irq_line_masked(uint32_t gsi);

static inline struct irq *
irq_from(struct object *o)
{
    return (struct irq *)o;
}

#endif
