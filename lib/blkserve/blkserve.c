// SPDX-License-Identifier: MIT
/*
 * The block protocol's server side (blkserve.h has the contract, the
 * threading and the invariants; docs/storage.md the story).
 *
 * Layers: the receive loop (blkserve_run) takes requests, close notices
 * and the notification's bits; one dispatch table sends each request to
 * its handler, which answers at once or, for an I/O, saves the caller
 * (ipc_reply_save) in a struct blkserve_io and submits it; the backend's
 * completion (blkserve_complete) bounces a read's data to the channel and
 * answers through the saved reply.
 *
 * State: disks (struct blkserve_dev, each with its `depth` I/Os and their
 * DMA buffers), partition slots and channel slots, all fixed arrays. A
 * slot's badge carries a generation that is new at every allocation, so a
 * badge of a slot closed (and perhaps reused since) names nothing. A
 * partition slot lives while its handle is open or a channel made from it
 * is; a channel slot while its handle is open or an I/O of it is in
 * flight (its buffer stays mapped until then).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/buffer.h>
#include <cairn/registry.h>
#include <cairn/sys.h>
#include <part/part.h>

#include "blkserve.h"

#define PAGE     4096ull
#define DEFERRED 1 /* a handler's result: the caller was saved, the reply comes later */

#define DEVICE_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER)
#define MINTED_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER)

struct blkserve_dev {
    struct blkserve_disk d; /* as the backend described it; d.name points at name */
    char name[32];
    uint32_t index;       /* in bs.devs, the badge's disk */
    uint32_t max_sectors; /* per I/O: the backend's, bounded by BLKSERVE_IO_BYTES */
    uint32_t inflight;    /* I/Os submitted and not completed, at most d.depth */
    uint32_t channels;    /* channels made on the device handle itself */
    struct blkserve_io io[BLKSERVE_DEPTH_MAX];
    struct part_table *table; /* what PART_LIST last read; NULL before */
    int table_ok;             /* 1: table holds a table read without error */
};

struct blkserve_part {
    int used;          /* the slot is taken */
    int open;          /* its handle is still the client's */
    uint32_t gen;      /* the badge's generation */
    uint32_t channels; /* channels made on it, still used */
    struct blkserve_dev *dev;
    uint64_t first, sectors;
    uint32_t index; /* lib/part's number, for INFO's model string */
};

struct blkserve_chan {
    int used, open;
    uint32_t gen;
    uint32_t inflight; /* its I/Os not completed */
    struct blkserve_dev *dev;
    int part;                /* the partition slot it was made on, -1: the device */
    uint64_t first, sectors; /* its handle's range on the disk */
    uint8_t *buf;            /* the client's buffer, mapped here */
    uint64_t size;
};

/* A request in hand and the reply being built. */
struct blkserve_req {
    uint64_t w[CAIRN_MSG_WORDS];
    struct blkserve_badge b;
    struct blkserve_dev *dev; /* the handle's disk, range and slots, once resolved */
    struct blkserve_part *part;
    struct blkserve_chan *chan;
    uint64_t first, sectors;
    long handle; /* a handle the request carried, or -1 */
};

struct blkserve_rep {
    uint64_t w[CAIRN_MSG_WORDS];
    const void *buf;
    uint32_t len;
    long handle; /* moved to the caller, or -1 */
};

static struct {
    long ep, notif, dma_range;
    uint64_t bits_used;
    uint32_t gen; /* the last generation handed out */
    uint64_t last_poll;
    uint32_t ndevs;
    struct blkserve_dev devs[BLKSERVE_DISKS_MAX];
    struct blkserve_part parts[BLKSERVE_PARTS_MAX];
    struct blkserve_chan chans[BLKSERVE_CHANNELS_MAX];
} bs; /* zero: in .bss, not the program's file; blkserve_init sets it up */

static uint8_t rep_buf[CAIRN_MSG_BUF_MAX];

static uint32_t
gen_next(void)
{
    if (++bs.gen == 0)
        bs.gen = 1;
    return bs.gen;
}

/* ---- Set-up ---- */

