// SPDX-License-Identifier: MIT
/*
 * Host tests for kernel/obj/object.c and kernel/obj/handle.c: reference
 * counts, rights that never grow, stale and garbage handles, growth to the
 * limit, release at fini, and a two-thread stress.
 *
 * kmalloc and kfree are malloc and free here, with a count of live blocks
 * and a switch that makes the next allocations fail. Test objects never free
 * themselves: destroy only counts, so a test can check that it ran exactly
 * once. Every test leaves no object alive and no block allocated.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>
#include <cairn/ipc.h>
#include <cairn/rights.h>

#include "check.h"
#include "log_stub.h"
#include "mm/kmalloc.h"
#include "obj/handle.h"
#include "obj/object.h"
#include "obj/quota.h"
#include "obj/token.h"

/* --- kmalloc shim ------------------------------------------------------- */

static long kmalloc_live;    /* [a] blocks handed out and not freed */
static bool kmalloc_failing; /* [a] while set, kmalloc returns NULL */

void *
kmalloc(size_t size)
{
    void *p;

    if (size == 0 || __atomic_load_n(&kmalloc_failing, __ATOMIC_RELAXED))
        return NULL;
    p = malloc(size);
    if (p)
        __atomic_add_fetch(&kmalloc_live, 1, __ATOMIC_RELAXED);
    return p;
}

void *
kzalloc(size_t size)
{
    void *p = kmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void
kfree(void *p)
{
    if (!p)
        return;
    __atomic_sub_fetch(&kmalloc_live, 1, __ATOMIC_RELAXED);
    free(p);
}

/* token.c hands the last copy of a notifying handle to its endpoint; no
 * test here mints one (handle_mint_notify), and endpoint.c is not built
 * in, so the call has nowhere to go and must never come. */
struct endpoint;
void endpoint_notice_closed(struct endpoint *ep, struct handle_token *t);
void
endpoint_notice_closed(struct endpoint *ep, struct handle_token *t)
{
    (void)ep;
    (void)t;
    abort();
}

/* --- the per-context destroy record ------------------------------------ */

/* The kernel keeps one per thread; here each host thread has its own. */
static __thread struct object_reclaim reclaim_record;

struct object_reclaim *
object_reclaim_get(bool *irq)
{
    *irq = false;
    return &reclaim_record;
}

void
object_reclaim_put(bool irq)
{
    (void)irq;
}

/* --- test objects ------------------------------------------------------- */

struct tobj {
    struct object obj;
    unsigned destroyed; /* [a] times destroy ran */
};

static void
tobj_destroy(struct object *o)
{
    struct tobj *t = (struct tobj *)((char *)o - offsetof(struct tobj, obj));

    __atomic_add_fetch(&t->destroyed, 1, __ATOMIC_RELAXED);
}

static const struct object_ops tobj_ops = {.destroy = tobj_destroy};

static void
tobj_init(struct tobj *t, uint32_t type)
{
    t->destroyed = 0;
    object_init(&t->obj, type, &tobj_ops);
}

static uint32_t
refs(struct tobj *t)
{
    return __atomic_load_n(&t->obj.refs, __ATOMIC_RELAXED);
}

/* No object alive, no block allocated, and nothing reported as a kernel bug
 * (a lock not held, a reference dropped below zero). */
static bool
nothing_alive(void)
{
    if (log_stub_count[LOG_ERROR] != 0)
        return false;
    for (uint32_t type = 0; type < CAIRN_OBJ_COUNT; type++) {
        if (object_live_count(type) != 0)
            return false;
    }
    return __atomic_load_n(&kmalloc_live, __ATOMIC_RELAXED) == 0;
}

#define RW  (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE)
#define RWD (CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE | CAIRN_RIGHT_DUPLICATE)

/* --- object header ------------------------------------------------------ */

TEST(object_init_counts_one_reference_and_gives_unique_koids)
{
    struct tobj a, b, c;

    CHECK(nothing_alive());
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    tobj_init(&b, CAIRN_OBJ_MEMOBJ);
    tobj_init(&c, CAIRN_OBJ_ENDPOINT);
    CHECK(refs(&a) == 1 && a.obj.type == CAIRN_OBJ_MEMOBJ && a.obj.ops == &tobj_ops);
    CHECK(a.obj.koid != 0);
    CHECK(b.obj.koid > a.obj.koid && c.obj.koid > b.obj.koid);
    CHECK(object_live_count(CAIRN_OBJ_MEMOBJ) == 2);
    CHECK(object_live_count(CAIRN_OBJ_ENDPOINT) == 1);
    CHECK(object_live_count(CAIRN_OBJ_NONE) == 0);
    CHECK(object_live_count(CAIRN_OBJ_COUNT) == 0);
    CHECK(object_live_count(UINT32_MAX) == 0);

    object_ref(&a.obj);
    CHECK(refs(&a) == 2);
    object_unref(&a.obj);
    CHECK(refs(&a) == 1 && a.destroyed == 0);
    object_unref(&a.obj);
    object_unref(&b.obj);
    object_unref(&c.obj);
    CHECK(a.destroyed == 1 && b.destroyed == 1 && c.destroyed == 1);
    CHECK(nothing_alive());
}

TEST(object_koids_are_never_reused)
{
    struct tobj a;
    uint64_t first;

    tobj_init(&a, CAIRN_OBJ_THREAD);
    first = a.obj.koid;
    object_unref(&a.obj);
    tobj_init(&a, CAIRN_OBJ_THREAD);
    CHECK(a.obj.koid != first);
    object_unref(&a.obj);
    CHECK(nothing_alive());
}

/* --- handle table: the basic calls -------------------------------------- */

TEST(handle_insert_get_round_trip_counts_references)
{
    struct handle_table t;
    struct tobj a;
    struct object *out = NULL;
    uint32_t rights = 0;
    int32_t h;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&t, &a.obj, RW);
    CHECK(h >= 0);
    CHECK(refs(&a) == 2);
    CHECK(handle_count(&t) == 1);

    CHECK(handle_get(&t, h, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_READ, &out, &rights) == 0);
    CHECK(out == &a.obj);
    CHECK(rights == RW);
    CHECK(refs(&a) == 3);
    object_unref(out);
    CHECK(refs(&a) == 2);

    /* Only the table's reference left: closing the handle destroys. */
    object_unref(&a.obj);
    CHECK(refs(&a) == 1 && a.destroyed == 0);
    CHECK(handle_close(&t, h) == 0);
    CHECK(a.destroyed == 1);
    CHECK(handle_count(&t) == 0);
    handle_table_fini(&t);
    CHECK(nothing_alive());
}

TEST(handle_get_reference_outlives_close)
{
    struct handle_table t;
    struct tobj a;
    struct object *out = NULL;
    int32_t h;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_ENDPOINT);
    h = handle_insert(&t, &a.obj, CAIRN_RIGHT_SIGNAL);
    object_unref(&a.obj);
    CHECK(handle_get(&t, h, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL, &out, NULL) == 0);
    CHECK(handle_close(&t, h) == 0);
    CHECK(a.destroyed == 0 && refs(&a) == 1);
    object_unref(out);
    CHECK(a.destroyed == 1);
    handle_table_fini(&t);
    CHECK(nothing_alive());
}

