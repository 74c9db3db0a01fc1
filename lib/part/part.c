// SPDX-License-Identifier: MIT
/*
 * Partition tables: MBR (four primary entries, the extended partition's EBR
 * chain) and GPT (primary header at LBA 1, backup at the last LBA). See
 * part.h for the contract; the on-disk facts are the UEFI specification's
 * chapter 5 and the de facto MBR/EBR layout docs/block.md sums up.
 *
 * Invariants of part_scan: every sector number handed to the read function
 * was checked to be below t->sectors first; every loop is bounded (the EBR
 * chain by PART_MAX links and a visited list, a GPT array by
 * PART_GPT_ARRAY_MAX bytes); an entry enters t->entries only after it was
 * checked to lie inside the disk, and the table is returned only after no
 * two entries were found to overlap.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>
#include <common/bytes.h>

#include "part.h"

/* --- CRC-32 ---------------------------------------------------------------------------- */

/* The reflected polynomial's table for one nibble: small, and fast enough for
 * the few KiB of a GPT entry array. */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
    0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

uint32_t
part_crc32(uint32_t crc, const void *p, size_t n)
{
    const uint8_t *b = p;

    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= b[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
    }
    return ~crc;
}

/* --- reasons ----------------------------------------------------------------------------- */

static void
why_add(struct part_table *t, const char *s)
{
    size_t at = strlen(t->why);

    while (*s && at + 1 < sizeof(t->why))
        t->why[at++] = *s++;
    t->why[at] = 0;
}

static void
why_num(struct part_table *t, uint64_t v)
{
    char digits[21];
    int n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    char s[21];
    for (int i = 0; i < n; i++)
        s[i] = digits[n - 1 - i];
    s[n] = 0;
    why_add(t, s);
}

/* Sets the reason and returns -CAIRN_EIO, the refusal. */
static int
refuse(struct part_table *t, const char *s)
{
    t->why[0] = 0;
    why_add(t, s);
    return -CAIRN_EIO;
}

/* --- entries --------------------------------------------------------------------------- */

/* Adds an entry already checked to lie inside the disk; -CAIRN_EIO past PART_MAX. */
static struct part_entry *
entry_add(struct part_table *t, uint64_t first, uint64_t sectors, uint32_t index)
{
    struct part_entry *e;

    if (t->count >= PART_MAX)
        return NULL;
    e = &t->entries[t->count++];
    memset(e, 0, sizeof(*e));
    e->first_lba = first;
    e->sectors = sectors;
    e->index = index;
    return e;
}

static int
ranges_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
    return a < b + bn && b < a + an;
}

/* Refuses the table if two of its entries overlap. */
static int
entries_check_overlap(struct part_table *t)
{
    for (uint32_t i = 0; i < t->count; i++)
        for (uint32_t j = i + 1; j < t->count; j++) {
            const struct part_entry *a = &t->entries[i], *b = &t->entries[j];

            if (ranges_overlap(a->first_lba, a->sectors, b->first_lba, b->sectors)) {
                refuse(t, "partitions ");
                why_num(t, a->index);
                why_add(t, " and ");
                why_num(t, b->index);
                why_add(t, " overlap");
                return -CAIRN_EIO;
            }
        }
    return 0;
}

/* --- MBR ------------------------------------------------------------------------------- */

#define MBR_TABLE 446 /* the four 16-byte entries */
#define MBR_SIG   510 /* 0x55 0xAA */

struct mbr_slot {
    uint8_t status;
    uint8_t type;
    uint32_t start; /* relative: to the disk (MBR), the EBR or the extended partition */
    uint32_t count;
};

static struct mbr_slot
mbr_slot(const uint8_t *sec, unsigned i)
{
    const uint8_t *p = sec + MBR_TABLE + 16 * i;
    struct mbr_slot s = {p[0], p[4], bytes_rd32(p + 8), bytes_rd32(p + 12)};

    return s;
}

