/* SPDX-License-Identifier: MIT */
/*
 * I/O ports from user space, through the TSS I/O permission bitmap.
 *
 * An ioport object (a resource of type CAIRN_OBJ_IOPORT, obj/resource.h)
 * is the capability; ioport_grant puts its range into a process's I/O
 * space, a bitmap of the 65536 ports, after which the process's threads use
 * in/out on those ports directly, at full speed, and get a #GP (which ends
 * the process) on any other port. The bitmap is the union of the grants,
 * so overlapping grants are fine and withdrawing one leaves the others.
 *
 * Each CPU keeps a copy of one space's bitmap right after its TSS
 * (struct cpu.io_bitmap). A context switch to a thread whose process has a
 * space points the TSS at the copy, recopying it only if the CPU last held
 * another space or an older version of this one; a switch to any other
 * thread points the TSS past its limit, so every port faults. A change to
 * a space takes effect at once on the calling CPU; CPUs running the space
 * with an older copy get an IPI (VEC_IOPORT) and the change waits until
 * they have reloaded, so a withdrawn port is unusable everywhere when
 * ioport_withdraw returns. (A first grant reaches threads of the process
 * that are running elsewhere at their next switch.)
 *
 * The space is allocated on the first grant, charged to the process's
 * quota, and freed with the process.
 *
 * Lock legend: [I] immutable after creation, [l] the space's lock,
 * [a] atomic (written under the lock, read without it).
 */
#ifndef CAIRN_OBJ_IOPORT_H
#define CAIRN_OBJ_IOPORT_H

#include <stdint.h>

#include "lib/spinlock.h"
#include "obj/quota.h"
#include "obj/resource.h"

#define IOPORT_MAX_GRANTS 16 /* ioport objects one process can have granted at once */

struct process;

struct ioport_grant {
    uint64_t koid; /* the ioport object's */
    uint32_t base, count;
};

struct ioport_space {
    struct spinlock lock;
    uint64_t id;      /* [I] unique for the boot, never 0 */
    uint64_t version; /* [a] bumped (globally unique) by each change */
    uint32_t len;     /* [a] leading bytes of bits that may be != 0xff */
    unsigned ngrants; /* [l] */
    struct ioport_grant grants[IOPORT_MAX_GRANTS]; /* [l] */
    struct quota *quota;                           /* [I] charged for the space; a reference */
    uint8_t *bits;                                 /* [l]/[a] 8192 bytes, bit clear = allowed */
};

/* Claim the IPI vector; once, at boot. */
void ioport_init(void);

/*
 * Put io's ports into p's I/O space (making the space, charged to p's
 * quota, on p's first grant). Granting the same object twice is one grant.
 * 0, or -CAIRN_ENOMEM (no memory or quota, or IOPORT_MAX_GRANTS grants
 * already).
 */
int ioport_grant(struct process *p, const struct resource *io);

/* Take the ports of io's earlier grant out of p's I/O space: 0, or
 * -CAIRN_ENOENT if io was not granted to p. */
int ioport_withdraw(struct process *p, const struct resource *io);

/* Whether p may use port now (for tests). */
bool ioport_allowed(struct process *p, uint32_t port);

/* The context switch's part: load next's I/O space (NULL: none, or a kernel
 * thread) into this CPU's TSS. Interrupts off. */
void ioport_switch(struct process *next);

/* Free p's space, for process teardown (no thread of p runs any more). */
void ioport_process_fini(struct process *p);

#endif
