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

static void
memobj_destroy(struct object *o)
{
    struct memobj *m = memobj_from(o);

    if (m->kind == MEMOBJ_DMA)
        frame_free(m->phys, m->order);
    for (uint64_t i = 0; m->frames && i < m->npages && !m->borrowed; i++) {
        if (m->frames[i])
            frame_free(m->frames[i], 0);
    }
    kfree(m->frames);
    kfree(m);
}

static const struct object_ops memobj_ops = {.destroy = memobj_destroy};

int
memobj_create(uint64_t size, struct memobj **out)
{
    struct memobj *m;
    uint64_t npages;

    if (size == 0 || size > MEMOBJ_MAX_SIZE)
        return -CAIRN_EINVAL;
    npages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    m = kzalloc(sizeof(*m));
    if (!m)
        return -CAIRN_ENOMEM;
    m->frames = kzalloc(npages * sizeof(uint64_t));
    if (!m->frames) {
        kfree(m);
        return -CAIRN_ENOMEM;
    }
    spin_init(&m->lock);
    m->npages = npages;
    object_init(&m->obj, CAIRN_OBJ_MEMOBJ, &memobj_ops);
    *out = m;
    return 0;
}

uint64_t
memobj_frame(struct memobj *m, uint64_t page)
{
    uint64_t frame, fresh;
    bool irq;

    if (page >= m->npages)
        return 0;
    if (m->kind != MEMOBJ_PAGES)
        return m->phys + page * PAGE_SIZE;
    irq = spin_lock_irqsave(&m->lock);
    frame = m->frames[page];
    spin_unlock_irqrestore(&m->lock, irq);
    if (frame)
        return frame;

    /* Allocate outside the lock; a racing toucher may win, then ours goes back. */
    fresh = frame_alloc_zeroed(0);
    if (!fresh)
        return 0;
    irq = spin_lock_irqsave(&m->lock);
    if (!m->frames[page])
        m->frames[page] = fresh;
    frame = m->frames[page];
    spin_unlock_irqrestore(&m->lock, irq);
    if (frame != fresh)
        frame_free(fresh, 0);
    return frame;
}

int
memobj_create_phys(uint64_t phys, uint64_t npages, struct memobj **out)
{
    int err = memobj_create(npages * PAGE_SIZE, out);

    if (err)
        return err;
    (*out)->borrowed = true;
    for (uint64_t i = 0; i < npages; i++)
        (*out)->frames[i] = phys + i * PAGE_SIZE;
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
memobj_create_dma(uint64_t npages, bool below_4g, struct memobj **out)
{
    unsigned order = 0;
    uint64_t phys;
    int err;

    if (npages == 0 || npages > (1u << BUDDY_MAX_ORDER))
        return -CAIRN_EINVAL;
    while ((1ull << order) < npages)
        order++;
    err = memobj_create_contiguous(npages, MEMOBJ_DMA, out);
    if (err)
        return err;
    phys = below_4g ? frame_alloc_below(order, 1ull << 32) : frame_alloc(order);
    if (!phys) {
        kfree(*out);
        return -CAIRN_ENOMEM;
    }
    /* Zeroed: the previous owner's data must not reach the driver. */
    zero_qwords(phys_to_virt(phys), PAGE_SIZE << order);
    (*out)->phys = phys;
    (*out)->order = (uint8_t)order;
    object_init(&(*out)->obj, CAIRN_OBJ_MEMOBJ, &memobj_ops);
    return 0;
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
