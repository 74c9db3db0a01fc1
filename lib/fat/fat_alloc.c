// SPDX-License-Identifier: MIT
/*
 * The FAT's write side (fat.h): mounting for writing, FAT entries in every
 * copy, the "clean shutdown" bit, cluster allocation and freeing, file
 * writes and truncation, the list of open files, sync and free space.
 *
 * Ordering (docs/fat.md): a call's changes are grouped into epochs of the
 * sector cache, each reaching the disk whole before the next starts to:
 * data (and freshly zeroed directory clusters) first, then the FAT entries
 * that make those clusters part of a chain, then the directory entry that
 * points at the chain or grows the size over it. Shrinking goes the other
 * way: the directory entry first, then the FAT entries freed. So at every
 * cut the disk's directory entries point only at allocated chains of
 * written data; the worst left behind is an allocated chain nothing points
 * at (lost clusters) or one longer than its file's size.
 *
 * Invariants: free_count is the number of FAT entries that are 0 among
 * the clusters 2..clusters+1, minus none (it is changed exactly where an
 * entry goes from or to 0); clusters found by fat_alloc_one but not yet
 * linked are counted in vol->pending so that one call never gets the
 * same free cluster twice.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>
#include <common/bytes.h>

#include "fat_int.h"

#define CHUNK 64 /* clusters found, written and linked at a time */

uint64_t
fat_cluster_dev(const struct fat_vol *vol, uint32_t c)
{
    return fat_cluster_sector(vol, c) * vol->dev_per_sector;
}

void
fat_barrier(struct fat_vol *vol)
{
    fat_cache_barrier(vol->cache);
}

/* Stops sharing the last write's epochs: what comes now goes after all of it. */
static void
fat_share_stop(struct fat_vol *vol)
{
    vol->at_epoch = 0;
    vol->share_file = NULL;
    fat_barrier(vol);
    vol->share_ep[vol->phase] = vol->cache->epoch;
}

/* A sector to change, in the epoch of the phase when sharing, else the
 * current one. A refused share ends sharing for the rest of the call. */
int
fat_modify(struct fat_vol *vol, uint64_t sector, int fill, uint8_t **data)
{
    if (vol->at_epoch) {
        int r = fat_cache_modify_at(vol->cache, sector, fill, vol->at_epoch, data);

        if (r != -CAIRN_EAGAIN)
            return r;
        fat_share_stop(vol);
    }
    return fat_cache_modify(vol->cache, sector, fill, data);
}

/* A file write's phases, each an epoch: the data; the new clusters' own
 * FAT entries (a finished chain nothing points at yet); the link from the
 * file's old end (or its entry's first cluster) to that chain; the entry. */
enum {
    PHASE_DATA,
    PHASE_CHAIN,
    PHASE_LINK,
    PHASE_ENTRY
};

/* The next phase of a file write: its epoch when sharing, else a new epoch
 * (recorded, so that the file's next write can share it). */
static void
fat_phase(struct fat_vol *vol, int phase)
{
    if (vol->phase == phase)
        return;
    vol->phase = phase;
    if (vol->at_epoch) {
        vol->at_epoch = vol->share_ep[phase];
        return;
    }
    fat_barrier(vol);
    vol->share_ep[phase] = vol->cache->epoch;
}

/* Stores value in entry n (any n, 0 and 1 included) of FAT copy k. */
static int
fat_put_copy(struct fat_vol *vol, uint32_t k, uint32_t n, uint32_t value)
{
    uint64_t off = fat_entry_offset(vol, n), base = fat_copy_dev(vol, k);
    uint32_t at = (uint32_t)(off % FAT_DEV_SECTOR);
    uint8_t *s;
    int r;

    r = fat_modify(vol, base + off / FAT_DEV_SECTOR, 0, &s);
    if (r < 0)
        return r;
    if (vol->type == FAT16) {
        bytes_wr16(s + at, (uint16_t)value);
    } else if (vol->type == FAT32) {
        /* The upper 4 bits are reserved: kept as they are. */
        uint32_t old = bytes_rd32(s + at);

        bytes_wr32(s + at, (old & 0xF0000000u) | (value & 0x0FFFFFFFu));
    } else {
        /* 12 bits: the low nibble of the second byte for an odd entry's
         * first byte, the high nibble for an even entry's second. */
        uint8_t lo, hi;

        if (n & 1) {
            s[at] = (uint8_t)((s[at] & 0x0F) | (value << 4 & 0xF0));
            hi = (uint8_t)(value >> 4);
            lo = 0xFF; /* the whole second byte is ours */
        } else {
            s[at] = (uint8_t)value;
            hi = (uint8_t)(value >> 8 & 0x0F);
            lo = 0x0F; /* only its low nibble */
        }
        if (at + 1 < FAT_DEV_SECTOR) {
            s[at + 1] = (uint8_t)((s[at + 1] & ~lo) | (hi & lo));
        } else {
            r = fat_modify(vol, base + off / FAT_DEV_SECTOR + 1, 0, &s);
            if (r < 0)
                return r;
            s[0] = (uint8_t)((s[0] & ~lo) | (hi & lo));
        }
    }
    return 0;
}

