// SPDX-License-Identifier: MIT
/*
 * Host tests of the partition table reader (lib/part): disks made at test
 * time by the host's sfdisk (util-linux's fdisk package) with an MBR (two
 * primaries, an extended partition with two logicals) and a GPT (three
 * named partitions, one with an attribute), each entry checked against
 * what sfdisk was told; then the same disks corrupted by hand (a bad
 * signature, a bad header or array CRC with a good backup, both copies bad,
 * an entry past the end, overlapping entries, an EBR chain that loops or
 * leaves its extended partition, a GPT name with surrogates), each refused
 * or read as part.h says.
 *
 * The disks live in memory; the read function refuses and counts reads
 * past the end, and every test checks that none was asked for. Without
 * sfdisk (and no way to install it) the image tests are skipped with a
 * message and only the pure ones run.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cairn/errors.h"
#include "check.h"
#include "common/bytes.h"
#include "hostrun.h"
#include "part/part.h"
#include "proto/block.h"

/* A driver copies lib/part's entries into PROTO_BLOCK_PART_LIST's replies. */
_Static_assert(PART_NAME_MAX + 1 <= PROTO_BLOCK_PART_NAME_MAX, "a GPT name fits the protocol's");

#define DISK_SECTORS 32768u /* 16 MiB */

struct dev {
    uint8_t *data;
    uint64_t sectors;
    unsigned outside; /* reads asked past the end */
    int fail;         /* every read fails with -CAIRN_EIO */
    uint32_t ss;      /* the sector size; 0 is 512 */
};

static uint32_t
dev_ss(const struct dev *d)
{
    return d->ss ? d->ss : 512;
}

static int
dev_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
    struct dev *d = ctx;

    if (d->fail)
        return -CAIRN_EIO;
    if (lba >= d->sectors || count > d->sectors - lba) {
        d->outside++;
        return -CAIRN_ERANGE;
    }
    memcpy(buf, d->data + lba * dev_ss(d), (size_t)count * dev_ss(d));
    return 0;
}

static char tmpdir[64];
static const char *sfdisk_path;
static struct part_table table; /* large: not on the stack */
static struct dev mbr_disk, gpt_disk;

static const char *
find_sfdisk(void)
{
    static const char *const where[] = {"/usr/sbin/sfdisk", "/sbin/sfdisk", "/usr/bin/sfdisk",
                                        "/usr/local/sbin/sfdisk"};

    return hostrun_find_or_install(where, sizeof(where) / sizeof(where[0]));
}

/* Makes a disk of DISK_SECTORS sectors with sfdisk fed `script`; 0 on success. */
static int
disk_make(struct dev *d, const char *script)
{
    char img[96], in[96];
    int fd, ok = -1;

    snprintf(img, sizeof(img), "%s/disk.img", tmpdir);
    snprintf(in, sizeof(in), "%s/script", tmpdir);
    fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, script, strlen(script)) != (ssize_t)strlen(script))
        return -1;
    close(fd);
    fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)DISK_SECTORS * 512) < 0)
        return -1;
    close(fd);
    char *const argv[] = {(char *)sfdisk_path, "--no-reread", "--no-tell-kernel", "-q", img, NULL};
    if (hostrun_run(argv, in) == 0) {
        d->sectors = DISK_SECTORS;
        d->data = malloc((size_t)DISK_SECTORS * 512);
        fd = open(img, O_RDONLY);
        if (d->data && fd >= 0 &&
            read(fd, d->data, (size_t)DISK_SECTORS * 512) == (ssize_t)DISK_SECTORS * 512)
            ok = 0;
        if (fd >= 0)
            close(fd);
    }
    unlink(img);
    unlink(in);
    return ok;
}

/* A copy of a disk to corrupt. */
static struct dev
disk_copy(const struct dev *d)
{
    struct dev c = *d;

    c.data = malloc((size_t)d->sectors * 512);
    memcpy(c.data, d->data, (size_t)d->sectors * 512);
    c.outside = 0;
    return c;
}

/* A GUID as sfdisk writes it ("C12A7328-F81F-...") to its on-disk bytes:
 * the first three fields little-endian, the rest in order. */
