// SPDX-License-Identifier: MIT
/*
 * The handle table (handle.h describes handle values and the rules).
 *
 * Invariants, with t->lock held:
 *   - slots [0, top) are each either live (obj != NULL, holding exactly one
 *     reference to obj) or on the free list, never both; slots
 *     [top, capacity) are fresh and their contents undefined;
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

#include "lib/log.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

/* What the _locked helpers check on entry: the caller holds t->lock. */
#define handle_assert_locked(t)                                              \
    do {                                                                     \
        if (__builtin_expect(!spin_is_locked(&(t)->lock), 0))                \
            log_error("handle: %s called without the table lock", __func__); \
    } while (0)

static int32_t
handle_encode(uint32_t index, uint32_t generation)
{
    return (int32_t)(index | (generation & HANDLE_GEN_MASK) << HANDLE_INDEX_BITS);
}

/* The live slot that h names, or NULL: h negative, out of range, free, or
 * closed and its slot reused (the generation differs). */
static struct handle_slot *
handle_lookup_locked(struct handle_table *t, int32_t h)
{
    struct handle_slot *s;
    uint32_t index;
    uint32_t generation;

    handle_assert_locked(t);
    if (h < 0)
        return NULL;
    index = (uint32_t)h & HANDLE_INDEX_MASK;
    generation = (uint32_t)h >> HANDLE_INDEX_BITS; /* bit 31 is clear: 7 bits */
    if (index >= t->top)
        return NULL;
    s = &t->slots[index];
    if (!s->obj || s->generation != generation)
        return NULL;
    return s;
}

static bool
handle_table_has_room_locked(struct handle_table *t)
{
    handle_assert_locked(t);
    return t->top < t->capacity || t->free_head != HANDLE_SLOT_NONE;
}

/*
 * Fills a free slot with (o, rights) and takes the table's reference to o.
 * Cannot fail: the caller checked handle_table_has_room_locked and holds a
 * reference to o. A fresh slot goes before a closed one, and the closed one
 * longest ago first, so that a generation wraps as late as possible.
 */
static int32_t
handle_commit_locked(struct handle_table *t, struct object *o, uint32_t rights, uint64_t badge)
{
    struct handle_slot *s;
    uint32_t index;

    handle_assert_locked(t);
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
    object_ref(o);
    object_handle_opened(o, rights);
    s->obj = o;
    s->rights = rights;
    s->badge = badge;
    t->count++;
    return handle_encode(index, s->generation);
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

    handle_assert_locked(t);
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
     * sets max to 0): then it stays empty. */
    if (t->capacity < want && want <= t->max) {
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
    return 0;
}

void
handle_table_fini(struct handle_table *t)
{
    struct handle_slot *slots;
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
    spin_unlock_irqrestore(&t->lock, irq);

    for (unsigned i = 0; i < top; i++) {
        if (slots[i].obj) {
            object_handle_closed(slots[i].obj, slots[i].rights);
            object_unref(slots[i].obj);
        }
    }
    kfree(slots);
}