/* Entry n in every FAT copy (only the active one when FAT32 mirroring is off). */
static int
fat_put(struct fat_vol *vol, uint32_t n, uint32_t value)
{
    uint32_t k0 = 0, k1 = vol->num_fats;
    int r;

    if (vol->mirror_off) {
        k0 = vol->active_fat;
        k1 = k0 + 1;
    }
    for (uint32_t k = k0; k < k1; k++) {
        r = fat_put_copy(vol, k, n, value);
        if (r < 0)
            return r;
    }
    return 0;
}

int
fat_set_entry(struct fat_vol *vol, uint32_t n, uint32_t value)
{
    if (n < 2 || n > vol->clusters + 1)
        return fat_damaged(vol, "cluster number out of range");
    return fat_put(vol, n, value);
}

/* The clean-shutdown bit of entry 1: FAT16 bit 15, FAT32 bit 27; FAT12 has none. */
static uint32_t
fat_clean_bit(const struct fat_vol *vol)
{
    return vol->type == FAT16 ? 0x8000u : vol->type == FAT32 ? 0x08000000u : 0;
}

static int
fat_mark(struct fat_vol *vol, int clean)
{
    uint32_t v, bit = fat_clean_bit(vol);
    const uint8_t *s;
    uint64_t off = fat_entry_offset(vol, 1);
    int r;

    if (bit == 0)
        return 0;
    r = fat_dev_sector(vol, fat_copy_dev(vol, vol->active_fat) + off / FAT_DEV_SECTOR, 1, &s);
    if (r < 0)
        return r;
    v = vol->type == FAT16 ? bytes_rd16(s + off % FAT_DEV_SECTOR)
                           : bytes_rd32(s + off % FAT_DEV_SECTOR) & 0x0FFFFFFF;
    if (((v & bit) != 0) == clean)
        return 0;
    return fat_put(vol, 1, clean ? v | bit : v & ~bit);
}

/* Starts a changing call: -CAIRN_EROFS unless writable; the first change
 * after a sync first clears the clean bit, in an epoch of its own. */
int
fat_begin(struct fat_vol *vol)
{
    int r;

    if (!vol->writable)
        return -CAIRN_EROFS;
    vol->at_epoch = 0;
    vol->share_file = NULL;
    fat_barrier(vol);
    if (vol->marked_clean) {
        r = fat_mark(vol, 0);
        if (r < 0)
            return r;
        vol->marked_clean = 0;
        fat_barrier(vol);
    }
    vol->pending = 0;
    vol->phase = PHASE_DATA;
    vol->share_ep[PHASE_DATA] = vol->cache->epoch;
    return 0;
}

/*
 * A FAT12 entry whose 12 bits straddle two device sectors: a power cut
 * between the two sectors' writes would leave a value that is neither the
 * old nor the new one. lib/fat never allocates these clusters (about a
 * dozen on a FAT12 volume, left out of the free count too), so its own
 * chains and directories never hold one; changing the link of one that
 * another system allocated is done in two halves like any other.
 */
static int
fat_unusable(const struct fat_vol *vol, uint32_t n)
{
    return vol->type == FAT12 && (n + n / 2) % FAT_DEV_SECTOR == FAT_DEV_SECTOR - 1;
}

