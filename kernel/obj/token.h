/* SPDX-License-Identifier: MIT */
/*
 * Revocation tokens: what makes a borrowed handle revocable.
 *
 * Borrowing a handle creates a token, and the new handle names the token
 * instead of the object. Every handle later derived from it (dup, transfer
 * over IPC, in any process) names the same token; borrowing a borrowed
 * handle makes a child token. Revoking a token invalidates every handle
 * naming it or any of its descendants, at once, in every process.
 *
 * A root token holds the object (one reference, and it counts as one
 * holder of `rights`, see object_ops.handle_opened); its handles hold only
 * the token. Revoking the root drops the object at once, so a revoked
 * endpoint's last receiver really goes, and revoked memory frees. A child
 * token reaches the object through its parent.
 *
 * All tokens share one lock (revocation is rare and short); it nests
 * inside the handle tables' locks and takes no other lock.
 *
 * Lock legend: [L] token_lock, [I] immutable after creation, [a] atomic.
 */
#ifndef CAIRN_OBJ_TOKEN_H
#define CAIRN_OBJ_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "obj/object.h"

/* Borrows of borrows nest at most this deep: every lookup walks a token's
 * chain to its root under token_lock with interrupts off, so the chain's
 * length is a latency that one process could otherwise make as long as it
 * liked for every CPU. */
#define TOKEN_MAX_DEPTH 8

struct handle_token {
    uint32_t refs;                /* [a] handles, entries, children naming it */
    uint8_t depth;                /* [I] 0 for a root, parent's + 1 below */
    bool revoked;                 /* [L] */
    bool notice;                  /* [I] a root made by token_create_notice (a failed */
                                  /* mint clears it before any other sees the token) */
    struct handle_token *parent;  /* [I] a reference; NULL for a root */
    struct object *obj;           /* [L] root: the object (a reference); NULL once revoked */
    uint32_t rights;              /* [I] root: the rights it holds obj with */
    uint32_t notice_arrival;      /* its place in the endpoint's queue (endpoint.c), once there */
    uint64_t notice_badge;        /* [I] what a notice token's last close reports */
    struct quota *quota;          /* [I] a notice token's: charged for it (a reference), or NULL */
    struct list_node notice_link; /* the endpoint's, once queued there as a notice */
};

/* A new token with one reference (the caller's): a root over o (taking a
 * reference to o and holding `rights` on it), or, with parent != NULL, a
 * child of parent (o and rights unused). NULL without memory, or when the
 * child would be deeper than TOKEN_MAX_DEPTH. */
struct handle_token *token_create(struct object *o, uint32_t rights, struct handle_token *parent);

/*
 * A root over the endpoint o whose last reference, instead of freeing it,
 * hands it to the endpoint as a notice that the last handle with badge is
 * gone (endpoint_notice_closed; handle_mint_notify). Such a root is never
 * revoked: no handle to it holds REVOKE. Its memory is charged to q (the
 * minting process's quota; NULL: the kernel's), as a queued notice may
 * outlive every handle and the process that made it: a process cannot
 * fill the kernel with notices beyond its quota. NULL without memory or
 * quota.
 */
struct quota;
struct handle_token *token_create_notice(struct object *o, uint32_t rights, uint64_t badge,
                                         struct quota *q);

/* Frees a notice token the endpoint is done with (delivered, or dropped
 * because no receiver can come), with its reference to the endpoint. */
void token_free_notice(struct handle_token *t);

void token_ref(struct handle_token *t);
/* Drops a reference; the last one frees the token (and releases a root's
 * object, and the token's reference to its parent). */
void token_unref(struct handle_token *t);

/* The object behind t with a new reference, or NULL if t or an ancestor
 * is revoked. */
struct object *token_object_get(struct handle_token *t);

/* Revoke t. Returns the object a revoked root held (the caller ends it with
 * object_handle_closed(o, t->rights) and object_unref, outside its locks),
 * or NULL. */
struct object *token_revoke(struct handle_token *t);

/* Tokens alive, for leak tests. */
unsigned token_live_count(void);

#endif
