// SPDX-License-Identifier: MIT
/*
 * Reply objects (see reply.h). Invariant, under r->lock: caller, ep and
 * seq are set together or all empty; once empty they never fill again
 * (one-shot). claimed is set only while caller is, by the one answer in
 * progress, whose maker holds a reference, so destroy never sees it.
 */
#include <cairn/errors.h>

#include "core/panic.h"
#include "mm/kmalloc.h"
#include "obj/endpoint.h"
#include "obj/process.h"
#include "obj/reply.h"
#include "sched/sched.h"

static void
reply_destroy(struct object *o)
{
    struct reply *r = reply_from(o);

    /* Dropped unanswered: the caller learns that no reply will come. */
    if (r->caller)
        endpoint_reply_to(r->caller, r->ep, r->seq, -CAIRN_ECLOSED);
    kfree(r);
}

static const struct object_ops reply_ops = {.destroy = reply_destroy};

int
reply_create(struct reply **out)
{
    struct thread *me = sched_current();
    struct reply *r;

    if (!me->ipc.caller)
        return -CAIRN_ENOENT;
    r = kzalloc(sizeof(*r));
    if (!r)
        return -CAIRN_ENOMEM;
    object_init(&r->obj, CAIRN_OBJ_REPLY, &reply_ops);
    spin_init(&r->lock);
    if (process_charge(me->process, &r->obj, sizeof(*r)) < 0) {
        object_unref(&r->obj); /* empty: nobody to answer */
        return -CAIRN_ENOMEM;
    }
    /* The caller's references pass to r. */
    r->caller = me->ipc.caller;
    r->ep = me->ipc.caller_ep;
    r->seq = me->ipc.caller_seq;
    me->ipc.caller = NULL;
    me->ipc.caller_ep = NULL;
    *out = r;
    return 0;
}

void
reply_undo(struct reply *r)
{
    struct thread *me = sched_current();

    /* No handle was made: nobody else has seen r. */
    assert(!me->ipc.caller && r->caller);
    me->ipc.caller = r->caller;
    me->ipc.caller_ep = r->ep;
    me->ipc.caller_seq = r->seq;
    r->caller = NULL;
    r->ep = NULL;
    object_unref(&r->obj);
}

int
reply_claim(struct reply *r)
{
    bool irq = spin_lock_irqsave(&r->lock);
    int err = 0;

    if (!r->caller || r->claimed)
        err = -CAIRN_ENOENT;
    else
        r->claimed = true;
    spin_unlock_irqrestore(&r->lock, irq);
    return err;
}

void
reply_unclaim(struct reply *r)
{
    bool irq = spin_lock_irqsave(&r->lock);

    r->claimed = false;
    spin_unlock_irqrestore(&r->lock, irq);
}

int
reply_answer_claimed(struct reply *r)
{
    bool irq = spin_lock_irqsave(&r->lock);
    struct thread *caller = r->caller;
    struct endpoint *ep = r->ep;
    uint32_t seq = r->seq;

    assert(r->claimed && caller);
    r->caller = NULL;
    r->ep = NULL;
    r->claimed = false;
    spin_unlock_irqrestore(&r->lock, irq);
    return endpoint_reply_to(caller, ep, seq, 0);
}