static void
guid_parse(const char *s, uint8_t out[16])
{
    uint8_t b[16];
    unsigned n = 0;

    for (const char *p = s; *p && n < 16; p++) {
        if (*p == '-')
            continue;
        unsigned hi = (unsigned)(p[0] <= '9' ? p[0] - '0' : (p[0] | 0x20) - 'a' + 10);
        unsigned lo = (unsigned)(p[1] <= '9' ? p[1] - '0' : (p[1] | 0x20) - 'a' + 10);
        b[n++] = (uint8_t)(hi << 4 | lo);
        p++;
    }
    static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (unsigned i = 0; i < 16; i++)
        out[i] = b[order[i]];
}

/* Recomputes the GPT header at `lba`'s array CRC and header CRC, after a
 * change made on purpose to both. */
static void
gpt_fix_crcs(struct dev *d, uint64_t lba)
{
    uint8_t *h = d->data + lba * dev_ss(d);
    uint64_t array = bytes_rd64(h + 72);
    uint32_t n = bytes_rd32(h + 80), size = bytes_rd32(h + 84);

    bytes_wr32(h + 88, part_crc32(0, d->data + array * dev_ss(d), (size_t)n * size));
    bytes_wr32(h + 16, 0);
    bytes_wr32(h + 16, part_crc32(0, h, bytes_rd32(h + 12)));
}

/* The entry `i` (from 0) of the GPT array the header at `lba` names. */
static uint8_t *
gpt_entry(struct dev *d, uint64_t lba, unsigned i)
{
    uint8_t *h = d->data + lba * dev_ss(d);

    return d->data + bytes_rd64(h + 72) * dev_ss(d) + (size_t)i * bytes_rd32(h + 84);
}

/* --- pure ----------------------------------------------------------------------------- */

TEST(crc32_gives_the_ieee_check_value)
{
    CHECK(part_crc32(0, "123456789", 9) == 0xcbf43926u);
    CHECK(part_crc32(0, "", 0) == 0);
    /* In pieces, the same as at once. */
    CHECK(part_crc32(part_crc32(0, "1234", 4), "56789", 5) == 0xcbf43926u);
}

TEST(a_blank_disk_and_a_volume_boot_sector_have_no_table)
{
    static uint8_t data[64 * 512];
    struct dev d = {data, 64, 0, 0, 512};

    memset(data, 0, sizeof(data));
    CHECK(part_scan(&table, dev_read, &d, 512, 64) == 0);
    CHECK(table.scheme == PART_SCHEME_NONE && table.count == 0 && table.why[0]);
    /* A boot sector with code where the table would be. */
    for (unsigned i = 0; i < 510; i++)
        data[i] = (uint8_t)(0x41 + i % 26);
    data[510] = 0x55;
    data[511] = 0xaa;
    CHECK(part_scan(&table, dev_read, &d, 512, 64) == 0);
    CHECK(table.scheme == PART_SCHEME_NONE && table.count == 0);
    CHECK(strstr(table.why, "status byte") != NULL);
    CHECK(part_scan(&table, dev_read, &d, 512, 0) == 0 && table.scheme == PART_SCHEME_NONE);
    CHECK(d.outside == 0);
}

TEST(bad_sector_sizes_and_device_errors_are_returned)
{
    static uint8_t data[8 * 512];
    struct dev d = {data, 8, 0, 0, 512};

    CHECK(part_scan(&table, dev_read, &d, 0, 8) == -CAIRN_EINVAL);
    CHECK(part_scan(&table, dev_read, &d, 1024 + 512, 8) == -CAIRN_EINVAL);
    CHECK(part_scan(&table, dev_read, &d, 8192, 8) == -CAIRN_EINVAL);
    d.fail = 1;
    CHECK(part_scan(&table, dev_read, &d, 512, 8) == -CAIRN_EIO);
    CHECK(table.count == 0);
}

/* --- MBR ------------------------------------------------------------------------------ */

static const char mbr_script[] = "label: dos\n"
                                 "unit: sectors\n"
                                 "\n"
                                 "start=2048, size=4096, type=c, bootable\n"
                                 "start=6144, size=2048, type=83\n"
                                 "start=8192, size=16384, type=5\n"
                                 "start=10240, size=4096, type=83\n"
                                 "start=16384, size=4096, type=7\n";

/* What the script asked for, in the table's order. */
static const struct {
    uint32_t index;
    uint64_t first, sectors;
    uint8_t type;
    uint64_t attrs;
} mbr_want[] = {
    {1, 2048, 4096, 0x0c, 0x80},
    {2, 6144, 2048, 0x83, 0},
    {5, 10240, 4096, 0x83, 0},
    {6, 16384, 4096, 0x07, 0},
};

