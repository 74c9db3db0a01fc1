// SPDX-License-Identifier: MIT
/* Memory objects (see memobj.h). */
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "mm/buddy.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "obj/memobj.h"
#include "obj/quota.h"

/* A paged object's table is two-level (leaves) above one leaf's worth. */
static bool
memobj_two_level(const struct memobj *m)
{
    return m->npages > MEMOBJ_LEAF_FRAMES;
}

static void
memobj_free_frames(uint64_t *frames, uint64_t n, bool owned)
{
    for (uint64_t i = 0; owned && i < n; i++) {
        if (frames[i])
            frame_free(frames[i], 0);
    }
}

static void
memobj_destroy(struct object *o)
{
    struct memobj *m = memobj_from(o);

    if (m->kind == MEMOBJ_DMA)
        frame_free(m->phys, m->order);
    if (m->kind == MEMOBJ_PAGES && memobj_two_level(m)) {
        uint64_t nleaves = (m->npages + MEMOBJ_LEAF_FRAMES - 1) / MEMOBJ_LEAF_FRAMES;

        for (uint64_t l = 0; m->leaves && l < nleaves; l++) {
            if (!m->leaves[l])
                continue;
            memobj_free_frames(m->leaves[l], MEMOBJ_LEAF_FRAMES, !m->borrowed);
            kfree(m->leaves[l]);
        }
        kfree(m->leaves);
    } else if (m->kind == MEMOBJ_PAGES) {
        if (m->frames)
            memobj_free_frames(m->frames, m->npages, !m->borrowed);
        kfree(m->frames);
    }
    kfree(m);
}

static const struct object_ops memobj_ops = {.destroy = memobj_destroy};

static int
memobj_create_paged(uint64_t size, struct quota *q, bool on_touch, struct memobj **out)
{
    struct memobj *m;
    uint64_t npages, charge;
    int err;

    if (size == 0 || size > MEMOBJ_MAX_SIZE)
        return -CAIRN_EINVAL;
    npages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    /* Charged before the first byte is allocated: a request the quota
     * refuses costs the kernel nothing. */
    charge = on_touch ? memobj_base_bytes(npages)
                      : npages * PAGE_SIZE + memobj_table_bytes(npages) + sizeof(*m);
    err = quota_charge(q, charge);
    if (err)
        return err;
    m = kzalloc(sizeof(*m));
    if (!m)
        goto err_uncharge;
    if (npages > MEMOBJ_LEAF_FRAMES)
        m->leaves =
            kzalloc((npages + MEMOBJ_LEAF_FRAMES - 1) / MEMOBJ_LEAF_FRAMES * sizeof(uint64_t *));
    else
        m->frames = kzalloc(npages * sizeof(uint64_t));
    if (!m->frames)
        goto err_free;
    spin_init(&m->lock);
    m->npages = npages;
    m->on_touch = on_touch && q;
    object_init(&m->obj, CAIRN_OBJ_MEMOBJ, &memobj_ops);
    object_charge_taken(&m->obj, q, charge);
    *out = m;
    return 0;

err_free:
    kfree(m);
err_uncharge:
    quota_uncharge(q, charge);
    return -CAIRN_ENOMEM;
}

int
memobj_create(uint64_t size, struct quota *q, struct memobj **out)
{
    return memobj_create_paged(size, q, false, out);
}

int
memobj_create_on_touch(uint64_t size, struct quota *q, struct memobj **out)
{
    return memobj_create_paged(size, q, true, out);
}

/*
 * The table entry of page (< npages), or NULL when its leaf does not exist
 * yet. A missing leaf is filled from *leaf when the caller brings one
 * (then *leaf becomes NULL); leaves are allocated with the lock dropped,
 * so m->lock stays a leaf lock. m->lock held.
 */
static uint64_t *
memobj_entry_locked(struct memobj *m, uint64_t page, uint64_t **leaf)
{
    uint64_t l = page / MEMOBJ_LEAF_FRAMES;

    if (!memobj_two_level(m))
        return &m->frames[page];
    if (!m->leaves[l] && leaf && *leaf) {
        m->leaves[l] = *leaf;
        *leaf = NULL;
    }
    return m->leaves[l] ? &m->leaves[l][page % MEMOBJ_LEAF_FRAMES] : NULL;
}

