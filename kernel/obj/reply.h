/* SPDX-License-Identifier: MIT */
/*
 * Reply objects: a caller's pending reply taken out of the server thread
 * that received its call (ipc_reply_save), so the server can receive
 * further calls and answer this one later, from any thread or process the
 * handle reaches (ipc_reply_to). docs/ipc.md, "Deferred replies".
 *
 * A reply object is one-shot: it holds the caller until it is answered,
 * then holds nothing, and every later answer fails with -CAIRN_ENOENT.
 * Dropped unanswered (its last reference goes: the handle closed, or the
 * process holding it torn down), it answers the caller with
 * -CAIRN_ECLOSED, as a server that ends mid-call does. It holds a
 * reference to the caller's thread, never to its process's resources: a
 * caller that is killed meanwhile withdraws (endpoint.c), and the later
 * answer finds it gone and fails with -CAIRN_ECLOSED.
 *
 * Lock legend: [l] the object's lock.
 */
#ifndef CAIRN_OBJ_REPLY_H
#define CAIRN_OBJ_REPLY_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/spinlock.h"
#include "obj/object.h"

struct thread;
struct endpoint;

struct reply {
    struct object obj; /* type CAIRN_OBJ_REPLY */
    struct spinlock lock;
    struct thread *caller; /* [l] a reference; NULL once answered */
    struct endpoint *ep;   /* [l] the endpoint it called through (a reference) */
    uint32_t seq;          /* [l] its call's seq (endpoint.c) */
    bool claimed;          /* [l] an answer is being made (reply_claim) */
};

/*
 * Take the calling thread's caller out into a new reply object, charged to
 * the calling process. Returns 0 and the object (one reference), or
 * -CAIRN_ENOENT (no caller), -CAIRN_ENOMEM; the thread then keeps its
 * caller.
 */
int reply_create(struct reply **out);

/* Give the caller back to the calling thread (it has none meanwhile): for
 * a reply_create whose handle could not be made. Drops the reference. */
void reply_undo(struct reply *r);

/*
 * Answer with the calling thread's ipc.msg: 0, -CAIRN_ENOENT (answered
 * already: ipc.msg is left as it is), or -CAIRN_ECLOSED (the caller waits
 * no more; the message is dropped). reply_claim takes the caller out
 * first, so that the message is loaded only once the answer is certain
 * to be ours; reply_unclaim puts it back if loading fails.
 */
int reply_claim(struct reply *r);
void reply_unclaim(struct reply *r);
int reply_answer_claimed(struct reply *r);

static inline struct reply *
reply_from(struct object *o)
{
    return (struct reply *)o;
}

#endif
