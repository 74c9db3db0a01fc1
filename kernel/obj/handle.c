// SPDX-License-Identifier: MIT
/*
 * The handle table (handle.h describes handle values and the rules).
 *
 * Invariants, with t->lock held:
 *   - slots [0, top) are each either live (exactly one of obj and token
 *     set, holding one reference to it) or on the free list, never both;
 *     slots [top, capacity) are fresh and their contents undefined;
 *   - a live slot with obj counts as one holder of its rights on obj
 *     (object_handle_opened); one with a token does not: the root token is
 *     the holder;
 *   - the free list runs from free_head (closed longest ago) to free_tail
 *     through next_free, and both ends are HANDLE_SLOT_NONE when it is empty;
 *   - count is the number of live slots; a live slot's rights hold no bit
 *     outside CAIRN_RIGHTS_ALL; capacity <= max.
 *
 * Each public call validates everything with the lock held and then commits
 * with a step that cannot fail. Growing the array is the one step that needs
 * the lock dropped (for kmalloc); the calls that grow then start their
 * validation over, since the table may have changed in between.
 */
#include "obj/handle.h"

#include <stdbool.h>

#include <cairn/errors.h>
#include <cairn/ipc.h>

#include "common/string.h"
#include "lib/log.h"
#include "mm/kmalloc.h"
#include "obj/quota.h"

static int32_t
handle_encode(uint32_t index, uint32_t generation)
{
    return (int32_t)(index | (generation & HANDLE_GEN_MASK) << HANDLE_INDEX_BITS);
}

static bool
handle_slot_live(const struct handle_slot *s)
{
    return s->obj || s->token;
}

/* The live slot that h names, or NULL: h negative, out of range, free, or
 * closed and its slot reused (the generation differs). */
static struct handle_slot *
handle_lookup_locked(struct handle_table *t, int32_t h)
{
    struct handle_slot *s;
    uint32_t index;
    uint32_t generation;

    spin_assert_held(&t->lock);
    if (h < 0)
        return NULL;
    index = (uint32_t)h & HANDLE_INDEX_MASK;
    generation = (uint32_t)h >> HANDLE_INDEX_BITS; /* bit 31 is clear: 7 bits */
    if (index >= t->top)
        return NULL;
    s = &t->slots[index];
    if (!handle_slot_live(s) || s->generation != generation)
        return NULL;
    return s;
}

/*
 * The object behind live slot s, with a new reference, or NULL if s is a
 * revoked borrowed handle. The reference must be dropped after the table's
 * lock (a revocation may have left it the last one).
 */
static struct object *
handle_slot_object_locked(struct handle_slot *s)
{
    if (s->token)
        return token_object_get(s->token);
    object_ref(s->obj);
    return s->obj;
}

/* The live slot h names and its object (a reference, see above), or an
 * error: -CAIRN_EBADH, -CAIRN_EREVOKED. */
static int
handle_resolve_locked(struct handle_table *t, int32_t h, struct handle_slot **s_out,
                      struct object **o_out)
{
    struct handle_slot *s = handle_lookup_locked(t, h);

    spin_assert_held(&t->lock);

    if (!s)
        return -CAIRN_EBADH;
    *o_out = handle_slot_object_locked(s);
    if (!*o_out)
        return -CAIRN_EREVOKED;
    *s_out = s;
    return 0;
}

static bool
handle_table_has_room_locked(struct handle_table *t)
{
    spin_assert_held(&t->lock);
    return t->top < t->capacity || t->free_head != HANDLE_SLOT_NONE;
}

/*
 * Fills a free slot from e, taking the table's own reference (to e's object
 * or token). Cannot fail: the caller checked handle_table_has_room_locked
 * and holds a reference. A fresh slot goes before a closed one, and the
 * closed one longest ago first, so that a generation wraps as late as
 * possible.
 */