static int
mbr_is_extended(uint8_t type)
{
    return type == PART_MBR_EXTENDED || type == PART_MBR_EXTENDED_LBA ||
           type == PART_MBR_EXTENDED_LNX;
}

static int
mbr_has_sig(const uint8_t *sec)
{
    return sec[MBR_SIG] == 0x55 && sec[MBR_SIG + 1] == 0xaa;
}

/* A file system's boot sector (FAT, NTFS, exFAT): a jump instruction, then
 * a BPB whose bytes per sector are a power of two 512..4096. mkfs.fat leaves
 * zeros where a table's entries would be, which would read as an empty MBR. */
static int
mbr_is_volume_boot_sector(const uint8_t *sec)
{
    uint32_t bps = bytes_rd16(sec + 11);

    if (!((sec[0] == 0xeb && sec[2] == 0x90) || sec[0] == 0xe9))
        return 0;
    return bps >= 512 && bps <= 4096 && (bps & (bps - 1)) == 0;
}

/*
 * Walks the EBR chain of the extended partition [ext, ext + ext_n). Each EBR
 * holds one logical partition (relative to the EBR) and the link to the next
 * EBR (relative to the extended partition's start). Links may go backwards on
 * disk, so a loop is found by the visited list, not by order.
 */
static int
mbr_walk_ebrs(struct part_table *t, part_read_fn read, void *ctx, uint64_t ext, uint64_t ext_n)
{
    uint64_t visited[PART_MAX];
    uint32_t nvisited = 0, logical = 5;
    uint64_t ebr = ext;

    for (;;) {
        int err;

        for (uint32_t i = 0; i < nvisited; i++)
            if (visited[i] == ebr) {
                refuse(t, "the EBR chain loops back to LBA ");
                why_num(t, ebr);
                return -CAIRN_EIO;
            }
        if (nvisited == PART_MAX || t->count >= PART_MAX)
            return refuse(t, "the EBR chain is longer than the partitions kept");
        visited[nvisited++] = ebr;
        /* ebr < ext + ext_n <= t->sectors: checked by the caller or the link below. */
        err = read(ctx, ebr, 1, t->sec);
        if (err < 0)
            return err;
        if (!mbr_has_sig(t->sec)) {
            refuse(t, "the EBR at LBA ");
            why_num(t, ebr);
            why_add(t, " has no 0x55AA signature");
            return -CAIRN_EIO;
        }
        struct mbr_slot part = mbr_slot(t->sec, 0), next = mbr_slot(t->sec, 1);

        if (part.type != 0 && part.count != 0) {
            uint64_t first = ebr + part.start;
            struct part_entry *e;

            if (part.start == 0 || first + part.count > ext + ext_n) {
                refuse(t, "logical partition ");
                why_num(t, logical);
                why_add(t, " lies outside its extended partition");
                return -CAIRN_EIO;
            }
            e = entry_add(t, first, part.count, logical++);
            if (!e)
                return refuse(t, "more partitions than are kept");
            e->mbr_type = part.type;
            e->attrs = part.status & 0x80;
        }
        if (!mbr_is_extended(next.type) || next.count == 0)
            break;
        if (next.start >= ext_n) {
            refuse(t, "an EBR link points outside the extended partition (from LBA ");
            why_num(t, ebr);
            why_add(t, ")");
            return -CAIRN_EIO;
        }
        ebr = ext + next.start;
    }
    /* A logical partition covering an EBR would be overwritten by the table. */
    for (uint32_t i = 0; i < t->count; i++)
        for (uint32_t v = 0; v < nvisited; v++)
            if (t->entries[i].index >= 5 &&
                ranges_overlap(t->entries[i].first_lba, t->entries[i].sectors, visited[v], 1)) {
                refuse(t, "logical partition ");
                why_num(t, t->entries[i].index);
                why_add(t, " covers the EBR at LBA ");
                why_num(t, visited[v]);
                return -CAIRN_EIO;
            }
    return 0;
}

