// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the partition table reader (lib/part/part.c).
 *
 * A partition table is a few sectors spread over a large disk (GPT's backup
 * sits at the last LBA), so the input describes a sparse device, as
 * fuzz_fat.c's does:
 *     u32 size            the device's size in its sectors (any value:
 *                         nothing is allocated for it)
 *     u8 flags            FIX_PRIMARY, FIX_BACKUP: make the GPT header at
 *                         LBA 1, at the last LBA, have right CRCs (its
 *                         array's, then its own) so the mutations get past
 *                         them to the checks behind; SECTOR_4K: the device's
 *                         sectors are 4096 bytes, eight records' units each
 *     { u32 unit; u8 data[512]; } ...
 *                         sectors that are not all zeros (a later record for
 *                         the same sector wins; the last may be cut short,
 *                         its rest zeros)
 * The unit is 512 bytes whatever the sector size. All little-endian; every
 * other unit reads as zeros. Each record's data
 * is read from an exactly-sized heap copy of the input, so ASan sees any
 * read past it. tests/fuzz/mkcorpus.py turns disks made by sfdisk into seeds
 * of this form.
 *
 * Promises checked beyond "no crash, no hang":
 *   - part_scan gives 0 or -CAIRN_EIO, never asks for a sector past the end
 *     (the device answers -CAIRN_ERANGE, which would come back: checked
 *     apart too), and a refusal has a reason and no entry;
 *   - no table (PART_SCHEME_NONE) has a reason and no entry; a table read
 *     from the GPT backup has the primary's reason; a clean table has none;
 *   - every entry is at least one sector inside the disk, past sector 0, no
 *     two overlap, and no two share an index; MBR entries have no GUID and
 *     GPT entries have no type byte and lie inside the usable range, which
 *     lies inside the disk and past the headers;
 *   - names are valid UTF-8 of at most PART_NAME_MAX bytes, 0-terminated,
 *     and MBR entries have none.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/errors.h"
#include "common/bytes.h"
#include "fuzz.h"
#include "part/part.h"

#define FIX_PRIMARY 1u
#define FIX_BACKUP  2u
#define SECTOR_4K   4u
#define HEAD        5 /* size and flags */

struct sparse {
    const uint8_t *in; /* the input, exactly sized */
    size_t size;
    uint64_t sectors;
    uint32_t ss; /* the sector size: 512 or 4096 */
    int outside; /* a read past the device's end was asked for */
    /* Sectors the harness rewrote (the fixed GPT headers), applied last. */
    uint64_t fixed_lba[2];
    uint8_t fixed[2][PART_SECTOR_MAX];
    int nfixed;
};

/* One device sector of d->ss bytes: its units from the records, then a fixed copy. */
static void
sparse_sector(const struct sparse *d, uint64_t lba, uint8_t *out)
{
    uint32_t units = d->ss / 512;

    memset(out, 0, d->ss);
    for (size_t at = HEAD; at + 4 <= d->size; at += 516) {
        uint64_t u = bytes_rd32(d->in + at);
        size_t n = d->size - (at + 4) < 512 ? d->size - (at + 4) : 512;

        if (u / units == lba)
            memcpy(out + (u % units) * 512, d->in + at + 4, n);
    }
    for (int i = 0; i < d->nfixed; i++)
        if (d->fixed_lba[i] == lba)
            memcpy(out, d->fixed[i], d->ss);
}

static int
sparse_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct sparse *d = ctx;

    if (lba >= d->sectors || count > d->sectors - lba) {
        d->outside = 1;
        return -CAIRN_ERANGE;
    }
    for (uint32_t i = 0; i < count; i++)
        sparse_sector(d, lba + i, (uint8_t *)buf + (size_t)i * d->ss);
    return 0;
}

