/* SPDX-License-Identifier: MIT */
/*
 * A write-back cache of 512-byte device sectors with ordered write-back, for
 * the FAT file system's write side (fat.h) and any other user that needs
 * "these sectors reach the disk before those". Pure C: no system calls, no
 * allocation; the buffers are the caller's array, the device is the
 * caller's read, write and flush functions.
 *
 * Ordering by epochs. The cache has a current epoch; a sector changed
 * through fat_cache_modify() becomes dirty in the current epoch, and
 * fat_cache_barrier() starts a new one. The one rule: no sector of epoch e
 * is written to the device before every dirty sector of every epoch before
 * e is written and a device flush has followed the last of those writes.
 * Sectors of the same epoch go out in any order. Every write-back keeps to
 * the rule: making room in a full cache, fat_cache_sync(), and changing a
 * sector that is still dirty from an earlier epoch (which first writes that
 * epoch and all before it, so the sector's older change is on the disk
 * before its newer one can be).
 *
 * Errors: the device's own negative CAIRN_E* code is returned unchanged. A
 * failed write leaves its sector dirty (and everything of later epochs), so
 * nothing is lost and a later sync tries again; a failed read leaves no
 * buffer claiming the sector.
 *
 * Pointers handed out by fat_cache_read() and fat_cache_modify() are valid
 * until the next call into the cache: hold positions, not pointers.
 * Not thread-safe: one caller at a time (the file server's lock).
 */
#ifndef CAIRN_LIB_FAT_CACHE_H
#define CAIRN_LIB_FAT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define FAT_CACHE_SECTOR 512u /* the device's sector, the cache's unit */
#define FAT_CACHE_MIN    8u   /* fewest buffers fat_cache_init accepts */
#define FAT_CACHE_HASH   512u /* buckets of the sector lookup */
#define FAT_CACHE_NONE   0xFFFFFFFFu

/* Reads count 512-byte sectors from sector on into buf; 0 or a negative CAIRN_E* code. */
typedef int (*fat_read_fn)(void *ctx, uint64_t sector, uint32_t count, void *buf);
/* Writes count 512-byte sectors from buf at sector; 0 or a negative CAIRN_E* code. */
typedef int (*fat_write_fn)(void *ctx, uint64_t sector, uint32_t count, const void *buf);
/* Makes every write completed so far durable (a device cache flush); 0 or an error. */
typedef int (*fat_flush_fn)(void *ctx);

/* One buffer. The caller allocates an array of them and never touches them. */
struct fat_cache_buf {
    uint64_t sector; /* the device sector held, or UINT64_MAX for none */
    uint64_t epoch;  /* dirty: the epoch of its oldest unwritten change */
    uint64_t used;   /* last use, for least-recently-used replacement */
    uint32_t dirty;
    uint32_t hnext; /* the next buffer in its hash bucket, or FAT_CACHE_NONE */
    uint8_t data[FAT_CACHE_SECTOR];
};

struct fat_cache {
    fat_read_fn read;
    fat_write_fn write;
    fat_flush_fn flush;
    void *ctx;
    uint64_t dev_sectors; /* the device's size: no access past it is made */

    struct fat_cache_buf *bufs;
    uint32_t nbufs;
    uint32_t ndirty;
    uint32_t last; /* the buffer found last: tried first */
    uint32_t pad;
    uint32_t hash[FAT_CACHE_HASH]; /* first buffer of each bucket, or FAT_CACHE_NONE */

    uint64_t epoch;       /* the current epoch (starts at 1) */
    uint64_t unflushed;   /* the highest epoch written since the last flush; 0: none */
    uint64_t written_max; /* the highest epoch any write has been of */
    uint64_t tick;

    /* Counters, for tests and statistics. */
    uint64_t reads, writes, flushes;
};

/*
 * Sets c up over the device (dev_sectors 512-byte sectors) with the
 * caller's nbufs buffers (at least FAT_CACHE_MIN; their contents are
 * ignored). -CAIRN_EINVAL for too few buffers or a missing function.
 */
int fat_cache_init(struct fat_cache *c, fat_read_fn read, fat_write_fn write, fat_flush_fn flush,
                   void *ctx, uint64_t dev_sectors, struct fat_cache_buf *bufs, uint32_t nbufs);

/* Device sector `sector` for reading: 0 with *data pointing at its 512
 * bytes (valid until the next cache call), or an error. -CAIRN_ERANGE past
 * the device. */
int fat_cache_read(struct fat_cache *c, uint64_t sector, const uint8_t **data);

/* Device sector `sector` for changing: as fat_cache_read, and the sector
 * is dirty in the current epoch once this returns 0. With fill == 0 the
 * old contents are read first; with fill != 0 the caller overwrites all
 * 512 bytes and the buffer is zeroed instead of read. */
int fat_cache_modify(struct fat_cache *c, uint64_t sector, int fill, uint8_t **data);

/*
 * fat_cache_modify for a change that belongs to an earlier epoch (at most
 * the current one): allowed while no sector of an epoch after it has been
 * written and the sector is not dirty in a later one; else -CAIRN_EAGAIN
 * and nothing changed. For a caller that knows the change may go with
 * that epoch's others (a file's next write with its previous one's).
 */
int fat_cache_modify_at(struct fat_cache *c, uint64_t sector, int fill, uint64_t epoch,
                        uint8_t **data);

/* Reads count sectors into buf: cached copies (dirty ones included) where
 * the cache holds them, the device for the rest, without filling the
 * cache. For large reads. */
int fat_cache_read_many(struct fat_cache *c, uint64_t sector, uint32_t count, void *buf);

/* Writes count sectors from buf straight to the device as changes of the
 * current epoch (after writing and flushing every earlier epoch, as the
 * rule says), keeping cached copies of them equal. For large writes. */
int fat_cache_write_many(struct fat_cache *c, uint64_t sector, uint32_t count, const void *buf);

/* fat_cache_write_many as a change of an earlier epoch, on the terms of
 * fat_cache_modify_at (-CAIRN_EAGAIN when they are not met). */
int fat_cache_write_many_at(struct fat_cache *c, uint64_t sector, uint32_t count, const void *buf,
                            uint64_t epoch);

/* Starts a new epoch: every change after this reaches the disk after every
 * change before it. An epoch with nothing in it costs nothing. */
void fat_cache_barrier(struct fat_cache *c);

/* Writes every dirty sector, epoch by epoch with a flush after each, and
 * flushes: 0 when all of it is on the disk, or the first error. */
int fat_cache_sync(struct fat_cache *c);

/* Forgets every sector, dirty or not (after a failure the caller gives
 * up on, or to read the device afresh). */
void fat_cache_drop(struct fat_cache *c);

#endif