int
handle_insert(struct handle_table *t, struct object *o, uint32_t rights)
{
    bool irq;
    int ret;

    if (!o || o->type == CAIRN_OBJ_NONE || o->type >= CAIRN_OBJ_COUNT)
        return -CAIRN_EINVAL;
    if (rights & ~CAIRN_RIGHTS_ALL)
        return -CAIRN_EINVAL;

    irq = spin_lock_irqsave(&t->lock);
    for (;;) {
        if (handle_table_has_room_locked(t)) {
            ret = handle_commit_locked(t, o, rights, 0);
            break;
        }
        ret = handle_table_grow_locked(t, &irq);
        if (ret < 0)
            break;
    }
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

int
handle_get(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
           struct object **out, uint32_t *rights_out)
{
    return handle_get_badged(t, h, type, need_rights, out, rights_out, NULL);
}

int
handle_get_badged(struct handle_table *t, int32_t h, uint32_t type, uint32_t need_rights,
                  struct object **out, uint32_t *rights_out, uint64_t *badge_out)
{
    struct handle_slot *s;
    bool irq;
    int ret = 0;

    irq = spin_lock_irqsave(&t->lock);
    s = handle_lookup_locked(t, h);
    if (!s) {
        ret = -CAIRN_EBADH;
    } else if (type != CAIRN_OBJ_NONE && s->obj->type != type) {
        ret = -CAIRN_EWRONGTYPE;
    } else if ((s->rights & need_rights) != need_rights) {
        ret = -CAIRN_ERIGHTS;
    } else {
        /* The slot's reference keeps the object alive until we hold ours. */
        object_ref(s->obj);
        *out = s->obj;
        if (rights_out)
            *rights_out = s->rights;
        if (badge_out)
            *badge_out = s->badge;
    }
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

int
handle_dup(struct handle_table *t, int32_t h, uint32_t new_rights)
{
    struct handle_slot *s;
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    for (;;) {
        s = handle_lookup_locked(t, h);
        if (!s) {
            ret = -CAIRN_EBADH;
            break;
        }
        if (!(s->rights & CAIRN_RIGHT_DUPLICATE) || (new_rights & ~s->rights)) {
            ret = -CAIRN_ERIGHTS;
            break;
        }
        if (handle_table_has_room_locked(t)) {
            ret = handle_commit_locked(t, s->obj, new_rights, s->badge);
            break;
        }
        /* s may move or die while the lock is dropped: look it up again. */
        ret = handle_table_grow_locked(t, &irq);
        if (ret < 0)
            break;
    }
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

/* Empties live slot s and puts it on the free list; its reference (and
 * its holding of the rights) pass to the caller, who ends them without
 * the lock. */
static void
handle_release_locked(struct handle_table *t, struct handle_slot *s)
{
    uint32_t index = (uint32_t)(s - t->slots);

    handle_assert_locked(t);
    s->obj = NULL;
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

    irq = spin_lock_irqsave(&t->lock);
    s = handle_lookup_locked(t, h);
    if (!s) {
        spin_unlock_irqrestore(&t->lock, irq);
        return -CAIRN_EBADH;
    }
    e = (struct handle_entry){s->obj, s->rights, s->badge};
    handle_release_locked(t, s);
    spin_unlock_irqrestore(&t->lock, irq);

    /* Outside the lock: this may be the last reference. */
    handle_entry_drop(&e);
    return 0;
}

/* The checks common to moving and copying h out: live, TRANSFER (and
 * more_rights), new_rights no wider. CAIRN_RIGHTS_SAME keeps them. */
static int
handle_check_out_locked(struct handle_table *t, int32_t h, uint32_t more_rights,
                        uint32_t *new_rights, struct handle_slot **out)
{
    struct handle_slot *s = handle_lookup_locked(t, h);
    uint32_t need = CAIRN_RIGHT_TRANSFER | more_rights;

    if (!s)
        return -CAIRN_EBADH;
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
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_check_out_locked(t, h, 0, &new_rights, &s);
    if (ret == 0) {
        struct handle_entry old = {s->obj, s->rights, s->badge};

        handle_release_locked(t, s);
        /* The rights may shrink on the way: the entry holds the new ones. */
        if (new_rights != old.rights) {
            object_handle_opened(old.obj, new_rights);
            *e = (struct handle_entry){old.obj, new_rights, old.badge};
            spin_unlock_irqrestore(&t->lock, irq);
            object_handle_closed(old.obj, old.rights);
            return 0;
        }
        *e = old;
    }
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

int
handle_copy_out(struct handle_table *t, int32_t h, uint32_t new_rights, struct handle_entry *e)
{
    struct handle_slot *s;
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    ret = handle_check_out_locked(t, h, CAIRN_RIGHT_DUPLICATE, &new_rights, &s);
    if (ret == 0) {
        object_ref(s->obj);
        object_handle_opened(s->obj, new_rights);
        *e = (struct handle_entry){s->obj, new_rights, s->badge};
    }
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

int
handle_insert_entry(struct handle_table *t, const struct handle_entry *e)
{
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    for (;;) {
        if (handle_table_has_room_locked(t)) {
            ret = handle_commit_locked(t, e->obj, e->rights, e->badge);
            break;
        }
        ret = handle_table_grow_locked(t, &irq);
        if (ret < 0)
            break;
    }
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

void
handle_entry_drop(struct handle_entry *e)
{
    if (!e->obj)
        return;
    object_handle_closed(e->obj, e->rights);
    object_unref(e->obj);
    e->obj = NULL;
}

int
handle_mint(struct handle_table *t, int32_t h, uint32_t new_rights, uint64_t badge)
{
    struct handle_slot *s;
    bool irq;
    int ret;

    irq = spin_lock_irqsave(&t->lock);
    for (;;) {
        s = handle_lookup_locked(t, h);
        if (!s) {
            ret = -CAIRN_EBADH;
            break;
        }
        if (s->obj->type != CAIRN_OBJ_ENDPOINT) {
            ret = -CAIRN_EWRONGTYPE;
            break;
        }
        if (!(s->rights & CAIRN_RIGHT_DUPLICATE) || (new_rights & ~s->rights)) {
            ret = -CAIRN_ERIGHTS;
            break;
        }
        if (s->badge != 0) {
            ret = -CAIRN_EPERM;
            break;
        }
        if (handle_table_has_room_locked(t)) {
            ret = handle_commit_locked(t, s->obj, new_rights, badge);
            break;
        }
        ret = handle_table_grow_locked(t, &irq);
        if (ret < 0)
            break;
    }
    spin_unlock_irqrestore(&t->lock, irq);
    return ret;
}

int
handle_info(struct handle_table *t, int32_t h, struct cairn_handle_info *out)
{
    struct handle_slot *s;
    bool irq;
    int ret = 0;

    irq = spin_lock_irqsave(&t->lock);
    s = handle_lookup_locked(t, h);
    if (!s) {
        ret = -CAIRN_EBADH;
    } else {
        out->type = s->obj->type;
        out->rights = s->rights;
        out->koid = s->obj->koid;
    }
    spin_unlock_irqrestore(&t->lock, irq);
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
