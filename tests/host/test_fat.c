// SPDX-License-Identifier: MIT
/*
 * Host tests of the FAT reader (lib/fat): volumes made at test time by the
 * host's mkfs.fat (dosfstools) and filled by mtools (mmd, mcopy) in FAT12,
 * FAT16 (also with 4096-byte sectors) and FAT32, read back through
 * lib/fat and compared byte for byte with the files they were made from;
 * then the same volumes corrupted by hand (a chain that loops, points past
 * the end, ends early or meets a free or bad cluster, a directory entry's
 * cluster past the end, long names with a wrong checksum or sequence, a
 * directory whose chain loops, and 20 bad boot sectors), each refused with
 * its documented error and reason.
 *
 * The images live in memory; the device read function refuses reads past
 * the image, so a reader that left the volume would fail a check. Without
 * mkfs.fat (and no way to install it) the image tests are skipped with a
 * message and only the pure ones run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cairn/errors.h"
#include "check.h"
#include "common/bytes.h"
#include "fat/fat.h"
#include "hostrun.h"

/* A device: the image in memory. */
struct dev {
    uint8_t *data;
    uint64_t size; /* bytes */
    unsigned reads;
};

static int
dev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    struct dev *d = ctx;

    d->reads++;
    if (sector > d->size / 512 || count > d->size / 512 - sector)
        return -CAIRN_ERANGE;
    memcpy(buf, d->data + sector * 512, (size_t)count * 512);
    return 0;
}

static char tmpdir[64];
static const char *mkfs_path;
static struct fat_vol vol; /* large: not on the stack */

static const char *
find_mkfs(void)
{
    static const char *const where[] = {"/usr/sbin/mkfs.fat", "/sbin/mkfs.fat", "/usr/bin/mkfs.fat",
                                        "/usr/local/sbin/mkfs.fat"};

    return hostrun_find_or_install(where, sizeof(where) / sizeof(where[0]));
}

/* --- the files put on every volume --------------------------------------------------- */

#define MTIME 1623760496 /* 2021-06-15 12:34:56 UTC: even, as DOS times are */

struct src {
    const char *path; /* on the volume */
    uint32_t size;    /* 0xFFFFxxxx: cluster-relative, see src_size */
    uint8_t *bytes;
};

#define CL_MINUS1  0xFFFF0001u
#define CL_EXACT   0xFFFF0002u
#define CL_SEVERAL 0xFFFF0003u

static const char long120[] = "/This is a long file name of well over one hundred characters, "
                              "written to check the longest runs of VFAT entries.dat";

static struct src srcs[] = {
    {"/empty.txt", 0, NULL},
    {"/one.bin", 1, NULL},
    {"/DIR1/almost.bin", CL_MINUS1, NULL},
    {"/DIR1/exact.bin", CL_EXACT, NULL},
    {"/DIR1/Sub Dir/several.bin", CL_SEVERAL, NULL},
    {"/DIR1/Sub Dir/deeper/x.txt", 5000, NULL},
    {"/big.bin", 1572864 + 123, NULL},
    {"/A name with spaces.txt", 100, NULL},
    {"/MixedCase.Txt", 200, NULL},
    {long120, 50, NULL},
    {"/caf\xc3\xa9.txt", 33, NULL},
    {"/Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9\x65.txt", 77, NULL},
};
#define NSRCS (sizeof(srcs) / sizeof(srcs[0]))
static const char *const dirs[] = {"/DIR1", "/DIR1/Sub Dir", "/DIR1/Sub Dir/deeper"};

static uint32_t
src_size(const struct src *s, uint32_t cb)
{
    if (s->size == CL_MINUS1)
        return cb - 1;
    if (s->size == CL_EXACT)
        return cb;
    if (s->size == CL_SEVERAL)
        return 3 * cb + 7;
    return s->size;
}

/* The sources' bytes for a volume of cb-byte clusters: the same each time. */
static void
srcs_fill(uint32_t cb)
{
    uint64_t seed = 0x9E3779B97F4A7C15ull + cb;

    for (unsigned k = 0; k < NSRCS; k++) {
        uint32_t n = src_size(&srcs[k], cb);

        free(srcs[k].bytes);
        srcs[k].bytes = malloc(n ? n : 1);
        for (uint32_t j = 0; j < n; j++)
            srcs[k].bytes[j] = (uint8_t)check_xorshift64(&seed);
    }
}

/* A volume made by mkfs.fat and filled by mtools. */
struct image {
    const char *what;
    const char *fat_bits; /* -F */
    const char *sector;   /* -S */
    const char *spc;      /* -s */
    unsigned mib;
    enum fat_type type;
    uint32_t cb;
    struct dev dev;
    int mformat; /* made by mtools' mformat instead of mkfs.fat */
};