TEST(handle_get_with_type_none_accepts_any_type)
{
    struct handle_table t;
    struct tobj a, b;
    struct object *out = NULL;
    int32_t ha, hb;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_IRQ);
    tobj_init(&b, CAIRN_OBJ_QUOTA);
    ha = handle_insert(&t, &a.obj, 0);
    hb = handle_insert(&t, &b.obj, CAIRN_RIGHTS_ALL);
    CHECK(ha >= 0 && hb >= 0 && ha != hb);
    CHECK(handle_get(&t, ha, CAIRN_OBJ_NONE, 0, &out, NULL) == 0 && out == &a.obj);
    object_unref(out);
    CHECK(handle_get(&t, hb, CAIRN_OBJ_NONE, CAIRN_RIGHTS_ALL, &out, NULL) == 0 && out == &b.obj);
    object_unref(out);
    CHECK(refs(&a) == 2 && refs(&b) == 2);
    object_unref(&a.obj);
    object_unref(&b.obj);
    handle_table_fini(&t);
    CHECK(a.destroyed == 1 && b.destroyed == 1);
    CHECK(nothing_alive());
}

TEST(handle_get_distinguishes_bad_handle_wrong_type_and_missing_rights)
{
    struct handle_table t;
    struct tobj a;
    struct object *out = (struct object *)0x1;
    uint32_t rights = 0xdead;
    int32_t h;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&t, &a.obj, CAIRN_RIGHT_READ);

    CHECK(handle_get(&t, h + 1, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_READ, &out, &rights) == -CAIRN_EBADH);
    CHECK(handle_get(&t, h, CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_READ, &out, &rights) ==
          -CAIRN_EWRONGTYPE);
    CHECK(handle_get(&t, h, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_WRITE, &out, &rights) == -CAIRN_ERIGHTS);
    CHECK(handle_get(&t, h, CAIRN_OBJ_MEMOBJ, RW, &out, &rights) == -CAIRN_ERIGHTS);
    /* The type is checked before the rights. */
    CHECK(handle_get(&t, h, CAIRN_OBJ_THREAD, CAIRN_RIGHT_WRITE, &out, &rights) ==
          -CAIRN_EWRONGTYPE);
    /* No effect on error: outputs untouched, no reference taken. */
    CHECK(out == (struct object *)0x1 && rights == 0xdead);
    CHECK(refs(&a) == 2 && handle_count(&t) == 1);

    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(a.destroyed == 1);
    CHECK(nothing_alive());
}

TEST(handle_info_reports_type_rights_and_koid)
{
    struct handle_table t;
    struct tobj a;
    struct cairn_handle_info info;
    int32_t h;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_NOTIFICATION);
    h = handle_insert(&t, &a.obj, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT);
    memset(&info, 0xff, sizeof(info));
    CHECK(handle_info(&t, h, &info) == 0);
    CHECK(info.type == CAIRN_OBJ_NOTIFICATION);
    CHECK(info.rights == (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_WAIT));
    CHECK(info.koid == a.obj.koid);
    CHECK(refs(&a) == 2);
    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(nothing_alive());
}

TEST(handle_insert_rejects_unknown_rights_and_null_objects)
{
    struct handle_table t;
    struct tobj a;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    CHECK(handle_insert(&t, &a.obj, CAIRN_RIGHTS_ALL + 1) == -CAIRN_EINVAL);
    CHECK(handle_insert(&t, &a.obj, 1u << 31) == -CAIRN_EINVAL);
    CHECK(handle_insert(&t, NULL, CAIRN_RIGHT_READ) == -CAIRN_EINVAL);
    CHECK(refs(&a) == 1 && handle_count(&t) == 0);
    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(nothing_alive());
}

/* --- duplication -------------------------------------------------------- */

TEST(handle_dup_never_amplifies_rights)
{
    struct handle_table t;
    struct tobj a;
    struct cairn_handle_info info;
    int32_t h, d, dd;

    CHECK(handle_table_init(&t, 16) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&t, &a.obj, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE);

    CHECK(handle_dup(&t, h, RW) == -CAIRN_ERIGHTS);
    CHECK(handle_dup(&t, h, CAIRN_RIGHTS_ALL) == -CAIRN_ERIGHTS);
    CHECK(handle_dup(&t, h, CAIRN_RIGHT_READ | (1u << 31)) == -CAIRN_ERIGHTS);
    CHECK(handle_dup(&t, h, UINT32_MAX) == -CAIRN_ERIGHTS);
    CHECK(refs(&a) == 2 && handle_count(&t) == 1);

    /* Same rights or fewer is fine, and a copy can be copied again no wider. */
    d = handle_dup(&t, h, CAIRN_RIGHT_READ | CAIRN_RIGHT_DUPLICATE);
    CHECK(d >= 0 && d != h);
    CHECK(handle_dup(&t, d, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE) == -CAIRN_ERIGHTS);
    dd = handle_dup(&t, d, CAIRN_RIGHT_READ);
    CHECK(dd >= 0);
    CHECK(handle_info(&t, dd, &info) == 0 && info.rights == CAIRN_RIGHT_READ);
    CHECK(handle_dup(&t, h, 0) >= 0);
    CHECK(refs(&a) == 5 && handle_count(&t) == 4);

    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(a.destroyed == 1);
    CHECK(nothing_alive());
}

TEST(handle_dup_requires_duplicate_right)
{
    struct handle_table t;
    struct tobj a;
    int32_t h, d;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_ENDPOINT);
    h = handle_insert(&t, &a.obj, CAIRN_RIGHTS_ALL & ~CAIRN_RIGHT_DUPLICATE);
    CHECK(handle_dup(&t, h, CAIRN_RIGHT_READ) == -CAIRN_ERIGHTS);
    CHECK(handle_dup(&t, h, 0) == -CAIRN_ERIGHTS);
    CHECK(refs(&a) == 2 && handle_count(&t) == 1);

    /* A copy without DUPLICATE cannot be copied either. */
    d = handle_insert(&t, &a.obj, RWD);
    d = handle_dup(&t, d, RW);
    CHECK(d >= 0);
    CHECK(handle_dup(&t, d, CAIRN_RIGHT_READ) == -CAIRN_ERIGHTS);

    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(a.destroyed == 1);
    CHECK(nothing_alive());
}