/* Sector 0 (in t->sec) has the MBR signature and sane boot indicators. */
static int
mbr_scan(struct part_table *t, part_read_fn read, void *ctx)
{
    struct mbr_slot slots[4];
    uint64_t ext = 0, ext_n = 0;

    for (unsigned i = 0; i < 4; i++)
        slots[i] = mbr_slot(t->sec, i);
    t->scheme = PART_SCHEME_MBR;
    for (unsigned i = 0; i < 4; i++) {
        const struct mbr_slot *s = &slots[i];
        struct part_entry *e;

        if (s->type == 0 || s->count == 0)
            continue;
        if (s->start == 0 || (uint64_t)s->start + s->count > t->sectors) {
            refuse(t, "partition ");
            why_num(t, i + 1);
            why_add(t, s->start == 0 ? " starts at the MBR" : " lies past the end of the disk");
            return -CAIRN_EIO;
        }
        /* The extended partition is a container checked against the others
         * here, not an entry of the list: its logicals are. */
        for (unsigned j = 0; j < i; j++)
            if (slots[j].type != 0 && slots[j].count != 0 &&
                ranges_overlap(s->start, s->count, slots[j].start, slots[j].count)) {
                refuse(t, "partitions ");
                why_num(t, j + 1);
                why_add(t, " and ");
                why_num(t, i + 1);
                why_add(t, " overlap");
                return -CAIRN_EIO;
            }
        if (mbr_is_extended(s->type)) {
            if (ext_n)
                return refuse(t, "more than one extended partition");
            ext = s->start;
            ext_n = s->count;
            continue;
        }
        e = entry_add(t, s->start, s->count, i + 1);
        e->mbr_type = s->type;
        e->attrs = s->status & 0x80;
    }
    if (ext_n) {
        int err = mbr_walk_ebrs(t, read, ctx, ext, ext_n);

        if (err < 0)
            return err;
    }
    return entries_check_overlap(t);
}

/* --- GPT ------------------------------------------------------------------------------- */

#define GPT_REVISION_1 0x00010000u

/* What a GPT header says, taken out of the sector before the array reuses it. */
struct gpt_hdr {
    uint64_t my_lba, first_usable, last_usable, array_lba;
    uint32_t entries, entry_size, array_crc;
    uint8_t disk_guid[16];
};

/* Checks the header in t->sec read from LBA `at`; a static reason or NULL. */
static const char *
gpt_check_header(struct part_table *t, uint64_t at, struct gpt_hdr *h)
{
    const uint8_t *s = t->sec;
    static const uint8_t zero4[4];
    uint32_t hsize, crc;
    uint64_t array_bytes, array_secs, last = t->sectors - 1;

    if (memcmp(s, "EFI PART", 8) != 0)
        return "no \"EFI PART\" signature";
    if (bytes_rd32(s + 8) >> 16 != GPT_REVISION_1 >> 16)
        return "a revision other than 1.x";
    hsize = bytes_rd32(s + 12);
    if (hsize < 92 || hsize > t->sector_size)
        return "a header size outside 92..the sector size";
    crc = part_crc32(0, s, 16);
    crc = part_crc32(crc, zero4, 4);
    crc = part_crc32(crc, s + 20, hsize - 20);
    if (crc != bytes_rd32(s + 16))
        return "a bad header CRC32";
    h->my_lba = bytes_rd64(s + 24);
    h->first_usable = bytes_rd64(s + 40);
    h->last_usable = bytes_rd64(s + 48);
    memcpy(h->disk_guid, s + 56, 16);
    h->array_lba = bytes_rd64(s + 72);
    h->entries = bytes_rd32(s + 80);
    h->entry_size = bytes_rd32(s + 84);
    h->array_crc = bytes_rd32(s + 88);
    if (h->my_lba != at)
        return "a header that names another LBA as its own";
    if (h->first_usable < 2 || h->first_usable > h->last_usable || h->last_usable >= last)
        return "a usable range outside the disk";
    if (h->entry_size < 128 || h->entry_size > t->sector_size ||
        (h->entry_size & (h->entry_size - 1)) != 0)
        return "an entry size that is not 128 times a power of two, at most a sector";
    array_bytes = (uint64_t)h->entries * h->entry_size;
    if (array_bytes > PART_GPT_ARRAY_MAX)
        return "an entry array larger than 1 MiB";
    array_secs = (array_bytes + t->sector_size - 1) / t->sector_size;
    if (h->array_lba < 2 || h->array_lba > last || array_secs > last - h->array_lba)
        return "an entry array outside the disk";
    if (ranges_overlap(h->array_lba, array_secs, h->first_usable,
                       h->last_usable - h->first_usable + 1))
        return "an entry array inside the usable range";
    return NULL;
}