static struct image images[] = {
    {"FAT12", "12", "512", "8", 8, FAT12, 4096, {0}, 0},
    {"FAT16", "16", "512", "4", 16, FAT16, 2048, {0}, 0},
    {"FAT16 with 4096-byte sectors", "16", "4096", "1", 20, FAT16, 4096, {0}, 0},
    {"FAT32", "32", "512", "1", 40, FAT32, 512, {0}, 0},
    {"FAT12 by mformat", "12", "512", "8", 8, FAT12, 4096, {0}, 1},
};

static int
write_file(const char *path, const uint8_t *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    struct timeval tv[2] = {{MTIME, 0}, {MTIME, 0}};

    if (!f || fwrite(bytes, 1, n, f) != n || fclose(f) != 0)
        return -1;
    return utimes(path, tv);
}

/* Makes the image, fills it and loads it into memory; 0 or -1. */
static int
image_make(struct image *im)
{
    char img[128], size_kib[16], src[128], dst[1024];
    struct stat st;
    FILE *f;

    snprintf(img, sizeof(img), "%s/fat%s-%s-%d.img", tmpdir, im->fat_bits, im->sector, im->mformat);
    snprintf(size_kib, sizeof(size_kib), "%u", im->mib * 1024);
    unlink(img);
    if (im->mformat) {
        char sectors[16];

        snprintf(sectors, sizeof(sectors), "%u", im->mib * 2048);
        char *const argv[] = {"mformat", "-C",        "-i", img,  "-T", sectors,
                              "-h",      "2",         "-s", "32", "-c", (char *)im->spc,
                              "-v",      "CAIRNTEST", "::", NULL};
        if (hostrun_run(argv, NULL) != 0)
            return -1;
    } else {
        char *const argv[] = {(char *)mkfs_path,
                              "-C",
                              "-F",
                              (char *)im->fat_bits,
                              "-S",
                              (char *)im->sector,
                              "-s",
                              (char *)im->spc,
                              "-n",
                              "CAIRNTEST",
                              img,
                              size_kib,
                              NULL};
        if (hostrun_run(argv, NULL) != 0)
            return -1;
    }
    for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(dst, sizeof(dst), "::%s", dirs[i]);
        char *const argv[] = {"mmd", "-i", img, dst, NULL};
        if (hostrun_run(argv, NULL) != 0)
            return -1;
    }
    srcs_fill(im->cb);
    for (unsigned i = 0; i < NSRCS; i++) {
        uint32_t n = src_size(&srcs[i], im->cb);

        snprintf(src, sizeof(src), "%s/src%u", tmpdir, i);
        if (write_file(src, srcs[i].bytes, n) != 0)
            return -1;
        snprintf(dst, sizeof(dst), "::%s", srcs[i].path);
        char *const argv[] = {"mcopy", "-m", "-i", img, src, dst, NULL};
        if (hostrun_run(argv, NULL) != 0)
            return -1;
        unlink(src);
    }
    if (stat(img, &st) != 0 || !(f = fopen(img, "rb")))
        return -1;
    im->dev.size = (uint64_t)st.st_size;
    im->dev.data = malloc(im->dev.size);
    if (fread(im->dev.data, 1, im->dev.size, f) != im->dev.size) {
        fclose(f);
        return -1;
    }
    fclose(f);
    unlink(img);
    return 0;
}

/* A private copy of an image's device, to corrupt. */
static struct dev
dev_copy(const struct image *im)
{
    struct dev d = {malloc(im->dev.size), im->dev.size, 0};

    memcpy(d.data, im->dev.data, im->dev.size);
    return d;
}

/* Reads the whole file at path through lib/fat, several ways, and compares. */
static int
check_file(struct fat_vol *v, const struct src *s, uint32_t size)
{
    struct fat_dirent e;
    struct fat_file f;
    uint8_t *got = malloc(size + 16);
    uint64_t seed = size + 1;
    int ok = 1;

    if (fat_lookup(v, s->path, &e) != 0 || fat_is_dir(&e) || e.size != size || e.mtime != MTIME ||
        fat_file_open(v, &e, &f) != 0) {
        free(got);
        return 0;
    }
    /* In one read, asking for more than there is. */
    memset(got, 0xAA, size + 16);
    if (fat_file_read(v, &f, 0, got, size + 16) != (long)size || memcmp(got, s->bytes, size) ||
        got[size] != 0xAA)
        ok = 0;
    /* Sequentially in odd chunks (the cursor's path). */
    memset(got, 0, size);
    for (uint32_t at = 0; at < size;) {
        long n = fat_file_read(v, &f, at, got + at, 1000 + at % 777);

        if (n <= 0) {
            ok = 0;
            break;
        }
        at += (uint32_t)n;
    }
    if (memcmp(got, s->bytes, size))
        ok = 0;
    /* At random offsets, backwards too. */
    for (int i = 0; i < 40 && size; i++) {
        uint32_t at = (uint32_t)(check_xorshift64(&seed) % size);
        uint32_t n = (uint32_t)(check_xorshift64(&seed) % 5000);
        uint32_t want = n < size - at ? n : size - at;

        if (fat_file_read(v, &f, at, got, n) != (long)want || memcmp(got, s->bytes + at, want))
            ok = 0;
    }
    if (fat_file_read(v, &f, size, got, 10) != 0 || fat_file_read(v, &f, size + 5000, got, 10))
        ok = 0;
    free(got);
    return ok;
}