int
blkserve_init(long dma_range)
{
    long err;

    bs.dma_range = dma_range;
    bs.ep = cairn_endpoint_create();
    bs.notif = cairn_notify_create();
    if (bs.ep < 0 || bs.notif < 0)
        return (int)(bs.ep < 0 ? bs.ep : bs.notif);
    err = cairn_notify_bind(bs.notif);
    return (int)err;
}

long
blkserve_notification(void)
{
    return bs.notif;
}

uint64_t
blkserve_bits(unsigned n)
{
    uint64_t mask;

    if (n == 0 || n > 8)
        return 0;
    mask = ((1ull << n) - 1);
    for (unsigned at = 0; at + n <= 64; at += n) {
        if (!(bs.bits_used & mask << at)) {
            bs.bits_used |= mask << at;
            return mask << at;
        }
    }
    return 0;
}

int
blkserve_dma_alloc(uint64_t size, int low32, void **virt, uint64_t *phys)
{
    long mo = cairn_memobj_create_dma(bs.dma_range, size, low32 ? CAIRN_DMA_32BIT : 0);
    long at, pa;

    if (mo < 0)
        return (int)mo;
    at = cairn_vm_map(mo, 0, size, 0, CAIRN_PROT_READ | CAIRN_PROT_WRITE, 0);
    pa = cairn_memobj_phys(mo, 0);
    cairn_handle_close(mo); /* the mapping keeps it */
    if (at < 0 || pa < 0) {
        if (at >= 0)
            cairn_vm_unmap((uint64_t)at, size);
        return (int)(at < 0 ? at : pa);
    }
    *virt = (void *)at;
    *phys = (uint64_t)pa;
    return 0;
}

int
blkserve_add_disk(const struct blkserve_disk *d)
{
    struct blkserve_dev *dev;
    uint8_t *buf;
    uint64_t phys;
    long h;
    int err;

    if (bs.ndevs >= BLKSERVE_DISKS_MAX)
        return -CAIRN_EMFILE;
    if (!d->name || strlen(d->name) >= sizeof(dev->name) || !d->ops || !d->ops->submit ||
        !d->ops->service || d->sector_size < 512 || d->sector_size > 4096 ||
        (d->sector_size & (d->sector_size - 1)) || d->sectors == 0 || d->depth == 0 ||
        d->depth > BLKSERVE_DEPTH_MAX || d->max_sectors == 0)
        return -CAIRN_EINVAL;
    dev = &bs.devs[bs.ndevs];
    memset(dev, 0, sizeof(*dev));
    dev->d = *d;
    strcpy(dev->name, d->name);
    dev->d.name = dev->name;
    dev->d.model[PROTO_BLOCK_MODEL_MAX - 1] = 0;
    dev->index = bs.ndevs;
    dev->max_sectors = BLKSERVE_IO_BYTES / d->sector_size;
    if (d->max_sectors < dev->max_sectors)
        dev->max_sectors = d->max_sectors;
    err = blkserve_dma_alloc((uint64_t)d->depth * BLKSERVE_IO_BYTES, 1, (void **)&buf, &phys);
    if (err)
        return err;
    for (uint32_t i = 0; i < d->depth; i++) {
        dev->io[i].buf = buf + (uint64_t)i * BLKSERVE_IO_BYTES;
        dev->io[i].phys = phys + (uint64_t)i * BLKSERVE_IO_BYTES;
        dev->io[i].dev = dev;
    }
    h = cairn_handle_mint(bs.ep, DEVICE_RIGHTS,
                          blkserve_badge_make(BLKSERVE_KIND_DEVICE, dev->index, 0, 0));
    if (h < 0)
        return (int)h; /* the DMA memory stays: a driver that fails here ends */
    err = (int)cairn_registry_register(dev->name, h);
    cairn_handle_close(h); /* the registry holds its copy */
    if (err)
        return err;
    bs.ndevs++;
    return 0;
}

/* ---- Events: interrupts, polling, completions ---- */

