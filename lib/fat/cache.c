// SPDX-License-Identifier: MIT
/*
 * The ordered write-back sector cache (cache.h).
 *
 * Invariants: a buffer holds at most one sector and no two buffers hold
 * the same one; a dirty buffer's epoch is at most c->epoch; c->unflushed is
 * the highest epoch of a write since the last device flush (0 for none).
 * The rule of cache.h is kept in one place, cache_write_out(): before a
 * sector of epoch e is written, every dirty buffer of an earlier epoch is
 * written (oldest epoch first) and, if anything earlier than e was written
 * since the last flush, the device is flushed.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>

#include "cache.h"

#define NO_SECTOR UINT64_MAX

int
fat_cache_init(struct fat_cache *c, fat_read_fn read, fat_write_fn write, fat_flush_fn flush,
               void *ctx, uint64_t dev_sectors, struct fat_cache_buf *bufs, uint32_t nbufs)
{
    if (!read || !write || !flush || !bufs || nbufs < FAT_CACHE_MIN)
        return -CAIRN_EINVAL;
    memset(c, 0, sizeof(*c));
    c->read = read;
    c->write = write;
    c->flush = flush;
    c->ctx = ctx;
    c->dev_sectors = dev_sectors;
    c->bufs = bufs;
    c->nbufs = nbufs;
    c->epoch = 1;
    for (uint32_t i = 0; i < nbufs; i++) {
        bufs[i].sector = NO_SECTOR;
        bufs[i].dirty = 0;
        bufs[i].used = 0;
        bufs[i].hnext = FAT_CACHE_NONE;
    }
    for (uint32_t i = 0; i < FAT_CACHE_HASH; i++)
        c->hash[i] = FAT_CACHE_NONE;
    return 0;
}

/* The oldest epoch with a dirty buffer, or 0 when nothing is dirty. */
static uint64_t
cache_oldest(const struct fat_cache *c)
{
    uint64_t e = 0;

    for (uint32_t i = 0; i < c->nbufs; i++)
        if (c->bufs[i].dirty && (e == 0 || c->bufs[i].epoch < e))
            e = c->bufs[i].epoch;
    return e;
}

static int
cache_flush(struct fat_cache *c)
{
    int r = c->flush(c->ctx);

    if (r < 0)
        return r;
    c->flushes++;
    c->unflushed = 0;
    return 0;
}

/* Makes writing a sector of epoch e legal: the flush the rule asks for
 * when something older than e was written since the last one. The caller
 * has already written every dirty buffer older than e. */
static int
cache_ready_for(struct fat_cache *c, uint64_t e)
{
    if (c->unflushed != 0 && c->unflushed < e)
        return cache_flush(c);
    return 0;
}

/* Writes every dirty buffer of the oldest dirty epoch, in sector order. */
static int
cache_write_oldest(struct fat_cache *c)
{
    uint64_t e = cache_oldest(c), last = 0;
    int r, first = 1;

    if (e == 0)
        return 0;
    r = cache_ready_for(c, e);
    if (r < 0)
        return r;
    for (;;) {
        struct fat_cache_buf *next = NULL;

        /* The lowest sector above the last one written, for a sequential
         * pattern on the device. */
        for (uint32_t i = 0; i < c->nbufs; i++) {
            struct fat_cache_buf *b = &c->bufs[i];

            if (b->dirty && b->epoch == e && (first || b->sector > last) &&
                (!next || b->sector < next->sector))
                next = b;
        }
        if (!next)
            return 0;
        r = c->write(c->ctx, next->sector, 1, next->data);
        if (r < 0)
            return r; /* it stays dirty, and so does everything after it */
        c->writes++;
        next->dirty = 0;
        c->ndirty--;
        if (c->unflushed < e)
            c->unflushed = e;
        if (c->written_max < e)
            c->written_max = e;
        last = next->sector;
        first = 0;
    }
}

/* Writes every dirty buffer of epochs up to `upto`, oldest first. */
static int
cache_write_upto(struct fat_cache *c, uint64_t upto)
{
    for (;;) {
        uint64_t e = cache_oldest(c);
        int r;

        if (e == 0 || e > upto)
            return 0;
        r = cache_write_oldest(c);
        if (r < 0)
            return r;
    }
}