/* Converts a GPT name (36 UTF-16LE units, 0-padded) to UTF-8; a lone
 * surrogate becomes U+FFFD. The result fits PART_NAME_MAX by construction:
 * at most 3 bytes a unit, 4 a pair. */
static void
gpt_name(const uint8_t *p, char *out)
{
    size_t o = 0;

    for (unsigned i = 0; i < 36; i++) {
        uint32_t c = bytes_rd16(p + 2 * i);

        if (c == 0)
            break;
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < 36) {
            uint32_t lo = bytes_rd16(p + 2 * (i + 1));

            if (lo >= 0xdc00 && lo < 0xe000) {
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                i++;
            } else {
                c = 0xfffd;
            }
        } else if (c >= 0xd800 && c < 0xe000) {
            c = 0xfffd;
        }
        if (c < 0x80) {
            out[o++] = (char)c;
        } else if (c < 0x800) {
            out[o++] = (char)(0xc0 | c >> 6);
            out[o++] = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out[o++] = (char)(0xe0 | c >> 12);
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (c & 0x3f));
        } else {
            out[o++] = (char)(0xf0 | c >> 18);
            out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[o] = 0;
}

static int
guid_is_zero(const uint8_t *g)
{
    for (unsigned i = 0; i < 16; i++)
        if (g[i])
            return 0;
    return 1;
}

/*
 * Reads the header at LBA `at` and its entry array into t->entries. Returns
 * 0, a read error, or 1 with *why set when this copy is refused (the caller
 * may try the other copy).
 */
static int
gpt_read_copy(struct part_table *t, part_read_fn read, void *ctx, uint64_t at, const char **why)
{
    struct gpt_hdr h;
    uint32_t per_sector, crc = 0, n = 0;
    uint64_t lba;
    int err;

    t->count = 0;
    err = read(ctx, at, 1, t->sec);
    if (err < 0)
        return err;
    *why = gpt_check_header(t, at, &h);
    if (*why)
        return 1;
    per_sector = t->sector_size / h.entry_size;
    for (lba = h.array_lba; n < h.entries; lba++) {
        err = read(ctx, lba, 1, t->sec);
        if (err < 0)
            return err;
        for (uint32_t k = 0; k < per_sector && n < h.entries; k++, n++) {
            const uint8_t *e = t->sec + (size_t)k * h.entry_size;
            uint64_t first = bytes_rd64(e + 32), last = bytes_rd64(e + 40);
            struct part_entry *pe;

            crc = part_crc32(crc, e, h.entry_size);
            if (guid_is_zero(e))
                continue;
            /* Checked even before the array's CRC is known: a refusal
             * found here waits until the CRC has been checked. */
            if (!*why && (first > last || first < h.first_usable || last > h.last_usable))
                *why = "an entry outside the usable range";
            if (*why)
                continue;
            pe = entry_add(t, first, last - first + 1, n + 1);
            if (!pe) {
                *why = "more entries in use than are kept";
                continue;
            }
            memcpy(pe->type_guid, e, 16);
            memcpy(pe->unique_guid, e + 16, 16);
            pe->attrs = bytes_rd64(e + 48);
            gpt_name(e + 56, pe->name);
        }
    }
    if (crc != h.array_crc)
        *why = "a bad entry array CRC32";
    if (*why)
        return 1;
    t->first_usable = h.first_usable;
    t->last_usable = h.last_usable;
    memcpy(t->disk_guid, h.disk_guid, 16);
    if (entries_check_overlap(t) < 0) {
        *why = "overlapping entries";
        return 1;
    }
    return 0;
}