int
fat_alloc_one(struct fat_vol *vol, uint32_t *out)
{
    uint32_t c = vol->next_free, v;
    int r;

    if (vol->pending >= vol->free_count)
        return -CAIRN_ENOSPC;
    if (c < 2 || c > vol->clusters + 1)
        c = 2;
    for (uint32_t i = 0; i < vol->clusters; i++) {
        r = fat_entry(vol, c, &v);
        if (r < 0)
            return r;
        if (v == 0 && !fat_unusable(vol, c)) {
            *out = c;
            vol->pending++;
            vol->next_free = c + 1 > vol->clusters + 1 ? 2 : c + 1;
            vol->fsinfo_dirty = 1;
            return 0;
        }
        c = c + 1 > vol->clusters + 1 ? 2 : c + 1;
    }
    /* The count said there was one: the count was wrong. */
    vol->free_count = vol->pending;
    return -CAIRN_ENOSPC;
}

int
fat_free_chain(struct fat_vol *vol, uint32_t first)
{
    uint32_t c = first, len = 0;
    int r;

    if (first == 0)
        return 0;
    /* Checked whole before anything is freed: a damaged chain may run into
     * another file's clusters, and freeing those would cross-link. */
    r = fat_chain_check(vol, first, &len);
    if (r < 0)
        return r;
    for (uint32_t i = 0; i < len; i++) {
        uint32_t next = 0;

        if (i + 1 < len) {
            r = fat_next(vol, c, &next);
            if (r <= 0)
                return r < 0 ? r : fat_damaged(vol, "a chain changed while freed");
        }
        r = fat_set_entry(vol, c, 0);
        if (r < 0)
            return r;
        vol->free_count += !fat_unusable(vol, c);
        vol->fsinfo_dirty = 1;
        c = next;
    }
    return 0;
}

int
fat_zero_cluster(struct fat_vol *vol, uint32_t c)
{
    uint64_t s = fat_cluster_dev(vol, c);
    uint32_t n = vol->cluster_bytes / FAT_DEV_SECTOR;
    uint8_t *p;
    int r;

    for (uint32_t i = 0; i < n; i++) {
        r = fat_cache_modify(vol->cache, s + i, 1, &p);
        if (r < 0)
            return r;
        memset(p, 0, FAT_DEV_SECTOR);
    }
    return 0;
}

/* --- mount, sync, statfs --------------------------------------------------------------- */

/* Counts the free clusters by reading the FAT whole. */
static int
fat_count_free(struct fat_vol *vol)
{
    uint32_t n = 0, v;
    int r;

    for (uint32_t c = 2; c <= vol->clusters + 1; c++) {
        r = fat_entry(vol, c, &v);
        if (r < 0)
            return r;
        if (v == 0 && !fat_unusable(vol, c))
            n++;
    }
    vol->free_count = n;
    return 0;
}

int
fat_mount_rw(struct fat_vol *vol, struct fat_cache *cache, uint64_t dev_sectors)
{
    int r = fat_mount(vol, cache->read, cache->ctx, dev_sectors);

    if (r < 0)
        return r;
    vol->cache = cache;
    r = fat_count_free(vol);
    if (r < 0)
        goto err;
    vol->next_free = vol->next_free_hint != FAT_HINT_UNKNOWN ? vol->next_free_hint : 2;
    vol->fsinfo_dirty = vol->type == FAT32 && vol->free_hint != vol->free_count;
    /* The clean bit cleared on the disk before any other change. */
    vol->writable = 1;
    r = fat_mark(vol, 0);
    if (r == 0)
        r = fat_cache_sync(cache);
    if (r < 0)
        goto err;
    return 0;
err:
    vol->writable = 0;
    vol->cache = NULL;
    fat_cache_drop(cache);
    return r;
}

/* FSInfo's free count and next-free hint. */
static int
fat_write_fsinfo(struct fat_vol *vol)
{
    uint64_t s = (uint64_t)vol->fsinfo_sector * vol->dev_per_sector;
    uint8_t *p;
    int r;

    if (vol->type != FAT32 || vol->fsinfo_sector == 0 || !vol->fsinfo_dirty)
        return 0;
    r = fat_cache_modify(vol->cache, s, 0, &p);
    if (r < 0)
        return r;
    /* Only a sector that is an FSInfo sector is written. */
    if (bytes_rd32(p) == 0x41615252 && bytes_rd32(p + 484) == 0x61417272 &&
        bytes_rd32(p + 508) == 0xAA550000) {
        bytes_wr32(p + 488, vol->free_count);
        bytes_wr32(p + 492, vol->next_free);
    }
    vol->fsinfo_dirty = 0;
    return 0;
}