/* Counts files and directories under cluster, recursively. */
static int
walk(struct fat_vol *v, const struct fat_dirent *dir, int depth, unsigned *files,
     unsigned *dirs_seen)
{
    struct fat_dir d;
    struct fat_dirent e;
    int r;

    if (depth > 8 || fat_dir_open_entry(v, &d, dir) != 0)
        return -1;
    while ((r = fat_dir_next(v, &d, &e)) == 1) {
        if (fat_is_dir(&e)) {
            (*dirs_seen)++;
            if (walk(v, &e, depth + 1, files, dirs_seen) != 0)
                return -1;
        } else {
            (*files)++;
        }
    }
    return r;
}

static int have_images;

TEST(images_of_every_type_are_made_by_mkfs_fat_and_mtools)
{
    for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
        int r = image_make(&images[i]);

        if (r != 0)
            printf("# could not make the %s image\n", images[i].what);
        CHECK(r == 0);
    }
}

TEST(every_type_mounts_as_its_cluster_count_says)
{
    for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
        struct image *im = &images[i];

        CHECK(fat_mount(&vol, dev_read, &im->dev, im->dev.size / 512) == 0);
        CHECK(vol.type == im->type);
        CHECK(vol.cluster_bytes == im->cb);
        CHECK(vol.bytes_per_sector == (uint32_t)atoi(im->sector));
        CHECK(strcmp(vol.label, "CAIRNTEST") == 0);
        if (im->type == FAT32) {
            CHECK(vol.root_cluster == 2);
            CHECK(vol.free_hint != FAT_HINT_UNKNOWN && vol.free_hint < vol.clusters);
        } else {
            CHECK(vol.root_entries > 0 && vol.root_cluster == 0);
        }
    }
}

TEST(every_file_reads_back_byte_for_byte)
{
    for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
        struct image *im = &images[i];

        srcs_fill(im->cb); /* the bytes this image was made from */
        CHECK(fat_mount(&vol, dev_read, &im->dev, im->dev.size / 512) == 0);
        for (unsigned k = 0; k < NSRCS; k++) {
            int ok = check_file(&vol, &srcs[k], src_size(&srcs[k], im->cb));

            if (!ok)
                printf("# %s: %s reads wrong\n", im->what, srcs[k].path);
            CHECK(ok);
        }
    }
}

TEST(long_names_list_exactly_as_written)
{
    static const char *const want[] = {"empty.txt",
                                       "one.bin",
                                       "DIR1",
                                       "big.bin",
                                       "A name with spaces.txt",
                                       "MixedCase.Txt",
                                       long120 + 1,
                                       "caf\xc3\xa9.txt",
                                       "Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9\x65.txt"};

    for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
        struct fat_dir d;
        struct fat_dirent e;
        unsigned seen = 0, n = 0;

        CHECK(fat_mount(&vol, dev_read, &images[i].dev, images[i].dev.size / 512) == 0);
        fat_dir_root(&vol, &d);
        while (fat_dir_next(&vol, &d, &e) == 1) {
            n++;
            for (unsigned k = 0; k < sizeof(want) / sizeof(want[0]); k++)
                if (strcmp(e.name, want[k]) == 0)
                    seen |= 1u << k;
        }
        CHECK(n == sizeof(want) / sizeof(want[0]));
        CHECK(seen == (1u << (sizeof(want) / sizeof(want[0]))) - 1);
    }
}

