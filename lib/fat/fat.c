// SPDX-License-Identifier: MIT
/*
 * The FAT file system's read side (fat.h): the boot sector's checks, FAT
 * entries, directories with long names, path lookup and file reads.
 *
 * Layers, bottom up: fat_dev_sector() brings one 512-byte device sector
 * into one of the two one-sector buffers (or, on a writable volume, takes
 * it from the sector cache of cache.h, so reads see writes); fat_entry()/fat_next() read the FAT and judge
 * each value; the directory cursor walks the fixed root or a cluster
 * chain entry by entry and gathers long-name runs; lookup and file reads
 * sit on those. Invariant after fat_mount: every sector number computed
 * from a checked cluster number (2..clusters+1) or a fixed-root index lies
 * inside the volume, which lies inside the device, so sector reads never
 * leave the device whatever the FAT or the directories say.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>
#include <common/bytes.h>

#include "fat.h"
#include "fat_int.h"

#define NO_SECTOR UINT64_MAX

/* The end-of-chain, bad and mask values per FAT type. */
uint32_t
fat_mask(const struct fat_vol *vol)
{
    return vol->type == FAT12 ? 0xFFF : vol->type == FAT16 ? 0xFFFF : 0x0FFFFFFF;
}

int
fat_damaged(struct fat_vol *vol, const char *why)
{
    vol->why = why;
    return -CAIRN_EIO;
}

static int
refuse(struct fat_vol *vol, const char *why)
{
    vol->why = why;
    return -CAIRN_EINVAL;
}

/* Device sector s (512 bytes) for reading: through the volume's cache on a
 * writable volume, else into one of the two one-sector buffers (fat != 0:
 * the FAT's, else the data's). The pointer is valid until the next sector
 * call. */
int
fat_dev_sector(struct fat_vol *vol, uint64_t s, int fat, const uint8_t **out)
{
    uint64_t *cached = fat ? &vol->fat_cached : &vol->data_cached;
    uint8_t *buf = fat ? vol->fat_buf : vol->data_buf;

    if (vol->cache)
        return fat_cache_read(vol->cache, s, out);
    if (*cached != s) {
        int r;

        *cached = NO_SECTOR;
        r = vol->read(vol->ctx, s, 1, buf);
        if (r < 0)
            return r;
        *cached = s;
    }
    *out = buf;
    return 0;
}

static int
is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

/* The FSInfo sector's hints; a bad FSInfo only leaves them unknown. */
static void
fat_read_fsinfo(struct fat_vol *vol, uint32_t sector)
{
    const uint8_t *s;

    vol->free_hint = vol->next_free_hint = FAT_HINT_UNKNOWN;
    if (sector == 0 || sector >= vol->reserved_sectors ||
        fat_dev_sector(vol, (uint64_t)sector * vol->dev_per_sector, 0, &s) < 0)
        return;
    vol->fsinfo_sector = sector;
    if (bytes_rd32(s) != 0x41615252 || bytes_rd32(s + 484) != 0x61417272 ||
        bytes_rd32(s + 508) != 0xAA550000)
        return;
    if (bytes_rd32(s + 488) <= vol->clusters)
        vol->free_hint = bytes_rd32(s + 488);
    if (bytes_rd32(s + 492) >= 2 && bytes_rd32(s + 492) <= vol->clusters + 1)
        vol->next_free_hint = bytes_rd32(s + 492);
}