static uint32_t
cache_bucket(uint64_t sector)
{
    return (uint32_t)((sector ^ sector >> 9) % FAT_CACHE_HASH);
}

static struct fat_cache_buf *
cache_find(struct fat_cache *c, uint64_t sector)
{
    /* Directory scans and FAT walks stay in one sector for a while. */
    if (c->last < c->nbufs && c->bufs[c->last].sector == sector)
        return &c->bufs[c->last];
    for (uint32_t i = c->hash[cache_bucket(sector)]; i != FAT_CACHE_NONE; i = c->bufs[i].hnext) {
        if (c->bufs[i].sector == sector) {
            c->last = i;
            return &c->bufs[i];
        }
    }
    return NULL;
}

/* Buffer b takes sector (NO_SECTOR: none), leaving its old bucket. */
static void
cache_assign(struct fat_cache *c, struct fat_cache_buf *b, uint64_t sector)
{
    uint32_t me = (uint32_t)(b - c->bufs);

    if (b->sector != NO_SECTOR) {
        uint32_t *pp = &c->hash[cache_bucket(b->sector)];

        while (*pp != FAT_CACHE_NONE && *pp != me)
            pp = &c->bufs[*pp].hnext;
        if (*pp == me)
            *pp = b->hnext;
    }
    b->sector = sector;
    b->hnext = FAT_CACHE_NONE;
    if (sector != NO_SECTOR) {
        uint32_t *head = &c->hash[cache_bucket(sector)];

        b->hnext = *head;
        *head = me;
    }
}

/* A buffer to reuse: the least recently used clean one, after writing the
 * oldest epoch (as often as needed) when every buffer is dirty. */
static int
cache_victim(struct fat_cache *c, struct fat_cache_buf **out)
{
    for (;;) {
        struct fat_cache_buf *v = NULL;
        int r;

        for (uint32_t i = 0; i < c->nbufs; i++) {
            struct fat_cache_buf *b = &c->bufs[i];

            if (!b->dirty &&
                (!v || b->sector == NO_SECTOR || (v->sector != NO_SECTOR && b->used < v->used)))
                v = b;
        }
        if (v) {
            *out = v;
            return 0;
        }
        r = cache_write_oldest(c);
        if (r < 0)
            return r;
    }
}

static int
cache_get(struct fat_cache *c, uint64_t sector, int fill, struct fat_cache_buf **out)
{
    struct fat_cache_buf *b;
    int r;

    if (sector >= c->dev_sectors)
        return -CAIRN_ERANGE;
    b = cache_find(c, sector);
    if (!b) {
        r = cache_victim(c, &b);
        if (r < 0)
            return r;
        cache_assign(c, b, NO_SECTOR);
        if (fill) {
            memset(b->data, 0, sizeof(b->data));
        } else {
            r = c->read(c->ctx, sector, 1, b->data);
            if (r < 0)
                return r;
            c->reads++;
        }
        cache_assign(c, b, sector);
    }
    b->used = ++c->tick;
    *out = b;
    return 0;
}

int
fat_cache_read(struct fat_cache *c, uint64_t sector, const uint8_t **data)
{
    struct fat_cache_buf *b;
    int r = cache_get(c, sector, 0, &b);

    if (r < 0)
        return r;
    *data = b->data;
    return 0;
}

int
fat_cache_modify_at(struct fat_cache *c, uint64_t sector, int fill, uint64_t epoch, uint8_t **data)
{
    struct fat_cache_buf *b;
    int r;

    if (epoch > c->epoch || epoch == 0)
        return -CAIRN_EINVAL;
    if (c->written_max > epoch)
        return -CAIRN_EAGAIN;
    r = cache_get(c, sector, fill, &b);
    if (r < 0)
        return r;
    /* Getting the buffer may have written an epoch to make room. */
    if (c->written_max > epoch || (b->dirty && b->epoch > epoch))
        return -CAIRN_EAGAIN;
    if (b->dirty && b->epoch < epoch) {
        /* Its older change must reach the disk before the newer one can:
         * write that epoch and all before it. The buffer stays put (it is
         * dirty, so no victim search took it). */
        r = cache_write_upto(c, b->epoch);
        if (r < 0)
            return r;
    }
    if (!b->dirty) {
        b->dirty = 1;
        b->epoch = epoch;
        c->ndirty++;
    }
    *data = b->data;
    return 0;
}

