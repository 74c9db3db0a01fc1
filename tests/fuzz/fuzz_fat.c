// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the FAT reader (lib/fat/fat.c).
 *
 * A FAT volume's metadata is a few sectors spread over megabytes of zeros
 * (FAT16 needs 4085 clusters, FAT32 65525), so the input describes a sparse
 * device rather than carrying it whole:
 *     u32 size            the device's size in 512-byte sectors (at most
 *                         FUZZ_DEV_MAX; the rest of a larger value is ignored)
 *     { u32 sector; u8 data[512]; } ...
 *                         sectors that are not all zeros (a later record for
 *                         the same sector wins; the last may be cut short,
 *                         its rest zeros)
 * All little-endian; every other sector reads as zeros. Each record's data
 * is read from an exactly-sized heap copy of the input, so ASan sees any
 * read past it. tests/fuzz/mkcorpus.py turns real mkfs.fat volumes into
 * seeds of this form.
 *
 * The harness mounts the device, walks every directory recursively (to a
 * depth of 6, 2048 entries in all), and opens and reads every file (64 KiB
 * of each at most, in odd-sized pieces, then once more at a random offset
 * that must give the same bytes). Promises checked beyond "no crash, no
 * hang":
 *   - fat_mount gives 0 or -CAIRN_EINVAL with a reason; a mounted volume
 *     lies inside the device, its type is its cluster count's, and its
 *     first data sector lies inside it;
 *   - the reader never asks the device for a sector past its end;
 *   - every error of the walk and of files is -CAIRN_EIO with a reason
 *     (or -CAIRN_EISDIR / -CAIRN_ENOENT / -CAIRN_ENOTDIR where fat.h says);
 *   - names are 1..FAT_NAME_MAX bytes with no '/', neither "." nor "..",
 *     and a directory error
 *     is returned again by the next call;
 *   - after fat_file_open succeeds, every read within the size gives all
 *     that was asked (the whole chain was checked), and nothing at the end.
 *
 * Then the write side: the volume is mounted for writing through a sector
 * cache over an overlay of the device (writes land in a table of their
 * own, read back from there), and a sequence of writes picked by a hash of
 * the input runs on the names found in the root and new ones: create,
 * mkdir, write at an offset, truncate, rename, unlink, rmdir, sync,
 * unmount, and a read-only mount and walk of the result. Promises: every
 * call gives 0 or one of the errors fat.h lists, and no write goes past
 * the volume's last sector (so none outside the volume).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/errors.h"
#include "fat/fat.h"
#include "fuzz.h"

#define FUZZ_DEV_MAX   (1u << 17) /* 64 MiB: room for a FAT32 volume of 512-byte clusters */
#define FUZZ_DEPTH     6
#define FUZZ_ENTRIES   2048
#define FUZZ_FILE_READ 65536

struct sparse {
    const uint8_t *in; /* the input, exactly sized */
    size_t size;
    uint64_t sectors;
    int outside; /* a read past the device's end was asked for */
};

static int
sparse_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    struct sparse *d = ctx;
    uint8_t *out = buf;

    if (sector >= d->sectors || count > d->sectors - sector) {
        d->outside = 1;
        return -CAIRN_ERANGE;
    }
    memset(out, 0, (size_t)count * 512);
    /* Later records win: apply them in order. */
    for (size_t at = 4; at + 4 <= d->size; at += 516) {
        uint32_t s = (uint32_t)d->in[at] | (uint32_t)d->in[at + 1] << 8 |
                     (uint32_t)d->in[at + 2] << 16 | (uint32_t)d->in[at + 3] << 24;
        size_t n = d->size - (at + 4) < 512 ? d->size - (at + 4) : 512;

        if (s >= sector && s - sector < count)
            memcpy(out + (size_t)(s - sector) * 512, d->in + at + 4, n);
    }
    return 0;
}

/* Writes of the write side, over the sparse device: (sector, 512 bytes). */
#define OVERLAY_MAX 2048

struct overlay {
    struct sparse *dev;
    uint64_t limit; /* the volume's end: no write at or past it */
    int outside;
    unsigned n;
    uint64_t sector[OVERLAY_MAX];
    uint8_t (*data)[512];
};

static int
overlay_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    struct overlay *o = ctx;
    int r = sparse_read(o->dev, sector, count, buf);

    if (r < 0)
        return r;
    for (unsigned i = 0; i < o->n; i++)
        if (o->sector[i] >= sector && o->sector[i] - sector < count)
            memcpy((uint8_t *)buf + (o->sector[i] - sector) * 512, o->data[i], 512);
    return 0;
}