/* The BPB's checks after the sector size is known: fills vol or refuses. */
static int
fat_check_bpb(struct fat_vol *vol, const uint8_t *b, uint64_t dev_sectors)
{
    uint32_t bps = vol->bytes_per_sector;
    uint32_t spc = b[13], rsvd = bytes_rd16(b + 14), nfats = b[16];
    uint32_t root_ent = bytes_rd16(b + 17), tot16 = bytes_rd16(b + 19), tot32 = bytes_rd32(b + 32);
    uint32_t fsz16 = bytes_rd16(b + 22), fsz32 = bytes_rd32(b + 36);
    uint32_t fsz = fsz16 ? fsz16 : fsz32, tot = tot16 ? tot16 : tot32;
    uint64_t meta, fat_bits;
    const uint8_t *lbl;

    if (!is_pow2(spc) || spc > 128)
        return refuse(vol, "sectors per cluster is not a power of two from 1 to 128");
    if ((uint64_t)spc * bps > 65536)
        return refuse(vol, "a cluster is larger than 64 KiB");
    if (rsvd == 0)
        return refuse(vol, "no reserved sectors (the boot sector is one)");
    if (nfats == 0)
        return refuse(vol, "no FAT");
    if (b[21] != 0xF0 && b[21] < 0xF8)
        return refuse(vol, "media byte is not 0xF0 or 0xF8..0xFF");
    if (tot == 0)
        return refuse(vol, "total sectors is zero");
    if (fsz == 0)
        return refuse(vol, "FAT size is zero");
    if ((uint64_t)tot * vol->dev_per_sector > dev_sectors)
        return refuse(vol, "the volume is larger than the device");

    vol->sectors_per_cluster = spc;
    vol->cluster_bytes = spc * bps;
    vol->reserved_sectors = rsvd;
    vol->num_fats = nfats;
    vol->fat_sectors = fsz;
    vol->root_entries = root_ent;
    vol->root_sectors = (root_ent * 32 + bps - 1) / bps;
    vol->total_sectors = tot;
    vol->fat_start = rsvd;
    meta = rsvd + (uint64_t)nfats * fsz + vol->root_sectors;
    if (meta >= tot)
        return refuse(vol, "reserved sectors, FATs and root directory fill the volume");
    vol->root_start = (uint32_t)(rsvd + (uint64_t)nfats * fsz);
    vol->data_start = (uint32_t)meta;
    vol->clusters = (uint32_t)((tot - meta) / spc);
    if (vol->clusters == 0)
        return refuse(vol, "no data clusters");

    /* The type is the cluster count's, as the specification says; the
     * fields that differ between the types must then agree with it. */
    if (vol->clusters < 4085)
        vol->type = FAT12;
    else if (vol->clusters < 65525)
        vol->type = FAT16;
    else
        vol->type = FAT32;
    if (vol->type == FAT32) {
        if (vol->clusters > 0x0FFFFFF5)
            return refuse(vol, "more clusters than FAT32 can number");
        if (root_ent != 0 || fsz16 != 0 || tot16 != 0)
            return refuse(vol,
                          "FAT32 by its cluster count, but a FAT12/16 root or size field is set");
        if (bytes_rd16(b + 42) != 0)
            return refuse(vol, "FAT32 version is not 0.0");
        vol->root_cluster = bytes_rd32(b + 44);
        if (vol->root_cluster < 2 || vol->root_cluster > vol->clusters + 1)
            return refuse(vol, "FAT32 root cluster out of range");
        vol->mirror_off = (bytes_rd16(b + 40) & 0x80) != 0;
        vol->active_fat = vol->mirror_off ? bytes_rd16(b + 40) & 0x0F : 0;
        if (vol->active_fat >= nfats)
            return refuse(vol, "FAT32 active FAT is not one of the FATs");
        lbl = b + 71;
    } else {
        if (root_ent == 0)
            return refuse(vol, "FAT12/16 by its cluster count, but no root directory entries");
        if (fsz16 == 0)
            return refuse(vol, "FAT12/16 by its cluster count, but a FAT32 FAT size field");
        vol->root_cluster = 0;
        vol->active_fat = 0;
        lbl = b + 43;
    }
    fat_bits = (uint64_t)(vol->clusters + 2) * vol->type;
    if ((uint64_t)fsz * bps * 8 < fat_bits)
        return refuse(vol, "the FAT is too small for the volume's clusters");

    /* The label only if the extended boot signature says the fields exist. */
    vol->label[0] = 0;
    if (lbl[-5] == 0x29) {
        int n = 11;

        while (n > 0 && lbl[n - 1] == ' ')
            n--;
        for (int i = 0; i < n; i++)
            vol->label[i] = lbl[i] >= 0x20 && lbl[i] < 0x7F ? (char)lbl[i] : '?';
        vol->label[n] = 0;
    }
    return 0;
}