TEST(mbr_primaries_and_logicals_read_as_sfdisk_wrote_them)
{
    CHECK(part_scan(&table, dev_read, &mbr_disk, 512, mbr_disk.sectors) == 0);
    CHECK(table.scheme == PART_SCHEME_MBR);
    CHECK(table.why[0] == 0);
    CHECK(table.count == 4);
    for (unsigned i = 0; i < 4 && i < table.count; i++) {
        const struct part_entry *e = &table.entries[i];

        CHECK(e->index == mbr_want[i].index);
        CHECK(e->first_lba == mbr_want[i].first);
        CHECK(e->sectors == mbr_want[i].sectors);
        CHECK(e->mbr_type == mbr_want[i].type);
        CHECK(e->attrs == mbr_want[i].attrs);
        CHECK(e->name[0] == 0);
    }
    CHECK(mbr_disk.outside == 0);
}

/* The LBA of the second EBR: the first (at the extended partition's start)
 * links to it, relative to that start. */
static uint64_t
mbr_second_ebr(const struct dev *d)
{
    return 8192 + bytes_rd32(d->data + 8192 * 512 + 446 + 16 + 8);
}

/* Scans a copy of `disk` changed by `change`; the scan's result, the reason in table.why. */
static int
scan_changed(const struct dev *disk, void (*change)(struct dev *))
{
    struct dev c = disk_copy(disk);
    int r;

    change(&c);
    r = part_scan(&table, dev_read, &c, 512, c.sectors);
    CHECK(c.outside == 0);
    free(c.data);
    return r;
}

static void
mbr_drop_signature(struct dev *d)
{
    d->data[511] = 0;
}

static void
mbr_first_past_end(struct dev *d)
{
    bytes_wr32(d->data + 446 + 12, DISK_SECTORS); /* 2048 + 32768 sectors */
}

static void
mbr_overlap_primaries(struct dev *d)
{
    bytes_wr32(d->data + 446 + 16 + 8, 4000); /* partition 2 starts inside 1 */
}

/* Makes the EBR at `ebr` link to the one `rel` sectors into the extended partition. */
static void
mbr_ebr_link(struct dev *d, uint64_t ebr, uint32_t rel)
{
    uint8_t *slot = d->data + ebr * 512 + 446 + 16;

    slot[4] = PART_MBR_EXTENDED;
    bytes_wr32(slot + 8, rel);
    bytes_wr32(slot + 12, 2048);
}

static void
mbr_ebr_loops_to_itself(struct dev *d)
{
    uint64_t ebr = mbr_second_ebr(d);

    mbr_ebr_link(d, ebr, (uint32_t)(ebr - 8192));
}

static void
mbr_ebr_loops_to_the_first(struct dev *d)
{
    uint64_t ebr = mbr_second_ebr(d);

    /* A link back to the first EBR is 0 relative to the extended start. */
    mbr_ebr_link(d, ebr, 0);
}

static void
mbr_ebr_link_outside(struct dev *d)
{
    bytes_wr32(d->data + 8192 * 512 + 446 + 16 + 8, 16384); /* the extended's size */
}

static void
mbr_logical_outside(struct dev *d)
{
    uint64_t ebr = mbr_second_ebr(d);

    bytes_wr32(d->data + ebr * 512 + 446 + 12, 9000);
}

static void
mbr_ebr_without_signature(struct dev *d)
{
    d->data[mbr_second_ebr(d) * 512 + 511] = 0;
}

static void
mbr_two_extended(struct dev *d)
{
    d->data[446 + 16 + 4] = PART_MBR_EXTENDED_LBA;
}

TEST(damaged_mbr_tables_are_refused_with_their_reason)
{
    CHECK(scan_changed(&mbr_disk, mbr_drop_signature) == 0);
    CHECK(table.scheme == PART_SCHEME_NONE && table.count == 0);
    CHECK(strstr(table.why, "signature") != NULL);
    CHECK(scan_changed(&mbr_disk, mbr_first_past_end) == -CAIRN_EIO);
    CHECK(strcmp(table.why, "partition 1 lies past the end of the disk") == 0);
    CHECK(scan_changed(&mbr_disk, mbr_overlap_primaries) == -CAIRN_EIO);
    CHECK(strcmp(table.why, "partitions 1 and 2 overlap") == 0);
    CHECK(scan_changed(&mbr_disk, mbr_two_extended) == -CAIRN_EIO);
    CHECK(strcmp(table.why, "more than one extended partition") == 0);
}