TEST(handle_dup_names_the_same_object_with_its_own_reference)
{
    struct handle_table t;
    struct tobj a;
    struct cairn_handle_info hi, di;
    struct object *out = NULL;
    int32_t h, d;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_PROCESS);
    h = handle_insert(&t, &a.obj, RWD);
    d = handle_dup(&t, h, RW);
    CHECK(d >= 0 && refs(&a) == 3);
    CHECK(handle_info(&t, h, &hi) == 0 && handle_info(&t, d, &di) == 0);
    CHECK(hi.koid == di.koid && di.type == CAIRN_OBJ_PROCESS && di.rights == RW);

    /* Closing the original leaves the copy working. */
    CHECK(handle_close(&t, h) == 0);
    CHECK(refs(&a) == 2);
    CHECK(handle_get(&t, d, CAIRN_OBJ_PROCESS, CAIRN_RIGHT_WRITE, &out, NULL) == 0);
    CHECK(out == &a.obj);
    object_unref(out);
    CHECK(handle_close(&t, d) == 0);
    CHECK(refs(&a) == 1 && a.destroyed == 0);
    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(nothing_alive());
}

TEST(handle_count_naming_rights_counts_only_handles_with_every_right)
{
    struct handle_table t;
    struct tobj a, b;
    int32_t h;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_ENDPOINT);
    tobj_init(&b, CAIRN_OBJ_ENDPOINT);
    h = handle_insert(&t, &a.obj, RWD);
    CHECK(handle_dup(&t, h, CAIRN_RIGHT_READ) >= 0);
    CHECK(handle_insert(&t, &b.obj, RWD) >= 0);
    CHECK(handle_count_naming_rights(&t, &a.obj, CAIRN_RIGHT_WRITE) == 1);
    CHECK(handle_count_naming_rights(&t, &a.obj, CAIRN_RIGHT_READ) == 2);
    CHECK(handle_count_naming_rights(&t, &a.obj, CAIRN_RIGHT_READ | CAIRN_RIGHT_WRITE) == 1);
    CHECK(handle_count_naming_rights(&t, &a.obj, CAIRN_RIGHT_MANAGE) == 0);
    CHECK(handle_close(&t, h) == 0);
    CHECK(handle_count_naming_rights(&t, &a.obj, CAIRN_RIGHT_WRITE) == 0);
    handle_table_fini(&t);
    object_unref(&a.obj);
    object_unref(&b.obj);
    CHECK(nothing_alive());
}

/* --- closing and stale handles ------------------------------------------ */

TEST(handle_close_rejects_the_closed_handle_everywhere)
{
    struct handle_table t;
    struct tobj a;
    struct object *out = NULL;
    struct cairn_handle_info info;
    int32_t h, keep;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    keep = handle_insert(&t, &a.obj, RWD);
    h = handle_insert(&t, &a.obj, RWD);
    CHECK(refs(&a) == 3);
    CHECK(handle_close(&t, h) == 0);
    CHECK(refs(&a) == 2);
    CHECK(handle_close(&t, h) == -CAIRN_EBADH);
    CHECK(handle_get(&t, h, CAIRN_OBJ_NONE, 0, &out, NULL) == -CAIRN_EBADH);
    CHECK(handle_dup(&t, h, 0) == -CAIRN_EBADH);
    CHECK(handle_info(&t, h, &info) == -CAIRN_EBADH);
    CHECK(refs(&a) == 2 && handle_count(&t) == 1);
    CHECK(handle_info(&t, keep, &info) == 0);

    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(a.destroyed == 1);
    CHECK(nothing_alive());
}