int
fat_mount(struct fat_vol *vol, fat_read_fn read, void *ctx, uint64_t dev_sectors)
{
    const uint8_t *b;
    uint32_t bps;
    int r;

    memset(vol, 0, offsetof(struct fat_vol, fat_buf));
    vol->read = read;
    vol->ctx = ctx;
    vol->fat_cached = vol->data_cached = NO_SECTOR;
    vol->free_hint = vol->next_free_hint = FAT_HINT_UNKNOWN;
    if (dev_sectors == 0)
        return refuse(vol, "the device is empty");
    r = read(ctx, 0, 1, vol->data_buf);
    if (r < 0)
        return r;
    b = vol->data_buf;
    if (b[510] != 0x55 || b[511] != 0xAA)
        return refuse(vol, "no boot sector signature 55 AA");
    if (b[0] != 0xE9 && !(b[0] == 0xEB && b[2] == 0x90))
        return refuse(vol, "no jump instruction at the start of the boot sector");
    bps = bytes_rd16(b + 11);
    if (bps < 512 || bps > FAT_SECTOR_MAX || !is_pow2(bps))
        return refuse(vol, "bytes per sector is not 512, 1024, 2048 or 4096");
    vol->bytes_per_sector = bps;
    vol->dev_per_sector = bps / FAT_DEV_SECTOR;
    /* data_buf holds only the first 512 bytes of sector 0 so far: the BPB
     * lies within them, so the checks read from there. */
    r = fat_check_bpb(vol, b, dev_sectors);
    if (r < 0)
        return r;
    if (vol->type == FAT32)
        fat_read_fsinfo(vol, bytes_rd16(b + 48));
    vol->why = NULL;
    return 0;
}

/* The first device sector of FAT copy k. */
uint64_t
fat_copy_dev(const struct fat_vol *vol, uint32_t k)
{
    return ((uint64_t)vol->fat_start + (uint64_t)k * vol->fat_sectors) * vol->dev_per_sector;
}

/* Entry n's byte offset in a FAT. */
uint64_t
fat_entry_offset(const struct fat_vol *vol, uint32_t n)
{
    return vol->type == FAT12 ? n + n / 2 : (uint64_t)n * (vol->type / 8);
}

int
fat_entry(struct fat_vol *vol, uint32_t n, uint32_t *value)
{
    uint64_t off, base = fat_copy_dev(vol, vol->active_fat);
    uint32_t bps = FAT_DEV_SECTOR, at;
    const uint8_t *s;
    int r;

    if (n < 2 || n > vol->clusters + 1)
        return fat_damaged(vol, "cluster number out of range");
    off = fat_entry_offset(vol, n);
    at = off % bps;
    r = fat_dev_sector(vol, base + off / bps, 1, &s);
    if (r < 0)
        return r;
    if (vol->type == FAT12) {
        uint32_t lo = s[at], hi;

        /* 1.5 bytes per entry: the second byte may open the next sector. */
        if (at + 1 < bps) {
            hi = s[at + 1];
        } else {
            r = fat_dev_sector(vol, base + off / bps + 1, 1, &s);
            if (r < 0)
                return r;
            hi = s[0];
        }
        *value = (n & 1) ? (lo | hi << 8) >> 4 : (lo | hi << 8) & 0xFFF;
    } else if (vol->type == FAT16) {
        *value = bytes_rd16(s + at);
    } else {
        *value = bytes_rd32(s + at) & 0x0FFFFFFF;
    }
    return 0;
}

int
fat_next(struct fat_vol *vol, uint32_t n, uint32_t *next)
{
    uint32_t v, mask = fat_mask(vol);
    int r = fat_entry(vol, n, &v);

    if (r < 0)
        return r;
    if (v >= (mask & ~7u))
        return 0; /* end of chain (x8..xF) */
    if (v == (mask & ~8u))
        return fat_damaged(vol, "a bad cluster inside a chain");
    if (v == 0)
        return fat_damaged(vol, "a free cluster inside a chain");
    if (v < 2 || v > vol->clusters + 1)
        return fat_damaged(vol, "a chain points past the volume's clusters");
    *next = v;
    return 1;
}