static int32_t
handle_commit_locked(struct handle_table *t, const struct handle_entry *e)
{
    struct handle_slot *s;
    uint32_t index;

    spin_assert_held(&t->lock);
    if (t->top < t->capacity) {
        index = t->top++;
        t->slots[index].generation = 0;
    } else {
        index = t->free_head;
        t->free_head = t->slots[index].next_free;
        if (t->free_head == HANDLE_SLOT_NONE)
            t->free_tail = HANDLE_SLOT_NONE;
    }
    s = &t->slots[index];
    if (e->token) {
        token_ref(e->token);
        s->obj = NULL;
    } else {
        object_ref(e->obj);
        object_handle_opened(e->obj, e->rights);
        s->obj = e->obj;
    }
    s->token = e->token;
    s->rights = e->rights;
    s->badge = e->badge;
    t->count++;
    return handle_encode(index, s->generation);
}

/* What live slot s holds, as an entry (no reference taken). */
static struct handle_entry
handle_slot_entry(const struct handle_slot *s)
{
    return (struct handle_entry){s->obj, s->token, s->rights, s->badge};
}

/*
 * Doubles the array (up to max). Drops the lock around kmalloc and kfree, so
 * the caller must validate again afterwards; called and returns with the
 * lock held, *irq being the interrupt state to restore. Returns 0 (the
 * array grew, here or in a concurrent call) or -CAIRN_ENOMEM with the table
 * unchanged.
 */
static int
handle_table_grow_locked(struct handle_table *t, bool *irq)
{
    struct handle_slot *slots;
    struct handle_slot *unused;
    unsigned want;

    spin_assert_held(&t->lock);
    if (t->capacity >= t->max)
        return -CAIRN_ENOMEM;
    want = t->capacity > t->max / 2 ? t->max : t->capacity * 2;

    spin_unlock_irqrestore(&t->lock, *irq);
    slots = kmalloc((size_t)want * sizeof(*slots));
    *irq = spin_lock_irqsave(&t->lock);
    if (!slots)
        return -CAIRN_ENOMEM;

    unused = slots;
    /* Unless the table was emptied for good meanwhile (handle_table_fini
     * sets max to 0): then it stays empty. The growth is charged here,
     * under the lock, so that what is charged always matches capacity. */
    if (t->capacity < want && want <= t->max) {
        uint64_t more = (uint64_t)(want - t->capacity) * sizeof(*slots);

        if (quota_charge(t->quota, more) < 0) {
            spin_unlock_irqrestore(&t->lock, *irq);
            kfree(slots);
            *irq = spin_lock_irqsave(&t->lock);
            return -CAIRN_ENOMEM;
        }
        t->charged += more;
        memcpy(slots, t->slots, (size_t)t->top * sizeof(*slots));
        unused = t->slots;
        t->slots = slots;
        t->capacity = want;
    }
    spin_unlock_irqrestore(&t->lock, *irq);
    kfree(unused);
    *irq = spin_lock_irqsave(&t->lock);
    return 0;
}

/* Commits e into t, growing the table if it must (the lock held, see
 * handle_table_grow_locked). Returns the handle or -CAIRN_ENOMEM. */
static int
handle_commit_growing_locked(struct handle_table *t, const struct handle_entry *e, bool *irq)
{
    spin_assert_held(&t->lock);
    while (!handle_table_has_room_locked(t)) {
        int err = handle_table_grow_locked(t, irq);
        if (err < 0)
            return err;
    }
    return handle_commit_locked(t, e);
}

int
handle_table_init(struct handle_table *t, unsigned max_handles)
{
    unsigned first = max_handles < HANDLE_TABLE_FIRST ? max_handles : HANDLE_TABLE_FIRST;
    struct handle_slot *slots;

    if (max_handles == 0 || max_handles > HANDLE_MAX)
        return -CAIRN_EINVAL;
    slots = kmalloc((size_t)first * sizeof(*slots));
    if (!slots)
        return -CAIRN_ENOMEM;

    spin_init(&t->lock);
    t->slots = slots;
    t->capacity = first;
    t->top = 0;
    t->count = 0;
    t->max = max_handles;
    t->free_head = HANDLE_SLOT_NONE;
    t->free_tail = HANDLE_SLOT_NONE;
    t->quota = NULL;
    t->charged = 0;
    return 0;
}

void
handle_table_set_quota(struct handle_table *t, struct quota *q)
{
    quota_ref(q);
    t->quota = q;
}