int
fat_sync(struct fat_vol *vol)
{
    int r;

    if (!vol->writable)
        return -CAIRN_EROFS;
    /* Everything so far, then FSInfo in an epoch after it, then the clean
     * bit once all of that is on the disk. */
    fat_barrier(vol);
    r = fat_write_fsinfo(vol);
    if (r == 0)
        r = fat_cache_sync(vol->cache);
    if (r < 0) {
        vol->fsinfo_dirty = 1;
        return r;
    }
    if (!vol->marked_clean) {
        fat_barrier(vol);
        r = fat_mark(vol, 1);
        if (r == 0)
            r = fat_cache_sync(vol->cache);
        if (r < 0)
            return r;
        vol->marked_clean = 1;
    }
    return 0;
}

int
fat_statfs(struct fat_vol *vol, struct fat_statfs *st)
{
    st->cluster_bytes = vol->cluster_bytes;
    st->clusters = vol->clusters;
    st->free = vol->writable ? vol->free_count : vol->free_hint;
    if (st->free == FAT_HINT_UNKNOWN) {
        int r = fat_count_free(vol);

        if (r < 0)
            return r;
        st->free = vol->free_count;
    }
    return 0;
}

/* --- open files ---------------------------------------------------------------------- */

int
fat_file_listed(struct fat_vol *vol, struct fat_file *f)
{
    if (!vol->writable)
        return 0;
    /* Another handle of the same entry knows better than the entry read
     * just now only if the two disagree, which they do not: both are kept
     * in step. Put it on the list. */
    f->next = vol->open_files;
    vol->open_files = f;
    f->listed = 1;
    return 0;
}

/* Handles of one file: the same entry, or the same unlinked file (whose
 * dir is FAT_UNLINKED_DIR and index a number of its own). */
static int
fat_same_file(const struct fat_file *a, const struct fat_file *b)
{
    return a != b && a->dir == b->dir && a->index == b->index;
}

/* Every other handle of f's file takes its first cluster and size; their
 * cursors start again from the first cluster (a cursor may sit on a
 * cluster just freed). */
static void
fat_files_follow(struct fat_vol *vol, const struct fat_file *f)
{
    for (struct fat_file *o = vol->open_files; o; o = o->next) {
        if (!fat_same_file(o, f))
            continue;
        o->first = o->cur = f->first;
        o->cur_idx = 0;
        o->size = f->size;
    }
}

static int
fat_file_siblings(struct fat_vol *vol, const struct fat_file *f)
{
    int n = 0;

    for (struct fat_file *o = vol->open_files; o; o = o->next)
        n += fat_same_file(o, f);
    return n;
}

int
fat_file_close(struct fat_vol *vol, struct fat_file *f)
{
    struct fat_file **pp;
    int r = 0;

    if (!f->listed)
        return 0;
    for (pp = &vol->open_files; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    }
    f->listed = 0;
    if (vol->share_file == f)
        vol->share_file = NULL;
    if (f->unlinked && f->first != 0 && fat_file_siblings(vol, f) == 0 && vol->writable) {
        r = fat_begin(vol);
        if (r == 0)
            r = fat_free_chain(vol, f->first);
    }
    return r;
}

int
fat_unmount(struct fat_vol *vol)
{
    int r = 0;

    if (!vol->writable)
        return -CAIRN_EROFS;
    while (vol->open_files) {
        int e = fat_file_close(vol, vol->open_files);

        if (e < 0 && r == 0)
            r = e;
    }
    {
        int e = fat_sync(vol);

        if (e < 0 && r == 0)
            r = e;
    }
    vol->writable = 0;
    vol->cache = NULL;
    return r;
}

/* --- file data ------------------------------------------------------------------------ */

/* Writes n bytes (zeros when src is NULL) at byte in of cluster c, through
 * the cache, whole runs of sectors straight to the device. */