uint64_t
fat_cluster_sector(const struct fat_vol *vol, uint32_t c)
{
    return vol->data_start + (uint64_t)(c - 2) * vol->sectors_per_cluster;
}

/* --- directories -------------------------------------------------------------------- */

void
fat_dir_root(struct fat_vol *vol, struct fat_dir *d)
{
    memset(d, 0, offsetof(struct fat_dir, lfn));
    d->first = d->cluster = vol->type == FAT32 ? vol->root_cluster : 0;
}

int
fat_dir_open(struct fat_vol *vol, struct fat_dir *d, uint32_t cluster)
{
    if (cluster == 0) {
        fat_dir_root(vol, d);
        return 0;
    }
    if (cluster < 2 || cluster > vol->clusters + 1)
        return fat_damaged(vol, "directory's first cluster out of range");
    memset(d, 0, offsetof(struct fat_dir, lfn));
    d->first = d->cluster = cluster;
    return 0;
}

int
fat_dir_open_entry(struct fat_vol *vol, struct fat_dir *d, const struct fat_dirent *e)
{
    if (!fat_is_dir(e))
        return -CAIRN_ENOTDIR;
    /* Only the root has no cluster; lookup names it "/", which no entry's
     * name can be. */
    if (e->cluster == 0 && strcmp(e->name, "/") != 0)
        return fat_damaged(vol, "a directory entry with no cluster");
    return fat_dir_open(vol, d, e->cluster);
}

uint8_t
fat_name_checksum(const uint8_t name[11])
{
    uint8_t sum = 0;

    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
    return sum;
}

static int64_t
days_from_civil(int y, int m, int d)
{
    /* Days since 1970-01-01 of a Gregorian date (years 1980..2107 here). */
    int64_t days = 0;
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

    for (int yy = 1970; yy < y; yy++)
        days += (yy % 4 == 0 && (yy % 100 != 0 || yy % 400 == 0)) ? 366 : 365;
    days += before[m - 1] + d - 1;
    if (m > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        days++;
    return days;
}

int64_t
fat_time(uint16_t date, uint16_t time, uint8_t tenths)
{
    int y = 1980 + (date >> 9), m = (date >> 5) & 15, d = date & 31;
    int hh = time >> 11, mm = (time >> 5) & 63, ss = (time & 31) * 2 + tenths / 100;

    if (m < 1 || m > 12 || d < 1 || hh > 23 || mm > 59 || ss > 59 || tenths > 199)
        return 0;
    return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

/* Code page 437's upper half (the OEM code page of US DOS and Windows, and
 * Linux's default) as Unicode: short names hold these bytes. */
const uint16_t fat_cp437_high[128] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF,
    0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA,
    0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4,
    0x221E, 0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

/* Code point c as UTF-8 at out; the number of bytes (1..4). */
size_t
fat_utf8(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6);
        out[1] = (char)(0x80 | (c & 63));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12);
        out[1] = (char)(0x80 | ((c >> 6) & 63));
        out[2] = (char)(0x80 | (c & 63));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18);
    out[1] = (char)(0x80 | ((c >> 12) & 63));
    out[2] = (char)(0x80 | ((c >> 6) & 63));
    out[3] = (char)(0x80 | (c & 63));
    return 4;
}

/* The 8.3 name of a short entry as UTF-8: "NAME.EXT", 0x05 in the first
 * byte standing for 0xE5, the OEM bytes read as code page 437, and the NT
 * byte's lower-case flags (0x08 the base, 0x10 the extension) applied to
 * the letters that have a lower-case form (Windows stores "café.txt" as
 * "CAF\x90.TXT", \x90 being É, with both flags). Controls and '/' are
 * shown as '_'. */