TEST(lookup_ignores_ascii_case_and_finds_short_names)
{
    struct fat_dirent e;

    CHECK(fat_mount(&vol, dev_read, &images[1].dev, images[1].dev.size / 512) == 0);
    CHECK(fat_lookup(&vol, "/dir1/SUB DIR/Several.BIN", &e) == 0 && e.size == 3 * 2048 + 7);
    CHECK(fat_lookup(&vol, "//Dir1///sub dir/", &e) == 0 && fat_is_dir(&e));
    CHECK(fat_lookup(&vol, "/mixedcase.txt", &e) == 0 && e.size == 200);
    CHECK(fat_lookup(&vol, "/ONE.BIN", &e) == 0 && strcmp(e.short_name, "one.bin") == 0);
    CHECK(fat_lookup(&vol, "/CAF\xc3\xa9.TXT", &e) == 0 && e.size == 33);
    /* Stored as a short name alone: code page 437 and the NT case flags. */
    CHECK(strcmp(e.name, "caf\xc3\xa9.txt") == 0);
    CHECK(fat_lookup(&vol, "/DIR1/SUBDIR~1", &e) == 0 && fat_is_dir(&e));
    CHECK(fat_lookup(&vol, "/", &e) == 0 && fat_is_dir(&e) && e.cluster == 0);
    CHECK(fat_lookup(&vol, "", &e) == 0 && fat_is_dir(&e));
    CHECK(fat_lookup(&vol, "/nothing", &e) == -CAIRN_ENOENT);
    CHECK(fat_lookup(&vol, "/DIR1/nothing/x", &e) == -CAIRN_ENOENT);
    CHECK(fat_lookup(&vol, "/one.bin/x", &e) == -CAIRN_ENOTDIR);
    CHECK(fat_lookup(&vol, "/empty.tx", &e) == -CAIRN_ENOENT);
    CHECK(fat_lookup(&vol, "/empty.txt2", &e) == -CAIRN_ENOENT);
}

TEST(directories_walk_to_every_file)
{
    for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
        unsigned files = 0, ndirs = 0;
        struct fat_dirent root;

        CHECK(fat_mount(&vol, dev_read, &images[i].dev, images[i].dev.size / 512) == 0);
        CHECK(fat_lookup(&vol, "/", &root) == 0);
        CHECK(walk(&vol, &root, 0, &files, &ndirs) == 0);
        CHECK(files == NSRCS);
        CHECK(ndirs == sizeof(dirs) / sizeof(dirs[0]));
    }
}

TEST(a_directory_is_not_opened_as_a_file)
{
    struct fat_dirent e;
    struct fat_file f;

    CHECK(fat_mount(&vol, dev_read, &images[0].dev, images[0].dev.size / 512) == 0);
    CHECK(fat_lookup(&vol, "/DIR1", &e) == 0);
    CHECK(fat_file_open(&vol, &e, &f) == -CAIRN_EISDIR);
}

TEST(fat12_chains_cross_fat_sector_boundaries)
{
    /* big.bin spans about 385 clusters: its entries cross the FAT's first
     * sector boundary in the middle of an entry (entry 341). */
    struct fat_dirent e;
    uint32_t c, n = 1, next;
    int r;

    CHECK(fat_mount(&vol, dev_read, &images[0].dev, images[0].dev.size / 512) == 0);
    CHECK(fat_lookup(&vol, "/big.bin", &e) == 0);
    for (c = e.cluster; (r = fat_next(&vol, c, &next)) == 1; c = next)
        n++;
    CHECK(r == 0);
    CHECK(n == (e.size + 4095) / 4096);
    CHECK(c > 342);
}

TEST(sequential_reads_go_on_from_the_cursor)
{
    /* big.bin on FAT32 is 3073 clusters of 512 bytes, their FAT entries in
     * 25 FAT sectors. Read a cluster at a time, the cursor costs one data
     * read per cluster and a FAT sector load per 128 clusters; walking the
     * chain from its start each time would load FAT sectors thousands of
     * times over. */
    struct dev d = images[3].dev;
    struct fat_dirent e;
    struct fat_file f;
    uint8_t buf[512];
    uint64_t at = 0;
    long n;

    CHECK(fat_mount(&vol, dev_read, &d, d.size / 512) == 0);
    CHECK(fat_lookup(&vol, "/big.bin", &e) == 0);
    CHECK(fat_file_open(&vol, &e, &f) == 0);
    d.reads = 0;
    while ((n = fat_file_read(&vol, &f, at, buf, sizeof(buf))) > 0)
        at += (uint64_t)n;
    CHECK(n == 0 && at == e.size);
    CHECK(d.reads <= 3073 + 30);
    /* Going back restarts from the first cluster, and on from there. */
    d.reads = 0;
    CHECK(fat_file_read(&vol, &f, 0, buf, sizeof(buf)) == 512);
    CHECK(fat_file_read(&vol, &f, 512, buf, sizeof(buf)) == 512);
    CHECK(d.reads <= 4);
}