static int
poll_wanted(void)
{
    for (uint32_t i = 0; i < bs.ndevs; i++)
        if (bs.devs[i].d.poll && bs.devs[i].inflight)
            return 1;
    return 0;
}

/* Hands bits of the notification to the disks they belong to, and gives
 * polled disks their turn when it is due. */
static void
events_dispatch(uint64_t bits)
{
    uint64_t now = cairn_clock_get();
    int poll_due = now - bs.last_poll >= BLKSERVE_POLL_NS;

    if (poll_due)
        bs.last_poll = now;
    for (uint32_t i = 0; i < bs.ndevs; i++) {
        struct blkserve_dev *dev = &bs.devs[i];

        if (bits & dev->d.irq_bits)
            dev->d.ops->service(dev->d.hw, bits & dev->d.irq_bits);
        else if (poll_due && dev->d.poll && dev->inflight)
            dev->d.ops->service(dev->d.hw, 0);
    }
}

/* Waits for the next event outside the receive (an I/O slot, a sector of
 * our own) and dispatches it. */
static void
events_wait(void)
{
    uint64_t bits = 0;
    long err =
        cairn_notify_wait(bs.notif, poll_wanted() ? BLKSERVE_POLL_NS : CAIRN_WAIT_FOREVER, &bits);

    events_dispatch(err == 0 ? bits : 0);
}

/* A free I/O of dev, waiting for one to complete if all are out. */
static struct blkserve_io *
io_get(struct blkserve_dev *dev)
{
    while (dev->inflight >= dev->d.depth)
        events_wait();
    for (uint32_t i = 0; i < dev->d.depth; i++) {
        if (!dev->io[i].busy) {
            struct blkserve_io *io = &dev->io[i];

            io->busy = 1;
            io->result = 1;
            io->reply = -1;
            io->chan = -1;
            io->hw_tag = 0;
            dev->inflight++;
            return io;
        }
    }
    return NULL; /* not reached: inflight counts the busy ones */
}

/* The one copy between a channel's buffer and an I/O's DMA buffer:
 * to_device for a WRITE before submit, else a READ's data at completion. */
static void
io_bounce(struct blkserve_io *io, int to_device)
{
    struct blkserve_chan *c = &bs.chans[io->chan];
    uint64_t n = (uint64_t)io->count * io->dev->d.sector_size;

    if (to_device)
        memcpy(io->buf, c->buf + io->chan_off, n);
    else
        memcpy(c->buf + io->chan_off, io->buf, n);
}

static void chan_put(struct blkserve_chan *c);

void
blkserve_complete(struct blkserve_io *io, int result)
{
    struct blkserve_chan *c = io->chan >= 0 ? &bs.chans[io->chan] : NULL;

    if (!io->busy || io->result != 1)
        return; /* a backend's second completion: ignored, never a second reply */
    io->result = result > 0 ? -CAIRN_EIO : result;
    if (c && io->op == BLKSERVE_OP_READ && io->result == 0)
        io_bounce(io, 0);
    if (io->reply >= 0) {
        struct cairn_msg m = {{(uint64_t)(int64_t)io->result}, NULL};

        cairn_ipc_reply_to(io->reply, &m); /* a caller gone: nothing to do */
        cairn_handle_close(io->reply);
        io->reply = -1;
    }
    if (c) {
        c->inflight--;
        chan_put(c);
    }
    io->busy = 0;
    io->dev->inflight--;
}

/*
 * Starts io (filled in, taken with io_get) on its device. A refusal by the
 * backend completes it here with the backend's code. io may be completed
 * and reused by the time this returns.
 */
static void
io_submit(struct blkserve_io *io)
{
    struct blkserve_dev *dev = io->dev;
    int err = dev->d.ops->submit(dev->d.hw, io);

    if (err < 0)
        blkserve_complete(io, err);
}

/* lib/part's read function: sectors of the whole disk, through the I/Os,
 * waiting for each. */