static void
fat_short_name(const uint8_t *ent, char out[FAT_SHORT_MAX + 1])
{
    size_t n = 0;
    int base = 8, ext = 3;

    while (base > 0 && ent[base - 1] == ' ')
        base--;
    while (ext > 0 && ent[8 + ext - 1] == ' ')
        ext--;
    for (int i = 0; i < base + ext; i++) {
        int j = i < base ? i : 8 + i - base;
        uint32_t c = ent[j];
        int lower = (ent[12] & (j < 8 ? 0x08 : 0x10)) != 0;

        if (i == base)
            out[n++] = '.';
        if (j == 0 && c == 0x05)
            c = 0xE5;
        if (c >= 0x80)
            c = fat_cp437_high[c - 0x80];
        else if (c < 0x20 || c == 0x7F || c == '/')
            c = '_';
        if (lower && ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7)))
            c += 0x20; /* ASCII and Latin-1's capitals, which code page 437 has some of */
        n += fat_utf8(c, out + n);
    }
    out[n] = 0;
}

/* The gathered long name as UTF-8 into out; 0, or -1 when it is not valid
 * UTF-16, is empty, holds a '/', or is "." or "..". */
static int
fat_lfn_utf8(const struct fat_dir *d, char *out)
{
    size_t units = (size_t)d->lfn_count * 13, n = 0, len = 0;

    while (len < units && d->lfn[len] != 0)
        len++;
    if (len == 0 || len > 255)
        return -1;
    for (size_t i = 0; i < len; i++) {
        uint32_t c = d->lfn[i];

        if (c >= 0xDC00 && c <= 0xDFFF)
            return -1;
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (i + 1 >= len || d->lfn[i + 1] < 0xDC00 || d->lfn[i + 1] > 0xDFFF)
                return -1;
            c = 0x10000 + ((c - 0xD800) << 10) + (d->lfn[++i] - 0xDC00);
        }
        if (c == '/')
            return -1;
        n += fat_utf8(c, out + n);
    }
    out[n] = 0;
    if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        return -1;
    return 0;
}

/* One long-name entry into the run being gathered; a break in the run
 * drops it (the short entry then goes by its own name). */
static void
fat_lfn_add(struct fat_dir *d, const uint8_t *ent)
{
    static const uint8_t at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
    uint8_t seq = ent[0] & 0x3F;

    if (ent[0] & 0x40) {
        d->lfn_next = 0;
        if (seq == 0 || seq > 20)
            return;
        d->lfn_count = seq;
        d->lfn_sum = ent[13];
    } else if (d->lfn_next == 0 || seq != d->lfn_next || ent[13] != d->lfn_sum) {
        d->lfn_next = 0;
        return;
    }
    if (ent[12] != 0 || bytes_rd16(ent + 26) != 0) {
        d->lfn_next = 0;
        return;
    }
    for (int i = 0; i < 13; i++)
        d->lfn[(seq - 1) * 13 + i] = bytes_rd16(ent + at[i]);
    d->lfn_next = (uint8_t)(seq - 1); /* 0 once the run is whole: then .. */
    if (seq == 1)
        d->lfn_next = 0xFF; /* .. marks "whole, a short entry is due" */
}

/* The 32 bytes of directory entry d->index, moving to the next cluster at
 * a cluster's end: 1 with *ent set, 0 past the end, or an error. */
int
fat_dir_raw(struct fat_vol *vol, struct fat_dir *d, const uint8_t **ent)
{
    uint32_t per_sector = FAT_DEV_SECTOR / 32, per_cluster = vol->cluster_bytes / 32;
    const uint8_t *s;
    uint64_t sector;
    int r;

    if (d->index >= FAT_DIR_ENTRIES)
        return fat_damaged(vol, "a directory longer than 65536 entries (its chain loops)");
    if (d->first == 0) {
        if (d->index >= vol->root_entries)
            return 0;
        sector = (uint64_t)vol->root_start * vol->dev_per_sector + d->index / per_sector;
    } else {
        if (d->index > 0 && d->index % per_cluster == 0) {
            uint32_t next;

            r = fat_next(vol, d->cluster, &next);
            if (r <= 0)
                return r;
            d->cluster = next;
        }
        sector = fat_cluster_sector(vol, d->cluster) * vol->dev_per_sector +
                 (d->index % per_cluster) / per_sector;
    }
    r = fat_dev_sector(vol, sector, 0, &s);
    if (r < 0)
        return r;
    *ent = s + (d->index % per_sector) * 32;
    return 1;
}