static int
fat_put_data(struct fat_vol *vol, uint32_t c, uint32_t in, const uint8_t *src, uint32_t n)
{
    uint64_t s0 = fat_cluster_dev(vol, c);
    int r;

    while (n > 0) {
        uint32_t at = in % FAT_DEV_SECTOR, k;
        uint8_t *p;

        if (at == 0 && src && n >= 8 * FAT_DEV_SECTOR) {
            uint32_t count = n / FAT_DEV_SECTOR;

            r = -CAIRN_EAGAIN;
            if (vol->at_epoch)
                r = fat_cache_write_many_at(vol->cache, s0 + in / FAT_DEV_SECTOR, count, src,
                                            vol->at_epoch);
            if (r == -CAIRN_EAGAIN) {
                if (vol->at_epoch)
                    fat_share_stop(vol);
                r = fat_cache_write_many(vol->cache, s0 + in / FAT_DEV_SECTOR, count, src);
            }
            if (r < 0)
                return r;
            k = count * FAT_DEV_SECTOR;
        } else {
            k = FAT_DEV_SECTOR - at;
            if (k > n)
                k = n;
            r = fat_modify(vol, s0 + in / FAT_DEV_SECTOR, k == FAT_DEV_SECTOR, &p);
            if (r < 0)
                return r;
            if (src)
                memcpy(p + at, src, k);
            else
                memset(p + at, 0, k);
        }
        in += k;
        n -= k;
        if (src)
            src += k;
    }
    return 0;
}

/* The cluster of index idx in f's chain, by the cursor: 1 with *c, 0 when
 * the chain ends before (with *c its last cluster and *have its length),
 * or an error. f->first != 0. */
static int
fat_file_seek(struct fat_vol *vol, struct fat_file *f, uint32_t idx, uint32_t *c, uint32_t *have)
{
    if (f->cur < 2 || idx < f->cur_idx) {
        f->cur = f->first;
        f->cur_idx = 0;
    }
    if (f->cur < 2 || f->cur > vol->clusters + 1)
        return fat_damaged(vol, "a file's first cluster is out of range");
    while (f->cur_idx < idx) {
        uint32_t next;
        int r = fat_next(vol, f->cur, &next);

        if (r < 0)
            return r;
        if (r == 0) {
            *c = f->cur;
            *have = f->cur_idx + 1;
            return 0;
        }
        if (f->cur_idx + 1 >= vol->clusters)
            return fat_damaged(vol, "a cluster chain loops");
        f->cur = next;
        f->cur_idx++;
    }
    *c = f->cur;
    return 1;
}

/* The size, times and first cluster of f into its directory entry, in an
 * epoch after everything before. */
static int
fat_file_entry_update(struct fat_vol *vol, struct fat_file *f, int64_t now)
{
    uint8_t *ent;
    int r;

    /* Each phase an epoch of its own even if empty: a next write sharing
     * them relies on their order. */
    fat_phase(vol, PHASE_CHAIN);
    fat_phase(vol, PHASE_LINK);
    fat_phase(vol, PHASE_ENTRY);
    if (f->unlinked)
        return 0;
    r = fat_entry_modify(vol, f->dir, f->index, &ent);
    if (r < 0)
        return r;
    bytes_wr16(ent + 26, (uint16_t)f->first);
    bytes_wr16(ent + 20, vol->type == FAT32 ? (uint16_t)(f->first >> 16) : 0);
    bytes_wr32(ent + 28, f->size);
    ent[11] |= FAT_ATTR_ARCHIVE;
    fat_stamp(ent, now, 0);
    return 0;
}

/*
 * Writes n bytes (zeros for NULL) at pos of f, allocating the clusters
 * past its chain's end a chunk at a time: the chunk's data, a barrier,
 * its FAT entries (and the link from the old end), a barrier. The size is
 * not changed here. Returns the bytes written, or an error when none was.
 */