TEST(an_ebr_chain_that_loops_or_leaves_its_partition_is_refused)
{
    CHECK(scan_changed(&mbr_disk, mbr_ebr_loops_to_itself) == -CAIRN_EIO);
    CHECK(strstr(table.why, "loops back") != NULL);
    CHECK(scan_changed(&mbr_disk, mbr_ebr_loops_to_the_first) == -CAIRN_EIO);
    CHECK(strcmp(table.why, "the EBR chain loops back to LBA 8192") == 0);
    CHECK(scan_changed(&mbr_disk, mbr_ebr_link_outside) == -CAIRN_EIO);
    CHECK(strstr(table.why, "outside the extended") != NULL);
    CHECK(scan_changed(&mbr_disk, mbr_logical_outside) == -CAIRN_EIO);
    CHECK(strstr(table.why, "logical partition 6") != NULL);
    CHECK(scan_changed(&mbr_disk, mbr_ebr_without_signature) == -CAIRN_EIO);
    CHECK(strstr(table.why, "no 0x55AA") != NULL);
}

TEST(an_ebr_chain_longer_than_the_partitions_kept_is_refused)
{
    /* An extended partition at 1 holding 130 logicals, each an EBR and one
     * sector: more than PART_MAX. */
    static uint8_t data[1024 * 512];
    struct dev d = {data, 1024, 0, 0, 512};
    uint8_t *slot;

    memset(data, 0, sizeof(data));
    slot = data + 446;
    slot[4] = PART_MBR_EXTENDED;
    bytes_wr32(slot + 8, 1);
    bytes_wr32(slot + 12, 1000);
    data[510] = 0x55;
    data[511] = 0xaa;
    for (uint32_t k = 0; k < 130; k++) {
        uint8_t *ebr = data + (1 + 2 * k) * 512;

        ebr[446 + 4] = 0x83;
        bytes_wr32(ebr + 446 + 8, 1);
        bytes_wr32(ebr + 446 + 12, 1);
        if (k + 1 < 130) {
            ebr[446 + 16 + 4] = PART_MBR_EXTENDED;
            bytes_wr32(ebr + 446 + 16 + 8, 2 * (k + 1));
            bytes_wr32(ebr + 446 + 16 + 12, 2);
        }
        ebr[510] = 0x55;
        ebr[511] = 0xaa;
    }
    CHECK(part_scan(&table, dev_read, &d, 512, d.sectors) == -CAIRN_EIO);
    CHECK(strstr(table.why, "longer than") != NULL && table.count == 0);
    /* 120 of them are read whole. */
    data[(1 + 2 * 119) * 512 + 446 + 16 + 4] = 0;
    CHECK(part_scan(&table, dev_read, &d, 512, d.sectors) == 0);
    CHECK(table.count == 120 && table.entries[119].index == 124);
    CHECK(table.entries[119].first_lba == 2 + 2 * 119 && table.entries[119].sectors == 1);
    CHECK(d.outside == 0);
}

/* --- GPT ------------------------------------------------------------------------------ */

static const char gpt_script[] =
    "label: gpt\n"
    "unit: sectors\n"
    "label-id: 11223344-5566-7788-99AA-BBCCDDEEFF00\n"
    "\n"
    "start=2048, size=2048, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, "
    "uuid=01234567-89AB-CDEF-0123-456789ABCDEF, name=\"EFI system\"\n"
    "start=4096, size=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, "
    "uuid=A0A1A2A3-B0B1-C0C1-D0D1-E0E1E2E3E4E5, name=\"root\"\n"
    "start=8192, size=2048, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, "
    "uuid=FFEEDDCC-BBAA-9988-7766-554433221100, name=\"Donn\xc3\xa9\x65s \xe2\x82\xac\", "
    "attrs=\"RequiredPartition\"\n"
    "start=20000, size=12000, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, "
    "uuid=12345678-1234-1234-1234-123456789ABC\n";

static const struct {
    uint64_t first, sectors;
    const char *type, *uuid, *name;
    uint64_t attrs;
} gpt_want[] = {
    {2048, 2048, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "01234567-89AB-CDEF-0123-456789ABCDEF",
     "EFI system", 0},
    {4096, 4096, "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "A0A1A2A3-B0B1-C0C1-D0D1-E0E1E2E3E4E5",
     "root", 0},
    {8192, 2048, "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "FFEEDDCC-BBAA-9988-7766-554433221100",
     "Donn\xc3\xa9\x65s \xe2\x82\xac", 1},
    {20000, 12000, "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "12345678-1234-1234-1234-123456789ABC",
     "", 0},
};
#define GPT_WANT (sizeof(gpt_want) / sizeof(gpt_want[0]))