/* Gives the GPT header at lba right CRCs, where its fields allow computing them. */
static void
sparse_fix_gpt(struct sparse *d, uint64_t lba)
{
    uint8_t *h = d->fixed[d->nfixed], sec[PART_SECTOR_MAX];
    uint32_t hsize, n, esize, crc = 0;
    uint64_t array, bytes;

    if (lba >= d->sectors)
        return;
    sparse_sector(d, lba, h);
    array = bytes_rd64(h + 72);
    n = bytes_rd32(h + 80);
    esize = bytes_rd32(h + 84);
    bytes = (uint64_t)n * esize;
    if (bytes <= PART_GPT_ARRAY_MAX && array < d->sectors &&
        (bytes + d->ss - 1) / d->ss <= d->sectors - array) {
        for (uint64_t done = 0; done < bytes; done += d->ss) {
            sparse_sector(d, array + done / d->ss, sec);
            crc = part_crc32(crc, sec, bytes - done < d->ss ? (size_t)(bytes - done) : d->ss);
        }
        bytes_wr32(h + 88, crc);
    }
    hsize = bytes_rd32(h + 12);
    if (hsize >= 20 && hsize <= d->ss) {
        bytes_wr32(h + 16, 0);
        bytes_wr32(h + 16, part_crc32(0, h, hsize));
    }
    d->fixed_lba[d->nfixed++] = lba;
}

static int
utf8_valid(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);

    if (n > max)
        return 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = (uint8_t)s[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xe0) == 0xc0 ? 2
                     : (c & 0xf0) == 0xe0 ? 3
                     : (c & 0xf8) == 0xf0 ? 4
                                          : 0;

        if (len == 0 || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++)
            if (((uint8_t)s[i + k] & 0xc0) != 0x80)
                return 0;
        i += len;
    }
    return 1;
}

static struct part_table table;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sparse d = {0};
    uint8_t *in;
    int r;

    if (size < HEAD)
        return 0;
    in = malloc(size);
    memcpy(in, data, size);
    d.in = in;
    d.size = size;
    d.sectors = bytes_rd32(in);
    d.ss = in[4] & SECTOR_4K ? 4096 : 512;
    if (in[4] & FIX_PRIMARY)
        sparse_fix_gpt(&d, 1);
    if ((in[4] & FIX_BACKUP) && d.sectors > 1)
        sparse_fix_gpt(&d, d.sectors - 1);

    r = part_scan(&table, sparse_read, &d, d.ss, d.sectors);
    FUZZ_CHECK(!d.outside);
    FUZZ_CHECK(r == 0 || r == -CAIRN_EIO);
    FUZZ_CHECK(table.sectors == d.sectors && table.sector_size == d.ss);
    FUZZ_CHECK(strnlen(table.why, sizeof(table.why)) < sizeof(table.why));
    if (r < 0) {
        FUZZ_CHECK(table.why[0] && table.count == 0);
        FUZZ_CHECK(table.scheme != PART_SCHEME_NONE);
    } else if (table.scheme == PART_SCHEME_NONE) {
        FUZZ_CHECK(table.why[0] && table.count == 0);
    } else {
        FUZZ_CHECK(table.used_backup ? table.why[0] != 0 : table.why[0] == 0);
        FUZZ_CHECK(table.count <= PART_MAX);
    }
    if (table.scheme == PART_SCHEME_GPT && r == 0) {
        FUZZ_CHECK(table.first_usable >= 2 && table.first_usable <= table.last_usable);
        FUZZ_CHECK(table.last_usable < d.sectors - 1);
    }
    for (uint32_t i = 0; r == 0 && i < table.count; i++) {
        const struct part_entry *e = &table.entries[i];
        static const uint8_t zero[16];

        FUZZ_CHECK(e->sectors >= 1 && e->first_lba >= 1);
        FUZZ_CHECK(e->first_lba < d.sectors && e->sectors <= d.sectors - e->first_lba);
        FUZZ_CHECK(utf8_valid(e->name, PART_NAME_MAX));
        if (table.scheme == PART_SCHEME_MBR) {
            FUZZ_CHECK(e->mbr_type != 0 && e->name[0] == 0);
            FUZZ_CHECK(memcmp(e->type_guid, zero, 16) == 0 && (e->attrs & ~0x80ull) == 0);
            FUZZ_CHECK(e->index >= 1 && e->index < 5 + PART_MAX);
        } else {
            FUZZ_CHECK(e->mbr_type == 0 && memcmp(e->type_guid, zero, 16) != 0);
            FUZZ_CHECK(e->first_lba >= table.first_usable);
            FUZZ_CHECK(e->first_lba + e->sectors - 1 <= table.last_usable);
        }
        for (uint32_t j = 0; j < i; j++) {
            const struct part_entry *o = &table.entries[j];

            FUZZ_CHECK(o->index != e->index);
            FUZZ_CHECK(o->first_lba + o->sectors <= e->first_lba ||
                       e->first_lba + e->sectors <= o->first_lba);
        }
    }
    free(in);
    return 0;
}