/* --- corrupted volumes -------------------------------------------------------------- */

/* Writes FAT entry n (every FAT copy) of the volume mounted in vol. */
static void
set_entry(struct dev *d, uint32_t n, uint32_t value)
{
    for (uint32_t k = 0; k < vol.num_fats; k++) {
        uint8_t *fat =
            d->data + (uint64_t)(vol.fat_start + k * vol.fat_sectors) * vol.bytes_per_sector;
        if (vol.type == FAT12) {
            uint8_t *p = fat + n + n / 2;
            uint16_t w = (uint16_t)(p[0] | p[1] << 8);

            w = n & 1 ? (uint16_t)((w & 0x000F) | value << 4)
                      : (uint16_t)((w & 0xF000) | (value & 0xFFF));
            p[0] = (uint8_t)w;
            p[1] = (uint8_t)(w >> 8);
        } else if (vol.type == FAT16) {
            bytes_wr16(fat + n * 2, (uint16_t)value);
        } else {
            bytes_wr32(fat + n * 4, value);
        }
    }
}

/* Opening big.bin after its chain is changed by fn gives want and a reason with why. */
static int
open_after(struct image *im, uint32_t which, uint32_t value, int want, const char *why)
{
    struct dev d = im->dev; /* changed in place: the FATs are put back after */
    struct fat_dirent e;
    struct fat_file f;
    uint8_t *fats, *saved;
    size_t fats_len;
    uint32_t c;
    int r, ok;

    if (fat_mount(&vol, dev_read, &d, d.size / 512) != 0 || fat_lookup(&vol, "/big.bin", &e))
        return 0;
    fats = d.data + (uint64_t)vol.fat_start * vol.bytes_per_sector;
    fats_len = (size_t)vol.num_fats * vol.fat_sectors * vol.bytes_per_sector;
    saved = malloc(fats_len);
    memcpy(saved, fats, fats_len);
    /* The which-th cluster of the chain gets value. */
    c = e.cluster;
    for (uint32_t i = 0; i < which; i++)
        fat_next(&vol, c, &c);
    set_entry(&d, c, value == 0x1000000 ? e.cluster : value);
    fat_mount(&vol, dev_read, &d, d.size / 512);
    r = fat_file_open(&vol, &e, &f);
    ok = r == want && (why == NULL || (vol.why && strstr(vol.why, why)));
    if (!ok)
        printf("# %s: got %d (%s), want %d (%s)\n", im->what, r, vol.why ? vol.why : "", want,
               why ? why : "");
    memcpy(fats, saved, fats_len);
    free(saved);
    return ok;
}

TEST(damaged_chains_are_reported_never_followed)
{
    for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
        struct image *im = &images[i];
        uint32_t mask = im->type == FAT12 ? 0xFFF : im->type == FAT16 ? 0xFFFF : 0x0FFFFFFF;

        CHECK(fat_mount(&vol, dev_read, &im->dev, im->dev.size / 512) == 0);
        uint32_t past = vol.clusters + 2;

        /* 0x1000000 stands for "the file's first cluster": a loop. */
        CHECK(open_after(im, 5, 0x1000000, -CAIRN_EIO, "loops"));
        CHECK(open_after(im, 5, past, -CAIRN_EIO, "past"));
        CHECK(open_after(im, 5, 1, -CAIRN_EIO, "past"));
        CHECK(open_after(im, 5, mask, -CAIRN_EIO, "shorter"));
        CHECK(open_after(im, 5, 0, -CAIRN_EIO, "free"));
        CHECK(open_after(im, 5, mask - 8, -CAIRN_EIO, "bad cluster"));
        /* Ending after its first cluster. */
        CHECK(open_after(im, 0, mask, -CAIRN_EIO, "shorter"));
    }
}

/* Mounts d again after a change under the reader's sector caches. */
static int
remount(struct dev *d)
{
    return fat_mount(&vol, dev_read, d, d->size / 512);
}

/* The raw 32 bytes of directory entry index of the fixed root (FAT12/16). */
static uint8_t *
root_entry(struct dev *d, uint32_t index)
{
    return d->data + (uint64_t)vol.root_start * vol.bytes_per_sector + index * 32;
}