/* The entries as gpt_want says, in sectors `per` times as large. */
static void
gpt_check_entries_scaled(unsigned per)
{
    CHECK(table.count == GPT_WANT);
    for (unsigned i = 0; i < GPT_WANT && i < table.count; i++) {
        const struct part_entry *e = &table.entries[i];
        uint8_t type[16], uuid[16];

        guid_parse(gpt_want[i].type, type);
        guid_parse(gpt_want[i].uuid, uuid);
        CHECK(e->index == i + 1);
        CHECK(e->first_lba == gpt_want[i].first / per);
        CHECK(e->sectors == gpt_want[i].sectors / per);
        CHECK(memcmp(e->type_guid, type, 16) == 0);
        CHECK(memcmp(e->unique_guid, uuid, 16) == 0);
        CHECK(strcmp(e->name, gpt_want[i].name) == 0);
        CHECK(e->attrs == gpt_want[i].attrs);
        CHECK(e->mbr_type == 0);
    }
}

static void
gpt_check_entries(void)
{
    gpt_check_entries_scaled(1);
}

TEST(gpt_partitions_read_as_sfdisk_wrote_them)
{
    uint8_t disk[16];

    CHECK(part_scan(&table, dev_read, &gpt_disk, 512, gpt_disk.sectors) == 0);
    CHECK(table.scheme == PART_SCHEME_GPT);
    CHECK(!table.used_backup && table.why[0] == 0);
    guid_parse("11223344-5566-7788-99AA-BBCCDDEEFF00", disk);
    CHECK(memcmp(table.disk_guid, disk, 16) == 0);
    /* sfdisk's usable range: up to the backup array's 32 sectors and header. */
    CHECK(table.first_usable >= 34 && table.first_usable <= 2048);
    CHECK(table.last_usable == DISK_SECTORS - 34);
    gpt_check_entries();
    CHECK(gpt_disk.outside == 0);
}

static void
gpt_bad_primary_header(struct dev *d)
{
    d->data[512 + 60] ^= 1; /* a byte of the disk GUID: the CRC no longer matches */
}

static void
gpt_bad_primary_array(struct dev *d)
{
    gpt_entry(d, 1, 1)[56] ^= 1; /* a letter of "root" */
}

static void
gpt_bad_signatures(struct dev *d)
{
    d->data[512] = 'X';
    d->data[(DISK_SECTORS - 1) * 512] = 'X';
}

static void
gpt_both_bad_crcs(struct dev *d)
{
    d->data[512 + 60] ^= 1;
    d->data[(DISK_SECTORS - 1) * 512 + 60] ^= 1;
}

/* Applies one entry change to both copies and makes their CRCs right again. */
static void
gpt_change_both(struct dev *d, unsigned i, unsigned at, uint64_t v)
{
    uint64_t hdrs[2] = {1, DISK_SECTORS - 1};

    for (unsigned k = 0; k < 2; k++) {
        bytes_wr64(gpt_entry(d, hdrs[k], i) + at, v);
        gpt_fix_crcs(d, hdrs[k]);
    }
}

static void
gpt_entry_past_the_end(struct dev *d)
{
    gpt_change_both(d, 3, 40, DISK_SECTORS + 10); /* the last LBA */
}

static void
gpt_entry_in_the_backup_array(struct dev *d)
{
    gpt_change_both(d, 3, 40, DISK_SECTORS - 2);
}

static void
gpt_entries_overlap(struct dev *d)
{
    gpt_change_both(d, 1, 32, 3000); /* "root" starts inside "EFI system" */
}

static void
gpt_entry_ends_before_it_starts(struct dev *d)
{
    gpt_change_both(d, 0, 40, 2000);
}

static void
gpt_header_names_another_lba(struct dev *d)
{
    bytes_wr64(d->data + 512 + 24, 7);
    gpt_fix_crcs(d, 1);
}

static void
gpt_array_too_large(struct dev *d)
{
    bytes_wr32(d->data + 512 + 80, 65536); /* 8 MiB of 128-byte entries */
    gpt_fix_crcs(d, 1);
}