static int
part_read(void *ctx, uint64_t lba, uint32_t count, void *out)
{
    struct blkserve_dev *dev = ctx;
    uint8_t *dst = out;

    while (count) {
        struct blkserve_io *io = io_get(dev);
        uint32_t n = count < dev->max_sectors ? count : dev->max_sectors;
        int err;

        io->op = BLKSERVE_OP_READ;
        io->lba = lba;
        io->count = n;
        io_submit(io);
        while (io->result == 1)
            events_wait();
        /* Completed and free, but nobody takes an I/O while we wait here. */
        err = io->result;
        if (err)
            return err;
        memcpy(dst, io->buf, (uint64_t)n * dev->d.sector_size);
        dst += (uint64_t)n * dev->d.sector_size;
        lba += n;
        count -= n;
    }
    return 0;
}

/* ---- Slots ---- */

static void
part_put(struct blkserve_part *p)
{
    if (!p->open && p->channels == 0)
        p->used = 0;
}

/* Frees c once it is closed and idle: unmaps the client's buffer and lets
 * go of its device or partition. */
static void
chan_put(struct blkserve_chan *c)
{
    if (c->open || c->inflight)
        return;
    cairn_vm_unmap((uint64_t)(uintptr_t)c->buf, c->size);
    if (c->part >= 0) {
        bs.parts[c->part].channels--;
        part_put(&bs.parts[c->part]);
    } else {
        c->dev->channels--;
    }
    c->used = 0;
}

/* Resolves the badge of a request or notice to its disk, range and slot:
 * 0, or -CAIRN_EBADF for a badge that names nothing (any more). */
static int
req_resolve(uint64_t badge, struct blkserve_req *rq)
{
    struct blkserve_badge *b = &rq->b;

    if (blkserve_badge_parse(badge, b) || b->disk >= bs.ndevs)
        return -CAIRN_EBADF;
    rq->dev = &bs.devs[b->disk];
    rq->first = 0;
    rq->sectors = rq->dev->d.sectors;
    if (b->kind == BLKSERVE_KIND_DEVICE)
        return b->slot == 0 && b->gen == 0 ? 0 : -CAIRN_EBADF;
    if (b->kind == BLKSERVE_KIND_PARTITION) {
        struct blkserve_part *p = b->slot < BLKSERVE_PARTS_MAX ? &bs.parts[b->slot] : NULL;

        if (!p || !p->used || !p->open || p->gen != b->gen || p->dev != rq->dev)
            return -CAIRN_EBADF;
        rq->part = p;
        rq->first = p->first;
        rq->sectors = p->sectors;
        return 0;
    }
    if (b->slot >= BLKSERVE_CHANNELS_MAX)
        return -CAIRN_EBADF;
    struct blkserve_chan *c = &bs.chans[b->slot];

    if (!c->used || !c->open || c->gen != b->gen || c->dev != rq->dev)
        return -CAIRN_EBADF;
    rq->chan = c;
    rq->part = c->part >= 0 ? &bs.parts[c->part] : NULL;
    rq->first = c->first;
    rq->sectors = c->sectors;
    return 0;
}

/* ---- Requests ---- */

static int
do_info(struct blkserve_req *rq, struct blkserve_rep *rp)
{
    struct blkserve_dev *dev = rq->dev;
    int n;

    rp->w[1] = dev->d.sector_size;
    rp->w[2] = rq->sectors;
    rp->w[3] = dev->d.flags & PROTO_BLOCK_RDONLY;
    rp->w[4] = dev->max_sectors;
    if (rq->part)
        n = snprintf((char *)rep_buf, PROTO_BLOCK_MODEL_MAX, "%s part %u", dev->d.model,
                     (unsigned)rq->part->index);
    else
        n = snprintf((char *)rep_buf, PROTO_BLOCK_MODEL_MAX, "%s", dev->d.model);
    if (n >= PROTO_BLOCK_MODEL_MAX)
        n = PROTO_BLOCK_MODEL_MAX - 1;
    rp->buf = rep_buf;
    rp->len = (uint32_t)n + 1;
    return 0;
}

