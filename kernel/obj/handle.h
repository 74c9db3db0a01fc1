/* SPDX-License-Identifier: MIT */
/*
 * The per-process handle table: the only way a process names a kernel
 * object. A handle is (object, rights, badge); the table holds one object
 * reference per live handle. A borrowed handle names a revocation token
 * instead (obj/token.h), which holds the object; once the token is
 * revoked, every call but close fails on the handle with -CAIRN_EREVOKED.
 *
 * Handle values (cairn_handle_t, non-negative):
 *
 *     bit 31   30 ........ 24   23 ................ 0
 *         0    generation (7)   slot index (24)
 *
 * Closing a handle bumps its slot's generation, so the old value no longer
 * matches when the slot is reused. The generation wraps after 128 reuses of
 * one slot; closed slots are reused oldest first, and fresh slots before any
 * closed one, to make that as late as possible.
 *
 * Every call validates first (handle, type, rights, room) and only then
 * changes the table, so an error leaves no trace. Object references are
 * dropped after the table's lock is released, so an object's destroy never
 * runs under it; growing the array also drops the lock around kmalloc and
 * kfree. The table's lock is therefore a leaf.
 *
 * Lock legend: [l] guarded by lock, [I] immutable after handle_table_init.
 */
#ifndef CAIRN_OBJ_HANDLE_H
#define CAIRN_OBJ_HANDLE_H

#include <stdint.h>

#include <cairn/rights.h>

#include "lib/spinlock.h"
#include "obj/object.h"
#include "obj/token.h"

#define HANDLE_INDEX_BITS  24
#define HANDLE_INDEX_MASK  ((1u << HANDLE_INDEX_BITS) - 1)
#define HANDLE_GEN_MASK    0x7fu
#define HANDLE_MAX         (1u << HANDLE_INDEX_BITS) /* the most slots a table can have */
#define HANDLE_TABLE_FIRST 16u                       /* slots allocated by handle_table_init */

struct handle_slot {
    struct object *obj;         /* [l] the object (a reference), or NULL */
    struct handle_token *token; /* [l] or, for a borrowed handle, its token (a reference) */
    union {
        uint32_t rights;    /* [l] live slot: CAIRN_RIGHT_* held through it */
        uint32_t next_free; /* [l] free slot: next on the free list */
    };
    uint32_t generation; /* [l] 7 bits; bumped when the handle is closed */
    uint64_t badge;      /* [l] live slot: the word an endpoint reports to its receiver */
};
/* A slot is free iff both obj and token are NULL. */

/*
 * A handle outside any table: what a handle becomes while it travels in an
 * IPC message. It holds one reference to obj and counts as a holder of its
 * rights (object_handle_opened/closed), exactly like a live slot; it ends
 * either in a table (handle_insert_entry) or with handle_entry_drop.
 */
struct handle_entry {
    struct object *obj;         /* the object, or NULL when token is set */
    struct handle_token *token; /* a borrowed handle's token */
    uint32_t rights;
    uint64_t badge;
};

struct handle_table {
    struct spinlock lock;      /* guards the [l] fields; a leaf lock */
    struct handle_slot *slots; /* [l] capacity entries, kmalloc'd */
    unsigned capacity;         /* [l] */
    unsigned top;              /* [l] slots [0, top) have been used; the rest are fresh */
    unsigned count;            /* [l] live handles */
    unsigned max;              /* [I] the most slots this table may grow to */
    uint32_t free_head;        /* [l] oldest closed slot, or HANDLE_SLOT_NONE */
    uint32_t free_tail;        /* [l] newest closed slot, or HANDLE_SLOT_NONE */
    struct quota *quota;       /* [I] once set: pays for growth past the first array, or NULL */
    uint64_t charged;          /* [l] bytes charged to quota for that growth */
};

#define HANDLE_SLOT_NONE UINT32_MAX

/*
 * Every function returns 0 (or a handle >= 0) on success, or a negative code:
 * -CAIRN_EBADH (not a live handle of this table), -CAIRN_EREVOKED (a
 * revoked borrowed handle: only close accepts it), -CAIRN_EWRONGTYPE,
 * -CAIRN_ERIGHTS, -CAIRN_EINVAL (a bad argument from the kernel caller),
 * -CAIRN_ENOMEM (table at max_handles, or no memory to grow it).
 * None blocks; all may be called with interrupts on or off.
 */

