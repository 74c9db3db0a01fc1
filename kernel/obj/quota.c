// SPDX-License-Identifier: MIT
/*
 * Memory quotas (see quota.h). Invariant: used <= limit at every moment,
 * kept by a compare-and-swap loop, so charges from many CPUs need no
 * lock. A quota's reference to its parent keeps the parent (and the
 * parent's charge of the child's limit) alive until the child goes.
 */
#include <stdbool.h>

#include <cairn/errors.h>

#include "mm/kmalloc.h"
#include "obj/quota.h"

static void
quota_destroy(struct object *o)
{
    struct quota *q = quota_from(o);

    if (q->parent) {
        quota_uncharge(q->parent, q->limit + sizeof(*q));
        quota_unref(q->parent);
    }
    kfree(q);
}

static const struct object_ops quota_ops = {.destroy = quota_destroy};

struct quota *
quota_create_root(uint64_t limit)
{
    struct quota *q = kzalloc(sizeof(*q));

    if (!q)
        return NULL;
    object_init(&q->obj, CAIRN_OBJ_QUOTA, &quota_ops);
    q->limit = limit;
    return q;
}

int
quota_split(struct quota *parent, uint64_t limit, struct quota **out)
{
    struct quota *q;
    int err;

    /* The parent pays for the child's struct as well as its limit, so a
     * quota cannot make kernel memory out of nothing by splitting. */
    if (limit == 0 || limit > UINT64_MAX - sizeof(*q))
        return -CAIRN_EINVAL;
    err = quota_charge(parent, limit + sizeof(*q));
    if (err)
        return err;
    q = kzalloc(sizeof(*q));
    if (!q) {
        quota_uncharge(parent, limit + sizeof(*q));
        return -CAIRN_ENOMEM;
    }
    object_init(&q->obj, CAIRN_OBJ_QUOTA, &quota_ops);
    q->limit = limit;
    q->parent = parent;
    quota_ref(parent);
    *out = q;
    return 0;
}

int
quota_charge(struct quota *q, uint64_t bytes)
{
    uint64_t used;

    if (!q)
        return 0;
    used = __atomic_load_n(&q->used, __ATOMIC_RELAXED);
    do {
        if (bytes > q->limit - used)
            return -CAIRN_ENOMEM;
    } while (!__atomic_compare_exchange_n(&q->used, &used, used + bytes, true, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    return 0;
}

void
quota_uncharge(struct quota *q, uint64_t bytes)
{
    if (q)
        __atomic_sub_fetch(&q->used, bytes, __ATOMIC_RELAXED);
}

void
quota_ref(struct quota *q)
{
    object_ref(&q->obj);
}

void
quota_unref(struct quota *q)
{
    object_unref(&q->obj);
}