static void
gpt_names_with_surrogates(struct dev *d)
{
    static const uint16_t name[] = {'a', 0xd83d, 0xde00, 'b', 0xdc00, 'c', 0xd800, 0};
    uint64_t hdrs[2] = {1, DISK_SECTORS - 1};

    for (unsigned k = 0; k < 2; k++) {
        uint8_t *e = gpt_entry(d, hdrs[k], 1);

        memset(e + 56, 0, 72);
        for (unsigned i = 0; i < sizeof(name) / sizeof(name[0]); i++)
            bytes_wr16(e + 56 + 2 * i, name[i]);
        gpt_fix_crcs(d, hdrs[k]);
    }
}

TEST(a_corrupt_primary_gpt_gives_way_to_the_backup)
{
    CHECK(scan_changed(&gpt_disk, gpt_bad_primary_header) == 0);
    CHECK(table.used_backup);
    CHECK(strstr(table.why, "bad header CRC32") != NULL);
    gpt_check_entries();
    CHECK(scan_changed(&gpt_disk, gpt_bad_primary_array) == 0);
    CHECK(table.used_backup);
    CHECK(strstr(table.why, "entry array CRC32") != NULL);
    gpt_check_entries();
    CHECK(scan_changed(&gpt_disk, gpt_header_names_another_lba) == 0);
    CHECK(table.used_backup && strstr(table.why, "another LBA") != NULL);
    CHECK(scan_changed(&gpt_disk, gpt_array_too_large) == 0);
    CHECK(table.used_backup && strstr(table.why, "larger than") != NULL);
}

TEST(a_gpt_with_both_copies_bad_is_refused)
{
    CHECK(scan_changed(&gpt_disk, gpt_bad_signatures) == -CAIRN_EIO);
    CHECK(table.scheme == PART_SCHEME_GPT && table.count == 0);
    CHECK(strstr(table.why, "signature") != NULL);
    CHECK(scan_changed(&gpt_disk, gpt_both_bad_crcs) == -CAIRN_EIO);
    CHECK(strcmp(table.why, "primary GPT: a bad header CRC32; backup GPT: a bad header CRC32") ==
          0);
}

TEST(gpt_entries_outside_the_usable_range_or_overlapping_are_refused)
{
    CHECK(scan_changed(&gpt_disk, gpt_entry_past_the_end) == -CAIRN_EIO);
    CHECK(strstr(table.why, "outside the usable range") != NULL && table.count == 0);
    CHECK(scan_changed(&gpt_disk, gpt_entry_in_the_backup_array) == -CAIRN_EIO);
    CHECK(strstr(table.why, "outside the usable range") != NULL);
    CHECK(scan_changed(&gpt_disk, gpt_entries_overlap) == -CAIRN_EIO);
    CHECK(strstr(table.why, "overlapping") != NULL);
    CHECK(scan_changed(&gpt_disk, gpt_entry_ends_before_it_starts) == -CAIRN_EIO);
}

TEST(gpt_names_decode_surrogate_pairs_and_replace_lone_ones)
{
    CHECK(scan_changed(&gpt_disk, gpt_names_with_surrogates) == 0);
    CHECK(!table.used_backup);
    CHECK(table.count == GPT_WANT);
    /* U+1F600 from its pair; a lone low and a lone high each U+FFFD. */
    CHECK(strcmp(table.entries[1].name, "a\xf0\x9f\x98\x80"
                                        "b\xef\xbf\xbd"
                                        "c\xef\xbf\xbd") == 0);
}