TEST(an_entry_whose_cluster_is_past_the_end_is_damaged)
{
    struct dev d = dev_copy(&images[1]);
    struct fat_dirent e;
    struct fat_file f;

    CHECK(fat_mount(&vol, dev_read, &d, d.size / 512) == 0);
    CHECK(fat_lookup(&vol, "/one.bin", &e) == 0);
    bytes_wr16(root_entry(&d, e.index) + 26, (uint16_t)(vol.clusters + 2));
    remount(&d);
    CHECK(fat_lookup(&vol, "/one.bin", &e) == 0);     /* still listed ... */
    CHECK(fat_file_open(&vol, &e, &f) == -CAIRN_EIO); /* ... but not read */
    CHECK(vol.why && strstr(vol.why, "first cluster"));
    /* Non-empty with no cluster at all. */
    bytes_wr16(root_entry(&d, e.index) + 26, 0);
    remount(&d);
    CHECK(fat_lookup(&vol, "/one.bin", &e) == 0);
    CHECK(fat_file_open(&vol, &e, &f) == -CAIRN_EIO);
    /* A size beyond the volume. */
    bytes_wr16(root_entry(&d, e.index) + 26, 3);
    remount(&d);
    bytes_wr32(root_entry(&d, e.index) + 28, 0xFFFFFFF0);
    remount(&d);
    CHECK(fat_lookup(&vol, "/one.bin", &e) == 0);
    CHECK(fat_file_open(&vol, &e, &f) == -CAIRN_EIO && strstr(vol.why, "larger"));
    /* A directory with no cluster (which would otherwise be the root). */
    CHECK(fat_lookup(&vol, "/DIR1", &e) == 0);
    bytes_wr16(root_entry(&d, e.index) + 26, 0);
    remount(&d);
    CHECK(fat_lookup(&vol, "/DIR1/exact.bin", &e) == -CAIRN_EIO && strstr(vol.why, "no cluster"));
    CHECK(fat_lookup(&vol, "/DIR1", &e) == 0);
    /* A directory whose cluster is past the end. */
    CHECK(fat_lookup(&vol, "/DIR1", &e) == 0);
    bytes_wr16(root_entry(&d, e.index) + 26, 0xFFF0);
    remount(&d);
    CHECK(fat_lookup(&vol, "/DIR1/exact.bin", &e) == -CAIRN_EIO);
    free(d.data);
}

TEST(a_long_name_with_a_wrong_checksum_gives_the_short_name)
{
    struct dev d = dev_copy(&images[1]);
    struct fat_dirent e;
    uint8_t *lfn;

    CHECK(fat_mount(&vol, dev_read, &d, d.size / 512) == 0);
    CHECK(fat_lookup(&vol, "/A name with spaces.txt", &e) == 0);
    CHECK(e.index >= 2);
    lfn = root_entry(&d, e.index - 1); /* the run's last entry: sequence 1 */
    CHECK(lfn[11] == 0x0F && (lfn[0] & 0x3F) == 1);
    lfn[13] ^= 0x5A;
    remount(&d);
    CHECK(fat_lookup(&vol, "/A name with spaces.txt", &e) == -CAIRN_ENOENT);
    CHECK(fat_lookup(&vol, "/ANAMEW~1.TXT", &e) == 0);
    CHECK(strcmp(e.name, "ANAMEW~1.TXT") == 0 && e.size == 100);
    /* The checksum right again but the sequence broken. */
    lfn[13] ^= 0x5A;
    remount(&d);
    CHECK(fat_lookup(&vol, "/A name with spaces.txt", &e) == 0);
    lfn[0] = 3;
    remount(&d);
    CHECK(fat_lookup(&vol, "/A name with spaces.txt", &e) == -CAIRN_ENOENT);
    CHECK(fat_lookup(&vol, "/ANAMEW~1.TXT", &e) == 0);
    /* A character outside the BMP, as a surrogate pair. */
    lfn[0] = 1;
    bytes_wr16(lfn + 1, 0xD83D);
    bytes_wr16(lfn + 3, 0xDE00);
    remount(&d);
    CHECK(fat_lookup(&vol, "/\xf0\x9f\x98\x80name with spaces.txt", &e) == 0);
    /* An unpaired surrogate in the name. */
    bytes_wr16(lfn + 1, 0xD800);
    bytes_wr16(lfn + 3, 'x');
    remount(&d);
    CHECK(fat_lookup(&vol, "/ANAMEW~1.TXT", &e) == 0 && strcmp(e.name, "ANAMEW~1.TXT") == 0);
    free(d.data);
}

