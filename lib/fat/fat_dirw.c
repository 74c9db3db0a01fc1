// SPDX-License-Identifier: MIT
/*
 * Directory entries' write side (fat.h): names checked and turned into
 * UTF-16 and 8.3 short names (with numeric tails ~N and the NT case
 * flags), free slots found or made (a directory grows by a zeroed
 * cluster), entries written and deleted, and the calls made of those:
 * create, mkdir, unlink, rmdir, rename, set_times.
 *
 * Ordering within a call (docs/fat.md): a new entry's long-name run and
 * short entry lie in one 512-byte sector whenever the run is 16 entries or
 * fewer (names up to 195 UTF-16 units), so one sector write makes the
 * whole name appear; free slots skipped before the run are first marked
 * deleted (E5), so the directory's end mark (00) never hides the new
 * entry. A deleted entry loses its long-name run first and its short
 * entry after, so no orphan long-name part is ever on the disk alone. A
 * rename deletes the old entry before it writes the new one: a cut in
 * between leaves the file's clusters lost, never two entries sharing them.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>
#include <common/bytes.h>

#include "fat_int.h"

#define PER_DEV (FAT_DEV_SECTOR / 32) /* directory entries per device sector */

static const uint8_t lfn_at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

/* --- times ----------------------------------------------------------------------------- */

void
fat_time_to_dos(int64_t t, uint16_t *date, uint16_t *time, uint8_t *hundredths)
{
    /* 1980-01-01 .. 2107-12-31 23:59:59 */
    const int64_t lo = 315532800, hi = 4354819199LL;
    int64_t days, secs, y, m, d, era, doe, yoe, doy, mp;

    if (t < lo)
        t = lo;
    if (t > hi)
        t = hi;
    days = t / 86400;
    secs = t % 86400;
    /* Civil date of a day count (Howard Hinnant's algorithm). */
    days += 719468;
    era = days / 146097;
    doe = days - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        y++;
    *date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
    *time = (uint16_t)((secs / 3600) << 11 | (secs / 60 % 60) << 5 | (secs % 60) / 2);
    if (hundredths)
        *hundredths = (uint8_t)((secs % 2) * 100);
}

/* Stamps entry ent with now: the write time and access date, and the
 * creation time too when create is set. */
void
fat_stamp(uint8_t *ent, int64_t now, int create)
{
    uint16_t date, time;
    uint8_t hund;

    fat_time_to_dos(now, &date, &time, &hund);
    bytes_wr16(ent + 22, time);
    bytes_wr16(ent + 24, date);
    bytes_wr16(ent + 18, date);
    if (create) {
        ent[13] = hund;
        bytes_wr16(ent + 14, time);
        bytes_wr16(ent + 16, date);
    }
}

/* --- names ----------------------------------------------------------------------------- */

struct fat_name {
    uint16_t u[256]; /* UTF-16 units */
    uint32_t n;
    uint8_t short_name[11];
    uint8_t nt;   /* NT case flags for a name stored as a short name alone */
    int lossy;    /* the short name is not the long one: a tail is due */
    int need_lfn; /* long-name entries are needed */
};

/* Decodes one UTF-8 character at *p: the code point, or -1. */
static int32_t
utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t c = s[0];
    int n;

    if (c < 0x80)
        n = 0;
    else if ((c & 0xE0) == 0xC0)
        n = 1, c &= 0x1F;
    else if ((c & 0xF0) == 0xE0)
        n = 2, c &= 0x0F;
    else if ((c & 0xF8) == 0xF0)
        n = 3, c &= 0x07;
    else
        return -1;
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        c = c << 6 | (s[i] & 0x3F);
    }
    if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) || (n == 3 && c < 0x10000) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *p = s + n + 1;
    return (int32_t)c;
}

/* Upper case of a code point for the short name (ASCII and Latin-1). */
static uint32_t
oem_upper(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return c - 32;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return c - 32;
    return c;
}

static int
is_lower(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7);
}