/* An empty table that may hold up to max_handles handles (1..HANDLE_MAX). */
int handle_table_init(struct handle_table *t, unsigned max_handles);

/* Charge the table's growth from now on to q (a reference is kept until
 * handle_table_fini). Once, before the table is shared. */
void handle_table_set_quota(struct handle_table *t, struct quota *q);

/* Closes every handle, dropping its reference, and frees the array. For
 * process exit: no other call may run on t concurrently. Afterwards t is
 * empty and stays so (handle_insert fails with -CAIRN_ENOMEM) until
 * handle_table_init. */
void handle_table_fini(struct handle_table *t);

/* A new handle to o with rights (CAIRN_RIGHT_* bits only, else -CAIRN_EINVAL).
 * The table takes a reference of its own; the caller keeps its own. */
int handle_insert(struct handle_table *t, struct object *o, uint32_t rights);

/* The general lookup behind handle_get_badged (handle.c): borrowed
 * handles, and the error when there is one. */
int handle_get_badged_slow(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
                           struct object **out, uint32_t *rights_out, uint64_t *badge_out);

/* The slot of h if it is live, not borrowed, of type (CAIRN_OBJ_NONE:
 * any) and holds need; NULL otherwise. t->lock held. */
static inline struct handle_slot *
handle_slot_plain_locked(struct handle_table *t, int32_t h, uint32_t type, uint32_t need)
{
    uint32_t index = (uint32_t)h & HANDLE_INDEX_MASK;
    struct handle_slot *s;

    if (h < 0 || index >= t->top)
        return NULL;
    s = &t->slots[index];
    if (!s->obj || s->generation != (uint32_t)h >> HANDLE_INDEX_BITS ||
        (type != CAIRN_OBJ_NONE && s->obj->type != type) || (s->rights & need) != need)
        return NULL;
    return s;
}

/*
 * Looks h up, checks that its object has the type wanted (CAIRN_OBJ_NONE:
 * any) and that its rights include need_rights, in that order. On success
 * *out is the object with a new reference that the caller drops with
 * object_unref, so a concurrent handle_close cannot free it; *rights_out
 * and *badge_out (when not NULL) are the handle's rights and badge. The
 * common case, a plain handle that passes, is inline.
 */
static inline int
handle_get_badged(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
                  struct object **out, uint32_t *rights_out, uint64_t *badge_out)
{
    bool irq = spin_lock_irqsave(&t->lock);
    struct handle_slot *s = handle_slot_plain_locked(t, h, type, need_rights);

    if (__builtin_expect(!s, 0)) {
        spin_unlock_irqrestore(&t->lock, irq);
        return handle_get_badged_slow(t, h, type, need_rights, out, rights_out, badge_out);
    }
    *out = s->obj;
    object_ref(s->obj);
    if (rights_out)
        *rights_out = s->rights;
    if (badge_out)
        *badge_out = s->badge;
    spin_unlock_irqrestore(&t->lock, irq);
    return 0;
}

/*
 * handle_get for calls that make a new, independent capability out of the
 * object (a sub-range, an irq object, device memory, a quota split, a port
 * grant, a process's quota): a borrowed handle is refused with
 * -CAIRN_EPERM after every other check, since revoking the borrow could
 * not reach what the call would make.
 */
int handle_get_owned(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
                     struct object **out, uint32_t *rights_out);

static inline int
handle_get(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
           struct object **out, uint32_t *rights_out)
{
    return handle_get_badged(t, h, type, need_rights, out, rights_out, NULL);
}

/*
 * The IPC fast path's lookup, with interrupts off: h's object, referenced,
 * and its badge, if h is a live, unborrowed handle to an object of type
 * with the rights need; NULL otherwise, and the caller takes the general
 * path (handle_get_badged), which says what is wrong.
 */