TEST(a_directory_whose_chain_loops_ends_with_an_error)
{
    struct dev d = dev_copy(&images[1]);
    struct fat_dirent e;
    struct fat_dir dir;
    uint8_t *first;
    unsigned n = 0;
    int r;

    CHECK(fat_mount(&vol, dev_read, &d, d.size / 512) == 0);
    CHECK(fat_lookup(&vol, "/DIR1", &e) == 0);
    /* Every unused entry deleted, so no end mark stops the walk, and the
     * directory's one cluster followed by itself. */
    first = d.data + (uint64_t)(vol.data_start + (e.cluster - 2) * vol.sectors_per_cluster) *
                         vol.bytes_per_sector;
    for (uint32_t i = 0; i < vol.cluster_bytes / 32; i++)
        if (first[i * 32] == 0)
            first[i * 32] = 0xE5;
    set_entry(&d, e.cluster, e.cluster);
    CHECK(fat_dir_open(&vol, &dir, e.cluster) == 0);
    while ((r = fat_dir_next(&vol, &dir, &e)) == 1)
        n++;
    CHECK(r == -CAIRN_EIO && strstr(vol.why, "loops"));
    CHECK(fat_dir_next(&vol, &dir, &e) == -CAIRN_EIO);
    CHECK(n < FAT_DIR_ENTRIES);
    free(d.data);
}

/* A boot sector change: offset, width (1, 2, 4), value, the reason's words. */
struct bpb_case {
    unsigned off, width;
    uint32_t value;
    const char *why;
};

static int
mount_changed(const struct image *im, const struct bpb_case *c, unsigned ncases)
{
    struct dev d = dev_copy(im);
    int r, ok;

    for (unsigned i = 0; i < ncases; i++) {
        uint8_t *p = d.data + c[i].off;

        if (c[i].width == 1)
            *p = (uint8_t)c[i].value;
        else if (c[i].width == 2)
            bytes_wr16(p, (uint16_t)c[i].value);
        else
            bytes_wr32(p, c[i].value);
    }
    r = fat_mount(&vol, dev_read, &d, d.size / 512);
    ok = r == -CAIRN_EINVAL && vol.why && strstr(vol.why, c[ncases - 1].why);
    if (!ok)
        printf("# %s, offset %u = %#x: got %d (%s), want \"%s\"\n", im->what, c[ncases - 1].off,
               c[ncases - 1].value, r, vol.why ? vol.why : "", c[ncases - 1].why);
    free(d.data);
    return ok;
}

TEST(bad_boot_sectors_are_refused_with_their_reason)
{
    static const struct bpb_case fat16[] = {
        {510, 1, 0x00, "signature"},
        {0, 1, 0x00, "jump"},
        {11, 2, 0, "bytes per sector"},
        {11, 2, 300, "bytes per sector"},
        {11, 2, 8192, "bytes per sector"},
        {11, 2, 256, "bytes per sector"},
        {13, 1, 0, "sectors per cluster"},
        {13, 1, 3, "sectors per cluster"},
        {14, 2, 0, "reserved"},
        {16, 1, 0, "no FAT"},
        {21, 1, 0x12, "media"},
        {22, 2, 1, "too small"},
        {17, 2, 0, "root directory entries"},
        {22, 2, 0xF000, "fill the volume"},
    };
    static const struct bpb_case fat32[] = {
        {44, 4, 1, "root cluster"},    {44, 4, 0x0FFFFFF0, "root cluster"},
        {42, 2, 1, "version"},         {40, 2, 0x83, "active FAT"},
        {17, 2, 512, "FAT12/16 root"}, {36, 4, 0, "FAT size is zero"},
    };
    static const struct bpb_case big_cluster[] = {{13, 1, 32, "64 KiB"}};
    const struct image *im16 = &images[1], *im32 = &images[3];

    for (unsigned i = 0; i < sizeof(fat16) / sizeof(fat16[0]); i++)
        CHECK(mount_changed(im16, &fat16[i], 1));
    for (unsigned i = 0; i < sizeof(fat32) / sizeof(fat32[0]); i++)
        CHECK(mount_changed(im32, &fat32[i], 1));
    CHECK(mount_changed(&images[2], big_cluster, 1)); /* 32 sectors of 4096 bytes */
    /* No total sector count in either field. */
    {
        static const struct bpb_case both[] = {{19, 2, 0, ""}, {32, 4, 0, "total sectors"}};
        CHECK(mount_changed(im16, both, 2));
    }
    /* A FAT16 volume claiming to be larger than the device. */
    {
        struct dev d = im16->dev;

        d.size -= 512;
        CHECK(fat_mount(&vol, dev_read, &d, d.size / 512) == -CAIRN_EINVAL);
        CHECK(strstr(vol.why, "larger than the device"));
    }
    /* A FAT12 volume made FAT16-sized by its total sector count alone:
     * the type follows the count, and the FAT is then too small. */
    {
        static const struct bpb_case grow[] = {{19, 2, 0, ""}, {32, 4, 65536, "too small"}};
        struct dev d = dev_copy(&images[0]);
        uint8_t *big = realloc(d.data, 32u << 20);
        struct image im = images[0];

        memset(big + d.size, 0, (32u << 20) - d.size);
        im.dev.data = big;
        im.dev.size = 32u << 20;
        CHECK(mount_changed(&im, grow, 2));
        free(big);
    }
}

