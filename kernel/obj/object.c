// SPDX-License-Identifier: MIT
/*
 * The common object header: reference counting, koids and live counts.
 *
 * Invariants: refs > 0 while the object is reachable; the thread whose
 * decrement takes refs to 0 is the only one that calls destroy, so it runs
 * exactly once. The decrement is acquire-release, so every write made
 * through any reference happens before destroy. A live count goes up in
 * object_init and down just before destroy, so it counts objects that
 * exist.
 *
 * Destruction is a loop, not recursion (object.h): the context that takes
 * an object's refs to 0 while already destroying another only queues it;
 * the outermost object_unref_last takes the queue's objects one at a time
 * and destroys them, so no chain of references can deepen the stack by
 * more than one destroy. A context's queue is empty and inactive whenever
 * no object_unref_last runs in it: the outermost call marks it inactive
 * only when it finds the queue empty, both with interrupts off, so an
 * interrupt handler never queues an object that nobody will destroy.
 */
#include "obj/object.h"

#include "lib/log.h"
#include "obj/quota.h"

static uint64_t object_next_koid = 1;         /* [a] 0 is never a koid */
static uint32_t object_live[CAIRN_OBJ_COUNT]; /* [a] per type */

static int
object_type_valid(uint32_t type)
{
    return type != CAIRN_OBJ_NONE && type < CAIRN_OBJ_COUNT;
}

void
object_init(struct object *o, uint32_t type, const struct object_ops *ops)
{
    o->type = type;
    o->refs = 1;
    o->koid = __atomic_fetch_add(&object_next_koid, 1, __ATOMIC_RELAXED);
    o->ops = ops;
    o->quota = NULL;
    o->charged = 0;
    o->reclaim_next = NULL;
    if (object_type_valid(type))
        __atomic_add_fetch(&object_live[type], 1, __ATOMIC_RELAXED);
    else
        kbug("object: koid %llu has invalid type %u", (unsigned long long)o->koid, type);
}

int
object_charge(struct object *o, struct quota *q, uint64_t bytes)
{
    int err;

    if (!q)
        return 0;
    err = quota_charge(q, bytes);
    if (err)
        return err;
    quota_ref(q);
    o->quota = q;
    o->charged = bytes;
    return 0;
}

void
object_charge_taken(struct object *o, struct quota *q, uint64_t bytes)
{
    if (!q)
        return;
    quota_ref(q);
    o->quota = q;
    o->charged = bytes;
}

/* The last reference to o is gone: give back its charge and free it. */
static void
object_destroy(struct object *o)
{
    uint32_t type = o->type;

    if (object_type_valid(type))
        __atomic_sub_fetch(&object_live[type], 1, __ATOMIC_RELAXED);
    if (o->quota) {
        struct quota *q = o->quota;

        quota_uncharge(q, o->charged);
        o->quota = NULL;
        quota_unref(q);
    }
    if (o->ops && o->ops->destroy)
        o->ops->destroy(o);
}

void
object_unref_last(struct object *o, uint32_t old)
{
    struct object_reclaim *r;
    bool irq;

    if (old == 0) {
        /* Already destroyed: a reference was dropped twice. Destroying
         * again would free it twice; leave it and say so. */
        kbug("object: koid %llu unreferenced below zero", (unsigned long long)o->koid);
        return;
    }
    r = object_reclaim_get(&irq);
    if (r->active) {
        /* Inside a destroy of this context: the outermost call takes it. */
        o->reclaim_next = r->pending;
        r->pending = o;
        object_reclaim_put(irq);
        return;
    }
    r->active = true;
    object_reclaim_put(irq);
    while (o) {
        object_destroy(o);
        r = object_reclaim_get(&irq);
        o = r->pending;
        if (o)
            r->pending = o->reclaim_next;
        else
            r->active = false;
        object_reclaim_put(irq);
    }
}

unsigned
object_live_count(uint32_t type)
{
    if (!object_type_valid(type))
        return 0;
    return __atomic_load_n(&object_live[type], __ATOMIC_RELAXED);
}
