/* SPDX-License-Identifier: MIT */
/*
 * Memory quotas: a budget of bytes that the kernel charges for what it
 * allocates on a process's behalf (objects, memory objects' frames, page
 * tables, kernel stacks), so that no process can take memory another
 * needs. A charge that would pass the limit fails with -CAIRN_ENOMEM and
 * changes nothing.
 *
 * Quotas form a tree. quota_split carves a child out of a parent: the
 * child's whole limit and its struct are charged to the parent at once,
 * and returned when the child goes. The root's limit is the memory free at boot less a
 * reserve for the kernel itself, so the leaves can never together ask for
 * more than exists: an allocation that its quota allows finds frames.
 *
 * Lock legend: [I] immutable after creation, [a] atomic.
 */
#ifndef CAIRN_OBJ_QUOTA_H
#define CAIRN_OBJ_QUOTA_H

#include <stdint.h>

#include "obj/object.h"

struct quota {
    struct object obj;    /* type CAIRN_OBJ_QUOTA */
    struct quota *parent; /* [I] a reference; NULL for the root */
    uint64_t limit;       /* [I] bytes */
    uint64_t used;        /* [a] bytes charged, children's limits included */
};

/* The root quota over limit bytes (the caller's reference). NULL without
 * memory. */
struct quota *quota_create_root(uint64_t limit);

/* A child of parent with limit bytes, charged to parent. 0 and the child
 * (one reference), -CAIRN_ENOMEM (parent has not that much left, or no
 * memory), -CAIRN_EINVAL (limit 0). */
int quota_split(struct quota *parent, uint64_t limit, struct quota **out);

/* Charge bytes to q: 0, or -CAIRN_ENOMEM with nothing charged. A NULL q
 * (the kernel's own allocations) always succeeds. */
int quota_charge(struct quota *q, uint64_t bytes);
/* Give back bytes charged earlier. */
void quota_uncharge(struct quota *q, uint64_t bytes);

static inline uint64_t
quota_used(const struct quota *q)
{
    return __atomic_load_n(&q->used, __ATOMIC_RELAXED);
}

void quota_ref(struct quota *q);
void quota_unref(struct quota *q);

static inline struct quota *
quota_from(struct object *o)
{
    return (struct quota *)o;
}

#endif