static int
overlay_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    struct overlay *o = ctx;

    if (sector >= o->limit || count > o->limit - sector) {
        o->outside = 1;
        return -CAIRN_ERANGE;
    }
    for (uint32_t k = 0; k < count; k++) {
        unsigned i;

        for (i = 0; i < o->n && o->sector[i] != sector + k; i++)
            ;
        if (i == o->n) {
            if (o->n == OVERLAY_MAX)
                return -CAIRN_EIO; /* the device is "full": an error path too */
            o->sector[o->n++] = sector + k;
        }
        memcpy(o->data[i], (const uint8_t *)buf + (size_t)k * 512, 512);
    }
    return 0;
}

static int
overlay_flush(void *ctx)
{
    (void)ctx;
    return 0;
}

static struct fat_vol vol;
static uint8_t file_buf[FUZZ_FILE_READ];
static uint8_t again_buf[4096];
static unsigned entries_seen;

static void
check_file(const struct fat_dirent *e)
{
    struct fat_file f;
    uint32_t want = e->size < FUZZ_FILE_READ ? e->size : FUZZ_FILE_READ;
    uint32_t got = 0;
    int r = fat_file_open(&vol, e, &f);

    if (fat_is_dir(e)) {
        FUZZ_CHECK(r == -CAIRN_EISDIR);
        return;
    }
    FUZZ_CHECK(r == 0 || (r == -CAIRN_EIO && vol.why));
    if (r < 0)
        return;
    while (got < want) {
        size_t ask = 1 + (got * 7 + 333) % 3000;
        long n;

        if (ask > want - got)
            ask = want - got;
        n = fat_file_read(&vol, &f, got, file_buf + got, ask);
        /* The chain was checked whole at open: reads within the size succeed. */
        FUZZ_CHECK(n == (long)ask);
        got += (uint32_t)n;
    }
    if (want) {
        uint32_t at = (e->size * 2654435761u) % want;
        uint32_t n = want - at < sizeof(again_buf) ? want - at : sizeof(again_buf);

        FUZZ_CHECK(fat_file_read(&vol, &f, at, again_buf, n) == (long)n);
        FUZZ_CHECK(memcmp(again_buf, file_buf + at, n) == 0);
    }
    FUZZ_CHECK(fat_file_read(&vol, &f, e->size, file_buf, 1) == 0);
}

static void
walk(const struct fat_dirent *dir, int depth)
{
    struct fat_dir d;
    struct fat_dirent e;
    int r;

    r = fat_dir_open_entry(&vol, &d, dir);
    FUZZ_CHECK(r == 0 || (r == -CAIRN_EIO && vol.why));
    if (r < 0)
        return;
    while (entries_seen < FUZZ_ENTRIES && (r = fat_dir_next(&vol, &d, &e)) == 1) {
        size_t len = strnlen(e.name, sizeof(e.name));

        entries_seen++;
        FUZZ_CHECK(len >= 1 && len <= FAT_NAME_MAX && !strchr(e.name, '/'));
        FUZZ_CHECK(strcmp(e.name, ".") != 0 && strcmp(e.name, "..") != 0);
        FUZZ_CHECK(strnlen(e.short_name, sizeof(e.short_name)) <= FAT_SHORT_MAX);
        check_file(&e);
        if (fat_is_dir(&e) && depth < FUZZ_DEPTH)
            walk(&e, depth + 1);
    }
    if (r < 0) {
        FUZZ_CHECK(r == -CAIRN_EIO && vol.why);
        FUZZ_CHECK(fat_dir_next(&vol, &d, &e) == r);
    }
}

/* An error fat.h allows a write call to give. */
static int
write_error_ok(long r)
{
    return r >= 0 || r == -CAIRN_EIO || r == -CAIRN_ENOSPC || r == -CAIRN_EEXIST ||
           r == -CAIRN_ENOENT || r == -CAIRN_ENOTDIR || r == -CAIRN_EISDIR ||
           r == -CAIRN_ENOTEMPTY || r == -CAIRN_EINVAL || r == -CAIRN_ENAMETOOLONG ||
           r == -CAIRN_ERANGE;
}

static struct fat_cache_buf wbufs[32];
static struct fat_cache wcache;
static uint8_t wdata[65536];