static int
do_share(struct blkserve_req *rq, struct blkserve_rep *rp)
{
    uint64_t size = rq->w[1];
    uint32_t *count = rq->part ? &rq->part->channels : &rq->dev->channels;
    struct blkserve_chan *c = NULL;
    long at, h;
    int slot;

    rp->w[1] = BLKSERVE_BUF_MAX;
    if (rq->chan)
        return -CAIRN_EPERM;
    if (rq->handle < 0 || size == 0 || size % PAGE || size < rq->dev->d.sector_size ||
        size > BLKSERVE_BUF_MAX)
        return -CAIRN_EINVAL;
    for (slot = 0; slot < BLKSERVE_CHANNELS_MAX && !c; slot++)
        if (!bs.chans[slot].used)
            c = &bs.chans[slot];
    if (!c || *count >= BLKSERVE_CHANNELS_PER)
        return -CAIRN_EMFILE;
    slot = (int)(c - bs.chans);
    at = cairn_buffer_map(rq->handle, size); /* every page entered now */
    if (at < 0)
        return (int)at;
    memset(c, 0, sizeof(*c));
    c->gen = gen_next();
    h = cairn_handle_mint_notify(
        bs.ep, MINTED_RIGHTS,
        blkserve_badge_make(BLKSERVE_KIND_CHANNEL, rq->dev->index, (uint32_t)slot, c->gen));
    if (h < 0) {
        cairn_vm_unmap((uint64_t)at, size);
        return (int)h;
    }
    c->used = c->open = 1;
    c->dev = rq->dev;
    c->part = rq->part ? (int)(rq->part - bs.parts) : -1;
    c->first = rq->first;
    c->sectors = rq->sectors;
    c->buf = (uint8_t *)at;
    c->size = size;
    (*count)++;
    rp->handle = h;
    return 0;
}

/* READ and WRITE: checked, then the caller is saved and the I/O started;
 * blkserve_complete answers. */
static int
do_rw(struct blkserve_req *rq, struct blkserve_rep *rp, enum blkserve_op op)
{
    struct blkserve_chan *c = rq->chan;
    struct blkserve_dev *dev = rq->dev;
    struct blkserve_io *io;
    uint64_t lba;
    long reply;
    int err;

    (void)rp;
    if (!c)
        return -CAIRN_EBADF;
    if (op == BLKSERVE_OP_WRITE && (dev->d.flags & PROTO_BLOCK_RDONLY))
        return -CAIRN_EROFS;
    err = blkserve_check_rw(c->first, c->sectors, dev->d.sector_size, dev->max_sectors, c->size,
                            rq->w[1], rq->w[2], rq->w[3], &lba);
    if (err)
        return err;
    io = io_get(dev); /* may complete other I/Os meanwhile: c stays, it is open */
    reply = cairn_ipc_reply_save();
    if (reply < 0) {
        io->busy = 0;
        dev->inflight--;
        return (int)reply;
    }
    io->op = op;
    io->lba = lba;
    io->count = (uint32_t)rq->w[2];
    io->chan = (int)(c - bs.chans);
    io->chan_off = rq->w[3];
    io->reply = reply;
    c->inflight++;
    if (op == BLKSERVE_OP_WRITE)
        io_bounce(io, 1);
    io_submit(io);
    return DEFERRED;
}

static int
do_read(struct blkserve_req *rq, struct blkserve_rep *rp)
{
    return do_rw(rq, rp, BLKSERVE_OP_READ);
}

static int
do_write(struct blkserve_req *rq, struct blkserve_rep *rp)
{
    return do_rw(rq, rp, BLKSERVE_OP_WRITE);
}

static int
do_flush(struct blkserve_req *rq, struct blkserve_rep *rp)
{
    struct blkserve_io *io = io_get(rq->dev);
    long reply = cairn_ipc_reply_save();

    (void)rp;
    if (reply < 0) {
        io->busy = 0;
        rq->dev->inflight--;
        return (int)reply;
    }
    io->op = BLKSERVE_OP_FLUSH;
    io->lba = 0;
    io->count = 0;
    io->reply = reply;
    io_submit(io);
    return DEFERRED;
}

/* Reads dev's partition table afresh into dev->table: 0, or lib/part's
 * error (-CAIRN_EIO with the reason in dev->table->why). */