TEST(whole_disk_fat_volumes_made_by_mkfs_fat_have_no_table)
{
    static const char *const where[] = {"/usr/sbin/mkfs.fat", "/sbin/mkfs.fat",
                                        "/usr/bin/mkfs.fat"};
    const char *mkfs = hostrun_find(where, sizeof(where) / sizeof(where[0]));
    static const char *const bits[] = {"12", "16", "32"};
    char img[96];

    if (!mkfs) {
        printf("skip whole_disk_fat_volumes_made_by_mkfs_fat_have_no_table: no mkfs.fat\n");
        return;
    }
    snprintf(img, sizeof(img), "%s/fat.img", tmpdir);
    for (unsigned i = 0; i < 3; i++) {
        char *const argv[] = {(char *)mkfs, "-C", "-F", (char *)bits[i], img, "40000", NULL};
        struct dev d = {0};
        int fd;

        unlink(img);
        CHECK(hostrun_run(argv, NULL) == 0);
        d.sectors = 80000;
        d.data = malloc(80000 * 512);
        fd = open(img, O_RDONLY);
        CHECK(fd >= 0 && read(fd, d.data, 80000 * 512) == 80000 * 512);
        if (fd >= 0)
            close(fd);
        /* mkfs.fat leaves the table's place zero: it must not read as an empty MBR. */
        CHECK(d.data[446] == 0 && d.data[450] == 0 && d.data[510] == 0x55);
        CHECK(part_scan(&table, dev_read, &d, 512, d.sectors) == 0);
        CHECK(table.scheme == PART_SCHEME_NONE && table.count == 0);
        CHECK(strstr(table.why, "boot sector") != NULL);
        /* The same sector with a partition in its table is a table. */
        d.data[446 + 4] = 0x83;
        bytes_wr32(d.data + 446 + 8, 100);
        bytes_wr32(d.data + 446 + 12, 100);
        CHECK(part_scan(&table, dev_read, &d, 512, d.sectors) == 0);
        CHECK(table.scheme == PART_SCHEME_MBR && table.count == 1);
        CHECK(d.outside == 0);
        free(d.data);
    }
    unlink(img);
}

TEST(a_gpt_with_more_entries_in_use_than_are_kept_is_refused)
{
    static char script[160 * 64];
    struct dev d = {0};
    size_t at;

    at = (size_t)snprintf(script, sizeof(script), "label: gpt\nunit: sectors\ntable-length: 160\n");
    for (unsigned i = 0; i < PART_MAX + 1; i++)
        at +=
            (size_t)snprintf(script + at, sizeof(script) - at, "start=%u, size=8\n", 2048 + 8 * i);
    CHECK(disk_make(&d, script) == 0);
    if (!d.data)
        return;
    CHECK(part_scan(&table, dev_read, &d, 512, d.sectors) == -CAIRN_EIO);
    CHECK(strstr(table.why, "more entries in use than are kept") != NULL && table.count == 0);
    /* One fewer is read whole. */
    memset(gpt_entry(&d, 1, PART_MAX), 0, 128);
    gpt_fix_crcs(&d, 1);
    CHECK(part_scan(&table, dev_read, &d, 512, d.sectors) == 0);
    CHECK(table.count == PART_MAX && table.used_backup == 0);
    CHECK(table.entries[PART_MAX - 1].first_lba == 2048 + 8 * (PART_MAX - 1));
    CHECK(d.outside == 0);
    free(d.data);
}

/*
 * sfdisk cannot give an image file 4096-byte sectors, so the 512-byte GPT is
 * laid out again by hand in 4096-byte sectors, as such a disk has it: the
 * header in LBA 1, the 16 KiB array in LBAs 2..5, the backup array just
 * before the backup header at the last LBA, every partition's bounds over 8.
 */
TEST(a_gpt_on_4096_byte_sectors_reads_as_on_512)
{
    const uint64_t n4 = DISK_SECTORS / 8;
    struct dev d = {calloc(n4, 4096), n4, 0, 0, 4096};
    const uint8_t *src = gpt_disk.data + 512;
    uint64_t hdrs[2] = {1, n4 - 1}, arrays[2] = {2, n4 - 5};

    memcpy(d.data, gpt_disk.data, 512);
    bytes_wr32(d.data + 446 + 12, (uint32_t)(n4 - 1));
    for (unsigned k = 0; k < 2; k++) {
        uint8_t *h = d.data + hdrs[k] * 4096;

        memcpy(h, src, 92);
        bytes_wr64(h + 24, hdrs[k]);
        bytes_wr64(h + 32, hdrs[1 - k]);
        bytes_wr64(h + 40, 6);
        bytes_wr64(h + 48, n4 - 6);
        bytes_wr64(h + 72, arrays[k]);
        CHECK(bytes_rd32(h + 80) * bytes_rd32(h + 84) == 4 * 4096);
        for (unsigned i = 0; i < 128; i++) {
            uint8_t *e = gpt_entry(&d, hdrs[k], i);

            memcpy(e, gpt_entry(&gpt_disk, 1, i), 128);
            if (bytes_rd64(e + 40)) {
                bytes_wr64(e + 32, bytes_rd64(e + 32) / 8);
                bytes_wr64(e + 40, (bytes_rd64(e + 40) + 1) / 8 - 1);
            }
        }
        gpt_fix_crcs(&d, hdrs[k]);
    }
    CHECK(part_scan(&table, dev_read, &d, 4096, n4) == 0);
    CHECK(table.scheme == PART_SCHEME_GPT && !table.used_backup && table.why[0] == 0);
    CHECK(table.first_usable == 6 && table.last_usable == n4 - 6);
    gpt_check_entries_scaled(8);
    /* The primary's array broken: the backup, from the last 4096-byte LBA. */
    gpt_entry(&d, 1, 0)[60] ^= 1;
    CHECK(part_scan(&table, dev_read, &d, 4096, n4) == 0);
    CHECK(table.used_backup);
    gpt_check_entries_scaled(8);
    /* The same bytes read as 512-byte sectors hold no GPT where it should be. */
    CHECK(part_scan(&table, dev_read, &(struct dev){d.data, n4 * 8, 0, 0, 512}, 512, n4 * 8) ==
          -CAIRN_EIO);
    CHECK(d.outside == 0);
    free(d.data);
}