int
fat_cache_modify(struct fat_cache *c, uint64_t sector, int fill, uint8_t **data)
{
    return fat_cache_modify_at(c, sector, fill, c->epoch, data);
}

int
fat_cache_read_many(struct fat_cache *c, uint64_t sector, uint32_t count, void *buf)
{
    uint8_t *out = buf;
    uint32_t i = 0;

    if (sector >= c->dev_sectors || count > c->dev_sectors - sector)
        return -CAIRN_ERANGE;
    while (i < count) {
        struct fat_cache_buf *b = cache_find(c, sector + i);
        uint32_t run = 0;
        int r;

        if (b) {
            memcpy(out + (size_t)i * FAT_CACHE_SECTOR, b->data, FAT_CACHE_SECTOR);
            i++;
            continue;
        }
        while (i + run < count && !cache_find(c, sector + i + run))
            run++;
        r = c->read(c->ctx, sector + i, run, out + (size_t)i * FAT_CACHE_SECTOR);
        if (r < 0)
            return r;
        c->reads++;
        i += run;
    }
    return 0;
}

int
fat_cache_write_many_at(struct fat_cache *c, uint64_t sector, uint32_t count, const void *buf,
                        uint64_t epoch)
{
    const uint8_t *in = buf;
    int r;

    if (sector >= c->dev_sectors || count > c->dev_sectors - sector)
        return -CAIRN_ERANGE;
    if (epoch > c->epoch || epoch == 0)
        return -CAIRN_EINVAL;
    if (c->written_max > epoch)
        return -CAIRN_EAGAIN;
    for (uint32_t i = 0; i < c->nbufs; i++) {
        struct fat_cache_buf *b = &c->bufs[i];

        /* A later change to one of these sectors would be overtaken. */
        if (b->dirty && b->epoch > epoch && b->sector >= sector && b->sector - sector < count)
            return -CAIRN_EAGAIN;
    }
    r = cache_write_upto(c, epoch - 1);
    if (r == 0)
        r = cache_ready_for(c, epoch);
    if (r < 0)
        return r;
    r = c->write(c->ctx, sector, count, buf);
    if (r < 0)
        return r;
    c->writes++;
    if (c->unflushed < epoch)
        c->unflushed = epoch;
    if (c->written_max < epoch)
        c->written_max = epoch;
    /* Cached copies take the new bytes; a dirty one (of this epoch, as
     * older ones were written above and later ones refused) is now clean. */
    for (uint32_t i = 0; i < c->nbufs; i++) {
        struct fat_cache_buf *b = &c->bufs[i];

        if (b->sector != NO_SECTOR && b->sector >= sector && b->sector - sector < count) {
            memcpy(b->data, in + (size_t)(b->sector - sector) * FAT_CACHE_SECTOR, FAT_CACHE_SECTOR);
            if (b->dirty) {
                b->dirty = 0;
                c->ndirty--;
            }
        }
    }
    return 0;
}

int
fat_cache_write_many(struct fat_cache *c, uint64_t sector, uint32_t count, const void *buf)
{
    return fat_cache_write_many_at(c, sector, count, buf, c->epoch);
}

void
fat_cache_barrier(struct fat_cache *c)
{
    /* Always a new number: an empty epoch is free (nothing to write, so
     * no flush for it), and the caller may rely on epochs it saw being
     * distinct. */
    c->epoch++;
}

int
fat_cache_sync(struct fat_cache *c)
{
    int r = cache_write_upto(c, UINT64_MAX);

    if (r == 0 && c->unflushed != 0)
        r = cache_flush(c);
    return r;
}

void
fat_cache_drop(struct fat_cache *c)
{
    for (uint32_t i = 0; i < c->nbufs; i++) {
        c->bufs[i].sector = NO_SECTOR;
        c->bufs[i].dirty = 0;
        c->bufs[i].hnext = FAT_CACHE_NONE;
    }
    for (uint32_t i = 0; i < FAT_CACHE_HASH; i++)
        c->hash[i] = FAT_CACHE_NONE;
    c->ndirty = 0;
}