static int
gpt_scan(struct part_table *t, part_read_fn read, void *ctx)
{
    const char *why_primary, *why_backup;
    int r;

    t->scheme = PART_SCHEME_GPT;
    if (t->sectors < 5)
        return refuse(t, "a protective MBR on a disk too small for GPT");
    r = gpt_read_copy(t, read, ctx, 1, &why_primary);
    if (r <= 0)
        return r;
    r = gpt_read_copy(t, read, ctx, t->sectors - 1, &why_backup);
    if (r < 0)
        return r;
    t->why[0] = 0;
    why_add(t, "primary GPT: ");
    why_add(t, why_primary);
    if (r == 0) {
        t->used_backup = 1;
        why_add(t, "; the backup at the last LBA was used");
        return 0;
    }
    t->count = 0;
    why_add(t, "; backup GPT: ");
    why_add(t, why_backup);
    return -CAIRN_EIO;
}

/* --- the scan -------------------------------------------------------------------------- */

int
part_scan(struct part_table *t, part_read_fn read, void *ctx, uint32_t sector_size,
          uint64_t sectors)
{
    int err, protective = 0, used = 0;

    t->scheme = PART_SCHEME_NONE;
    t->count = 0;
    t->sector_size = sector_size;
    t->sectors = sectors;
    t->first_usable = t->last_usable = 0;
    memset(t->disk_guid, 0, sizeof(t->disk_guid));
    t->used_backup = 0;
    t->why[0] = 0;
    if (sector_size < 512 || sector_size > PART_SECTOR_MAX ||
        (sector_size & (sector_size - 1)) != 0)
        return -CAIRN_EINVAL;
    if (sectors == 0) {
        why_add(t, "an empty disk");
        return 0;
    }
    err = read(ctx, 0, 1, t->sec);
    if (err < 0)
        return err;
    if (!mbr_has_sig(t->sec)) {
        why_add(t, "no 0x55AA signature in sector 0");
        return 0;
    }
    /* A FAT or other volume's boot sector also ends in 0x55AA. Its boot code
     * where the table would be rarely has 0 or 0x80 in all four status
     * bytes; where it does (mkfs.fat leaves zeros there), no entry is in use
     * and the sector starts with a jump and a BPB. A table in use wins over
     * a jump: some MBR boot code starts with one too. */
    for (unsigned i = 0; i < 4; i++) {
        struct mbr_slot s = mbr_slot(t->sec, i);

        if (s.status != 0 && s.status != 0x80) {
            why_add(t, "sector 0 is not a partition table (a status byte is neither 0 nor 0x80)");
            return 0;
        }
        if (s.type == PART_MBR_PROTECTIVE)
            protective = 1;
        if (s.type != 0 && s.count != 0)
            used = 1;
    }
    if (!used && mbr_is_volume_boot_sector(t->sec)) {
        why_add(t, "sector 0 is a volume's boot sector (a whole-disk file system) with no "
                   "partition in its table");
        return 0;
    }
    err = protective ? gpt_scan(t, read, ctx) : mbr_scan(t, read, ctx);
    if (err < 0)
        t->count = 0; /* a refused table offers no entry, not the ones read before the fault */
    return err;
}