TEST(a_protective_mbr_without_a_gpt_is_refused_not_read_as_mbr)
{
    struct dev c = disk_copy(&gpt_disk);

    memset(c.data + 512, 0, 512);
    memset(c.data + (DISK_SECTORS - 1) * 512, 0, 512);
    CHECK(part_scan(&table, dev_read, &c, 512, c.sectors) == -CAIRN_EIO);
    CHECK(table.scheme == PART_SCHEME_GPT && table.count == 0);
    /* A disk too small to hold a GPT at all. */
    CHECK(part_scan(&table, dev_read, &c, 512, 4) == -CAIRN_EIO);
    CHECK(c.outside == 0);
    free(c.data);
}

TEST(a_shorter_device_than_the_gpt_claims_reads_nothing_past_its_end)
{
    struct dev c = disk_copy(&gpt_disk);

    /* The same bytes seen as a disk of half the size: the primary's usable
     * range runs past the end, and the backup is not where it should be. */
    c.sectors = DISK_SECTORS / 2;
    CHECK(part_scan(&table, dev_read, &c, 512, c.sectors) == -CAIRN_EIO);
    CHECK(strstr(table.why, "usable range outside the disk") != NULL);
    CHECK(c.outside == 0);
    free(c.data);
}

int
main(void)
{
    if (hostrun_tmpdir(tmpdir, sizeof(tmpdir), "part") < 0)
        return 1;
    sfdisk_path = find_sfdisk();
    RUN(crc32_gives_the_ieee_check_value);
    RUN(a_blank_disk_and_a_volume_boot_sector_have_no_table);
    RUN(bad_sector_sizes_and_device_errors_are_returned);
    RUN(an_ebr_chain_longer_than_the_partitions_kept_is_refused);
    if (sfdisk_path && disk_make(&mbr_disk, mbr_script) == 0 &&
        disk_make(&gpt_disk, gpt_script) == 0) {
        RUN(mbr_primaries_and_logicals_read_as_sfdisk_wrote_them);
        RUN(damaged_mbr_tables_are_refused_with_their_reason);
        RUN(an_ebr_chain_that_loops_or_leaves_its_partition_is_refused);
        RUN(gpt_partitions_read_as_sfdisk_wrote_them);
        RUN(a_corrupt_primary_gpt_gives_way_to_the_backup);
        RUN(a_gpt_with_both_copies_bad_is_refused);
        RUN(gpt_entries_outside_the_usable_range_or_overlapping_are_refused);
        RUN(gpt_names_decode_surrogate_pairs_and_replace_lone_ones);
        RUN(a_gpt_with_more_entries_in_use_than_are_kept_is_refused);
        RUN(whole_disk_fat_volumes_made_by_mkfs_fat_have_no_table);
        RUN(a_gpt_on_4096_byte_sectors_reads_as_on_512);
        RUN(a_protective_mbr_without_a_gpt_is_refused_not_read_as_mbr);
        RUN(a_shorter_device_than_the_gpt_claims_reads_nothing_past_its_end);
    } else if (sfdisk_path) {
        printf("FAIL test_part: sfdisk did not make the test disks\n");
        check_tests_failed++;
    } else {
        printf("skip test_part images: sfdisk (fdisk) not found and could not be installed; "
               "only the pure tests ran\n");
    }
    free(mbr_disk.data);
    free(gpt_disk.data);
    rmdir(tmpdir);
    return check_exit();
}