uint64_t
memobj_frame(struct memobj *m, uint64_t page)
{
    uint64_t frame, fresh, *slot, *leaf = NULL, charge = 0, used = 0;
    bool irq;

    if (page >= m->npages)
        return 0;
    if (m->kind != MEMOBJ_PAGES)
        return m->phys + page * PAGE_SIZE;
    irq = spin_lock_irqsave(&m->lock);
    slot = memobj_entry_locked(m, page, NULL);
    frame = slot ? *slot : 0;
    spin_unlock_irqrestore(&m->lock, irq);
    if (frame)
        return frame;

    /* Charged (when the object pays as it grows) and allocated outside the
     * lock; a racing toucher may win, then ours goes back, charge and all.
     * Otherwise the leaf's memory was charged with the object. */
    if (m->on_touch) {
        charge = slot ? PAGE_SIZE : 2 * PAGE_SIZE;
        if (quota_charge(m->obj.quota, charge) < 0)
            return 0;
    }
    if (!slot) {
        leaf = kzalloc(MEMOBJ_LEAF_FRAMES * sizeof(uint64_t));
        if (!leaf)
            goto err_uncharge;
    }
    fresh = frame_alloc_zeroed(0);
    if (!fresh) {
        kfree(leaf);
        goto err_uncharge;
    }
    irq = spin_lock_irqsave(&m->lock);
    slot = memobj_entry_locked(m, page, &leaf);
    if (!*slot) {
        *slot = fresh;
        used = PAGE_SIZE;
    }
    frame = *slot;
    if (charge == 2 * PAGE_SIZE && !leaf)
        used += PAGE_SIZE; /* our leaf went into the table */
    if (m->on_touch)
        m->obj.charged += used; /* given back whole when the object goes */
    spin_unlock_irqrestore(&m->lock, irq);
    kfree(leaf); /* NULL unless another toucher brought the leaf first */
    if (frame != fresh)
        frame_free(fresh, 0);
    if (charge > used)
        quota_uncharge(m->obj.quota, charge - used);
    return frame;

err_uncharge:
    if (charge)
        quota_uncharge(m->obj.quota, charge);
    return 0;
}

int
memobj_create_phys(uint64_t phys, uint64_t npages, struct memobj **out)
{
    struct memobj *m;
    int err = memobj_create(npages * PAGE_SIZE, NULL, &m);

    if (err)
        return err;
    /* No one else knows m yet: its table is filled without the lock. */
    m->borrowed = true;
    for (uint64_t i = 0; i < npages; i++) {
        uint64_t *leaf = NULL, *slot = memobj_entry_locked(m, i, NULL);

        if (!slot) {
            leaf = kzalloc(MEMOBJ_LEAF_FRAMES * sizeof(uint64_t));
            slot = leaf ? memobj_entry_locked(m, i, &leaf) : NULL;
        }
        if (!slot) {
            object_unref(&m->obj);
            return -CAIRN_ENOMEM;
        }
        *slot = phys + i * PAGE_SIZE;
    }
    *out = m;
    return 0;
}

/* A contiguous object of npages with no frames array. */
static int
memobj_create_contiguous(uint64_t npages, uint8_t kind, struct memobj **out)
{
    struct memobj *m;

    if (npages == 0 || npages > MEMOBJ_MAX_SIZE / PAGE_SIZE)
        return -CAIRN_EINVAL;
    m = kzalloc(sizeof(*m));
    if (!m)
        return -CAIRN_ENOMEM;
    spin_init(&m->lock);
    m->npages = npages;
    m->kind = kind;
    *out = m;
    return 0;
}

int
memobj_create_device(uint64_t phys, uint64_t npages, uint64_t cache, struct memobj **out)
{
    int err = memobj_create_contiguous(npages, MEMOBJ_DEVICE, out);

    if (err)
        return err;
    (*out)->phys = phys;
    (*out)->cache = cache;
    object_init(&(*out)->obj, CAIRN_OBJ_MEMOBJ, &memobj_ops);
    return 0;
}

int
memobj_create_dma(uint64_t npages, bool below_4g, struct quota *q, struct memobj **out)
{
    unsigned order = 0;
    uint64_t phys, footprint;
    int err;

    if (npages == 0 || npages > (1u << BUDDY_MAX_ORDER))
        return -CAIRN_EINVAL;
    while ((1ull << order) < npages)
        order++;
    /* Charged in full before the block is taken from the allocator. */
    footprint = (PAGE_SIZE << order) + sizeof(struct memobj);
    err = quota_charge(q, footprint);
    if (err)
        return err;
    err = memobj_create_contiguous(npages, MEMOBJ_DMA, out);
    if (err)
        goto err_uncharge;
    phys = below_4g ? frame_alloc_below(order, 1ull << 32) : frame_alloc(order);
    if (!phys) {
        kfree(*out);
        err = -CAIRN_ENOMEM;
        goto err_uncharge;
    }
    /* Zeroed: the previous owner's data must not reach the driver. */
    zero_qwords(phys_to_virt(phys), PAGE_SIZE << order);
    (*out)->phys = phys;
    (*out)->order = (uint8_t)order;
    object_init(&(*out)->obj, CAIRN_OBJ_MEMOBJ, &memobj_ops);
    object_charge_taken(&(*out)->obj, q, footprint);
    return 0;

err_uncharge:
    quota_uncharge(q, footprint);
    return err;
}

int
memobj_phys_addr(const struct memobj *m, uint64_t offset, uint64_t *phys)
{
    if (m->kind == MEMOBJ_PAGES)
        return -CAIRN_EINVAL;
    if (offset >= m->npages * PAGE_SIZE)
        return -CAIRN_ERANGE;
    *phys = m->phys + offset;
    return 0;
}