void
handle_table_fini(struct handle_table *t)
{
    struct handle_slot *slots;
    struct quota *q;
    uint64_t charged;
    unsigned top;
    bool irq;

    /* Empty the table first, so the references are dropped (and objects
     * destroyed) without the lock, and a stray late call finds nothing. */
    irq = spin_lock_irqsave(&t->lock);
    slots = t->slots;
    top = t->top;
    t->slots = NULL;
    t->capacity = 0;
    t->top = 0;
    t->count = 0;
    t->max = 0;
    t->free_head = HANDLE_SLOT_NONE;
    t->free_tail = HANDLE_SLOT_NONE;
    q = t->quota;
    charged = t->charged;
    t->quota = NULL;
    t->charged = 0;
    spin_unlock_irqrestore(&t->lock, irq);

    for (unsigned i = 0; i < top; i++) {
        if (handle_slot_live(&slots[i])) {
            struct handle_entry e = handle_slot_entry(&slots[i]);
            handle_entry_drop(&e);
        }
    }
    kfree(slots);
    if (q) {
        quota_uncharge(q, charged);
        quota_unref(q);
    }
}

int
handle_insert(struct handle_table *t, struct object *o, uint32_t rights)
{
    struct handle_entry e = {o, NULL, rights, 0};
    bool irq;
    int ret;

    if (!o || o->type == CAIRN_OBJ_NONE || o->type >= CAIRN_OBJ_COUNT)
        return -CAIRN_EINVAL;
    if (rights & ~CAIRN_RIGHTS_ALL)
        return -CAIRN_EINVAL;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_commit_growing_locked(t, &e, &irq);
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

/* The checked lookup behind handle_get_badged_slow and handle_get_owned:
 * owned refuses a borrowed handle, after every other check. */
static int
handle_get_checked(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
                   bool owned, struct object **out, uint32_t *rights_out, uint64_t *badge_out)
{
    struct handle_slot *s;
    struct object *o = NULL;
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_resolve_locked(t, h, &s, &o);
    if (ret == 0) {
        if (type != CAIRN_OBJ_NONE && o->type != type) {
            ret = -CAIRN_EWRONGTYPE;
        } else if ((s->rights & need_rights) != need_rights) {
            ret = -CAIRN_ERIGHTS;
        } else if (owned && s->token) {
            ret = -CAIRN_EPERM;
        } else {
            *out = o; /* the caller's reference now */
            o = NULL;
            if (rights_out)
                *rights_out = s->rights;
            if (badge_out)
                *badge_out = s->badge;
        }
    }
    spin_unlock_irqrestore(&t->lock, irq);
    if (o)
        object_unref(o);
    return ret;
}

int
handle_get_badged_slow(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
                       struct object **out, uint32_t *rights_out, uint64_t *badge_out)
{
    return handle_get_checked(t, h, type, need_rights, false, out, rights_out, badge_out);
}

int
handle_get_owned(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
                 struct object **out, uint32_t *rights_out)
{
    return handle_get_checked(t, h, type, need_rights, true, out, rights_out, NULL);
}

/*
 * The common part of dup, mint and borrow: a new handle beside h whose
 * entry make_entry derives from h's (it may fail with an error). Looks h
 * up again after every growth of the table.
 */
static int
handle_derive(struct handle_table *t, int32_t h, uint32_t type, uint32_t new_rights,
              int (*make_entry)(const struct handle_slot *s, uint32_t new_rights, void *arg,
                                struct handle_entry *e),
              void *arg)
{
    struct handle_slot *s;
    struct handle_entry e;
    struct object *o = NULL;
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    for (;;) {
        if (o)
            object_unref(o); /* a growth dropped the lock: h still holds one */
        o = NULL;
        ret = handle_resolve_locked(t, h, &s, &o);
        if (ret < 0)
            break;
        if (type != CAIRN_OBJ_NONE && o->type != type) {
            ret = -CAIRN_EWRONGTYPE;
            break;
        }
        if (!(s->rights & CAIRN_RIGHT_DUPLICATE) || (new_rights & ~s->rights)) {
            ret = -CAIRN_ERIGHTS;
            break;
        }
        if (handle_table_has_room_locked(t)) {
            ret = make_entry(s, new_rights, arg, &e);
            if (ret == 0)
                ret = handle_commit_locked(t, &e);
            break;
        }
        ret = handle_table_grow_locked(t, &irq);
        if (ret < 0)
            break;
    }
    spin_unlock_irqrestore(&t->lock, irq);
    if (o)
        object_unref(o);
    return ret;
}

static int
handle_entry_dup(const struct handle_slot *s, uint32_t new_rights, void *arg,
                 struct handle_entry *e)
{
    (void)arg;
    *e = handle_slot_entry(s);
    e->rights = new_rights;
    return 0;
}

int
handle_dup(struct handle_table *t, int32_t h, uint32_t new_rights)
{
    return handle_derive(t, h, CAIRN_OBJ_NONE, new_rights, handle_entry_dup, NULL);
}

static int
handle_entry_mint(const struct handle_slot *s, uint32_t new_rights, void *arg,
                  struct handle_entry *e)
{
    if (s->badge != 0)
        return -CAIRN_EPERM;
    *e = handle_slot_entry(s);
    e->rights = new_rights;
    e->badge = *(const uint64_t *)arg;
    return 0;
}

int
handle_mint(struct handle_table *t, int32_t h, uint32_t new_rights, uint64_t badge)
{
    return handle_derive(t, h, CAIRN_OBJ_ENDPOINT, new_rights, handle_entry_mint, &badge);
}

/* Borrowing: the token comes from kmalloc, which the table's lock may not
 * be held across, so it is made first and handed in through arg. */
struct handle_borrow {
    struct object *obj;         /* h's object, for the token to hold */
    struct handle_token *token; /* made for this borrow, or NULL */
};

static int
handle_entry_borrow(const struct handle_slot *s, uint32_t new_rights, void *arg,
                    struct handle_entry *e)
{
    struct handle_borrow *b = arg;

    /* A borrow of a borrowed handle hangs below its token; otherwise the
     * new token is a root over the object. Made outside the lock, the
     * token guessed the kind from the slot then: check it still fits. */
    if (!b->token || (b->token->parent != s->token) || (!s->token && b->token->obj != s->obj))
        return -CAIRN_EBUSY;
    *e = (struct handle_entry){NULL, b->token, new_rights | CAIRN_RIGHT_REVOKE, s->badge};
    return 0;
}

int
handle_borrow(struct handle_table *t, int32_t h, uint32_t rights)
{
    struct handle_borrow b = {0};
    struct handle_slot *s;
    struct object *o;
    bool irq;
    int ret;

    if (rights & ~CAIRN_RIGHTS_ALL)
        return -CAIRN_EINVAL;
    /* Look h up to make the right kind of token, then derive with it. */
    irq = spin_lock_irqsave(&t->lock);
    ret = handle_resolve_locked(t, h, &s, &o);
    if (ret == 0) {
        b.obj = o;
        b.token = s->token;
        if (b.token)
            token_ref(b.token);
    }
    spin_unlock_irqrestore(&t->lock, irq);
    if (ret < 0)
        return ret;
    {
        struct handle_token *parent = b.token;
        b.token = token_create(o, rights, parent);
        if (parent)
            token_unref(parent);
    }
    if (b.token)
        ret = handle_derive(t, h, CAIRN_OBJ_NONE, rights, handle_entry_borrow, &b);
    else
        ret = -CAIRN_ENOMEM;
    if (b.token)
        token_unref(b.token); /* the new handle holds its own */
    object_unref(o);
    return ret;
}

/* A notifying mint: the token made before the lock (as for a borrow),
 * over the plain, unbadged endpoint handle it was made for. */
static int
handle_entry_mint_notify(const struct handle_slot *s, uint32_t new_rights, void *arg,
                         struct handle_entry *e)
{
    struct handle_token *token = arg;

    if (s->token || s->badge != 0)
        return -CAIRN_EPERM;
    if (s->obj != token->obj)
        return -CAIRN_EBUSY; /* the slot changed hands since the token was made */
    *e = (struct handle_entry){NULL, token, new_rights, token->notice_badge};
    return 0;
}

int
handle_mint_notify(struct handle_table *t, int32_t h, uint32_t new_rights, uint64_t badge)
{
    struct handle_token *token;
    struct handle_slot *s;
    struct object *o;
    bool irq;
    int ret;

    if (new_rights & ~CAIRN_RIGHTS_ALL)
        return -CAIRN_EINVAL;
    if (badge == 0)
        return -CAIRN_EINVAL;
    /* Checked here, before the token is made, so that a bad call costs no
     * allocation; handle_derive checks again under the lock. */
    irq = spin_lock_irqsave(&t->lock);
    ret = handle_resolve_locked(t, h, &s, &o);
    if (ret == 0 && o->type != CAIRN_OBJ_ENDPOINT)
        ret = -CAIRN_EWRONGTYPE;
    else if (ret == 0 && (s->token || s->badge != 0))
        ret = -CAIRN_EPERM;
    else if (ret == 0 && (!(s->rights & CAIRN_RIGHT_DUPLICATE) || (new_rights & ~s->rights)))
        ret = -CAIRN_ERIGHTS;
    spin_unlock_irqrestore(&t->lock, irq);
    if (ret == -CAIRN_EBADH || ret == -CAIRN_EREVOKED)
        return ret; /* no object was taken */
    if (ret < 0) {
        object_unref(o);
        return ret;
    }
    token = token_create_notice(o, new_rights, badge);
    if (token) {
        ret = handle_derive(t, h, CAIRN_OBJ_ENDPOINT, new_rights, handle_entry_mint_notify, token);
        /* On failure no handle ever named the token: its end is no
         * client's, and nobody has seen it to care that it changes. */
        if (ret < 0)
            token->notice = false;
        token_unref(token); /* the new handle holds its own; on failure this is the last */
    } else {
        ret = -CAIRN_ENOMEM;
    }
    object_unref(o);
    return ret;
}

int
handle_revoke(struct handle_table *t, int32_t h)
{
    struct handle_slot *s;
    struct handle_token *token = NULL;
    struct object *o = NULL, *held = NULL;
    uint32_t rights = 0;
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_resolve_locked(t, h, &s, &o);
    if (ret == 0 && (!s->token || !(s->rights & CAIRN_RIGHT_REVOKE)))
        ret = s->token ? -CAIRN_ERIGHTS : -CAIRN_EINVAL;
    if (ret == 0) {
        token = s->token;
        token_ref(token);
    }
    spin_unlock_irqrestore(&t->lock, irq);
    if (o)
        object_unref(o);
    if (ret < 0)
        return ret;
    rights = token->rights;
    held = token_revoke(token);
    if (held) {
        object_handle_closed(held, rights);
        object_unref(held);
    }
    token_unref(token);
    return 0;
}

/* Empties live slot s and puts it on the free list; its reference passes
 * to the caller, who ends it without the lock. */
static void
handle_release_locked(struct handle_table *t, struct handle_slot *s)
{
    uint32_t index = (uint32_t)(s - t->slots);

    spin_assert_held(&t->lock);
    s->obj = NULL;
    s->token = NULL;
    s->generation = (s->generation + 1) & HANDLE_GEN_MASK;
    s->next_free = HANDLE_SLOT_NONE;
    if (t->free_tail == HANDLE_SLOT_NONE)
        t->free_head = index;
    else
        t->slots[t->free_tail].next_free = index;
    t->free_tail = index;
    t->count--;
}

int
handle_close(struct handle_table *t, int32_t h)
{
    struct handle_slot *s;
    struct handle_entry e;
    bool irq;

    /* A revoked handle can still be closed: that is how its slot goes. */
    irq = spin_lock_irqsave(&t->lock);
    s = handle_lookup_locked(t, h);
    if (!s) {
        spin_unlock_irqrestore(&t->lock, irq);
        return -CAIRN_EBADH;
    }
    e = handle_slot_entry(s);
    handle_release_locked(t, s);
    spin_unlock_irqrestore(&t->lock, irq);

    /* Outside the lock: this may be the last reference. */
    handle_entry_drop(&e);
    return 0;
}

/* The checks common to moving and copying h out: live and not revoked,
 * TRANSFER (and more_rights), new_rights no wider (CAIRN_RIGHTS_SAME keeps
 * them). *o is a reference for the caller to drop after the lock. */
static int
handle_check_out_locked(struct handle_table *t, int32_t h, uint32_t more_rights,
                        uint32_t *new_rights, struct handle_slot **out, struct object **o)
{
    struct handle_slot *s;
    uint32_t need = CAIRN_RIGHT_TRANSFER | more_rights;
    int ret = handle_resolve_locked(t, h, &s, o);

    spin_assert_held(&t->lock);

    if (ret < 0)
        return ret;
    if (*new_rights == CAIRN_RIGHTS_SAME)
        *new_rights = s->rights;
    if ((s->rights & need) != need || (*new_rights & ~s->rights))
        return -CAIRN_ERIGHTS;
    *out = s;
    return 0;
}

int
handle_take(struct handle_table *t, int32_t h, uint32_t new_rights, struct handle_entry *e)
{
    struct handle_slot *s;
    struct handle_entry old = {0};
    struct object *o = NULL;
    bool irq, reholder = false;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_check_out_locked(t, h, 0, &new_rights, &s, &o);
    if (ret == 0) {
        old = handle_slot_entry(s);
        handle_release_locked(t, s);
        *e = old;
        e->rights = new_rights;
        /* A direct handle whose rights shrink on the way is a new holder:
         * open the new rights before the old ones close. */
        reholder = old.obj && new_rights != old.rights;
        if (reholder)
            object_handle_opened(old.obj, new_rights);
    }
    spin_unlock_irqrestore(&t->lock, irq);
    if (reholder)
        object_handle_closed(old.obj, old.rights);
    if (o)
        object_unref(o);
    return ret;
}

int
handle_copy_out(struct handle_table *t, int32_t h, uint32_t new_rights, struct handle_entry *e)
{
    struct handle_slot *s;
    struct object *o = NULL;
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_check_out_locked(t, h, CAIRN_RIGHT_DUPLICATE, &new_rights, &s, &o);
    if (ret == 0) {
        *e = handle_slot_entry(s);
        e->rights = new_rights;
        if (e->token) {
            token_ref(e->token);
        } else {
            object_ref(e->obj);
            object_handle_opened(e->obj, new_rights);
        }
    }
    spin_unlock_irqrestore(&t->lock, irq);
    if (o)
        object_unref(o);
    return ret;
}

int
handle_insert_entry(struct handle_table *t, const struct handle_entry *e)
{
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_commit_growing_locked(t, e, &irq);
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

void
handle_entry_drop(struct handle_entry *e)
{
    if (e->token) {
        token_unref(e->token);
    } else if (e->obj) {
        object_handle_closed(e->obj, e->rights);
        object_unref(e->obj);
    }
    e->obj = NULL;
    e->token = NULL;
}

int
handle_info(struct handle_table *t, int32_t h, struct cairn_handle_info *out)
{
    struct handle_slot *s;
    struct object *o = NULL;
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_resolve_locked(t, h, &s, &o);
    if (ret == 0) {
        out->type = o->type;
        out->rights = s->rights;
        out->koid = o->koid;
    }
    spin_unlock_irqrestore(&t->lock, irq);
    if (o)
        object_unref(o);
    return ret;
}

unsigned
handle_count(struct handle_table *t)
{
    unsigned n;
    bool irq;

    irq = spin_lock_irqsave(&t->lock);
    n = t->count;
    spin_unlock_irqrestore(&t->lock, irq);
    return n;
}

unsigned
handle_count_naming(struct handle_table *t, const struct object *o)
{
    unsigned n = 0;
    bool irq = spin_lock_irqsave(&t->lock);

    for (unsigned i = 0; i < t->top; i++)
        n += t->slots[i].obj == o;
    spin_unlock_irqrestore(&t->lock, irq);
    return n;
}

unsigned
handle_count_naming_rights(struct handle_table *t, const struct object *o, uint32_t rights)
{
    unsigned n = 0;
    bool irq = spin_lock_irqsave(&t->lock);

    for (unsigned i = 0; i < t->top; i++)
        n += t->slots[i].obj == o && (t->slots[i].rights & rights) == rights;
    spin_unlock_irqrestore(&t->lock, irq);
    return n;
}