static void
write_side(struct sparse *dev, uint64_t seed)
{
    static struct overlay o;
    static const char *const fresh[] = {"new file.txt", "N2", "a much longer new name.data", "sub"};
    char names[8][FAT_NAME_MAX + 1];
    uint32_t ndirs = 0, dirs[4] = {0};
    unsigned nnames = 0;
    struct fat_dir d;
    struct fat_dirent e;
    long r;

    o.dev = dev;
    o.n = 0;
    o.outside = 0;
    if (!o.data)
        o.data = malloc((size_t)OVERLAY_MAX * 512);
    o.limit = (uint64_t)vol.total_sectors * vol.dev_per_sector;
    FUZZ_CHECK(fat_cache_init(&wcache, overlay_read, overlay_write, overlay_flush, &o, dev->sectors,
                              wbufs, 32) == 0);
    r = fat_mount_rw(&vol, &wcache, dev->sectors);
    FUZZ_CHECK(r == 0 || write_error_ok(r));
    if (r < 0)
        goto out;
    fat_dir_root(&vol, &d);
    while (nnames < 8 && fat_dir_next(&vol, &d, &e) == 1) {
        memcpy(names[nnames++], e.name, sizeof(e.name));
        if (fat_is_dir(&e) && ndirs < 4)
            dirs[ndirs++] = e.cluster;
    }
    for (int step = 0; step < 16; step++) {
        uint64_t x = seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        const char *a = nnames && (x >> 8) % 2 ? names[(x >> 12) % nnames] : fresh[(x >> 16) % 4];
        const char *b = nnames && (x >> 20) % 2 ? names[(x >> 24) % nnames] : fresh[(x >> 28) % 4];
        uint32_t da = (x >> 32) % 3 == 0 && ndirs ? dirs[(x >> 34) % ndirs] : 0;
        uint32_t db = (x >> 36) % 3 == 0 && ndirs ? dirs[(x >> 38) % ndirs] : 0;
        int64_t now = 1700000000 + step;

        switch ((x >> 40) % 9) {
        case 0:
            r = fat_create(&vol, da, a, 0, now, &e);
            break;
        case 1:
            r = fat_mkdir(&vol, da, a, now, &e);
            break;
        case 2:
        case 3:
        case 4: {
            struct fat_file f;

            r = fat_dir_find(&vol, da, a, &e);
            if (r == 0)
                r = fat_file_open(&vol, &e, &f);
            if (r == 0) {
                uint64_t at = (x >> 44) % 300000, n = (x >> 50) % sizeof(wdata);

                r = (x >> 42) % 3 == 0 ? fat_file_truncate(&vol, &f, at, now)
                                       : fat_file_write(&vol, &f, at, wdata, n, now);
                FUZZ_CHECK(write_error_ok(r));
                r = fat_file_close(&vol, &f);
            }
            break;
        }
        case 5:
        case 6:
            r = fat_rename(&vol, da, a, db, b, now);
            break;
        case 7:
            r = fat_unlink(&vol, da, a);
            break;
        default:
            r = (x >> 44) % 2 ? fat_rmdir(&vol, da, a) : fat_sync(&vol);
            break;
        }
        FUZZ_CHECK(write_error_ok(r));
    }
    r = fat_unmount(&vol);
    FUZZ_CHECK(write_error_ok(r));
    /* What was written mounts and walks like any volume. */
    if (fat_mount(&vol, overlay_read, &o, dev->sectors) == 0) {
        entries_seen = 0;
        if (fat_lookup(&vol, "/", &e) == 0)
            walk(&e, 0);
    }
out:
    FUZZ_CHECK(!o.outside);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    struct sparse dev = {copy, size, 0, 0};
    struct fat_dirent e;
    int r;

    memcpy(copy, data, size);
    if (size >= 4)
        dev.sectors = ((uint32_t)copy[0] | (uint32_t)copy[1] << 8 | (uint32_t)copy[2] << 16 |
                       (uint32_t)copy[3] << 24) %
                      (FUZZ_DEV_MAX + 1);
    r = fat_mount(&vol, sparse_read, &dev, dev.sectors);
    FUZZ_CHECK(r == 0 || (r == -CAIRN_EINVAL && vol.why));
    if (r == 0) {
        FUZZ_CHECK((uint64_t)vol.total_sectors * vol.dev_per_sector <= dev.sectors);
        FUZZ_CHECK(vol.data_start < vol.total_sectors && vol.clusters >= 1);
        FUZZ_CHECK(vol.type == (vol.clusters < 4085    ? FAT12
                                : vol.clusters < 65525 ? FAT16
                                                       : FAT32));
        entries_seen = 0;
        r = fat_lookup(&vol, "/", &e);
        FUZZ_CHECK(r == 0 && fat_is_dir(&e));
        walk(&e, 0);
        /* A lookup of a path that does not exist ends too. */
        r = fat_lookup(&vol, "/a/b/c", &e);
        FUZZ_CHECK(r == -CAIRN_ENOENT || r == -CAIRN_ENOTDIR || r == 0 || r == -CAIRN_EIO);
        {
            uint64_t seed = 1469598103934665603ull;

            for (size_t i = 0; i < size; i++)
                seed = (seed ^ copy[i]) * 1099511628211ull;
            write_side(&dev, seed);
        }
    }
    FUZZ_CHECK(!dev.outside);
    free(copy);
    return 0;
}