TEST(handle_reused_slot_does_not_revive_stale_handle)
{
    struct handle_table t;
    struct tobj a, b;
    struct object *out = NULL;
    int32_t stale, h;
    bool distinct = true, rejected = true;

    /* One slot: every insert reuses it. */
    CHECK(handle_table_init(&t, 1) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    tobj_init(&b, CAIRN_OBJ_MEMOBJ);
    stale = handle_insert(&t, &a.obj, RWD);
    CHECK(stale >= 0);
    CHECK(handle_close(&t, stale) == 0);

    h = handle_insert(&t, &b.obj, CAIRN_RIGHT_READ);
    CHECK(h >= 0 && h != stale);
    CHECK((h & HANDLE_INDEX_MASK) == (stale & HANDLE_INDEX_MASK));
    CHECK(handle_get(&t, stale, CAIRN_OBJ_NONE, 0, &out, NULL) == -CAIRN_EBADH);
    CHECK(handle_dup(&t, stale, 0) == -CAIRN_EBADH);
    CHECK(handle_close(&t, stale) == -CAIRN_EBADH);
    CHECK(refs(&b) == 2 && refs(&a) == 1);
    CHECK(handle_close(&t, h) == 0);

    /* The stale value stays dead for the whole generation cycle (128). */
    for (unsigned i = 2; i <= HANDLE_GEN_MASK; i++) {
        h = handle_insert(&t, &b.obj, CAIRN_RIGHT_READ);
        if (h < 0 || h == stale)
            distinct = false;
        if (handle_get(&t, stale, CAIRN_OBJ_NONE, 0, &out, NULL) != -CAIRN_EBADH)
            rejected = false;
        handle_close(&t, h);
    }
    CHECK(distinct && rejected);
    CHECK(refs(&a) == 1 && refs(&b) == 1 && handle_count(&t) == 0);

    object_unref(&a.obj);
    object_unref(&b.obj);
    handle_table_fini(&t);
    CHECK(nothing_alive());
}

TEST(handle_rejects_negative_huge_and_garbage_values)
{
    struct handle_table t;
    struct tobj a;
    struct object *out = (struct object *)0x1;
    struct cairn_handle_info info;
    int32_t h;
    bool all_rejected = true;

    CHECK(handle_table_init(&t, 64) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&t, &a.obj, CAIRN_RIGHTS_ALL);
    CHECK(h >= 0);

    const int32_t bad[] = {
        CAIRN_HANDLE_INVALID,
        -2,
        INT32_MIN,
        INT32_MIN | h, /* the live handle with the sign bit set */
        INT32_MAX,
        h + 1,                        /* a slot never used */
        63,                           /* within max, never used */
        64,                           /* past max */
        (int32_t)HANDLE_INDEX_MASK,   /* the largest index */
        h ^ (1 << HANDLE_INDEX_BITS), /* the live slot, wrong generation */
        h | (int32_t)(HANDLE_GEN_MASK << HANDLE_INDEX_BITS),
        h | (1 << 23), /* a high index bit */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (handle_get(&t, bad[i], CAIRN_OBJ_NONE, 0, &out, NULL) != -CAIRN_EBADH ||
            handle_dup(&t, bad[i], 0) != -CAIRN_EBADH ||
            handle_info(&t, bad[i], &info) != -CAIRN_EBADH ||
            handle_close(&t, bad[i]) != -CAIRN_EBADH) {
            fprintf(stderr, "  handle value %#x accepted\n", (unsigned)bad[i]);
            all_rejected = false;
        }
    }
    CHECK(all_rejected);
    CHECK(out == (struct object *)0x1);
    CHECK(refs(&a) == 2 && handle_count(&t) == 1);
    CHECK(handle_get(&t, h, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHTS_ALL, &out, NULL) == 0);
    object_unref(out);

    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(a.destroyed == 1);
    CHECK(nothing_alive());
}

/* --- growth and limits -------------------------------------------------- */

TEST(handle_table_grows_to_max_handles_then_reports_enomem)
{
    enum {
        MAX = 100
    }; /* not a power of two: the last growth is clamped */
    struct handle_table t;
    struct tobj a;
    struct object *out = NULL;
    static int32_t h[MAX];
    bool ok = true;

    CHECK(handle_table_init(&t, MAX) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    for (unsigned i = 0; i < MAX; i++) {
        h[i] = handle_insert(&t, &a.obj, RWD);
        if (h[i] < 0)
            ok = false;
        for (unsigned j = 0; j < i && ok; j++) {
            if (h[j] == h[i])
                ok = false;
        }
    }
    CHECK(ok);
    CHECK(handle_count(&t) == MAX && refs(&a) == MAX + 1);
    CHECK(t.capacity == MAX);

    CHECK(handle_insert(&t, &a.obj, RWD) == -CAIRN_ENOMEM);
    CHECK(handle_dup(&t, h[0], RWD) == -CAIRN_ENOMEM);
    CHECK(handle_count(&t) == MAX && refs(&a) == MAX + 1);

    /* Everything inserted before growing is still there. */
    for (unsigned i = 0; i < MAX; i++) {
        if (handle_get(&t, h[i], CAIRN_OBJ_MEMOBJ, RWD, &out, NULL) != 0)
            ok = false;
        else
            object_unref(out);
    }
    CHECK(ok);

    /* A closed slot makes room again. */
    CHECK(handle_close(&t, h[50]) == 0);
    h[50] = handle_dup(&t, h[0], CAIRN_RIGHT_READ);
    CHECK(h[50] >= 0);
    CHECK(handle_insert(&t, &a.obj, RWD) == -CAIRN_ENOMEM);

    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(a.destroyed == 1);
    CHECK(nothing_alive());
}

TEST(handle_growth_failure_leaves_the_table_unchanged)
{
    struct handle_table t;
    struct tobj a;
    struct object *out = NULL;
    int32_t first = -1;
    unsigned i;

    CHECK(handle_table_init(&t, 64) == 0);
    tobj_init(&a, CAIRN_OBJ_MEMOBJ);
    for (i = 0; i < HANDLE_TABLE_FIRST; i++) {
        int32_t h = handle_insert(&t, &a.obj, RWD);
        if (i == 0)
            first = h;
    }
    CHECK(handle_count(&t) == HANDLE_TABLE_FIRST);

    __atomic_store_n(&kmalloc_failing, true, __ATOMIC_RELAXED);
    CHECK(handle_insert(&t, &a.obj, RWD) == -CAIRN_ENOMEM);
    CHECK(handle_dup(&t, first, RWD) == -CAIRN_ENOMEM);
    __atomic_store_n(&kmalloc_failing, false, __ATOMIC_RELAXED);
    CHECK(handle_count(&t) == HANDLE_TABLE_FIRST && t.capacity == HANDLE_TABLE_FIRST);
    CHECK(refs(&a) == HANDLE_TABLE_FIRST + 1);
    CHECK(handle_get(&t, first, CAIRN_OBJ_MEMOBJ, RWD, &out, NULL) == 0);
    object_unref(out);

    CHECK(handle_dup(&t, first, RWD) >= 0);
    CHECK(t.capacity == 2 * HANDLE_TABLE_FIRST);

    object_unref(&a.obj);
    handle_table_fini(&t);
    CHECK(a.destroyed == 1);
    CHECK(nothing_alive());
}

TEST(handle_table_init_rejects_bad_sizes_and_missing_memory)
{
    struct handle_table t;

    CHECK(handle_table_init(&t, 0) == -CAIRN_EINVAL);
    CHECK(handle_table_init(&t, HANDLE_MAX + 1) == -CAIRN_EINVAL);
    CHECK(handle_table_init(&t, UINT32_MAX) == -CAIRN_EINVAL);
    __atomic_store_n(&kmalloc_failing, true, __ATOMIC_RELAXED);
    CHECK(handle_table_init(&t, 8) == -CAIRN_ENOMEM);
    __atomic_store_n(&kmalloc_failing, false, __ATOMIC_RELAXED);
    CHECK(nothing_alive());

    /* The largest table starts small. */
    CHECK(handle_table_init(&t, HANDLE_MAX) == 0);
    CHECK(t.capacity == HANDLE_TABLE_FIRST);
    handle_table_fini(&t);
    CHECK(nothing_alive());
}

/* --- fini --------------------------------------------------------------- */

TEST(handle_table_fini_releases_every_reference)
{
    enum {
        N = 6
    };
    struct handle_table t;
    struct tobj o[N], late;
    bool once = true;

    CHECK(handle_table_init(&t, 256) == 0);
    for (unsigned i = 0; i < N; i++) {
        tobj_init(&o[i], i % 2 ? CAIRN_OBJ_ENDPOINT : CAIRN_OBJ_MEMOBJ);
        /* Several handles each, some duplicated, some closed again. */
        for (unsigned k = 0; k <= i; k++) {
            int32_t h = handle_insert(&t, &o[i].obj, RWD);

            CHECK(handle_dup(&t, h, CAIRN_RIGHT_READ) >= 0);
            if (k % 2)
                CHECK(handle_close(&t, h) == 0);
        }
    }
    CHECK(object_live_count(CAIRN_OBJ_MEMOBJ) == N / 2);
    CHECK(object_live_count(CAIRN_OBJ_ENDPOINT) == N / 2);

    /* The table now holds the only references. */
    for (unsigned i = 0; i < N; i++)
        object_unref(&o[i].obj);
    for (unsigned i = 0; i < N; i++) {
        if (o[i].destroyed != 0)
            once = false;
    }
    CHECK(once);

    handle_table_fini(&t);
    for (unsigned i = 0; i < N; i++) {
        if (o[i].destroyed != 1)
            once = false;
    }
    CHECK(once);
    CHECK(nothing_alive());

    /* After fini the table is empty and stays empty. */
    CHECK(handle_count(&t) == 0);
    CHECK(handle_close(&t, 0) == -CAIRN_EBADH);
    tobj_init(&late, CAIRN_OBJ_MEMOBJ);
    CHECK(handle_insert(&t, &late.obj, RWD) == -CAIRN_ENOMEM);
    CHECK(refs(&late) == 1);
    object_unref(&late.obj);
    CHECK(nothing_alive());
}

/* --- concurrency -------------------------------------------------------- */

#define STRESS_THREADS 2
#define STRESS_OBJS    4
#define STRESS_SHARED  40 /* enough live handles to make the table grow twice */
#define STRESS_ROUNDS  50
#define STRESS_ITERS   2000

static struct handle_table stress_table;
static struct tobj stress_objs[STRESS_OBJS];
static int32_t stress_shared[STRESS_SHARED];        /* [a] published handles; -1: empty */
static unsigned long stress_made[STRESS_THREADS];   /* handles created, per thread */
static unsigned long stress_closed[STRESS_THREADS]; /* handles closed, per thread */
static unsigned long stress_errors;                 /* [a] unexpected results */
static unsigned stress_ready;                       /* [a] threads at the start line */

static uint32_t
stress_rand(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void
stress_expect(bool ok)
{
    if (!ok)
        __atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
}

static bool
stress_is_obj(struct object *o)
{
    for (unsigned i = 0; i < STRESS_OBJS; i++) {
        if (o == &stress_objs[i].obj)
            return true;
    }
    return false;
}

static void *
stress_thread(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    struct handle_table *t = &stress_table;
    uint32_t seed = 0x9e3779b9u * (id + 1);
    struct cairn_handle_info info;
    struct object *out;

    /* Start together, or one thread may be done before the other begins. */
    __atomic_add_fetch(&stress_ready, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&stress_ready, __ATOMIC_ACQUIRE) < STRESS_THREADS)
        ;

    for (unsigned i = 0; i < STRESS_ITERS; i++) {
        struct tobj *o = &stress_objs[stress_rand(&seed) % STRESS_OBJS];
        int32_t h, d, peek, old;
        int ret;

        /* A private handle: only this thread can close it. */
        h = handle_insert(t, &o->obj, RWD);
        stress_expect(h >= 0);
        if (h < 0)
            continue;
        stress_made[id]++;
        d = handle_dup(t, h, RW);
        stress_expect(d >= 0);
        if (d >= 0)
            stress_made[id]++;
        ret = handle_get(t, h, CAIRN_OBJ_NONE, CAIRN_RIGHT_DUPLICATE, &out, NULL);
        stress_expect(ret == 0 && out == &o->obj);
        if (ret == 0)
            object_unref(out);
        stress_expect(handle_close(t, h) == 0);
        stress_closed[id]++;

        /* Publish the copy; whoever takes a handle out of the array closes it. */
        if (d >= 0) {
            old = __atomic_exchange_n(&stress_shared[stress_rand(&seed) % STRESS_SHARED], d,
                                      __ATOMIC_ACQ_REL);
            if (old >= 0) {
                stress_expect(handle_close(t, old) == 0);
                stress_closed[id]++;
            }
        }

        /* Use a handle the other thread may be closing right now. */
        peek =
            __atomic_load_n(&stress_shared[stress_rand(&seed) % STRESS_SHARED], __ATOMIC_ACQUIRE);
        if (peek >= 0) {
            ret = handle_get(t, peek, CAIRN_OBJ_NONE, CAIRN_RIGHT_READ, &out, NULL);
            stress_expect(ret == 0 || ret == -CAIRN_EBADH);
            if (ret == 0) {
                stress_expect(stress_is_obj(out));
                object_unref(out);
            }
            /* Published copies lack DUPLICATE. If the thread was held up
             * for a whole generation cycle (128 reuses of the slot), peek
             * may name the other thread's private handle instead; that is
             * the documented limit, so tolerate it and keep counting. */
            ret = handle_dup(t, peek, CAIRN_RIGHT_READ);
            stress_expect(ret == -CAIRN_ERIGHTS || ret == -CAIRN_EBADH || ret >= 0);
            if (ret >= 0) {
                stress_made[id]++;
                stress_expect(handle_close(t, ret) == 0);
                stress_closed[id]++;
            }
            ret = handle_info(t, peek, &info);
            stress_expect(ret == -CAIRN_EBADH || (ret == 0 && (info.rights & ~RWD) == 0));
        }
    }
    return NULL;
}

TEST(handle_concurrent_stress_keeps_counts_exact)
{
    pthread_t threads[STRESS_THREADS];
    unsigned long made = 0, closed = 0;
    bool exact = true;

    for (unsigned i = 0; i < STRESS_OBJS; i++)
        tobj_init(&stress_objs[i], CAIRN_OBJ_MEMOBJ);

    for (unsigned round = 0; round < STRESS_ROUNDS; round++) {
        CHECK(handle_table_init(&stress_table, 256) == 0);
        for (unsigned i = 0; i < STRESS_SHARED; i++)
            stress_shared[i] = CAIRN_HANDLE_INVALID;
        stress_ready = 0;
        for (unsigned i = 0; i < STRESS_THREADS; i++) {
            stress_made[i] = 0;
            stress_closed[i] = 0;
            CHECK(pthread_create(&threads[i], NULL, stress_thread, (void *)(uintptr_t)i) == 0);
        }
        for (unsigned i = 0; i < STRESS_THREADS; i++)
            pthread_join(threads[i], NULL);

        made = closed = 0;
        for (unsigned i = 0; i < STRESS_THREADS; i++) {
            made += stress_made[i];
            closed += stress_closed[i];
        }
        if (handle_count(&stress_table) != made - closed)
            exact = false;

        /* The table holds one reference per live handle, no more. */
        unsigned long held = 0;
        for (unsigned i = 0; i < STRESS_OBJS; i++)
            held += refs(&stress_objs[i]) - 1;
        if (held != made - closed)
            exact = false;

        /* Close half of what is left, let fini release the rest. */
        for (unsigned i = 0; i < STRESS_SHARED; i += 2) {
            if (stress_shared[i] >= 0 && handle_close(&stress_table, stress_shared[i]) != 0)
                exact = false;
        }
        handle_table_fini(&stress_table);
        for (unsigned i = 0; i < STRESS_OBJS; i++) {
            if (refs(&stress_objs[i]) != 1 || stress_objs[i].destroyed != 0)
                exact = false;
        }
    }
    CHECK(exact);
    CHECK(__atomic_load_n(&stress_errors, __ATOMIC_RELAXED) == 0);
    CHECK(made > STRESS_ITERS);

    for (unsigned i = 0; i < STRESS_OBJS; i++)
        object_unref(&stress_objs[i].obj);
    for (unsigned i = 0; i < STRESS_OBJS; i++)
        CHECK(stress_objs[i].destroyed == 1);
    CHECK(nothing_alive());
}

/* --- transfer, badges, borrow and revoke --------------------------------- */

/* An object that counts its holders of READ, as an endpoint counts its
 * receivers. */
struct hobj {
    struct tobj t;
    int readers; /* [a] holders of READ */
};

static void
hobj_opened(struct object *o, uint32_t rights)
{
    if (rights & CAIRN_RIGHT_READ)
        __atomic_add_fetch(&((struct hobj *)o)->readers, 1, __ATOMIC_RELAXED);
}

static void
hobj_closed(struct object *o, uint32_t rights)
{
    if (rights & CAIRN_RIGHT_READ)
        __atomic_sub_fetch(&((struct hobj *)o)->readers, 1, __ATOMIC_RELAXED);
}

static const struct object_ops hobj_ops = {
    .destroy = tobj_destroy, .handle_opened = hobj_opened, .handle_closed = hobj_closed};

static void
hobj_init(struct hobj *h, uint32_t type)
{
    h->t.destroyed = 0;
    h->readers = 0;
    object_init(&h->t.obj, type, &hobj_ops);
}

#define RT  (CAIRN_RIGHT_READ | CAIRN_RIGHT_TRANSFER)
#define ALL (CAIRN_RIGHTS_ALL & ~CAIRN_RIGHT_REVOKE)

TEST(handle_take_moves_the_handle_and_insert_entry_lands_it_elsewhere)
{
    struct handle_table a, b;
    struct hobj o;
    struct handle_entry e;
    struct cairn_handle_info info;
    int32_t h, landed;

    CHECK(handle_table_init(&a, 8) == 0 && handle_table_init(&b, 8) == 0);
    hobj_init(&o, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&a, &o.t.obj, RT | CAIRN_RIGHT_WRITE);
    CHECK(o.readers == 1);
    /* Without TRANSFER nothing moves; rights never widen. */
    CHECK(handle_take(&a, handle_insert(&a, &o.t.obj, CAIRN_RIGHT_READ), CAIRN_RIGHTS_SAME, &e) ==
          -CAIRN_ERIGHTS);
    CHECK(handle_take(&a, h, RT | CAIRN_RIGHT_EXEC, &e) == -CAIRN_ERIGHTS);
    CHECK(handle_take(&a, h, RT, &e) == 0);
    CHECK(handle_info(&a, h, &info) == -CAIRN_EBADH); /* the sender lost it */
    CHECK(o.readers == 2 && e.rights == RT);          /* the entry and the READ-only handle */
    landed = handle_insert_entry(&b, &e);
    handle_entry_drop(&e);
    CHECK(landed >= 0 && handle_info(&b, landed, &info) == 0 && info.rights == RT);
    CHECK(o.readers == 2);
    handle_table_fini(&a);
    handle_table_fini(&b);
    CHECK(o.readers == 0 && refs(&o.t) == 1);
    object_unref(&o.t.obj);
    CHECK(nothing_alive());
}

TEST(handle_copy_out_needs_duplicate_and_keeps_the_original)
{
    struct handle_table t;
    struct hobj o;
    struct handle_entry e;
    int32_t h, nodup;

    CHECK(handle_table_init(&t, 8) == 0);
    hobj_init(&o, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&t, &o.t.obj, RT | CAIRN_RIGHT_DUPLICATE);
    nodup = handle_dup(&t, h, RT);
    CHECK(handle_copy_out(&t, nodup, CAIRN_RIGHTS_SAME, &e) == -CAIRN_ERIGHTS);
    CHECK(handle_copy_out(&t, h, CAIRN_RIGHT_READ, &e) == 0);
    CHECK(e.rights == CAIRN_RIGHT_READ && o.readers == 3);
    handle_entry_drop(&e);
    CHECK(o.readers == 2);
    handle_table_fini(&t);
    CHECK(o.readers == 0);
    object_unref(&o.t.obj);
    CHECK(nothing_alive());
}

TEST(handle_mint_sets_a_badge_once_and_dup_keeps_it)
{
    struct handle_table t;
    struct tobj ep, mo;
    struct object *out;
    uint64_t badge = 0;
    int32_t h, m, d;

    CHECK(handle_table_init(&t, 8) == 0);
    tobj_init(&ep, CAIRN_OBJ_ENDPOINT);
    tobj_init(&mo, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&t, &ep.obj, RWD);
    CHECK(handle_mint(&t, handle_insert(&t, &mo.obj, RWD), RW, 5) == -CAIRN_EWRONGTYPE);
    CHECK(handle_mint(&t, h, RWD | CAIRN_RIGHT_EXEC, 5) == -CAIRN_ERIGHTS);
    m = handle_mint(&t, h, RWD, 0x1234);
    CHECK(m >= 0);
    CHECK(handle_mint(&t, m, RW, 9) == -CAIRN_EPERM); /* already badged */
    d = handle_dup(&t, m, RW);
    CHECK(handle_get_badged(&t, d, CAIRN_OBJ_ENDPOINT, 0, &out, NULL, &badge) == 0);
    CHECK(badge == 0x1234 && out == &ep.obj);
    object_unref(out);
    handle_table_fini(&t);
    object_unref(&ep.obj);
    object_unref(&mo.obj);
    CHECK(nothing_alive());
}

TEST(handle_revoke_reaches_handles_derived_in_other_tables)
{
    struct handle_table lender, borrower, third;
    struct hobj o;
    struct handle_entry e;
    struct object *out;
    int32_t h, b, give, held, passed;

    CHECK(handle_table_init(&lender, 8) == 0);
    CHECK(handle_table_init(&borrower, 8) == 0 && handle_table_init(&third, 8) == 0);
    hobj_init(&o, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&lender, &o.t.obj, ALL);
    b = handle_borrow(&lender, h, RT | CAIRN_RIGHT_DUPLICATE);
    CHECK(b >= 0 && o.readers == 2); /* the token is one holder */
    /* The lender keeps b (with REVOKE) and gives away a copy without it. */
    give = handle_dup(&lender, b, RT | CAIRN_RIGHT_DUPLICATE);
    CHECK(handle_take(&lender, give, CAIRN_RIGHTS_SAME, &e) == 0);
    held = handle_insert_entry(&borrower, &e);
    handle_entry_drop(&e);
    CHECK(handle_revoke(&borrower, held) == -CAIRN_ERIGHTS); /* no REVOKE right */
    /* ... who passes it on to a third process. */
    CHECK(handle_copy_out(&borrower, held, CAIRN_RIGHT_READ | CAIRN_RIGHT_TRANSFER, &e) == 0);
    passed = handle_insert_entry(&third, &e);
    handle_entry_drop(&e);
    CHECK(handle_get(&third, passed, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_READ, &out, NULL) == 0);
    object_unref(out);
    CHECK(o.readers == 2);

    CHECK(handle_revoke(&lender, b) == 0);
    CHECK(o.readers == 1 && refs(&o.t) == 2); /* the token let go of the object at once */
    CHECK(handle_get(&third, passed, CAIRN_OBJ_NONE, 0, &out, NULL) == -CAIRN_EREVOKED);
    CHECK(handle_get(&borrower, held, CAIRN_OBJ_NONE, 0, &out, NULL) == -CAIRN_EREVOKED);
    CHECK(handle_dup(&borrower, held, 0) == -CAIRN_EREVOKED);
    CHECK(handle_revoke(&lender, b) == -CAIRN_EREVOKED);
    /* The lender's own handle is untouched; revoked ones can still be closed. */
    CHECK(handle_get(&lender, h, CAIRN_OBJ_MEMOBJ, CAIRN_RIGHT_READ, &out, NULL) == 0);
    object_unref(out);
    CHECK(handle_close(&third, passed) == 0 && handle_close(&lender, b) == 0);
    handle_table_fini(&borrower);
    CHECK(token_live_count() == 0);
    handle_table_fini(&lender);
    handle_table_fini(&third);
    CHECK(o.readers == 0);
    object_unref(&o.t.obj);
    CHECK(nothing_alive());
}

TEST(handle_revoking_a_child_borrow_leaves_its_parent_working)
{
    struct handle_table t;
    struct tobj o;
    struct object *out;
    int32_t h, parent, child, grandchild;

    CHECK(handle_table_init(&t, 16) == 0);
    tobj_init(&o, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&t, &o.obj, ALL);
    parent = handle_borrow(&t, h, RWD);
    child = handle_borrow(&t, parent, RWD);
    grandchild = handle_borrow(&t, child, CAIRN_RIGHT_READ);
    CHECK(parent >= 0 && child >= 0 && grandchild >= 0);
    CHECK(handle_borrow(&t, child, RWD | CAIRN_RIGHT_EXEC) == -CAIRN_ERIGHTS);
    CHECK(handle_revoke(&t, child) == 0);
    CHECK(handle_get(&t, grandchild, CAIRN_OBJ_NONE, 0, &out, NULL) == -CAIRN_EREVOKED);
    CHECK(handle_get(&t, parent, CAIRN_OBJ_NONE, CAIRN_RIGHT_WRITE, &out, NULL) == 0);
    object_unref(out);
    /* Revoking the parent now reaches what is left below it. */
    child = handle_borrow(&t, parent, RWD);
    CHECK(handle_revoke(&t, parent) == 0);
    CHECK(handle_get(&t, child, CAIRN_OBJ_NONE, 0, &out, NULL) == -CAIRN_EREVOKED);
    CHECK(refs(&o) == 2); /* the table's h and ours */
    handle_table_fini(&t);
    CHECK(token_live_count() == 0 && refs(&o) == 1);
    object_unref(&o.obj);
    CHECK(nothing_alive());
}

TEST(borrows_nest_at_most_token_max_depth)
{
    struct handle_table t;
    struct tobj o;
    int32_t h;
    int depth = 0;

    CHECK(handle_table_init(&t, 64) == 0);
    tobj_init(&o, CAIRN_OBJ_MEMOBJ);
    h = handle_insert(&t, &o.obj, ALL);
    for (;;) {
        int32_t b = handle_borrow(&t, h, RWD);
        if (b < 0) {
            CHECK(b == -CAIRN_ENOMEM);
            break;
        }
        h = b;
        depth++;
        CHECK(depth <= TOKEN_MAX_DEPTH + 1);
        if (depth > TOKEN_MAX_DEPTH + 1)
            break;
    }
    /* The root token is depth 0, so TOKEN_MAX_DEPTH + 1 borrows fit. */
    CHECK(depth == TOKEN_MAX_DEPTH + 1);
    handle_table_fini(&t);
    CHECK(token_live_count() == 0);
    object_unref(&o.obj);
    CHECK(nothing_alive());
}

TEST(handle_get_owned_refuses_only_a_borrowed_handle)
{
    struct handle_table t;
    struct tobj o;
    struct object *out;
    int32_t h, b;

    CHECK(handle_table_init(&t, 16) == 0);
    tobj_init(&o, CAIRN_OBJ_QUOTA);
    h = handle_insert(&t, &o.obj, ALL);
    b = handle_borrow(&t, h, RWD);
    CHECK(handle_get_owned(&t, h, CAIRN_OBJ_QUOTA, CAIRN_RIGHT_READ, &out, NULL) == 0);
    object_unref(out);
    CHECK(handle_get_owned(&t, b, CAIRN_OBJ_QUOTA, CAIRN_RIGHT_READ, &out, NULL) == -CAIRN_EPERM);
    /* Every other check comes first. */
    CHECK(handle_get_owned(&t, b, CAIRN_OBJ_MEMOBJ, 0, &out, NULL) == -CAIRN_EWRONGTYPE);
    CHECK(handle_get_owned(&t, b, CAIRN_OBJ_QUOTA, CAIRN_RIGHT_EXEC, &out, NULL) == -CAIRN_ERIGHTS);
    CHECK(handle_get_owned(&t, b + 1, CAIRN_OBJ_QUOTA, 0, &out, NULL) == -CAIRN_EBADH);
    CHECK(refs(&o) == 3); /* ours, h's, the token's */
    handle_table_fini(&t);
    object_unref(&o.obj);
    CHECK(nothing_alive());
}

TEST(handle_table_growth_is_charged_and_given_back)
{
    struct quota *q = quota_create_root(1 << 20);
    struct handle_table t;
    struct tobj o;

    CHECK(handle_table_init(&t, 1024) == 0);
    handle_table_set_quota(&t, q);
    tobj_init(&o, CAIRN_OBJ_MEMOBJ);
    for (int i = 0; i < 100; i++)
        CHECK(handle_insert(&t, &o.obj, RW) >= 0);
    /* 16 slots at first, then 32, 64 and 128: the growth is charged. */
    CHECK(quota_used(q) == (128 - HANDLE_TABLE_FIRST) * sizeof(struct handle_slot));
    handle_table_fini(&t);
    CHECK(quota_used(q) == 0);
    object_unref(&o.obj);
    quota_unref(q);
    CHECK(nothing_alive());
}

TEST(handle_table_growth_stops_at_its_quota)
{
    struct quota *q = quota_create_root(100 * sizeof(struct handle_slot));
    struct handle_table t;
    struct tobj o;
    int n = 0;

    CHECK(handle_table_init(&t, 1024) == 0);
    handle_table_set_quota(&t, q);
    tobj_init(&o, CAIRN_OBJ_MEMOBJ);
    while (handle_insert(&t, &o.obj, RW) >= 0)
        n++;
    /* 16 + 16 + 32 (charged 48 slots) fit; 64 more do not. */
    CHECK(n == 64);
    CHECK(quota_used(q) == 48 * sizeof(struct handle_slot));
    handle_table_fini(&t);
    CHECK(quota_used(q) == 0);
    object_unref(&o.obj);
    quota_unref(q);
    CHECK(nothing_alive());
}

/* --- quotas ---------------------------------------------------------------- */

TEST(quota_charges_up_to_its_limit_and_refuses_beyond)
{
    struct quota *root = quota_create_root(10000), *child = NULL;

    CHECK(root != NULL);
    CHECK(quota_charge(root, 6000) == 0 && quota_used(root) == 6000);
    CHECK(quota_charge(root, 4001) == -CAIRN_ENOMEM && quota_used(root) == 6000);
    CHECK(quota_split(root, 5000, &child) == -CAIRN_ENOMEM);
    CHECK(quota_split(root, 0, &child) == -CAIRN_EINVAL);
    /* The parent pays for the child's struct as well as its limit. */
    CHECK(quota_split(root, 4000, &child) == -CAIRN_ENOMEM);
    CHECK(quota_split(root, 4000 - sizeof(struct quota), &child) == 0 && quota_used(root) == 10000);
    CHECK(quota_charge(child, 4000 - sizeof(struct quota)) == 0 &&
          quota_charge(child, 1) == -CAIRN_ENOMEM);
    quota_uncharge(child, 4000 - sizeof(struct quota));
    quota_unref(child); /* its limit goes back to the root */
    CHECK(quota_used(root) == 6000);
    quota_uncharge(root, 6000);
    CHECK(quota_charge(NULL, UINT64_MAX) == 0); /* the kernel's own: never refused */
    quota_unref(root);
    CHECK(nothing_alive());
}

TEST(object_charge_is_given_back_when_the_object_goes)
{
    struct quota *q = quota_create_root(4096);
    struct tobj a, b;

    tobj_init(&a, CAIRN_OBJ_ENDPOINT);
    tobj_init(&b, CAIRN_OBJ_ENDPOINT);
    CHECK(object_charge(&a.obj, q, 3000) == 0 && quota_used(q) == 3000);
    CHECK(object_charge(&b.obj, q, 2000) == -CAIRN_ENOMEM && quota_used(q) == 3000);
    CHECK(object_charge(&b.obj, NULL, 2000) == 0);
    quota_unref(q); /* a's charge keeps the quota alive */
    CHECK(object_live_count(CAIRN_OBJ_QUOTA) == 1);
    object_unref(&a.obj);
    CHECK(a.destroyed == 1 && object_live_count(CAIRN_OBJ_QUOTA) == 0);
    object_unref(&b.obj);
    CHECK(nothing_alive());
}

#define QUOTA_STRESS_ITERS 200000

static void *
quota_stress(void *arg)
{
    struct quota *q = arg;

    for (int i = 0; i < QUOTA_STRESS_ITERS; i++) {
        uint64_t bytes = (uint64_t)(i % 7 + 1) * 100;
        if (quota_charge(q, bytes) == 0) {
            if (quota_used(q) > q->limit)
                __atomic_add_fetch(&stress_errors, 1, __ATOMIC_RELAXED);
            quota_uncharge(q, bytes);
        }
    }
    return NULL;
}

TEST(quota_never_passes_its_limit_under_concurrent_charges)
{
    struct quota *q = quota_create_root(1500);
    pthread_t th[4];

    __atomic_store_n(&stress_errors, 0, __ATOMIC_RELAXED);
    for (int i = 0; i < 4; i++)
        CHECK(pthread_create(&th[i], NULL, quota_stress, q) == 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK(__atomic_load_n(&stress_errors, __ATOMIC_RELAXED) == 0);
    CHECK(quota_used(q) == 0);
    quota_unref(q);
    CHECK(nothing_alive());
}

/* --- destruction depth ------------------------------------------------- */

/* A link of a chain: it holds the only reference to the next link, and its
 * destroy drops it, the way a process's handle table holds the next
 * process. Each destroy notes how deep the stack is. */
struct link {
    struct object obj;
    struct object *next;
};

static uintptr_t chain_lowest_sp, chain_first_sp; /* stack depth seen by destroys */
static unsigned chain_destroyed;

static void
link_destroy(struct object *o)
{
    struct link *l = (struct link *)o;
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

    if (!chain_first_sp)
        chain_first_sp = sp;
    if (sp < chain_lowest_sp)
        chain_lowest_sp = sp;
    chain_destroyed++;
    if (l->next)
        object_unref(l->next);
    free(l);
}

static const struct object_ops link_ops = {.destroy = link_destroy};

TEST(destroying_a_chain_of_100000_objects_nests_one_destroy_deep)
{
    enum {
        N = 100000
    };
    struct link *head = NULL;

    for (unsigned i = 0; i < N; i++) {
        struct link *l = malloc(sizeof(*l));

        CHECK(l != NULL);
        object_init(&l->obj, CAIRN_OBJ_ENDPOINT, &link_ops);
        l->next = head ? &head->obj : NULL; /* takes over our reference */
        head = l;
    }
    chain_lowest_sp = UINTPTR_MAX;
    chain_first_sp = 0;
    chain_destroyed = 0;
    object_unref(&head->obj);
    CHECK(chain_destroyed == N);
    /* Every destroy ran at the depth of the first (recursion would go down
     * some 100 bytes a link, 10 MB here). */
    CHECK(chain_first_sp - chain_lowest_sp < 256);
    CHECK(!reclaim_record.active && !reclaim_record.pending);
    CHECK(nothing_alive());
}

TEST(destroying_a_chain_of_100000_quotas_frees_every_one)
{
    enum {
        N = 100000
    };
    /* Each child's limit and struct fit in its parent's limit. */
    const uint64_t first = 1ull << 30;
    struct quota *root = quota_create_root(1ull << 40), *q = root;
    uint64_t limit = first;

    for (unsigned i = 0; i < N; i++) {
        struct quota *child;

        if (quota_split(q, limit, &child) != 0) {
            CHECK(!"a split failed");
            break;
        }
        if (q != root)
            quota_unref(q); /* the child holds its parent */
        q = child;
        limit -= sizeof(struct quota);
    }
    CHECK(quota_used(root) == first + sizeof(struct quota));
    quota_unref(q);
    CHECK(quota_used(root) == 0);
    quota_unref(root);
    CHECK(nothing_alive());
}

int
main(void)
{
    RUN(object_init_counts_one_reference_and_gives_unique_koids);
    RUN(object_koids_are_never_reused);
    RUN(destroying_a_chain_of_100000_objects_nests_one_destroy_deep);
    RUN(destroying_a_chain_of_100000_quotas_frees_every_one);
    RUN(handle_insert_get_round_trip_counts_references);
    RUN(handle_get_reference_outlives_close);
    RUN(handle_get_with_type_none_accepts_any_type);
    RUN(handle_get_distinguishes_bad_handle_wrong_type_and_missing_rights);
    RUN(handle_info_reports_type_rights_and_koid);
    RUN(handle_insert_rejects_unknown_rights_and_null_objects);
    RUN(handle_dup_never_amplifies_rights);
    RUN(handle_dup_requires_duplicate_right);
    RUN(handle_dup_names_the_same_object_with_its_own_reference);
    RUN(handle_count_naming_rights_counts_only_handles_with_every_right);
    RUN(handle_close_rejects_the_closed_handle_everywhere);
    RUN(handle_reused_slot_does_not_revive_stale_handle);
    RUN(handle_rejects_negative_huge_and_garbage_values);
    RUN(handle_table_grows_to_max_handles_then_reports_enomem);
    RUN(handle_growth_failure_leaves_the_table_unchanged);
    RUN(handle_table_init_rejects_bad_sizes_and_missing_memory);
    RUN(handle_table_fini_releases_every_reference);
    RUN(handle_concurrent_stress_keeps_counts_exact);
    RUN(handle_take_moves_the_handle_and_insert_entry_lands_it_elsewhere);
    RUN(handle_copy_out_needs_duplicate_and_keeps_the_original);
    RUN(handle_mint_sets_a_badge_once_and_dup_keeps_it);
    RUN(handle_revoke_reaches_handles_derived_in_other_tables);
    RUN(handle_revoking_a_child_borrow_leaves_its_parent_working);
    RUN(borrows_nest_at_most_token_max_depth);
    RUN(handle_get_owned_refuses_only_a_borrowed_handle);
    RUN(handle_table_growth_is_charged_and_given_back);
    RUN(handle_table_growth_stops_at_its_quota);
    RUN(quota_charges_up_to_its_limit_and_refuses_beyond);
    RUN(object_charge_is_given_back_when_the_object_goes);
    RUN(quota_never_passes_its_limit_under_concurrent_charges);
    return check_exit();
}