static int
fat_dir_fail(struct fat_dir *d, int r)
{
    d->done = 2;
    d->error = r;
    return r;
}

int
fat_dir_next(struct fat_vol *vol, struct fat_dir *d, struct fat_dirent *e)
{
    const uint8_t *ent;
    int r;

    if (d->done)
        return d->done == 2 ? d->error : 0;
    for (;;) {
        uint8_t attr;

        r = fat_dir_raw(vol, d, &ent);
        if (r <= 0) {
            if (r < 0)
                return fat_dir_fail(d, r);
            d->done = 1;
            return 0;
        }
        d->index++;
        attr = ent[11];
        if (ent[0] == 0x00) {
            d->done = 1;
            return 0;
        }
        if (ent[0] == 0xE5) {
            d->lfn_next = 0;
            continue;
        }
        if ((attr & 0x3F) == 0x0F) {
            fat_lfn_add(d, ent);
            continue;
        }
        /* The label, "." and "..", and a name starting with a space
         * (which no valid short name does: it would have no name). */
        if (attr & FAT_ATTR_VOLUME_ID || (ent[0] == '.' && (ent[1] == ' ' || ent[1] == '.')) ||
            ent[0] == ' ') {
            d->lfn_next = 0;
            continue;
        }
        fat_short_name(ent, e->short_name);
        if (d->lfn_next != 0xFF || d->lfn_sum != fat_name_checksum(ent) ||
            fat_lfn_utf8(d, e->name) < 0)
            memcpy(e->name, e->short_name, sizeof(e->short_name));
        d->lfn_next = 0;
        e->attr = attr & 0x3F;
        e->cluster = bytes_rd16(ent + 26);
        if (vol->type == FAT32)
            e->cluster |= (uint32_t)bytes_rd16(ent + 20) << 16;
        e->size = e->attr & FAT_ATTR_DIRECTORY ? 0 : bytes_rd32(ent + 28);
        e->mtime = fat_time(bytes_rd16(ent + 24), bytes_rd16(ent + 22), 0);
        e->ctime = fat_time(bytes_rd16(ent + 16), bytes_rd16(ent + 14), ent[13]);
        e->atime = fat_time(bytes_rd16(ent + 18), 0, 0);
        e->index = d->index - 1;
        e->dir = d->first == vol->root_cluster ? 0 : d->first;
        return 1;
    }
}

/* --- lookup ----------------------------------------------------------------------- */

int
fat_name_eq(const char *a, const char *b, size_t blen)
{
    size_t i;

    for (i = 0; i < blen; i++) {
        char x = a[i], y = b[i];

        if (x >= 'a' && x <= 'z')
            x = (char)(x - 'a' + 'A');
        if (y >= 'a' && y <= 'z')
            y = (char)(y - 'a' + 'A');
        if (x != y || x == 0)
            return 0;
    }
    return a[i] == 0;
}

int
fat_lookup(struct fat_vol *vol, const char *path, struct fat_dirent *e)
{
    struct fat_dir d;
    const char *p = path;
    int r;

    memset(e, 0, sizeof(*e));
    e->name[0] = '/';
    e->attr = FAT_ATTR_DIRECTORY;
    for (;;) {
        const char *name;
        size_t len;

        while (*p == '/')
            p++;
        if (*p == 0)
            return 0;
        name = p;
        while (*p && *p != '/')
            p++;
        len = (size_t)(p - name);
        if (len > FAT_NAME_MAX)
            return -CAIRN_ENAMETOOLONG;
        r = fat_dir_open_entry(vol, &d, e);
        if (r < 0)
            return r;
        while ((r = fat_dir_next(vol, &d, e)) == 1)
            if (fat_name_eq(e->name, name, len) || fat_name_eq(e->short_name, name, len))
                break;
        if (r < 0)
            return r;
        if (r == 0)
            return -CAIRN_ENOENT;
    }
}