static long
fat_file_put(struct fat_vol *vol, struct fat_file *f, uint64_t pos, const uint8_t *src, uint64_t n)
{
    uint32_t cb = vol->cluster_bytes;
    uint64_t done = 0;
    int r = 0;

    while (done < n) {
        uint32_t idx = (uint32_t)((pos + done) / cb), c, have = 0, last = 0;
        uint32_t fresh[CHUNK], nfresh = 0;
        uint64_t chunk_done = done;

        if (f->first != 0) {
            r = fat_file_seek(vol, f, idx, &c, &have);
            if (r < 0)
                break;
            if (r == 1) {
                /* An existing cluster: write into it. */
                uint32_t in = (uint32_t)((pos + done) % cb);
                uint32_t k = cb - in < n - done ? cb - in : (uint32_t)(n - done);

                fat_phase(vol, PHASE_DATA);
                r = fat_put_data(vol, c, in, src ? src + done : NULL, k);
                if (r < 0)
                    break;
                done += k;
                continue;
            }
            if ((uint64_t)have * cb < f->size)
                return done ? (long)done
                            : fat_damaged(vol, "a cluster chain shorter than its file's size");
            last = c;
        }
        /* Past the chain's end (have clusters): new ones up to idx and on. */
        fat_phase(vol, PHASE_DATA);
        while (nfresh < CHUNK && done < n) {
            uint32_t fidx = have + nfresh, in, k;

            r = fat_alloc_one(vol, &fresh[nfresh]);
            if (r < 0)
                break;
            nfresh++;
            if (fidx < idx) {
                /* Cannot happen (a gap is written as zeros first), but a
                 * cluster of the file is never left unwritten. */
                r = fat_put_data(vol, fresh[nfresh - 1], 0, NULL, cb);
                if (r < 0)
                    break;
                continue;
            }
            in = (uint32_t)((pos + done) % cb);
            k = cb - in < n - done ? cb - in : (uint32_t)(n - done);
            r = fat_put_data(vol, fresh[nfresh - 1], in, src ? src + done : NULL, k);
            if (r < 0)
                break;
            done += k;
            idx++;
        }
        if (nfresh == 0)
            break;
        if (r < 0 && r != -CAIRN_ENOSPC) {
            /* The chunk's clusters stay free: its bytes were not written. */
            vol->pending = 0;
            done = chunk_done;
            break;
        }
        /* The chunk's data is in the cache (or on the disk): now its own
         * chain, and in the epoch after, the link that makes it the file's.
         * A link from a cluster this sequence of writes allocated (not
         * yet any file's on the disk) goes with the chain. */
        fat_phase(vol, PHASE_CHAIN);
        {
            int e = 0;

            for (uint32_t i = 0; i < nfresh && e == 0; i++)
                e = fat_set_entry(vol, fresh[i], i + 1 < nfresh ? fresh[i + 1] : fat_mask(vol));
            if (e == 0 && last != 0) {
                if (!(vol->at_epoch && last == vol->share_tail))
                    fat_phase(vol, PHASE_LINK);
                e = fat_set_entry(vol, last, fresh[0]);
            }
            vol->share_tail = fresh[nfresh - 1];
            vol->pending = 0;
            if (e < 0) {
                r = e;
                done = chunk_done;
                break;
            }
            vol->free_count -= nfresh;
            vol->fsinfo_dirty = 1;
            if (f->first == 0) {
                f->first = fresh[0];
                f->cur = fresh[0];
                f->cur_idx = 0;
            }
        }
        if (r < 0)
            break;
    }
    if (done == 0 && r < 0)
        return r;
    return (long)done;
}

/* Whether f's write may share its last write's epochs: f wrote last, no
 * other call changed anything since (the cache is still in that write's
 * entry epoch) and no sector of its data epoch or after has been written. */
static int
fat_write_shares(struct fat_vol *vol, const struct fat_file *f)
{
    const struct fat_cache *c = vol->cache;

    return vol->writable && vol->share_file == f && !vol->marked_clean &&
           c->epoch == vol->share_ep[PHASE_ENTRY] && c->written_max <= vol->share_ep[PHASE_DATA] &&
           vol->share_ep[PHASE_DATA] < vol->share_ep[PHASE_CHAIN] &&
           vol->share_ep[PHASE_CHAIN] < vol->share_ep[PHASE_LINK] &&
           vol->share_ep[PHASE_LINK] < vol->share_ep[PHASE_ENTRY];
}