static int
is_upper(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

/* Code point c as a short name byte (code page 437), or 0 when it has none
 * or may not be in a short name. */
static uint8_t
oem_byte(uint32_t c)
{
    if (c < 0x80) {
        if (c <= 0x20 || strchr("\"*+,./:;<=>?[\\]|", (int)c) || c == 0x7F)
            return 0;
        return (uint8_t)c;
    }
    for (int i = 0; i < 128; i++)
        if (fat_cp437_high[i] == c)
            return (uint8_t)(0x80 + i);
    return 0;
}

/*
 * Checks name and fills nm: its UTF-16 units, its basis short name and
 * whether it is lossy, and the case flags. -CAIRN_EINVAL or
 * -CAIRN_ENAMETOOLONG.
 */
static int
name_parse(const char *name, struct fat_name *nm)
{
    const unsigned char *p = (const unsigned char *)name;
    uint32_t cps[256], ncp = 0, dot = UINT32_MAX, nb = 0, ne = 0;
    int base_lo = 0, base_up = 0, ext_lo = 0, ext_up = 0;

    memset(nm, 0, sizeof(*nm));
    memset(nm->short_name, ' ', 11);
    if (*p == 0)
        return -CAIRN_EINVAL;
    while (*p) {
        int32_t c = utf8_next(&p);

        if (c < 0x20 || (c < 0x80 && strchr("\"*/:<>?\\|", c)))
            return -CAIRN_EINVAL;
        if (c >= 0x10000) {
            if (nm->n + 2 > 255)
                return -CAIRN_ENAMETOOLONG;
            nm->u[nm->n++] = (uint16_t)(0xD800 + ((c - 0x10000) >> 10));
            nm->u[nm->n++] = (uint16_t)(0xDC00 + ((c - 0x10000) & 0x3FF));
        } else {
            if (nm->n + 1 > 255)
                return -CAIRN_ENAMETOOLONG;
            nm->u[nm->n++] = (uint16_t)c;
        }
        cps[ncp++] = (uint32_t)c;
    }
    if (cps[ncp - 1] == ' ' || cps[ncp - 1] == '.')
        return -CAIRN_EINVAL; /* also "." and ".." */

    /* The basis name (the specification's steps): upper case, OEM bytes,
     * spaces and leading periods dropped, the part before the last period
     * (its periods dropped) cut to 8, the part after it cut to 3. */
    for (uint32_t i = 0; i < ncp; i++)
        if (cps[i] == '.')
            dot = i;
    {
        uint32_t i = 0;

        while (i < ncp && cps[i] == '.') {
            nm->lossy = 1;
            i++;
        }
        if (dot != UINT32_MAX && dot < i)
            dot = UINT32_MAX; /* only leading periods: no extension */
        for (; i < ncp; i++) {
            uint32_t c = cps[i];
            int in_ext = dot != UINT32_MAX && i > dot;
            uint8_t b;

            if (i == dot)
                continue;
            if (c == ' ' || c == '.') {
                nm->lossy = 1;
                continue;
            }
            if (in_ext) {
                ext_lo |= is_lower(c);
                ext_up |= is_upper(c);
            } else {
                base_lo |= is_lower(c);
                base_up |= is_upper(c);
            }
            b = oem_byte(oem_upper(c));
            if (b == 0) {
                b = '_';
                nm->lossy = 1;
            }
            if (in_ext) {
                if (ne < 3)
                    nm->short_name[8 + ne++] = b;
                else
                    nm->lossy = 1;
            } else {
                if (nb < 8)
                    nm->short_name[nb++] = b;
                else
                    nm->lossy = 1;
            }
        }
    }
    if (nb == 0) {
        /* Nothing left of the base (".txt" or a name of spaces and dots). */
        nm->short_name[0] = '_';
        nm->lossy = 1;
    }
    if (nm->short_name[0] == 0xE5)
        nm->short_name[0] = 0x05;
    nm->nt = (base_lo ? 0x08 : 0) | (ext_lo ? 0x10 : 0);
    /* A short name alone holds the name when it is exact and each part is
     * all one case. */
    nm->need_lfn = nm->lossy || (base_lo && base_up) || (ext_lo && ext_up);
    return 0;
}

int
fat_short_basis(const char *name, uint8_t out[11], int *lossy)
{
    struct fat_name nm;
    int r = name_parse(name, &nm);

    if (r < 0)
        return r;
    memcpy(out, nm.short_name, 11);
    *lossy = nm.lossy;
    return 0;
}

/* The basis with tail ~n: the base cut so that it and the tail fit 8. */
static void
short_with_tail(const uint8_t basis[11], uint32_t n, uint8_t out[11])
{
    char tail[12];
    int tl = 0, bl = 0;

    tail[11] = 0;
    {
        char digits[11];
        int nd = 0;

        do {
            digits[nd++] = (char)('0' + n % 10);
            n /= 10;
        } while (n);
        tail[tl++] = '~';
        while (nd)
            tail[tl++] = digits[--nd];
    }
    memcpy(out, basis, 11);
    while (bl < 8 && basis[bl] != ' ')
        bl++;
    if (bl > 8 - tl)
        bl = 8 - tl;
    memset(out, ' ', 8);
    memcpy(out, basis, (size_t)bl);
    memcpy(out + bl, tail, (size_t)tl);
}

/* --- raw entries ----------------------------------------------------------------------- */

/* dir (0 = the root) as fat_dir_open's cluster: the first cluster walked. */
static uint32_t
dir_first(const struct fat_vol *vol, uint32_t dir)
{
    return dir == 0 && vol->type == FAT32 ? vol->root_cluster : dir;
}

/* The device sector holding entry index of dir: 0 with *s, or an error
 * (-CAIRN_EIO when the directory is shorter). */
static int
entry_sector(struct fat_vol *vol, uint32_t dir, uint32_t index, uint64_t *s)
{
    uint32_t per_cluster = vol->cluster_bytes / 32, c = dir_first(vol, dir);

    if (c == 0) {
        if (index >= vol->root_entries)
            return fat_damaged(vol, "an entry past the fixed root");
        *s = (uint64_t)vol->root_start * vol->dev_per_sector + index / PER_DEV;
        return 0;
    }
    if (c < 2 || c > vol->clusters + 1)
        return fat_damaged(vol, "a directory's cluster out of range");
    for (uint32_t i = 0; i < index / per_cluster; i++) {
        uint32_t next;
        int r = fat_next(vol, c, &next);

        if (r < 0)
            return r;
        if (r == 0 || i >= vol->clusters)
            return fat_damaged(vol, "an entry past its directory's chain");
        c = next;
    }
    *s = fat_cluster_dev(vol, c) + (index % per_cluster) / PER_DEV;
    return 0;
}

int
fat_entry_modify(struct fat_vol *vol, uint32_t dir, uint32_t index, uint8_t **ent)
{
    uint64_t s;
    uint8_t *p;
    int r = entry_sector(vol, dir, index, &s);

    if (r == 0)
        r = fat_modify(vol, s, 0, &p);
    if (r < 0)
        return r;
    *ent = p + (index % PER_DEV) * 32;
    return 0;
}

static int
entry_read(struct fat_vol *vol, uint32_t dir, uint32_t index, uint8_t out[32])
{
    uint64_t s;
    const uint8_t *p;
    int r = entry_sector(vol, dir, index, &s);

    if (r == 0)
        r = fat_dev_sector(vol, s, 0, &p);
    if (r < 0)
        return r;
    memcpy(out, p + (index % PER_DEV) * 32, 32);
    return 0;
}

/* dir is a directory: the root, or a cluster whose first entry is ".". */
static int
dir_check(struct fat_vol *vol, uint32_t dir)
{
    uint8_t ent[32];
    int r;

    if (dir == 0 || dir_first(vol, dir) == dir_first(vol, 0))
        return 0;
    if (dir < 2 || dir > vol->clusters + 1)
        return -CAIRN_ENOTDIR;
    r = entry_read(vol, dir, 0, ent);
    if (r < 0)
        return r;
    if (memcmp(ent, ".          ", 11) != 0 || !(ent[11] & FAT_ATTR_DIRECTORY))
        return -CAIRN_ENOTDIR;
    return 0;
}

int
fat_dir_find(struct fat_vol *vol, uint32_t dir, const char *name, struct fat_dirent *e)
{
    struct fat_dir d;
    size_t len = strlen(name);
    int r;

    if (len > FAT_NAME_MAX)
        return -CAIRN_ENAMETOOLONG;
    r = dir_check(vol, dir);
    if (r == 0)
        r = fat_dir_open(vol, &d, dir_first(vol, dir));
    if (r < 0)
        return r;
    while ((r = fat_dir_next(vol, &d, e)) == 1)
        if (fat_name_eq(e->name, name, len) || fat_name_eq(e->short_name, name, len))
            return 0;
    return r < 0 ? r : -CAIRN_ENOENT;
}

/* --- finding room ---------------------------------------------------------------------- */

/* The short name to use for nm in dir (skip: an entry index to ignore, the
 * one being renamed): the basis if it is exact and free, else the lowest
 * free tail. Scans the directory once per 4096 tails. */
static int
short_pick(struct fat_vol *vol, uint32_t dir, struct fat_name *nm, uint32_t skip)
{
    uint8_t used[512], cand[11];
    int basis_taken = 0;

    for (uint32_t base = 0; base < 0x100000; base += 4096) {
        struct fat_dir d;
        const uint8_t *ent;
        int r;

        memset(used, 0, sizeof(used));
        r = fat_dir_open(vol, &d, dir_first(vol, dir));
        if (r < 0)
            return r;
        for (;; d.index++) {
            r = fat_dir_raw(vol, &d, &ent);
            if (r < 0)
                return r;
            if (r == 0 || ent[0] == 0)
                break;
            if (ent[0] == 0xE5 || (ent[11] & 0x3F) == 0x0F || d.index == skip)
                continue;
            if (memcmp(ent, nm->short_name, 11) == 0)
                basis_taken = 1;
            /* NAME~digits: the digits' value, if it is in this window and
             * the whole name is the candidate for it. */
            for (int t = 7; t > 0; t--) {
                if (ent[t] == '~') {
                    uint32_t n = 0;
                    int k = t + 1, ok = k < 8 && ent[k] != ' ';

                    for (; ok && k < 8 && ent[k] != ' '; k++) {
                        if (ent[k] < '0' || ent[k] > '9' || n > 1000000)
                            ok = 0;
                        else
                            n = n * 10 + (ent[k] - '0');
                    }
                    if (ok && n > base && n <= base + 4096) {
                        short_with_tail(nm->short_name, n, cand);
                        if (memcmp(cand, ent, 11) == 0)
                            used[(n - base - 1) / 8] |= (uint8_t)(1 << ((n - base - 1) % 8));
                    }
                    break;
                }
            }
        }
        if (base == 0 && !nm->lossy && !basis_taken)
            return 0; /* the basis itself */
        for (uint32_t i = 0; i < 4096; i++) {
            if (!(used[i / 8] & (1 << (i % 8)))) {
                short_with_tail(nm->short_name, base + i + 1, cand);
                memcpy(nm->short_name, cand, 11);
                nm->need_lfn = 1;
                nm->nt = 0;
                return 0;
            }
        }
    }
    return -CAIRN_ENOSPC;
}

/*
 * Finds `need` free consecutive entries in dir (inside one device sector
 * when need <= PER_DEV), growing the directory by a zeroed cluster when
 * there are none: the index of the first in *at. Changes made: free
 * slots before the run that are end marks become deleted entries; a new
 * cluster is zeroed, then (after a barrier) linked in the FAT, then a
 * barrier. The caller's entries go in an epoch after these.
 */
static int
room_find(struct fat_vol *vol, uint32_t dir, uint32_t need, uint32_t *at)
{
    struct fat_dir d;
    const uint8_t *ent;
    uint32_t run = 0, start = 0, end = UINT32_MAX, cap;
    uint8_t *p;
    int r;

    r = fat_dir_open(vol, &d, dir_first(vol, dir));
    if (r < 0)
        return r;
    for (;; d.index++) {
        int free;

        if (d.index >= FAT_DIR_ENTRIES)
            return -CAIRN_ENOSPC;
        r = fat_dir_raw(vol, &d, &ent);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        if (ent[0] == 0 && end == UINT32_MAX)
            end = d.index;
        free = end != UINT32_MAX || ent[0] == 0xE5;
        if (!free) {
            run = 0;
            continue;
        }
        if (run == 0 || (need <= PER_DEV && d.index / PER_DEV != start / PER_DEV)) {
            start = d.index;
            run = 0;
        }
        if (++run == need)
            goto found;
    }
    /* No room: a new cluster (never for the fixed root). */
    cap = d.index;
    if (dir_first(vol, dir) == 0)
        return -CAIRN_ENOSPC;
    if (cap + vol->cluster_bytes / 32 > FAT_DIR_ENTRIES)
        return -CAIRN_ENOSPC;
    {
        uint32_t last = d.cluster, c;

        r = fat_alloc_one(vol, &c);
        if (r == 0)
            r = fat_zero_cluster(vol, c);
        for (uint32_t i = end; r == 0 && i < cap; i++) {
            r = fat_entry_modify(vol, dir, i, &p);
            if (r == 0)
                p[0] = 0xE5;
        }
        if (r < 0)
            return r;
        /* The new cluster's end mark, then the link to it: no chain on
         * the disk ever runs into a free cluster. */
        fat_barrier(vol);
        r = fat_set_entry(vol, c, fat_mask(vol));
        fat_barrier(vol);
        if (r == 0)
            r = fat_set_entry(vol, last, c);
        vol->pending--;
        if (r < 0)
            return r;
        vol->free_count--;
        vol->fsinfo_dirty = 1;
        fat_barrier(vol);
        *at = cap;
        return 0;
    }
found:
    for (uint32_t i = end; end != UINT32_MAX && i < start; i++) {
        r = fat_entry_modify(vol, dir, i, &p);
        if (r < 0)
            return r;
        p[0] = 0xE5;
    }
    *at = start;
    return 0;
}

/* Writes nm's long-name run and the short entry `shortent` (its name
 * field set here) at index at of dir. */
static int
entries_write(struct fat_vol *vol, uint32_t dir, uint32_t at, const struct fat_name *nm,
              const uint8_t shortent[32])
{
    uint32_t nl = nm->need_lfn ? (nm->n + 12) / 13 : 0;
    uint8_t sum = fat_name_checksum(nm->short_name), *p;
    int r;

    for (uint32_t i = 0; i < nl; i++) {
        uint32_t seq = nl - i; /* the first entry holds the last part */

        r = fat_entry_modify(vol, dir, at + i, &p);
        if (r < 0)
            return r;
        memset(p, 0, 32);
        p[0] = (uint8_t)(seq | (i == 0 ? 0x40 : 0));
        p[11] = 0x0F;
        p[13] = sum;
        for (int k = 0; k < 13; k++) {
            uint32_t u = (seq - 1) * 13 + (uint32_t)k;
            uint16_t v = u < nm->n ? nm->u[u] : u == nm->n ? 0 : 0xFFFF;

            bytes_wr16(p + lfn_at[k], v);
        }
    }
    r = fat_entry_modify(vol, dir, at + nl, &p);
    if (r < 0)
        return r;
    memcpy(p, shortent, 32);
    memcpy(p, nm->short_name, 11);
    p[12] = (uint8_t)((p[12] & ~0x18) | (nm->need_lfn ? 0 : nm->nt));
    return 0;
}

/* The long-name run before short entry si of dir: its first index in
 * *first (si when there is none). Entries of the run carry its checksum
 * and count up 1, 2, ... towards the start. */
static int
run_start(struct fat_vol *vol, uint32_t dir, uint32_t si, uint32_t *first)
{
    uint8_t shortent[32], ent[32], sum;
    uint32_t i = si, want = 1;
    int r = entry_read(vol, dir, si, shortent);

    if (r < 0)
        return r;
    sum = fat_name_checksum(shortent);
    while (i > 0 && want <= 20) {
        r = entry_read(vol, dir, i - 1, ent);
        if (r < 0)
            return r;
        if ((ent[11] & 0x3F) != 0x0F || ent[0] == 0xE5 || ent[13] != sum || (ent[0] & 0x3F) != want)
            break;
        i--;
        want++;
        if (ent[0] & 0x40)
            break;
    }
    *first = i;
    return 0;
}

/* Deletes the entry whose short entry is si (with its long-name run):
 * the run first, then (after a barrier when it is in another sector) the
 * short entry. */
static int
entry_delete(struct fat_vol *vol, uint32_t dir, uint32_t si)
{
    uint32_t first;
    uint8_t *p;
    int r = run_start(vol, dir, si, &first);

    if (r < 0)
        return r;
    for (uint32_t i = first; i < si; i++) {
        r = fat_entry_modify(vol, dir, i, &p);
        if (r < 0)
            return r;
        p[0] = 0xE5;
    }
    if (first < si && first / PER_DEV != si / PER_DEV)
        fat_barrier(vol);
    r = fat_entry_modify(vol, dir, si, &p);
    if (r < 0)
        return r;
    p[0] = 0xE5;
    return 0;
}

/* --- the calls ------------------------------------------------------------------------- */

/* Name checks, the directory's, and EEXIST: fills nm. */
static int
name_new(struct fat_vol *vol, uint32_t dir, const char *name, struct fat_name *nm)
{
    struct fat_dirent e;
    int r = name_parse(name, nm);

    if (r < 0)
        return r;
    r = fat_dir_find(vol, dir, name, &e);
    if (r == 0)
        return -CAIRN_EEXIST;
    return r == -CAIRN_ENOENT ? 0 : r;
}

static void
dirent_of(struct fat_vol *vol, uint32_t dir, uint32_t index, const char *name,
          const uint8_t ent[32], struct fat_dirent *e)
{
    if (!e)
        return;
    memset(e, 0, sizeof(*e));
    strncpy(e->name, name, FAT_NAME_MAX);
    e->attr = ent[11];
    e->cluster =
        bytes_rd16(ent + 26) | (vol->type == FAT32 ? (uint32_t)bytes_rd16(ent + 20) << 16 : 0);
    e->size = bytes_rd32(ent + 28);
    e->mtime = fat_time(bytes_rd16(ent + 24), bytes_rd16(ent + 22), 0);
    e->ctime = fat_time(bytes_rd16(ent + 16), bytes_rd16(ent + 14), ent[13]);
    e->atime = fat_time(bytes_rd16(ent + 18), 0, 0);
    e->index = index;
    e->dir = dir_first(vol, dir) == dir_first(vol, 0) ? 0 : dir;
}

static int
make_entry(struct fat_vol *vol, uint32_t dir, const char *name, uint8_t attr, int64_t now,
           struct fat_dirent *e)
{
    struct fat_name nm;
    uint8_t ent[32];
    uint32_t at, c = 0, nl;
    int r;

    r = fat_begin(vol);
    if (r == 0)
        r = dir_check(vol, dir);
    if (r == 0)
        r = name_new(vol, dir, name, &nm);
    if (r == 0)
        r = short_pick(vol, dir, &nm, UINT32_MAX);
    if (r < 0)
        return r;
    nl = nm.need_lfn ? (nm.n + 12) / 13 : 0;
    memset(ent, 0, sizeof(ent));
    ent[11] = attr;
    fat_stamp(ent, now, 1);
    /* Room first: if the new directory's cluster then cannot be had,
     * nothing is lost (a grown directory is still a directory). */
    r = room_find(vol, dir, nl + 1, &at);
    if (r < 0)
        return r;
    if (attr & FAT_ATTR_DIRECTORY) {
        /* The new directory's cluster: zeroed with "." and "..", then its
         * FAT entry, before any entry names it. */
        uint8_t *p;
        uint32_t parent = dir_first(vol, dir) == dir_first(vol, 0) ? 0 : dir;

        r = fat_alloc_one(vol, &c);
        if (r == 0)
            r = fat_zero_cluster(vol, c);
        if (r == 0)
            r = fat_cache_modify(vol->cache, fat_cluster_dev(vol, c), 0, &p);
        if (r < 0)
            return r;
        memcpy(p, ent, 32);
        memcpy(p, ".          ", 11);
        bytes_wr16(p + 26, (uint16_t)c);
        bytes_wr16(p + 20, vol->type == FAT32 ? (uint16_t)(c >> 16) : 0);
        memcpy(p + 32, ent, 32);
        memcpy(p + 32, "..         ", 11);
        bytes_wr16(p + 32 + 26, (uint16_t)parent);
        bytes_wr16(p + 32 + 20, vol->type == FAT32 ? (uint16_t)(parent >> 16) : 0);
        fat_barrier(vol);
        r = fat_set_entry(vol, c, fat_mask(vol));
        vol->pending--;
        if (r < 0)
            return r;
        vol->free_count--;
        vol->fsinfo_dirty = 1;
        fat_barrier(vol);
        bytes_wr16(ent + 26, (uint16_t)c);
        bytes_wr16(ent + 20, vol->type == FAT32 ? (uint16_t)(c >> 16) : 0);
    }

    fat_barrier(vol);
    r = entries_write(vol, dir, at, &nm, ent);
    if (r < 0)
        return r;
    fat_barrier(vol);
    memcpy(ent, nm.short_name, 11);
    dirent_of(vol, dir, at + nl, name, ent, e);
    return 0;
}

int
fat_create(struct fat_vol *vol, uint32_t dir, const char *name, uint8_t attr, int64_t now,
           struct fat_dirent *e)
{
    attr &= FAT_ATTR_READ_ONLY | FAT_ATTR_HIDDEN | FAT_ATTR_SYSTEM;
    return make_entry(vol, dir, name, (uint8_t)(attr | FAT_ATTR_ARCHIVE), now, e);
}

int
fat_mkdir(struct fat_vol *vol, uint32_t dir, const char *name, int64_t now, struct fat_dirent *e)
{
    return make_entry(vol, dir, name, FAT_ATTR_DIRECTORY, now, e);
}

/* Open handles of entry (dir, index): made unlinked, all with one new
 * number. 1 if there were any. */
static int
files_unlink(struct fat_vol *vol, uint32_t dir, uint32_t index)
{
    uint32_t id = ++vol->unlinked_seq;
    int any = 0;

    for (struct fat_file *o = vol->open_files; o; o = o->next) {
        if (o->dir == dir && o->index == index) {
            o->dir = FAT_UNLINKED_DIR;
            o->index = id;
            o->unlinked = 1;
            any = 1;
        }
    }
    return any;
}

/* Removes entry e (found in dir) and frees its chain unless open handles
 * hold it, the chain after the entry. */
static int
remove_entry(struct fat_vol *vol, const struct fat_dirent *e)
{
    int r = entry_delete(vol, e->dir, e->index);

    if (r < 0)
        return r;
    if (files_unlink(vol, e->dir, e->index) || e->cluster == 0)
        return 0;
    fat_barrier(vol);
    r = fat_free_chain(vol, e->cluster);
    fat_barrier(vol);
    return r;
}

int
fat_unlink(struct fat_vol *vol, uint32_t dir, const char *name)
{
    struct fat_dirent e;
    int r = fat_begin(vol);

    if (r == 0)
        r = fat_dir_find(vol, dir, name, &e);
    if (r < 0)
        return r;
    if (fat_is_dir(&e))
        return -CAIRN_EISDIR;
    return remove_entry(vol, &e);
}

/* 0 when directory cluster c holds nothing but ".", ".." and deleted or
 * long-name entries; -CAIRN_ENOTEMPTY; or an error. */
static int
dir_empty(struct fat_vol *vol, uint32_t c)
{
    struct fat_dir d;
    const uint8_t *ent;
    int r = fat_dir_open(vol, &d, c);

    if (r < 0)
        return r;
    for (;; d.index++) {
        r = fat_dir_raw(vol, &d, &ent);
        if (r < 0)
            return r;
        if (r == 0 || ent[0] == 0)
            return 0;
        if (ent[0] == 0xE5 || (ent[11] & 0x3F) == 0x0F || ent[11] & FAT_ATTR_VOLUME_ID)
            continue;
        if (ent[0] == '.' && (ent[1] == ' ' || (ent[1] == '.' && ent[2] == ' ')))
            continue;
        return -CAIRN_ENOTEMPTY;
    }
}

int
fat_rmdir(struct fat_vol *vol, uint32_t dir, const char *name)
{
    struct fat_dirent e;
    int r = fat_begin(vol);

    if (r == 0)
        r = fat_dir_find(vol, dir, name, &e);
    if (r < 0)
        return r;
    if (!fat_is_dir(&e))
        return -CAIRN_ENOTDIR;
    if (e.cluster < 2 || e.cluster > vol->clusters + 1)
        return fat_damaged(vol, "a directory entry with no cluster");
    r = dir_empty(vol, e.cluster);
    if (r < 0)
        return r;
    return remove_entry(vol, &e);
}

/* -CAIRN_EINVAL when directory `to` is directory `moved` or lies below it:
 * walks up from `to` by "..", at most as many steps as there are clusters. */
static int
not_below(struct fat_vol *vol, uint32_t moved, uint32_t to)
{
    uint32_t c = dir_first(vol, to), root = dir_first(vol, 0);

    for (uint32_t steps = 0; c != root && c != 0; steps++) {
        uint8_t ent[32];
        int r;

        if (c == moved)
            return -CAIRN_EINVAL;
        if (steps > vol->clusters)
            return fat_damaged(vol, "directories' \"..\" entries loop");
        r = entry_read(vol, c, 1, ent);
        if (r < 0)
            return r;
        if (memcmp(ent, "..         ", 11) != 0)
            return fat_damaged(vol, "a directory without \"..\"");
        c = bytes_rd16(ent + 26) | (vol->type == FAT32 ? (uint32_t)bytes_rd16(ent + 20) << 16 : 0);
    }
    return 0;
}

int
fat_rename(struct fat_vol *vol, uint32_t fdir, const char *from, uint32_t tdir, const char *to,
           int64_t now)
{
    struct fat_dirent old, tgt;
    struct fat_name nm;
    uint8_t ent[32];
    uint32_t at, nl, nfdir, ntdir;
    int r, have_tgt, self;

    (void)now;
    r = fat_begin(vol);
    if (r == 0)
        r = dir_check(vol, tdir);
    if (r == 0)
        r = name_parse(to, &nm);
    if (r == 0)
        r = fat_dir_find(vol, fdir, from, &old);
    if (r < 0)
        return r;
    nfdir = old.dir;
    ntdir = dir_first(vol, tdir) == dir_first(vol, 0) ? 0 : tdir;
    r = fat_dir_find(vol, tdir, to, &tgt);
    if (r < 0 && r != -CAIRN_ENOENT)
        return r;
    have_tgt = r == 0;
    self = have_tgt && tgt.dir == nfdir && tgt.index == old.index;
    if (self) {
        if (strcmp(tgt.name, to) == 0)
            return 0; /* the very same name */
        have_tgt = 0;
    }
    if (have_tgt) {
        if (fat_is_dir(&old) && !fat_is_dir(&tgt))
            return -CAIRN_ENOTDIR;
        if (!fat_is_dir(&old) && fat_is_dir(&tgt))
            return -CAIRN_EISDIR;
        if (fat_is_dir(&tgt)) {
            if (tgt.cluster < 2 || tgt.cluster > vol->clusters + 1)
                return fat_damaged(vol, "a directory entry with no cluster");
            r = dir_empty(vol, tgt.cluster);
            if (r < 0)
                return r;
        }
    }
    if (fat_is_dir(&old)) {
        if (old.cluster < 2 || old.cluster > vol->clusters + 1)
            return fat_damaged(vol, "a directory entry with no cluster");
        r = not_below(vol, old.cluster, tdir);
        if (r < 0)
            return r;
    }
    r = entry_read(vol, nfdir, old.index, ent);
    if (r == 0)
        r = short_pick(vol, tdir, &nm, ntdir == nfdir ? old.index : UINT32_MAX);
    if (r < 0)
        return r;
    nl = nm.need_lfn ? (nm.n + 12) / 13 : 0;
    r = room_find(vol, tdir, nl + 1, &at);
    if (r < 0)
        return r;
    /* The old entry (and the replaced one) go, then the new one comes. */
    fat_barrier(vol);
    if (have_tgt) {
        r = entry_delete(vol, tgt.dir, tgt.index);
        if (r < 0)
            return r;
    }
    r = entry_delete(vol, nfdir, old.index);
    if (r < 0)
        return r;
    fat_barrier(vol);
    /* A moved directory's ".." while no entry names the directory: a
     * cut here leaves it lost, never with a ".." naming the wrong parent. */
    if (fat_is_dir(&old) && ntdir != nfdir) {
        uint8_t *p;

        r = fat_entry_modify(vol, old.cluster, 1, &p);
        if (r < 0)
            return r;
        if (memcmp(p, "..         ", 11) == 0) {
            bytes_wr16(p + 26, (uint16_t)ntdir);
            bytes_wr16(p + 20, vol->type == FAT32 ? (uint16_t)(ntdir >> 16) : 0);
        }
    }
    fat_barrier(vol);
    r = entries_write(vol, tdir, at, &nm, ent);
    if (r < 0)
        return r;
    fat_barrier(vol);
    for (struct fat_file *o = vol->open_files; o; o = o->next) {
        if (o->dir == nfdir && o->index == old.index) {
            o->dir = ntdir;
            o->index = at + nl;
        }
    }
    if (have_tgt && !files_unlink(vol, tgt.dir, tgt.index) && tgt.cluster != 0) {
        r = fat_free_chain(vol, tgt.cluster);
        fat_barrier(vol);
    }
    return r;
}

int
fat_set_times(struct fat_vol *vol, uint32_t dir, const char *name, int64_t atime, int64_t mtime)
{
    struct fat_dirent e;
    uint16_t date, time;
    uint8_t *p;
    int r = fat_begin(vol);

    if (r == 0)
        r = fat_dir_find(vol, dir, name, &e);
    if (r == 0)
        r = fat_entry_modify(vol, e.dir, e.index, &p);
    if (r < 0)
        return r;
    fat_time_to_dos(mtime, &date, &time, NULL);
    bytes_wr16(p + 22, time);
    bytes_wr16(p + 24, date);
    fat_time_to_dos(atime, &date, &time, NULL);
    bytes_wr16(p + 18, date);
    fat_barrier(vol);
    return 0;
}