static int
table_read(struct blkserve_dev *dev)
{
    int err;

    if (!dev->table && !(dev->table = malloc(sizeof(*dev->table))))
        return -CAIRN_ENOMEM;
    err = part_scan(dev->table, part_read, dev, dev->d.sector_size, dev->d.sectors);
    dev->table_ok = err == 0;
    return err;
}

static int
do_part_list(struct blkserve_req *rq, struct blkserve_rep *rp)
{
    struct blkserve_dev *dev = rq->dev;
    struct proto_block_part *out = (struct proto_block_part *)rep_buf;
    uint64_t cookie = rq->w[1];
    uint32_t n = 0;
    int err;

    if (rq->part || rq->chan)
        return -CAIRN_EPERM;
    if (cookie == 0 || !dev->table_ok) {
        err = table_read(dev);
        if (err == -CAIRN_EIO && dev->table) {
            size_t len = strnlen(dev->table->why, sizeof(dev->table->why) - 1);

            memcpy(rep_buf, dev->table->why, len);
            rep_buf[len] = 0;
            rp->buf = rep_buf;
            rp->len = (uint32_t)len + 1;
        }
        if (err)
            return err;
    }
    for (; cookie < dev->table->count && n < CAIRN_MSG_BUF_MAX / sizeof(*out); cookie++, n++) {
        const struct part_entry *e = &dev->table->entries[cookie];

        memset(&out[n], 0, sizeof(out[n]));
        out[n].first = e->first_lba;
        out[n].sectors = e->sectors;
        memcpy(out[n].guid, e->type_guid, 16);
        memcpy(out[n].unique, e->unique_guid, 16);
        out[n].index = e->index;
        out[n].mbr_type = e->mbr_type;
        out[n].attrs = e->attrs;
        _Static_assert(sizeof(e->name) <= sizeof(out[n].name), "a name fits");
        memcpy(out[n].name, e->name, sizeof(e->name));
    }
    rp->w[0] = n;
    rp->w[1] = cookie;
    rp->w[2] = dev->table->count;
    rp->w[3] = (uint64_t)dev->table->scheme;
    rp->buf = rep_buf;
    rp->len = n * (uint32_t)sizeof(*out);
    return 0;
}

static int
do_part_open(struct blkserve_req *rq, struct blkserve_rep *rp)
{
    struct blkserve_dev *dev = rq->dev;
    const struct part_entry *e = NULL;
    struct blkserve_part *p = NULL;
    long h;
    int err;

    if (rq->part || rq->chan)
        return -CAIRN_EPERM;
    if (!dev->table_ok && (err = table_read(dev)))
        return err;
    for (uint32_t i = 0; i < dev->table->count && !e; i++)
        if (dev->table->entries[i].index == rq->w[1])
            e = &dev->table->entries[i];
    if (!e)
        return -CAIRN_ENOENT;
    for (int i = 0; i < BLKSERVE_PARTS_MAX && !p; i++)
        if (!bs.parts[i].used)
            p = &bs.parts[i];
    if (!p)
        return -CAIRN_EMFILE;
    memset(p, 0, sizeof(*p));
    p->gen = gen_next();
    h = cairn_handle_mint_notify(
        bs.ep, MINTED_RIGHTS,
        blkserve_badge_make(BLKSERVE_KIND_PARTITION, dev->index, (uint32_t)(p - bs.parts), p->gen));
    if (h < 0)
        return (int)h;
    p->used = p->open = 1;
    p->dev = dev;
    p->first = e->first_lba;
    p->sectors = e->sectors;
    p->index = e->index;
    rp->handle = h;
    return 0;
}

/* CLOSE and a close notice alike: the handle is let go. */
static int
handle_end(struct blkserve_req *rq)
{
    if (rq->chan) {
        rq->chan->open = 0;
        chan_put(rq->chan);
        return 0;
    }
    if (rq->part) {
        rq->part->open = 0;
        part_put(rq->part);
        return 0;
    }
    return -CAIRN_EPERM; /* the device handle is the registration's */
}

