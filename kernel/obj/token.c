// SPDX-License-Identifier: MIT
/*
 * Revocation tokens (see token.h).
 *
 * Invariant: a token is revoked, or its ancestors are, or the chain up to
 * its root is live and the root's obj is the object with a reference.
 * Reading the chain and taking a reference to the root's object happen
 * under token_lock, so a revocation either comes first (the lookup fails)
 * or after (the lookup's reference keeps the object alive).
 */
#include "obj/token.h"

#include "lib/spinlock.h"
#include "mm/kmalloc.h"
#include "obj/endpoint.h"

static struct spinlock token_lock = SPINLOCK_INIT;
static unsigned token_live; /* [a] */

struct handle_token *
token_create(struct object *o, uint32_t rights, struct handle_token *parent)
{
    struct handle_token *t;

    if (parent && parent->depth >= TOKEN_MAX_DEPTH)
        return NULL;
    t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    t->refs = 1;
    if (parent) {
        token_ref(parent);
        t->parent = parent;
        t->depth = (uint8_t)(parent->depth + 1);
    } else {
        object_ref(o);
        object_handle_opened(o, rights);
        t->obj = o;
        t->rights = rights;
    }
    __atomic_add_fetch(&token_live, 1, __ATOMIC_RELAXED);
    return t;
}

struct handle_token *
token_create_notice(struct object *o, uint32_t rights, uint64_t badge)
{
    struct handle_token *t = token_create(o, rights, NULL);

    if (t) {
        t->notice = true;
        t->notice_badge = badge;
    }
    return t;
}

void
token_free_notice(struct handle_token *t)
{
    object_unref(t->obj);
    kfree(t);
    __atomic_sub_fetch(&token_live, 1, __ATOMIC_RELAXED);
}

void
token_ref(struct handle_token *t)
{
    __atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
}

void
token_unref(struct handle_token *t)
{
    /* A loop, not recursion: chains of borrows can be long. */
    while (t && __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        struct handle_token *parent = t->parent;

        /* The last reference: nobody else can revoke it now. */
        if (t->obj) {
            object_handle_closed(t->obj, t->rights);
            if (t->notice) {
                /* The endpoint takes the token, and its reference. */
                endpoint_notice_closed(endpoint_from(t->obj), t);
                t = parent;
                continue;
            }
            object_unref(t->obj);
        }
        kfree(t);
        __atomic_sub_fetch(&token_live, 1, __ATOMIC_RELAXED);
        t = parent;
    }
}

struct object *
token_object_get(struct handle_token *t)
{
    struct object *o = NULL;
    bool irq = spin_lock_irqsave(&token_lock);

    while (t && !t->revoked) {
        if (!t->parent) {
            o = t->obj;
            object_ref(o);
            break;
        }
        t = t->parent;
    }
    spin_unlock_irqrestore(&token_lock, irq);
    return o;
}

struct object *
token_revoke(struct handle_token *t)
{
    struct object *o;
    bool irq = spin_lock_irqsave(&token_lock);

    t->revoked = true;
    o = t->obj;
    t->obj = NULL;
    spin_unlock_irqrestore(&token_lock, irq);
    return o;
}

unsigned
token_live_count(void)
{
    return __atomic_load_n(&token_live, __ATOMIC_RELAXED);
}