long
fat_file_write(struct fat_vol *vol, struct fat_file *f, uint64_t offset, const void *buf,
               size_t len, int64_t now)
{
    long w;
    int r;

    if (!f->listed)
        return vol->writable ? -CAIRN_EINVAL : -CAIRN_EROFS;
    if (f->attr & FAT_ATTR_DIRECTORY)
        return -CAIRN_EISDIR;
    if (len == 0)
        return 0;
    if (offset >= 0xFFFFFFFFu)
        return -CAIRN_ENOSPC;
    if (len > 0xFFFFFFFFu - offset)
        len = (size_t)(0xFFFFFFFFu - offset);
    if (fat_write_shares(vol, f)) {
        /* This write's data, FAT entries and entry join its last write's
         * epochs: nothing else was changed since, and none of those epochs
         * has reached the disk, so the order within them is the same. */
        vol->at_epoch = vol->share_ep[PHASE_DATA];
        vol->phase = PHASE_DATA;
        vol->pending = 0;
    } else {
        r = fat_begin(vol);
        if (r < 0)
            return r;
    }
    vol->share_file = NULL;
    if (offset > f->size) {
        /* The gap reads as zeros: written as zeros first. */
        uint64_t gap = offset - f->size;

        w = fat_file_put(vol, f, f->size, NULL, gap);
        if (w > 0)
            f->size += (uint32_t)w;
        if (w < 0 || (uint64_t)w < gap) {
            if (w > 0) {
                fat_files_follow(vol, f);
                fat_file_entry_update(vol, f, now);
            }
            return w < 0 ? w : -CAIRN_ENOSPC;
        }
    }
    w = fat_file_put(vol, f, offset, buf, len);
    if (w > 0 && offset + (uint64_t)w > f->size)
        f->size = (uint32_t)(offset + (uint64_t)w);
    fat_files_follow(vol, f);
    r = fat_file_entry_update(vol, f, now);
    vol->at_epoch = 0;
    if (w < 0)
        return w;
    if (r < 0)
        return r;
    vol->share_file = f;
    return w;
}

int
fat_file_truncate(struct fat_vol *vol, struct fat_file *f, uint64_t size, int64_t now)
{
    uint32_t cb = vol->cluster_bytes, keep, last = 0, have;
    int r;

    if (!f->listed)
        return vol->writable ? -CAIRN_EINVAL : -CAIRN_EROFS;
    if (size > 0xFFFFFFFFu)
        return -CAIRN_ENOSPC;
    r = fat_begin(vol);
    if (r < 0)
        return r;
    if (size > f->size) {
        long w = fat_file_put(vol, f, f->size, NULL, size - f->size);

        if (w < 0)
            return (int)w;
        f->size += (uint32_t)w;
        fat_files_follow(vol, f);
        r = fat_file_entry_update(vol, f, now);
        if (r == 0 && f->size < size)
            r = -CAIRN_ENOSPC;
        return r;
    }
    keep = (uint32_t)((size + cb - 1) / cb);
    if (size == f->size) {
        return fat_file_entry_update(vol, f, now);
    }
    /* Find (reading only) the last cluster kept, then the entry, then the FAT. */
    if (keep > 0 && f->first != 0) {
        r = fat_file_seek(vol, f, keep - 1, &last, &have);
        if (r < 0)
            return r;
        if (r == 0)
            last = 0; /* the chain is shorter than the size: nothing past it */
    }
    {
        uint32_t first = f->first, tail = 0;

        if (keep == 0) {
            tail = first;
            f->first = 0;
        } else if (last != 0) {
            uint32_t next;

            r = fat_next(vol, last, &next);
            if (r < 0)
                return r;
            tail = r == 1 ? next : 0;
        }
        f->size = (uint32_t)size;
        f->cur = f->first;
        f->cur_idx = 0;
        fat_files_follow(vol, f);
        r = fat_file_entry_update(vol, f, now);
        if (r < 0)
            return r;
        if (tail == 0)
            return 0;
        /* The new end, then (so that no chain on the disk ever runs
         * into a freed cluster) the tail freed. */
        fat_barrier(vol);
        if (last != 0) {
            r = fat_set_entry(vol, last, fat_mask(vol));
            if (r < 0)
                return r;
            fat_barrier(vol);
        }
        r = fat_free_chain(vol, tail);
        fat_barrier(vol);
        return r;
    }
}