static int
do_close(struct blkserve_req *rq, struct blkserve_rep *rp)
{
    (void)rp;
    return handle_end(rq);
}

static const struct {
    uint64_t op;
    int (*fn)(struct blkserve_req *rq, struct blkserve_rep *rp);
} blkserve_table[] = {
    {PROTO_BLOCK_INFO, do_info},           {PROTO_BLOCK_SHARE, do_share},
    {PROTO_BLOCK_READ, do_read},           {PROTO_BLOCK_WRITE, do_write},
    {PROTO_BLOCK_FLUSH, do_flush},         {PROTO_BLOCK_PART_LIST, do_part_list},
    {PROTO_BLOCK_PART_OPEN, do_part_open}, {PROTO_BLOCK_CLOSE, do_close},
};

/* One request: resolved, dispatched, answered unless deferred. */
static void
request(struct blkserve_req *rq, uint64_t badge)
{
    struct blkserve_rep rp = {{0}, NULL, 0, -1};
    int err = -CAIRN_ENOSYS;

    for (size_t i = 0; i < sizeof(blkserve_table) / sizeof(blkserve_table[0]); i++) {
        if (blkserve_table[i].op != rq->w[0])
            continue;
        err = req_resolve(badge, rq);
        if (!err && rq->handle >= 0 && rq->w[0] != PROTO_BLOCK_SHARE)
            err = -CAIRN_EINVAL; /* handles only where the request takes one */
        if (!err)
            err = blkserve_table[i].fn(rq, &rp);
        break;
    }
    if (rq->handle >= 0)
        cairn_handle_close(rq->handle); /* mapped by now, or refused */
    if (err == DEFERRED)
        return;

    struct cairn_msg_ext ext;
    struct cairn_msg m = {{0}, &ext};

    memset(&ext, 0, sizeof(ext));
    memcpy(m.w, rp.w, sizeof(m.w));
    if (err < 0)
        m.w[0] = (uint64_t)(int64_t)err; /* else rp.w[0]: 0, or PART_LIST's count */
    ext.send_buf = (uint64_t)(uintptr_t)rp.buf;
    ext.send_len = rp.len;
    if (rp.handle >= 0) {
        ext.send_nhandles = 1;
        ext.send_handles[0] = (struct cairn_msg_handle){(int32_t)rp.handle, CAIRN_RIGHTS_SAME,
                                                        CAIRN_MSG_HANDLE_MOVE, 0};
    }
    /* A caller gone takes a handle with it: its close notice frees the slot. */
    if (cairn_ipc_reply(&m) < 0 && rp.handle >= 0 && err == 0)
        cairn_handle_close(rp.handle);
}

int
blkserve_run(void)
{
    for (;;) {
        struct cairn_msg_ext ext;
        struct cairn_msg msg = {{0}, &ext};
        struct blkserve_req rq;
        uint64_t badge = 0;
        long err;

        memset(&ext, 0, sizeof(ext));
        err = cairn_ipc_recv(bs.ep, &msg, poll_wanted() ? BLKSERVE_POLL_NS : CAIRN_WAIT_FOREVER,
                             &badge);
        if (err == -CAIRN_ETIMEDOUT || err == CAIRN_IPC_NOTIFIED) {
            events_dispatch(err == CAIRN_IPC_NOTIFIED ? badge : 0);
            continue;
        }
        if (err < 0)
            return (int)err;
        if (poll_wanted())
            events_dispatch(0); /* a busy endpoint must not starve a polled disk */
        memset(&rq, 0, sizeof(rq));
        if (err == CAIRN_IPC_CLOSED) {
            if (req_resolve(badge, &rq) == 0)
                handle_end(&rq); /* a stale badge (closed already) names nothing */
            continue;
        }
        memcpy(rq.w, msg.w, sizeof(rq.w));
        rq.handle = ext.recv_nhandles ? ext.recv_handles[0] : -1;
        for (uint32_t i = 1; i < ext.recv_nhandles && i < CAIRN_MSG_HANDLES; i++)
            cairn_handle_close(ext.recv_handles[i]);
        request(&rq, badge);
    }
}
