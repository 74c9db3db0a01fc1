/* SPDX-License-Identifier: MIT */
/*
 * The header every kernel object embeds, so that the handle table and the
 * capability code treat all objects alike.
 *
 * An object is born with one reference (its creator's); every handle that
 * names it and every kernel pointer that outlives a lock holds one more.
 * When the last reference is dropped, ops->destroy runs exactly once, on the
 * thread that dropped it, with no lock of the handle table held; destroy
 * frees the containing object. After object_unref() the caller must not
 * touch the object again.
 *
 * Destruction never nests more than one level. A destroy drops references
 * to other objects (a process closes its handles, a quota drops its
 * parent), and those may be last references too: dropped while the same
 * context is already inside a destroy, such an object is only put on that
 * context's pending list (struct object_reclaim, linked through
 * reclaim_next), and the outermost object_unref_last destroys the pending
 * objects one after another before it returns. So a chain of any length
 * (process -> handle -> process -> ...) costs one destroy's stack depth.
 * A context is a thread; an interrupt handler uses the record of the
 * thread it interrupted, so objects it finds pending are destroyed by
 * that thread, and the ones it frees itself never nest either.
 *
 * Each object gets a koid (kernel object id) at init: unique for the boot,
 * never reused, never 0. Per-type counts of live objects exist for leak
 * tests. An object made for a process is charged to that process's memory
 * quota (object_charge), and the charge goes back when it is destroyed.
 *
 * Pure code (only __atomic builtins), also built for host tests.
 *
 * Lock legend: [I] immutable after object_init, [a] atomic, [r] see
 * struct object_reclaim.
 */
#ifndef CAIRN_OBJ_OBJECT_H
#define CAIRN_OBJ_OBJECT_H

#include <stdbool.h>
#include <stdint.h>

#include <cairn/rights.h>

struct object;
struct quota;

struct object_ops {
    /* Frees the object once its last reference is gone; may be NULL for an
     * object whose storage is not owned by its references (a static one). */
    void (*destroy)(struct object *o);
    /* Optional: a holder of rights on the object (a handle, or a handle in
     * flight in an IPC message) came into being or went away. Lets an
     * object notice that the last holder of some right is gone (the last
     * receiver of an endpoint). handle_opened runs under a handle table's
     * lock and must not block or take locks; handle_closed runs with no
     * lock held, before the holder's reference is dropped. */
    void (*handle_opened)(struct object *o, uint32_t rights);
    void (*handle_closed)(struct object *o, uint32_t rights);
};

struct object {
    uint32_t type;                /* [I] CAIRN_OBJ_*, never CAIRN_OBJ_NONE */
    uint32_t refs;                /* [a] references held; destroy runs when it reaches 0 */
    uint64_t koid;                /* [I] unique for the boot */
    const struct object_ops *ops; /* [I] */
    struct quota *quota;          /* set once by object_charge: a reference, or NULL */
    uint64_t charged;             /* bytes charged to quota */
    struct object *reclaim_next;  /* [r] on a pending list once refs is 0 */
};

/*
 * One context's destruction state (a thread's: sched/thread.h). [r]: the
 * owning thread, with interrupts off (an interrupt handler on its CPU may
 * add to it).
 */
struct object_reclaim {
    struct object *pending; /* [r] objects left to destroy, the last added first */
    bool active;            /* [r] an object_unref_last is destroying in this context */
};

/* Supplied by the embedder (the scheduler; host tests stub it): the calling
 * context's record, with interrupts off until object_reclaim_put(irq). */
struct object_reclaim *object_reclaim_get(bool *irq);
void object_reclaim_put(bool irq);

/* Initialises the header embedded in a new object: one reference (the
 * caller's), a fresh koid, and one more live object of its type. type must
 * be a CAIRN_OBJ_* other than CAIRN_OBJ_NONE. */
void object_init(struct object *o, uint32_t type, const struct object_ops *ops);

/* Charge bytes for o to q (NULL: the kernel's own object, nothing to
 * charge); once per object, before anyone else can see it. 0, or
 * -CAIRN_ENOMEM with nothing charged. The charge is given back just before
 * o is destroyed. */
int object_charge(struct object *o, struct quota *q, uint64_t bytes);

/* Like object_charge, for bytes the caller has already charged to q with
 * quota_charge (to check the quota before allocating anything): o takes
 * the charge over, with a quota reference of its own. */
void object_charge_taken(struct object *o, struct quota *q, uint64_t bytes);

/* Takes one more reference. The caller must already hold one (directly or
 * through a lock that keeps one alive). */
static inline void
object_ref(struct object *o)
{
    /* The caller holds a reference, so refs cannot be 0 here, and
     * nothing needs ordering against a new reference. */
    __atomic_add_fetch(&o->refs, 1, __ATOMIC_RELAXED);
}

/* Drops one reference; the last one destroys the object, at once or, when
 * the caller is itself inside a destroy, before that outermost destroy's
 * object_unref_last returns. */
void object_unref_last(struct object *o, uint32_t old); /* object.c: old is 0 or 1 */
static inline void
object_unref(struct object *o)
{
    uint32_t old = __atomic_fetch_sub(&o->refs, 1, __ATOMIC_ACQ_REL);

    if (__builtin_expect(old <= 1, 0))
        object_unref_last(o, old);
}

/* Drops a reference the caller knows is not the last (it holds another,
 * or the object's own lifetime rule keeps one): no check for the end. */
static inline void
object_unref_not_last(struct object *o)
{
    __atomic_fetch_sub(&o->refs, 1, __ATOMIC_RELEASE);
}

/* Drops a reference unless it is the last (then nothing changes): for a
 * caller that must not destroy o where it stands. Returns whether it
 * dropped it. */
static inline bool
object_unref_unless_last(struct object *o)
{
    uint32_t refs = __atomic_load_n(&o->refs, __ATOMIC_RELAXED);

    while (refs > 1) {
        if (__atomic_compare_exchange_n(&o->refs, &refs, refs - 1, false, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED))
            return true;
    }
    return false;
}

/* Tell o that a holder with rights appeared or went (see object_ops). */
static inline void
object_handle_opened(struct object *o, uint32_t rights)
{
    if (o->ops && o->ops->handle_opened)
        o->ops->handle_opened(o, rights);
}

static inline void
object_handle_closed(struct object *o, uint32_t rights)
{
    if (o->ops && o->ops->handle_closed)
        o->ops->handle_closed(o, rights);
}

/* Objects of one type initialised and not yet destroyed, for leak tests;
 * 0 for CAIRN_OBJ_NONE and unknown types. */
unsigned object_live_count(uint32_t type);

#endif