static inline struct object *
handle_get_fast(struct handle_table *t, int32_t h, uint32_t type, uint32_t need, uint64_t *badge)
{
    struct handle_slot *s;
    struct object *o = NULL;

    spin_lock(&t->lock);
    s = handle_slot_plain_locked(t, h, type, need);
    if (s) {
        o = s->obj;
        object_ref(o);
        *badge = s->badge;
    }
    spin_unlock(&t->lock);
    return o;
}

/* Whether h is a live, unborrowed handle to o, an object the caller holds
 * a reference to already, with the rights need: the IPC fast path's check
 * of a reply_recv's endpoint, which takes no reference. Interrupts off. */
static inline bool
handle_names_fast(struct handle_table *t, int32_t h, const struct object *o, uint32_t need)
{
    struct handle_slot *s;
    bool names;

    spin_lock(&t->lock);
    s = handle_slot_plain_locked(t, h, CAIRN_OBJ_NONE, need);
    names = s && s->obj == o;
    spin_unlock(&t->lock);
    return names;
}

/*
 * Takes h out of the table (a move): h must hold CAIRN_RIGHT_TRANSFER and
 * new_rights must be a subset of its rights. On success h is closed and
 * *e holds its object with new_rights and its badge.
 */
int handle_take(struct handle_table *t, int32_t h, uint32_t new_rights, struct handle_entry *e);

/* Copies h into *e (for a copy over IPC): h must hold TRANSFER and
 * DUPLICATE, new_rights a subset of its rights. */
int handle_copy_out(struct handle_table *t, int32_t h, uint32_t new_rights, struct handle_entry *e);

/* A new handle from *e (the table takes its own reference; *e is still
 * the caller's to drop). */
int handle_insert_entry(struct handle_table *t, const struct handle_entry *e);

/* Ends an entry: the holder goes away and its reference is dropped. */
void handle_entry_drop(struct handle_entry *e);

/*
 * A new, revocable handle to h's object with rights (a subset of h's)
 * plus CAIRN_RIGHT_REVOKE; h must hold DUPLICATE. Handles derived from the
 * new one (dup, transfer) share its revocation; see obj/token.h.
 */
int handle_borrow(struct handle_table *t, int32_t h, uint32_t rights);

/* Revoke the borrowed handle h (it needs CAIRN_RIGHT_REVOKE): it and every
 * handle derived from it, in any process, stop working. */
int handle_revoke(struct handle_table *t, int32_t h);

/* A new handle to h's endpoint with new_rights (a subset, as for dup) and
 * badge; h must hold DUPLICATE and carry no badge yet (badges are set
 * once, by whoever holds the unbadged handle). */
int handle_mint(struct handle_table *t, int32_t h, uint32_t new_rights, uint64_t badge);

/*
 * handle_mint whose new handle and every copy of it (dup, transfer,
 * install, borrow) share one count: when the last of them is closed, or
 * ends with its process, the endpoint's receiver gets a notice
 * (CAIRN_IPC_CLOSED with the badge). The handle names a token
 * (obj/token.h) that holds the endpoint, so it takes the general lookup,
 * and holds no REVOKE right. h must be a plain handle with no badge
 * (-CAIRN_EPERM), badge not 0 (-CAIRN_EINVAL).
 */
int handle_mint_notify(struct handle_table *t, int32_t h, uint32_t new_rights, uint64_t badge);

/* A new handle to h's object with new_rights, which must be a subset of h's
 * rights (else -CAIRN_ERIGHTS); h must hold CAIRN_RIGHT_DUPLICATE. */
int handle_dup(struct handle_table *t, int32_t h, uint32_t new_rights);

/* Invalidates h and drops its reference (which may destroy the object). */
int handle_close(struct handle_table *t, int32_t h);

/* The type, rights and koid of h's object. */
int handle_info(struct handle_table *t, int32_t h, struct cairn_handle_info *out);

/* Live plain (not borrowed) handles in t naming o. */
unsigned handle_count_naming(struct handle_table *t, const struct object *o);

/* Live plain handles in t naming o whose rights include rights. */
unsigned handle_count_naming_rights(struct handle_table *t, const struct object *o,
                                    uint32_t rights);

/* Live handles in t. */
unsigned handle_count(struct handle_table *t);

#endif