TEST(a_device_error_is_passed_through)
{
    struct dev d = images[1].dev;
    struct fat_dirent e;
    struct fat_file f;
    uint8_t buf[64];

    CHECK(fat_mount(&vol, dev_read, &d, d.size / 512) == 0);
    CHECK(fat_lookup(&vol, "/big.bin", &e) == 0);
    CHECK(fat_file_open(&vol, &e, &f) == 0);
    d.size = (uint64_t)vol.data_start * vol.bytes_per_sector; /* the data region gone */
    CHECK(fat_file_read(&vol, &f, 100000, buf, sizeof(buf)) == -CAIRN_ERANGE);
}

/* --- pure pieces --------------------------------------------------------------------- */

TEST(dos_times_become_unix_times)
{
    /* 1980-01-01 00:00:00 */
    CHECK(fat_time(0x0021, 0, 0) == 315532800);
    /* 2021-06-15 12:34:56 */
    CHECK(fat_time((uint16_t)((41 << 9) | (6 << 5) | 15), (uint16_t)((12 << 11) | (34 << 5) | 28),
                   0) == 1623760496);
    /* 2000-02-29 23:59:58 plus 1.99 s of hundredths: 59 s */
    CHECK(fat_time((uint16_t)((20 << 9) | (2 << 5) | 29), (uint16_t)((23 << 11) | (59 << 5) | 29),
                   199) == 951868799);
    CHECK(fat_time(0, 0, 0) == 0);
    CHECK(fat_time((uint16_t)((1 << 9) | (13 << 5) | 1), 0, 0) == 0);
    CHECK(fat_time(0x0021, (uint16_t)(24 << 11), 0) == 0);
    CHECK(fat_time(0x0021, 0, 200) == 0);
}

TEST(the_short_name_checksum_is_the_specifications)
{
    /* By hand: the rotate-right-and-add of the specification. */
    const uint8_t name[11] = {'F', 'O', 'O', ' ', ' ', ' ', ' ', ' ', 'B', 'A', 'R'};
    uint8_t sum = 0;

    for (int i = 0; i < 11; i++)
        sum = (uint8_t)((sum >> 1 | sum << 7) + name[i]);
    CHECK(fat_name_checksum(name) == sum);
}

TEST(garbage_is_not_a_volume)
{
    static uint8_t zeros[4096];
    struct dev d = {zeros, sizeof(zeros), 0};

    CHECK(fat_mount(&vol, dev_read, &d, 8) == -CAIRN_EINVAL);
    CHECK(fat_mount(&vol, dev_read, &d, 0) == -CAIRN_EINVAL);
}

int
main(void)
{
    char path[80];

    if (hostrun_tmpdir(tmpdir, sizeof(tmpdir), "fat") < 0)
        return 1;
    mkfs_path = find_mkfs();
    have_images = mkfs_path != NULL;
    RUN(dos_times_become_unix_times);
    RUN(the_short_name_checksum_is_the_specifications);
    RUN(garbage_is_not_a_volume);
    if (have_images) {
        RUN(images_of_every_type_are_made_by_mkfs_fat_and_mtools);
        RUN(every_type_mounts_as_its_cluster_count_says);
        RUN(every_file_reads_back_byte_for_byte);
        RUN(long_names_list_exactly_as_written);
        RUN(lookup_ignores_ascii_case_and_finds_short_names);
        RUN(directories_walk_to_every_file);
        RUN(a_directory_is_not_opened_as_a_file);
        RUN(fat12_chains_cross_fat_sector_boundaries);
        RUN(sequential_reads_go_on_from_the_cursor);
        RUN(damaged_chains_are_reported_never_followed);
        RUN(an_entry_whose_cluster_is_past_the_end_is_damaged);
        RUN(a_long_name_with_a_wrong_checksum_gives_the_short_name);
        RUN(a_directory_whose_chain_loops_ends_with_an_error);
        RUN(bad_boot_sectors_are_refused_with_their_reason);
        RUN(a_device_error_is_passed_through);
    } else {
        printf("skip test_fat images: mkfs.fat (dosfstools) not found and could not be "
               "installed; only the pure tests ran\n");
    }
    for (unsigned i = 0; i < sizeof(images) / sizeof(images[0]); i++)
        free(images[i].dev.data);
    for (unsigned i = 0; i < NSRCS; i++)
        free(srcs[i].bytes);
    snprintf(path, sizeof(path), "%s", tmpdir);
    rmdir(path);
    return check_exit();
}