/* --- files ------------------------------------------------------------------------ */

/* Checks that the chain from first ends within the volume's cluster
 * count, meeting no free, bad or out-of-range entry: 0 with its length in
 * *len (optional), or -CAIRN_EIO. */
int
fat_chain_check(struct fat_vol *vol, uint32_t first, uint32_t *len)
{
    uint32_t c = first, n = 1;
    int r;

    if (first < 2 || first > vol->clusters + 1)
        return fat_damaged(vol, "a chain's first cluster is out of range");
    for (;;) {
        uint32_t next;

        r = fat_next(vol, c, &next);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        if (n >= vol->clusters)
            return fat_damaged(vol, "a cluster chain loops");
        c = next;
        n++;
    }
    if (len)
        *len = n;
    return 0;
}

int
fat_file_open(struct fat_vol *vol, const struct fat_dirent *e, struct fat_file *f)
{
    uint64_t need;
    uint32_t steps;
    int r;

    if (fat_is_dir(e))
        return -CAIRN_EISDIR;
    memset(f, 0, sizeof(*f));
    f->size = e->size;
    f->first = f->cur = e->cluster;
    f->dir = e->dir;
    f->index = e->index;
    f->attr = e->attr;
    if (e->size == 0)
        return fat_file_listed(vol, f);
    if (e->cluster < 2 || e->cluster > vol->clusters + 1)
        return fat_damaged(vol, "a file's first cluster is out of range");
    need = ((uint64_t)e->size + vol->cluster_bytes - 1) / vol->cluster_bytes;
    if (need > vol->clusters)
        return fat_damaged(vol, "a file larger than the volume");
    /* Walk the whole chain once, so reads cannot loop. A chain longer than
     * the size is tolerated (the tail is never read); a shorter one is
     * damage. */
    r = fat_chain_check(vol, e->cluster, &steps);
    if (r < 0)
        return r;
    if (steps < need)
        return fat_damaged(vol, "a cluster chain shorter than its file's size");
    return fat_file_listed(vol, f);
}

long
fat_file_read(struct fat_vol *vol, struct fat_file *f, uint64_t offset, void *buf, size_t len)
{
    uint8_t *out = buf;
    uint32_t bps = FAT_DEV_SECTOR;
    size_t done = 0;
    int r;

    if (offset >= f->size)
        return 0;
    if (len > f->size - offset)
        len = (size_t)(f->size - offset);
    while (done < len) {
        uint64_t pos = offset + done;
        uint32_t idx = (uint32_t)(pos / vol->cluster_bytes);
        uint32_t in = (uint32_t)(pos % vol->cluster_bytes);
        uint64_t sector;
        size_t n;

        if (idx < f->cur_idx) {
            f->cur = f->first;
            f->cur_idx = 0;
        }
        while (f->cur_idx < idx) {
            uint32_t next;

            r = fat_next(vol, f->cur, &next);
            if (r == 0)
                r = fat_damaged(vol, "a cluster chain shorter than its file's size");
            if (r < 0)
                return r;
            f->cur = next;
            f->cur_idx++;
        }
        sector = fat_cluster_sector(vol, f->cur) * vol->dev_per_sector + in / bps;
        if (in % bps == 0 && len - done >= bps) {
            /* Whole sectors straight into the caller's buffer, up to the
             * cluster's end. */
            uint32_t count = (uint32_t)((len - done) / bps);
            uint32_t left = (vol->cluster_bytes - in) / bps;

            if (count > left)
                count = left;
            if (vol->cache)
                r = fat_cache_read_many(vol->cache, sector, count, out + done);
            else
                r = vol->read(vol->ctx, sector, count, out + done);
            if (r < 0)
                return r;
            n = (size_t)count * bps;
        } else {
            const uint8_t *s;

            r = fat_dev_sector(vol, sector, 0, &s);
            if (r < 0)
                return r;
            n = bps - in % bps;
            if (n > len - done)
                n = len - done;
            memcpy(out + done, s + in % bps, n);
        }
        done += n;
    }
    return (long)done;
}
