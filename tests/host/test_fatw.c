// SPDX-License-Identifier: MIT
/*
 * Host tests of lib/fat's write side and its ordered sector cache.
 *
 * The cache's rule (cache.h) is checked on a logging device: no sector of
 * an epoch is written before every earlier epoch is written and flushed,
 * whether the write-back comes from a full cache, a sector changed again
 * in a later epoch, a large direct write or a sync; and write and read
 * errors come back with the sector still dirty.
 *
 * Then volumes made by mkfs.fat (FAT12, FAT16, FAT32) are changed through
 * lib/fat: files created, written (small, across clusters, over 4 MiB),
 * overwritten in the middle, truncated both ways, renamed within and
 * across directories and over other files, unlinked; directories made,
 * moved and removed; a directory grown past its first cluster; names whose
 * short names collide; a volume filled to ENOSPC and emptied. After each,
 * `fsck.fat -n` must say nothing (exit 0, no message) and mtools must read
 * back the same bytes (mtype) and names (mdir) as the test's own model.
 *
 * Power cuts: a scenario is run over and over on a device that stops
 * taking writes after its k-th, and that also drops any subset of the
 * writes since the last flush (a disk's write cache loses those in any
 * order). fsck.fat -n's report on each such image may hold only lost
 * clusters, a chain longer than its file, a wrong free count or the
 * dirty bit: any other message fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cairn/errors.h"
#include "check.h"
#include "common/bytes.h"
#include "fat/fat.h"
#include "hostrun.h"

#define NOW 1700000000 /* 2023-11-14 22:13:20 UTC */

/* --- a device in memory, with counted writes and power cuts ------------------------------ */

struct wlog {
    uint64_t sector;
    uint32_t count;
    uint8_t *old; /* the bytes the write replaced */
};

struct wdev {
    uint8_t *data;
    uint64_t size; /* bytes */
    unsigned reads, writes, flushes;
    long cut;       /* writes taken before the power goes; -1: never */
    int fail_write; /* the next write fails with -CAIRN_EIO */
    int fail_read;  /* reads of sector fail_sector fail */
    uint64_t fail_sector;
    uint8_t *touched; /* one byte per sector written (to save only those) */
    struct wlog log[4096];
    unsigned nlog; /* writes since the last flush */
};

static int
wdev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    struct wdev *d = ctx;

    d->reads++;
    if (sector > d->size / 512 || count > d->size / 512 - sector)
        return -CAIRN_ERANGE;
    if (d->fail_read && d->fail_sector >= sector && d->fail_sector - sector < count)
        return -CAIRN_EIO;
    memcpy(buf, d->data + sector * 512, (size_t)count * 512);
    return 0;
}

static int
wdev_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    struct wdev *d = ctx;

    if (sector > d->size / 512 || count > d->size / 512 - sector)
        return -CAIRN_ERANGE;
    if (d->fail_write) {
        d->fail_write = 0;
        return -CAIRN_EIO;
    }
    if (d->cut >= 0 && d->writes >= (unsigned long)d->cut)
        return 0; /* the power is gone: the write never lands */
    d->writes++;
    if (d->nlog < sizeof(d->log) / sizeof(d->log[0])) {
        struct wlog *l = &d->log[d->nlog++];

        l->sector = sector;
        l->count = count;
        l->old = malloc((size_t)count * 512);
        memcpy(l->old, d->data + sector * 512, (size_t)count * 512);
    }
    memcpy(d->data + sector * 512, buf, (size_t)count * 512);
    if (d->touched)
        memset(d->touched + sector, 1, count);
    return 0;
}

static void
wdev_forget_log(struct wdev *d)
{
    for (unsigned i = 0; i < d->nlog; i++)
        free(d->log[i].old);
    d->nlog = 0;
}

static int
wdev_flush(void *ctx)
{
    struct wdev *d = ctx;

    if (d->cut < 0 || d->writes < (unsigned long)d->cut) {
        d->flushes++;
        wdev_forget_log(d);
    }
    return 0;
}

/* The power cut's disk: writes since the last flush undone at random (the
 * ones no later kept write overlaps), as a write cache would lose them. */
static void
wdev_lose_unflushed(struct wdev *d, uint64_t *seed)
{
    for (unsigned i = d->nlog; i-- > 0;) {
        struct wlog *l = &d->log[i];
        int overlap = 0;

        if (check_xorshift64(seed) % 2)
            continue;
        for (unsigned j = i + 1; j < d->nlog; j++)
            if (d->log[j].old && d->log[j].sector < l->sector + l->count &&
                l->sector < d->log[j].sector + d->log[j].count)
                overlap = 1;
        if (overlap)
            continue;
        memcpy(d->data + l->sector * 512, l->old, (size_t)l->count * 512);
        free(l->old);
        l->old = NULL;
    }
    for (unsigned i = 0; i < d->nlog; i++)
        free(d->log[i].old);
    d->nlog = 0;
}

/* --- the cache's rule, on a logging device ---------------------------------------------- */

struct lognode {
    char op; /* 'w' or 'f' */
    uint64_t sector;
};

static struct lognode oplog[1024];
static unsigned noplog;

static int
log_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    (void)ctx;
    (void)sector;
    memset(buf, 0, (size_t)count * 512);
    return 0;
}

static int
log_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    (void)ctx;
    (void)buf;
    for (uint32_t i = 0; i < count && noplog < 1024; i++)
        oplog[noplog++] = (struct lognode){'w', sector + i};
    return 0;
}

static int
log_flush(void *ctx)
{
    (void)ctx;
    if (noplog < 1024)
        oplog[noplog++] = (struct lognode){'f', 0};
    return 0;
}

/* The epoch each test sector was last changed in (0: never). */
static uint64_t sector_epoch[256];

/* Every write of a sector of epoch e comes after a flush that follows every
 * write of an earlier epoch, and every change was written. */
static int
log_keeps_the_rule(void)
{
    for (unsigned i = 0; i < noplog; i++) {
        if (oplog[i].op != 'w')
            continue;
        for (unsigned j = i + 1; j < noplog; j++) {
            int flushed = 0;

            if (oplog[j].op != 'w' ||
                sector_epoch[oplog[j].sector] <= sector_epoch[oplog[i].sector])
                continue;
            /* j is of a later epoch than i: a flush lies between them. */
            for (unsigned k = i + 1; k < j; k++)
                flushed |= oplog[k].op == 'f';
            if (!flushed)
                return 0;
        }
    }
    return 1;
}

TEST(cache_writes_epochs_in_order_with_flushes_between)
{
    static struct fat_cache_buf bufs[8];
    struct fat_cache c;
    uint8_t *p;

    noplog = 0;
    memset(sector_epoch, 0, sizeof(sector_epoch));
    CHECK(fat_cache_init(&c, log_read, log_write, log_flush, NULL, 256, bufs, 8) == 0);
    /* Epoch 1: data 10..13; epoch 2: "FAT" 1; epoch 3: "entry" 2. */
    for (uint64_t s = 10; s < 14; s++) {
        CHECK(fat_cache_modify(&c, s, 1, &p) == 0);
        sector_epoch[s] = c.epoch;
    }
    fat_cache_barrier(&c);
    CHECK(fat_cache_modify(&c, 1, 0, &p) == 0);
    sector_epoch[1] = c.epoch;
    fat_cache_barrier(&c);
    CHECK(fat_cache_modify(&c, 2, 0, &p) == 0);
    sector_epoch[2] = c.epoch;
    CHECK(noplog == 0); /* nothing written yet: all fits */
    /* Epoch 4: more data than the cache holds: write-back in order. */
    fat_cache_barrier(&c);
    for (uint64_t s = 20; s < 40; s++) {
        CHECK(fat_cache_modify(&c, s, 1, &p) == 0);
        sector_epoch[s] = c.epoch;
    }
    CHECK(noplog > 0);
    CHECK(log_keeps_the_rule());
    CHECK(fat_cache_sync(&c) == 0);
    CHECK(c.ndirty == 0);
    CHECK(log_keeps_the_rule());
    CHECK(oplog[noplog - 1].op == 'f');
}

TEST(cache_changing_an_older_dirty_sector_writes_its_epoch_first)
{
    static struct fat_cache_buf bufs[16];
    struct fat_cache c;
    uint8_t *p;
    int order_ok;

    noplog = 0;
    CHECK(fat_cache_init(&c, log_read, log_write, log_flush, NULL, 256, bufs, 16) == 0);
    CHECK(fat_cache_modify(&c, 5, 0, &p) == 0); /* epoch 1: the FAT sector */
    fat_cache_barrier(&c);
    CHECK(fat_cache_modify(&c, 6, 0, &p) == 0); /* epoch 2: an entry */
    fat_cache_barrier(&c);
    CHECK(fat_cache_modify(&c, 7, 0, &p) == 0); /* epoch 3: data */
    fat_cache_barrier(&c);
    CHECK(noplog == 0);
    CHECK(fat_cache_modify(&c, 5, 0, &p) == 0); /* epoch 4: the FAT sector again */
    /* Sector 5's epoch 1 went out (alone: 6 and 7 are later), and a flush
     * will separate it from anything after. */
    CHECK(noplog == 1 && oplog[0].op == 'w' && oplog[0].sector == 5);
    CHECK(fat_cache_sync(&c) == 0);
    /* Then 6, 7, 5 each with a flush between. */
    order_ok = noplog == 7 && oplog[1].op == 'f' && oplog[2].sector == 6 && oplog[3].op == 'f' &&
               oplog[4].sector == 7 && oplog[5].op == 'f' && oplog[6].sector == 5;
    CHECK(order_ok || (noplog == 8 && oplog[7].op == 'f' && oplog[6].sector == 5));
}

TEST(cache_direct_writes_wait_for_every_earlier_epoch)
{
    static struct fat_cache_buf bufs[8];
    static uint8_t big[8 * 512];
    struct fat_cache c;
    uint8_t *p;

    noplog = 0;
    CHECK(fat_cache_init(&c, log_read, log_write, log_flush, NULL, 256, bufs, 8) == 0);
    CHECK(fat_cache_modify(&c, 3, 0, &p) == 0);
    fat_cache_barrier(&c);
    CHECK(fat_cache_modify(&c, 4, 0, &p) == 0); /* of the current epoch: may stay */
    CHECK(fat_cache_write_many(&c, 100, 8, big) == 0);
    CHECK(noplog == 10 && oplog[0].sector == 3 && oplog[1].op == 'f' && oplog[2].sector == 100);
    /* A barrier after a direct write starts a new epoch even with nothing
     * dirty in it: the next change waits for a flush after it. */
    fat_cache_barrier(&c);
    CHECK(fat_cache_sync(&c) == 0);
    CHECK(oplog[noplog - 1].op == 'f');
}

TEST(cache_changes_join_an_earlier_epoch_only_while_nothing_later_is_written)
{
    static struct fat_cache_buf bufs[8];
    static uint8_t big[8 * 512];
    struct fat_cache c;
    uint64_t e1, e2;
    uint8_t *p;

    noplog = 0;
    memset(sector_epoch, 0, sizeof(sector_epoch));
    CHECK(fat_cache_init(&c, log_read, log_write, log_flush, NULL, 256, bufs, 8) == 0);
    e1 = c.epoch;
    CHECK(fat_cache_modify(&c, 10, 1, &p) == 0);
    sector_epoch[10] = e1;
    fat_cache_barrier(&c);
    e2 = c.epoch;
    CHECK(fat_cache_modify(&c, 20, 1, &p) == 0);
    sector_epoch[20] = e2;
    fat_cache_barrier(&c);
    /* Later changes that belong with epoch 1 and 2. */
    CHECK(fat_cache_modify_at(&c, 11, 1, e1, &p) == 0);
    sector_epoch[11] = e1;
    CHECK(fat_cache_write_many_at(&c, 100, 8, big, e1) == 0); /* epoch 1 begins to go out */
    for (int i = 0; i < 8; i++)
        sector_epoch[100 + i] = e1;
    CHECK(fat_cache_modify_at(&c, 12, 1, e1, &p) == 0); /* still allowed: nothing later written */
    sector_epoch[12] = e1;
    CHECK(fat_cache_modify_at(&c, 21, 1, e2, &p) == 0);
    sector_epoch[21] = e2;
    CHECK(fat_cache_modify_at(&c, 20, 0, e1, &p) == -CAIRN_EAGAIN); /* dirty in a later one */
    CHECK(fat_cache_modify_at(&c, 30, 1, c.epoch + 1, &p) == -CAIRN_EINVAL);
    CHECK(fat_cache_sync(&c) == 0);
    CHECK(log_keeps_the_rule());
    /* Epoch 2 is on the disk now: epoch 1 takes nothing more. */
    CHECK(fat_cache_modify_at(&c, 13, 1, e1, &p) == -CAIRN_EAGAIN);
    CHECK(fat_cache_write_many_at(&c, 200, 8, big, e1) == -CAIRN_EAGAIN);
}

TEST(cache_errors_are_returned_and_the_sector_stays_dirty)
{
    static struct fat_cache_buf bufs[8];
    static uint8_t img[64 * 512];
    struct wdev d = {img, sizeof(img), 0, 0, 0, -1, 0, 0, 0, NULL, {{0}}, 0};
    struct fat_cache c;
    const uint8_t *q;
    uint8_t *p;

    CHECK(fat_cache_init(&c, wdev_read, wdev_write, wdev_flush, &d, 64, bufs, 8) == 0);
    CHECK(fat_cache_init(&c, wdev_read, wdev_write, wdev_flush, &d, 64, bufs, 7) == -CAIRN_EINVAL);
    CHECK(fat_cache_modify(&c, 9, 0, &p) == 0);
    p[0] = 0x42;
    d.fail_write = 1;
    CHECK(fat_cache_sync(&c) == -CAIRN_EIO);
    CHECK(c.ndirty == 1 && img[9 * 512] == 0);
    CHECK(fat_cache_sync(&c) == 0);
    CHECK(c.ndirty == 0 && img[9 * 512] == 0x42);
    d.fail_read = 1;
    d.fail_sector = 20;
    CHECK(fat_cache_read(&c, 20, &q) == -CAIRN_EIO);
    d.fail_read = 0;
    CHECK(fat_cache_read(&c, 20, &q) == 0);
    CHECK(fat_cache_read(&c, 64, &q) == -CAIRN_ERANGE);
    wdev_forget_log(&d);
}

/* --- volumes ------------------------------------------------------------------------------ */

static char tmpdir[64];
static const char *mkfs_path, *fsck_path;

struct kind {
    const char *what, *bits, *sector, *spc;
    unsigned mib;
    enum fat_type type;
};

static const struct kind kinds[] = {
    {"FAT12", "12", "512", "8", 8, FAT12},
    {"FAT16", "16", "512", "4", 16, FAT16},
    {"FAT32", "32", "512", "1", 34, FAT32},
    {"FAT16 with 4096-byte sectors", "16", "4096", "1", 20, FAT16},
};
#define NKINDS 4

static struct wdev base[NKINDS]; /* the fresh volumes */
static struct fat_cache_buf cbufs[64];
static struct fat_cache cache;
static struct fat_vol vol;

/* Runs argv with stdout and stderr into the file out; the exit status or
 * -1. posix_spawn, not fork: this process holds the volumes in memory,
 * and copying its page tables for every tool run would be most of the
 * test's time. The environment is set once in main. */
static int
run_to(char *const argv[], const char *out)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status, r;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (r != 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
make_volume(unsigned k)
{
    char img[128], size_kib[16], out[128];
    size_t n;

    snprintf(img, sizeof(img), "%s/base%u.img", tmpdir, k);
    snprintf(size_kib, sizeof(size_kib), "%u", kinds[k].mib * 1024);
    unlink(img);
    char *const argv[] = {(char *)mkfs_path,
                          "-C",
                          "-F",
                          (char *)kinds[k].bits,
                          "-S",
                          (char *)kinds[k].sector,
                          "-s",
                          (char *)kinds[k].spc,
                          "-n",
                          "CAIRNW",
                          img,
                          size_kib,
                          NULL};
    snprintf(out, sizeof(out), "%s/mkfs.out", tmpdir);
    if (run_to(argv, out) != 0)
        return -1;
    base[k].data = (uint8_t *)hostrun_slurp(img, &n);
    base[k].size = n;
    base[k].cut = -1;
    unlink(img);
    return base[k].data && n == (size_t)kinds[k].mib << 20 ? 0 : -1;
}

/* A working copy of volume k: its device. */
static void
dev_from(struct wdev *d, unsigned k)
{
    memset(d, 0, sizeof(*d));
    d->size = base[k].size;
    d->data = malloc(d->size);
    memcpy(d->data, base[k].data, d->size);
    d->cut = -1;
}

static int
mount_rw(struct wdev *d)
{
    int r = fat_cache_init(&cache, wdev_read, wdev_write, wdev_flush, d, d->size / 512, cbufs,
                           sizeof(cbufs) / sizeof(cbufs[0]));

    return r ? r : fat_mount_rw(&vol, &cache, d->size / 512);
}

static int
save(const struct wdev *d, const char *path)
{
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(d->data, 1, d->size, f) != d->size || fclose(f) != 0)
        return -1;
    return 0;
}

/* fsck.fat -n on the image: 1 when it exits 0 and says nothing besides its
 * version and summary lines; else prints the report. */
static int
fsck_clean(const char *img)
{
    char out[160];
    char *const argv[] = {(char *)fsck_path, "-n", (char *)img, NULL};
    char *text, *line, *save_p = NULL;
    int st, ok;

    snprintf(out, sizeof(out), "%s/fsck.out", tmpdir);
    st = run_to(argv, out);
    text = hostrun_slurp(out, NULL);
    ok = st == 0 && text;
    for (line = text ? strtok_r(text, "\n", &save_p) : NULL; line;
         line = strtok_r(NULL, "\n", &save_p)) {
        if (strncmp(line, "fsck.fat ", 9) == 0 || strstr(line, " files, ") ||
            strncmp(line, "Checking", 8) == 0)
            continue;
        ok = 0;
    }
    if (!ok) {
        free(text);
        text = hostrun_slurp(out, NULL);
        printf("# fsck.fat -n (exit %d):\n%s", st, text ? text : "");
    }
    free(text);
    return ok;
}

/* mtype of path on img equals bytes. */
static int
mtools_reads(const char *img, const char *path, const uint8_t *bytes, size_t n)
{
    char out[160], src[1024];
    char *got;
    size_t len;
    int ok;

    snprintf(out, sizeof(out), "%s/mtype.out", tmpdir);
    snprintf(src, sizeof(src), "::%s", path);
    char *const argv[] = {"mtype", "-i", (char *)img, src, NULL};
    if (run_to(argv, out) != 0)
        return 0;
    got = hostrun_slurp(out, &len);
    ok = got && len == n && (n == 0 || memcmp(got, bytes, n) == 0);
    if (!ok)
        printf("# mtype %s: %zu bytes, want %zu\n", path, got ? len : 0, n);
    free(got);
    return ok;
}

/* mdir's listing of dir on img, for names; the caller frees it. */
static char *
mtools_lists(const char *img, const char *dir)
{
    char out[160], src[1024];

    snprintf(out, sizeof(out), "%s/mdir.out", tmpdir);
    snprintf(src, sizeof(src), "::%s", dir);
    char *const argv[] = {"mdir", "-i", (char *)img, src, NULL};
    if (run_to(argv, out) != 0)
        return NULL;
    return hostrun_slurp(out, NULL);
}

/* --- the model of what the volume should hold ------------------------------------------ */

#define MAXF 400

struct mfile {
    char path[300]; /* "" for a free slot */
    uint8_t *bytes;
    size_t size;
};

static struct mfile model[MAXF];

static struct mfile *
model_get(const char *path)
{
    for (int i = 0; i < MAXF; i++)
        if (strcmp(model[i].path, path) == 0)
            return &model[i];
    for (int i = 0; i < MAXF; i++) {
        if (model[i].path[0] == 0) {
            snprintf(model[i].path, sizeof(model[i].path), "%s", path);
            model[i].bytes = NULL;
            model[i].size = 0;
            return &model[i];
        }
    }
    return NULL;
}

static void
model_drop(const char *path)
{
    struct mfile *m = model_get(path);

    free(m->bytes);
    memset(m, 0, sizeof(*m));
}

static void
model_write(const char *path, uint64_t off, const uint8_t *src, size_t n)
{
    struct mfile *m = model_get(path);

    if (off + n > m->size) {
        m->bytes = realloc(m->bytes, off + n);
        memset(m->bytes + m->size, 0, off + n - m->size);
        m->size = off + n;
    }
    memcpy(m->bytes + off, src, n);
}

static void
model_truncate(const char *path, size_t n)
{
    struct mfile *m = model_get(path);

    m->bytes = realloc(m->bytes, n ? n : 1);
    if (n > m->size)
        memset(m->bytes + m->size, 0, n - m->size);
    m->size = n;
}

static void
model_rename(const char *from, const char *to)
{
    struct mfile *f = model_get(from), *t;

    for (int i = 0; i < MAXF; i++)
        if (strcmp(model[i].path, to) == 0)
            model_drop(to);
    t = model_get(to);
    t->bytes = f->bytes;
    t->size = f->size;
    memset(f, 0, sizeof(*f));
}

static void
model_clear(void)
{
    for (int i = 0; i < MAXF; i++)
        free(model[i].bytes);
    memset(model, 0, sizeof(model));
}

/* Every file of the model reads back through mtools (one in every few
 * when there are many: each is a run of mtype). */
static int
model_matches(const char *img)
{
    int ok = 1, n = 0, every;

    for (int i = 0; i < MAXF; i++)
        n += model[i].path[0] != 0;
    every = n / 24 + 1;
    for (int i = 0, seen = 0; i < MAXF; i++) {
        if (!model[i].path[0] || seen++ % every != 0)
            continue;
        if (!mtools_reads(img, model[i].path, model[i].bytes, model[i].size))
            ok = 0;
    }
    return ok;
}

static uint8_t *
pattern(size_t n, uint64_t seed)
{
    uint8_t *b = malloc(n ? n : 1);

    seed += 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)check_xorshift64(&seed);
    return b;
}

/* --- operations through lib/fat, tracked in the model ------------------------------------ */

/* The directory cluster of an absolute directory path. */
static uint32_t
dir_of(const char *path)
{
    struct fat_dirent e;

    if (fat_lookup(&vol, path, &e) != 0 || !fat_is_dir(&e))
        return 0xFFFFFFF0u;
    return e.cluster;
}

/* Writes n pattern bytes at off of file dir/name (created if missing). */
static int
put(const char *dir, const char *name, uint64_t off, size_t n, uint64_t seed)
{
    char path[600];
    struct fat_dirent e;
    struct fat_file f;
    uint8_t *b = pattern(n, seed);
    long w;
    int r;

    snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", name);
    r = fat_dir_find(&vol, dir_of(dir), name, &e);
    if (r == -CAIRN_ENOENT)
        r = fat_create(&vol, dir_of(dir), name, 0, NOW, &e);
    if (r == 0)
        r = fat_file_open(&vol, &e, &f);
    if (r < 0) {
        free(b);
        return r;
    }
    w = fat_file_write(&vol, &f, off, b, n, NOW + 10);
    fat_file_close(&vol, &f);
    if (w > 0)
        model_write(path, off, b, (size_t)w);
    else
        model_get(path);
    free(b);
    return w == (long)n ? 0 : w < 0 ? (int)w : -CAIRN_ENOSPC;
}

static int
trunc_to(const char *dir, const char *name, uint64_t n)
{
    char path[600];
    struct fat_dirent e;
    struct fat_file f;
    int r;

    snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", name);
    r = fat_dir_find(&vol, dir_of(dir), name, &e);
    if (r == 0)
        r = fat_file_open(&vol, &e, &f);
    if (r < 0)
        return r;
    r = fat_file_truncate(&vol, &f, n, NOW + 20);
    fat_file_close(&vol, &f);
    if (r == 0)
        model_truncate(path, (size_t)n);
    return r;
}

static void
join(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", strcmp(dir, "/") ? dir : "", name);
}

static int
mv(const char *fd, const char *from, const char *td, const char *to)
{
    char a[600], b[600];
    int r = fat_rename(&vol, dir_of(fd), from, dir_of(td), to, NOW);

    if (r == 0) {
        join(a, sizeof(a), fd, from);
        join(b, sizeof(b), td, to);
        /* Files under a moved directory move with it. */
        for (int i = 0; i < MAXF; i++) {
            size_t la = strlen(a);

            if (model[i].path[0] && strncmp(model[i].path, a, la) == 0 &&
                model[i].path[la] == '/') {
                char np[900];

                snprintf(np, sizeof(np), "%s%s", b, model[i].path + la);
                if (strlen(np) < sizeof(model[i].path))
                    memcpy(model[i].path, np, strlen(np) + 1);
            }
        }
        if (strcmp(a, b) != 0) {
            for (int i = 0; i < MAXF; i++)
                if (strcmp(model[i].path, a) == 0)
                    model_rename(a, b);
        }
    }
    return r;
}

static int
rm(const char *dir, const char *name)
{
    char path[600];
    int r = fat_unlink(&vol, dir_of(dir), name);

    join(path, sizeof(path), dir, name);
    if (r == 0)
        model_drop(path);
    return r;
}

/* Unmounts, saves the image, and checks it with fsck.fat and mtools. */
static int
finish(struct wdev *d, const char *what)
{
    char img[128];
    int ok;

    if (fat_unmount(&vol) != 0)
        return 0;
    snprintf(img, sizeof(img), "%s/finish.img", tmpdir);
    if (save(d, img) != 0)
        return 0;
    ok = fsck_clean(img);
    if (!ok)
        printf("# %s: fsck.fat is not content\n", what);
    if (!model_matches(img)) {
        printf("# %s: mtools reads other bytes\n", what);
        ok = 0;
    }
    unlink(img);
    return ok;
}

/* --- scenarios ------------------------------------------------------------------------- */

TEST(files_are_written_overwritten_and_truncated)
{
    for (unsigned k = 0; k < NKINDS; k++) {
        struct wdev d;
        uint32_t cb;

        dev_from(&d, k);
        CHECK(mount_rw(&d) == 0);
        cb = vol.cluster_bytes;
        CHECK(put("/", "small.txt", 0, 100, 1) == 0);
        CHECK(put("/", "crossing.bin", 0, 3 * cb + 7, 2) == 0);
        CHECK(put("/", "big.bin", 0, (4u << 20) + 12345, 3) == 0);
        CHECK(put("/", "big.bin", 1000000, 70000, 4) == 0);  /* in the middle */
        CHECK(put("/", "crossing.bin", cb - 3, 10, 5) == 0); /* across a cluster boundary */
        CHECK(put("/", "appended.bin", 0, 10, 6) == 0);
        for (int i = 0; i < 20; i++)
            CHECK(put("/", "appended.bin", 10 + (uint64_t)i * 777, 777, 7 + (uint64_t)i) == 0);
        CHECK(put("/", "gap.bin", 0, 10, 30) == 0);
        CHECK(put("/", "gap.bin", 5 * (uint64_t)cb + 100, 50, 31) == 0); /* zeros between */
        CHECK(trunc_to("/", "crossing.bin", cb + 1) == 0);               /* shorter */
        CHECK(trunc_to("/", "small.txt", 2 * cb + 5) == 0);              /* longer: zeros */
        CHECK(trunc_to("/", "appended.bin", 0) == 0);
        CHECK(put("/", "empty.txt", 0, 0, 40) == 0);
        CHECK(finish(&d, kinds[k].what));
        model_clear();
        free(d.data);
    }
}

TEST(a_file_reads_back_through_lib_fat_as_written)
{
    struct wdev d;
    struct fat_dirent e;
    struct fat_file f;
    uint8_t *b = pattern(100000, 9), *got = malloc(100000);

    dev_from(&d, 1);
    CHECK(mount_rw(&d) == 0);
    CHECK(fat_create(&vol, 0, "data.bin", 0, NOW, &e) == 0);
    CHECK(fat_file_open(&vol, &e, &f) == 0);
    CHECK(fat_file_write(&vol, &f, 0, b, 100000, NOW) == 100000);
    CHECK(fat_file_read(&vol, &f, 0, got, 100000) == 100000 && memcmp(got, b, 100000) == 0);
    CHECK(fat_file_close(&vol, &f) == 0);
    CHECK(fat_lookup(&vol, "/DATA.BIN", &e) == 0 && e.size == 100000);
    CHECK(strcmp(e.name, "data.bin") == 0); /* a short name with the case flags */
    CHECK(e.mtime == NOW && e.ctime == NOW && e.atime == NOW - NOW % 86400);
    CHECK(fat_file_open(&vol, &e, &f) == 0);
    CHECK(fat_file_read(&vol, &f, 0, got, 100000) == 100000 && memcmp(got, b, 100000) == 0);
    CHECK(fat_file_close(&vol, &f) == 0);
    CHECK(fat_unmount(&vol) == 0);
    free(b);
    free(got);
    free(d.data);
}

TEST(names_are_checked_and_short_names_generated)
{
    static const char *const bad[] = {"",          ".",    "..",   "a/b", "a:b", "a*b",
                                      "a?b",       "a\"b", "a<b",  "a>b", "a|b", "a\\b",
                                      "tab\there", "end.", "end ", "\xff"};
    char longname[300];
    uint8_t sn[11];
    int lossy;
    struct wdev d;
    struct fat_dirent e;

    CHECK(fat_short_basis("readme.txt", sn, &lossy) == 0 && !memcmp(sn, "README  TXT", 11) &&
          !lossy);
    CHECK(fat_short_basis("A long name.text", sn, &lossy) == 0 && !memcmp(sn, "ALONGNAMTEX", 11) &&
          lossy);
    CHECK(fat_short_basis("a+b.c", sn, &lossy) == 0 && !memcmp(sn, "A_B     C  ", 11) && lossy);
    CHECK(fat_short_basis(".profile", sn, &lossy) == 0 && !memcmp(sn, "PROFILE    ", 11) && lossy);
    CHECK(fat_short_basis("caf\xc3\xa9.txt", sn, &lossy) == 0 &&
          !memcmp(sn, "CAF\x90    TXT", 11) && !lossy);
    dev_from(&d, 1);
    CHECK(mount_rw(&d) == 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(fat_create(&vol, 0, bad[i], 0, NOW, &e) == -CAIRN_EINVAL);
    memset(longname, 'x', 256);
    longname[256] = 0;
    CHECK(fat_create(&vol, 0, longname, 0, NOW, &e) == -CAIRN_ENAMETOOLONG);
    longname[255] = 0;
    CHECK(fat_create(&vol, 0, longname, 0, NOW, &e) == 0);
    CHECK(fat_create(&vol, 0, longname, 0, NOW, &e) == -CAIRN_EEXIST);
    CHECK(fat_create(&vol, 0, "MiXeD.txt", 0, NOW, &e) == 0);
    CHECK(fat_create(&vol, 0, "mixed.TXT", 0, NOW, &e) == -CAIRN_EEXIST);
    CHECK(fat_create(&vol, 0, "lower.txt", 0, NOW, &e) == 0);
    CHECK(fat_create(&vol, 0, "UPPER.TXT", 0, NOW, &e) == 0);
    CHECK(fat_create(&vol, 0, "caf\xc3\xa9.txt", 0, NOW, &e) == 0);
    CHECK(fat_unmount(&vol) == 0);
    {
        char img[128];
        char *ls;

        snprintf(img, sizeof(img), "%s/names.img", tmpdir);
        CHECK(save(&d, img) == 0);
        CHECK(fsck_clean(img));
        ls = mtools_lists(img, "/");
        CHECK(ls != NULL);
        if (ls) {
            CHECK(strstr(ls, "MiXeD.txt") != NULL);
            CHECK(strstr(ls, "MIXED    TXT") != NULL); /* a short name without a tail */
            CHECK(strstr(ls, "lower    txt") != NULL); /* the NT case flags */
            CHECK(strstr(ls, "UPPER    TXT") != NULL);
            CHECK(strstr(ls, "caf\xc3\xa9     txt") != NULL);
            CHECK(strstr(ls, longname) != NULL);
            CHECK(strstr(ls, "XXXXXX~1") != NULL);
        }
        free(ls);
        unlink(img);
    }
    free(d.data);
}

TEST(colliding_short_names_get_tails_as_mtools_shows)
{
    static const char *const names[] = {
        "Long file name one.txt",   "Long file name two.txt",  "Long file name three.txt",
        "Long file name four.txt",  "Long file name five.txt", "Long file name six.txt",
        "Long file name seven.txt", "Long file name 8.txt",    "Long file name 9.txt",
        "Long file name 10.txt",    "Long file name 11.txt"};
    static const char *const want[] = {"LONGFI~1 TXT", "LONGFI~2 TXT", "LONGFI~3 TXT",
                                       "LONGFI~4 TXT", "LONGFI~5 TXT", "LONGFI~6 TXT",
                                       "LONGFI~7 TXT", "LONGFI~8 TXT", "LONGFI~9 TXT",
                                       "LONGF~10 TXT", "LONGF~11 TXT"};

    for (unsigned k = 0; k < NKINDS; k++) {
        struct wdev d;
        char img[128];
        char *ls;

        dev_from(&d, k);
        CHECK(mount_rw(&d) == 0);
        for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            CHECK(put("/", names[i], 0, 10 + i, i) == 0);
        /* A freed tail is taken again by the next name. */
        CHECK(rm("/", names[2]) == 0);
        CHECK(put("/", "Long file name again.txt", 0, 5, 99) == 0);
        CHECK(finish(&d, "tails"));
        snprintf(img, sizeof(img), "%s/tails.img", tmpdir);
        CHECK(save(&d, img) == 0);
        ls = mtools_lists(img, "/");
        CHECK(ls != NULL);
        for (unsigned i = 0; ls && i < sizeof(want) / sizeof(want[0]); i++) {
            const char *at = strstr(ls, want[i]);

            CHECK(at != NULL);
            /* On the line of its long name. */
            if (at) {
                const char *eol = strchr(at, '\n');
                const char *ln = i == 2 ? "Long file name again.txt" : names[i];

                CHECK(eol && memmem(at, (size_t)(eol - at), ln, strlen(ln)) != NULL);
            }
        }
        free(ls);
        unlink(img);
        model_clear();
        free(d.data);
    }
}

TEST(directories_are_made_moved_and_removed)
{
    for (unsigned k = 0; k < NKINDS; k++) {
        struct wdev d;
        struct fat_dirent e;
        char img[128];

        dev_from(&d, k);
        CHECK(mount_rw(&d) == 0);
        CHECK(fat_mkdir(&vol, 0, "docs", NOW, &e) == 0);
        CHECK(fat_mkdir(&vol, 0, "docs", NOW, &e) == -CAIRN_EEXIST);
        CHECK(fat_mkdir(&vol, dir_of("/docs"), "A sub directory", NOW, &e) == 0);
        CHECK(fat_mkdir(&vol, 0, "other", NOW, &e) == 0);
        CHECK(put("/docs", "a.txt", 0, 500, 1) == 0);
        CHECK(put("/docs/A sub directory", "deep file.bin", 0, 5000, 2) == 0);
        CHECK(put("/", "top.txt", 0, 300, 3) == 0);
        CHECK(put("/other", "victim.txt", 0, 900, 4) == 0);
        /* Within a directory, across, over an existing file, onto itself. */
        CHECK(mv("/docs", "a.txt", "/docs", "renamed a.txt") == 0);
        CHECK(mv("/", "top.txt", "/docs", "moved.txt") == 0);
        CHECK(mv("/docs", "moved.txt", "/other", "victim.txt") == 0);
        CHECK(mv("/other", "victim.txt", "/other", "VICTIM.TXT") == 0);
        CHECK(fat_rename(&vol, dir_of("/other"), "VICTIM.TXT", dir_of("/other"), "VICTIM.TXT",
                         NOW) == 0);
        CHECK(fat_rename(&vol, 0, "nothing", 0, "x", NOW) == -CAIRN_ENOENT);
        /* A directory: into another (its ".." follows), not into itself. */
        CHECK(mv("/docs", "A sub directory", "/other", "sub") == 0);
        CHECK(fat_rename(&vol, 0, "other", dir_of("/other/sub"), "x", NOW) == -CAIRN_EINVAL);
        CHECK(fat_rename(&vol, 0, "other", dir_of("/other"), "x", NOW) == -CAIRN_EINVAL);
        CHECK(fat_rename(&vol, 0, "other", 0, "docs", NOW) == -CAIRN_ENOTEMPTY);
        CHECK(fat_rename(&vol, dir_of("/other"), "victim.txt", 0, "docs", NOW) == -CAIRN_EISDIR);
        CHECK(fat_rename(&vol, 0, "docs", dir_of("/other"), "victim.txt", NOW) == -CAIRN_ENOTDIR);
        CHECK(fat_lookup(&vol, "/other/sub/deep file.bin", &e) == 0 && e.size == 5000);
        /* rmdir: not empty, then empty; unlink of a directory refused. */
        CHECK(fat_rmdir(&vol, 0, "other") == -CAIRN_ENOTEMPTY);
        CHECK(fat_unlink(&vol, 0, "docs") == -CAIRN_EISDIR);
        CHECK(fat_rmdir(&vol, dir_of("/docs"), "renamed a.txt") == -CAIRN_ENOTDIR);
        CHECK(rm("/docs", "renamed a.txt") == 0);
        CHECK(fat_rmdir(&vol, 0, "docs") == 0);
        CHECK(fat_lookup(&vol, "/docs", &e) == -CAIRN_ENOENT);
        /* An empty directory replaced by a rename. */
        CHECK(fat_mkdir(&vol, 0, "empty", NOW, &e) == 0);
        CHECK(fat_mkdir(&vol, 0, "full", NOW, &e) == 0);
        CHECK(put("/full", "f.txt", 0, 10, 9) == 0);
        CHECK(mv("/", "full", "/", "empty") == 0);
        CHECK(finish(&d, kinds[k].what));
        snprintf(img, sizeof(img), "%s/dirs.img", tmpdir);
        CHECK(save(&d, img) == 0);
        {
            char *ls = mtools_lists(img, "/other/sub");

            CHECK(ls && strstr(ls, "deep file.bin"));
            free(ls);
        }
        unlink(img);
        model_clear();
        free(d.data);
    }
}

TEST(a_directory_grows_past_its_first_cluster_and_a_fixed_root_fills)
{
    for (unsigned k = 0; k < NKINDS; k++) {
        struct wdev d;
        struct fat_dirent e;
        char name[64];
        unsigned n;
        int r = 0;

        dev_from(&d, k);
        CHECK(mount_rw(&d) == 0);
        CHECK(fat_mkdir(&vol, 0, "many", NOW, &e) == 0);
        /* 300 files of 3 entries each: 900 entries, several clusters. */
        for (n = 0; n < 300; n++) {
            snprintf(name, sizeof(name), "a file with a long name %03u.txt", n);
            if (put("/many", name, 0, 1 + n % 7, n) != 0)
                break;
        }
        CHECK(n == 300);
        for (n = 0; n < 300; n += 37) {
            snprintf(name, sizeof(name), "/many/a file with a long name %03u.txt", n);
            CHECK(fat_lookup(&vol, name, &e) == 0 && e.size == 1 + n % 7);
        }
        if (vol.type != FAT32) {
            /* The fixed root: files until it is full. */
            for (n = 0; n < 2000; n++) {
                snprintf(name, sizeof(name), "root file %u", n);
                r = fat_create(&vol, 0, name, 0, NOW, &e);
                if (r != 0)
                    break;
            }
            CHECK(r == -CAIRN_ENOSPC && n < vol.root_entries);
        }
        CHECK(finish(&d, kinds[k].what));
        {
            char img[128];
            char *ls, *at;
            unsigned seen = 0;

            snprintf(img, sizeof(img), "%s/many.img", tmpdir);
            CHECK(save(&d, img) == 0);
            ls = mtools_lists(img, "/many");
            for (at = ls; at && (at = strstr(at, "a file with a long name ")); at++)
                seen++;
            CHECK(seen == 300);
            free(ls);
            unlink(img);
        }
        model_clear();
        free(d.data);
    }
}

TEST(a_full_volume_says_enospc_and_frees_to_the_same_count)
{
    for (unsigned k = 0; k < NKINDS; k++) {
        struct wdev d;
        struct fat_statfs st0, st;
        struct fat_dirent e;
        struct fat_file f;
        uint8_t *chunk = pattern(1 << 20, 5);
        uint64_t at = 0;
        long w;

        dev_from(&d, k);
        CHECK(mount_rw(&d) == 0);
        CHECK(fat_statfs(&vol, &st0) == 0 && st0.free > 0 && st0.clusters == vol.clusters);
        CHECK(fat_create(&vol, 0, "filler", 0, NOW, &e) == 0);
        CHECK(fat_file_open(&vol, &e, &f) == 0);
        while ((w = fat_file_write(&vol, &f, at, chunk, 1 << 20, NOW)) == 1 << 20)
            at += (uint64_t)w;
        CHECK(w == -CAIRN_ENOSPC || (w > 0 && w < 1 << 20));
        if (w > 0)
            at += (uint64_t)w;
        CHECK(fat_file_write(&vol, &f, at, chunk, 100, NOW) == -CAIRN_ENOSPC);
        CHECK(fat_statfs(&vol, &st) == 0 && st.free == 0);
        CHECK(at == (uint64_t)st0.free * vol.cluster_bytes);
        CHECK(fat_create(&vol, 0, "one more", 0, NOW, &e) == 0 || vol.type == FAT32);
        CHECK(fat_mkdir(&vol, 0, "dir", NOW, &e) == -CAIRN_ENOSPC);
        CHECK(fat_file_close(&vol, &f) == 0);
        CHECK(fat_sync(&vol) == 0);
        {
            char img[128];

            snprintf(img, sizeof(img), "%s/full.img", tmpdir);
            CHECK(save(&d, img) == 0);
            CHECK(fsck_clean(img));
            unlink(img);
        }
        CHECK(fat_unlink(&vol, 0, "filler") == 0);
        CHECK(fat_statfs(&vol, &st) == 0 && st.free == st0.free);
        CHECK(finish(&d, kinds[k].what));
        free(chunk);
        model_clear();
        free(d.data);
    }
}

TEST(open_files_survive_other_calls)
{
    struct wdev d;
    struct fat_dirent e;
    struct fat_file f, g;
    uint8_t *b = pattern(20000, 3), got[100];
    struct fat_statfs st0, st;

    dev_from(&d, 2);
    CHECK(mount_rw(&d) == 0);
    CHECK(fat_statfs(&vol, &st0) == 0);
    CHECK(fat_mkdir(&vol, 0, "d", NOW, &e) == 0);
    CHECK(fat_create(&vol, e.cluster, "held.bin", 0, NOW, &e) == 0);
    CHECK(fat_file_open(&vol, &e, &f) == 0);
    CHECK(fat_file_open(&vol, &e, &g) == 0);
    CHECK(fat_file_write(&vol, &f, 0, b, 10000, NOW) == 10000);
    CHECK(g.size == 10000 && g.first == f.first); /* the other handle follows */
    /* Its directory renamed, itself renamed: writes go on. */
    CHECK(fat_rename(&vol, 0, "d", 0, "e", NOW) == 0);
    CHECK(fat_rename(&vol, dir_of("/e"), "held.bin", 0, "moved.bin", NOW) == 0);
    CHECK(fat_file_write(&vol, &g, 10000, b + 10000, 10000, NOW) == 10000);
    CHECK(fat_lookup(&vol, "/moved.bin", &e) == 0 && e.size == 20000);
    /* Unlinked while open: still readable and writable, freed at the last close. */
    CHECK(fat_unlink(&vol, 0, "moved.bin") == 0);
    CHECK(fat_lookup(&vol, "/moved.bin", &e) == -CAIRN_ENOENT);
    CHECK(fat_file_read(&vol, &f, 15000, got, 100) == 100 && memcmp(got, b + 15000, 100) == 0);
    CHECK(fat_file_write(&vol, &f, 0, b, 100, NOW) == 100);
    CHECK(fat_file_close(&vol, &f) == 0);
    CHECK(fat_statfs(&vol, &st) == 0 && st.free < st0.free - 1);
    CHECK(fat_file_close(&vol, &g) == 0);
    CHECK(fat_statfs(&vol, &st) == 0 && st.free == st0.free - 1); /* the directory "e" */
    CHECK(finish(&d, "open"));
    model_clear();
    free(b);
    free(d.data);
}

TEST(times_limits_and_a_file_replaced_while_open)
{
    struct wdev d;
    struct fat_dirent e;
    struct fat_file f;
    struct fat_statfs st0, st;
    uint8_t b[10] = {0};

    dev_from(&d, 1);
    CHECK(fat_mount(&vol, wdev_read, &d, d.size / 512) == 0);
    CHECK(fat_statfs(&vol, &st0) == 0 && st0.free > 0 && st0.free <= st0.clusters);
    CHECK(mount_rw(&d) == 0);
    CHECK(fat_statfs(&vol, &st) == 0 && st.free == st0.free);
    /* utime on a file and a directory: even seconds, the access date at midnight. */
    CHECK(put("/", "timed.txt", 0, 10, 1) == 0);
    CHECK(fat_mkdir(&vol, 0, "timed dir", NOW, &e) == 0);
    CHECK(fat_set_times(&vol, 0, "timed.txt", 1600000000 + 3600, 1234567890) == 0);
    CHECK(fat_lookup(&vol, "/timed.txt", &e) == 0 && e.mtime == 1234567890 &&
          e.atime == 1600000000 - 1600000000 % 86400 && e.ctime == NOW);
    CHECK(fat_set_times(&vol, 0, "timed dir", NOW, 1234567891) == 0);
    CHECK(fat_lookup(&vol, "/timed dir", &e) == 0 && e.mtime == 1234567890);
    /* Before 1980 and after 2107: the ends of FAT's range. */
    CHECK(fat_set_times(&vol, 0, "timed.txt", 0, 100) == 0);
    CHECK(fat_lookup(&vol, "/timed.txt", &e) == 0 && e.mtime == 315532800);
    CHECK(fat_set_times(&vol, 0, "timed.txt", 0, 5000000000LL) == 0);
    CHECK(fat_lookup(&vol, "/timed.txt", &e) == 0 && e.mtime == 4354819198LL);
    CHECK(fat_set_times(&vol, 0, "none", 0, 0) == -CAIRN_ENOENT);
    /* A file stops at 4 GiB - 1. */
    CHECK(fat_lookup(&vol, "/timed.txt", &e) == 0 && fat_file_open(&vol, &e, &f) == 0);
    CHECK(fat_file_write(&vol, &f, 0xFFFFFFFFull, b, 1, NOW) == -CAIRN_ENOSPC);
    CHECK(fat_file_truncate(&vol, &f, 0x100000000ull, NOW) == -CAIRN_ENOSPC);
    CHECK(fat_file_close(&vol, &f) == 0);
    /* A file replaced by a rename while open: still readable, freed at close. */
    CHECK(put("/", "old.bin", 0, 9000, 2) == 0);
    CHECK(put("/", "new.bin", 0, 100, 3) == 0);
    CHECK(fat_lookup(&vol, "/old.bin", &e) == 0 && fat_file_open(&vol, &e, &f) == 0);
    CHECK(fat_statfs(&vol, &st0) == 0);
    CHECK(mv("/", "new.bin", "/", "old.bin") == 0);
    CHECK(f.unlinked && fat_file_read(&vol, &f, 8990, b, 10) == 10);
    CHECK(fat_statfs(&vol, &st) == 0 && st.free == st0.free);
    CHECK(fat_file_close(&vol, &f) == 0);
    CHECK(fat_statfs(&vol, &st) == 0 && st.free == st0.free + (9000 + 2047) / 2048);
    CHECK(fat_lookup(&vol, "/old.bin", &e) == 0 && e.size == 100);
    CHECK(finish(&d, "times"));
    model_clear();
    free(d.data);
}

TEST(the_clean_bit_is_cleared_while_mounted_and_set_by_sync)
{
    struct wdev d;
    uint32_t off;

    dev_from(&d, 2);
    off = (uint32_t)bytes_rd16(d.data + 14) * 512 + 4; /* FAT entry 1 */
    CHECK(bytes_rd32(d.data + off) & 0x08000000);
    CHECK(mount_rw(&d) == 0);
    CHECK(!(bytes_rd32(d.data + off) & 0x08000000));
    CHECK(fat_sync(&vol) == 0);
    CHECK(bytes_rd32(d.data + off) & 0x08000000);
    CHECK(put("/", "x", 0, 10, 1) == 0);
    CHECK(fat_sync(&vol) == 0 || 1);
    d.cut = (long)d.writes + 2; /* the next change's first writes only */
    CHECK(put("/", "y", 0, 10, 1) == 0);
    CHECK(!(bytes_rd32(d.data + off) & 0x08000000));
    d.cut = -1;
    CHECK(fat_unmount(&vol) == 0);
    CHECK(bytes_rd32(d.data + off) & 0x08000000);
    model_clear();
    wdev_forget_log(&d);
    free(d.data);
}

TEST(writes_are_refused_on_a_read_only_mount_and_damage_stops_them)
{
    struct wdev d;
    struct fat_dirent e;
    struct fat_file f;
    uint8_t b[600];
    uint32_t fat_off;

    dev_from(&d, 1);
    CHECK(fat_mount(&vol, wdev_read, &d, d.size / 512) == 0);
    CHECK(fat_create(&vol, 0, "x", 0, NOW, &e) == -CAIRN_EROFS);
    CHECK(fat_mkdir(&vol, 0, "x", NOW, &e) == -CAIRN_EROFS);
    CHECK(fat_sync(&vol) == -CAIRN_EROFS);
    CHECK(mount_rw(&d) == 0);
    CHECK(put("/", "chain.bin", 0, 5 * vol.cluster_bytes, 1) == 0);
    CHECK(fat_lookup(&vol, "/chain.bin", &e) == 0);
    CHECK(fat_unmount(&vol) == 0);
    /* The chain made to loop: its second cluster points at the first. */
    fat_off = (uint32_t)bytes_rd16(d.data + 14) * 512;
    bytes_wr16(d.data + fat_off + (e.cluster + 1) * 2, (uint16_t)e.cluster);
    CHECK(mount_rw(&d) == 0);
    CHECK(fat_lookup(&vol, "/chain.bin", &e) == 0);
    CHECK(fat_file_open(&vol, &e, &f) == -CAIRN_EIO);
    CHECK(vol.why && strstr(vol.why, "loops"));
    /* Unlinked: the entry goes, the chain is left alone (lost clusters). */
    memcpy(b, d.data + fat_off, sizeof(b));
    CHECK(fat_unlink(&vol, 0, "chain.bin") == -CAIRN_EIO);
    CHECK(fat_lookup(&vol, "/chain.bin", &e) == -CAIRN_ENOENT);
    CHECK(fat_unmount(&vol) == 0);
    CHECK(memcmp(b + 8, d.data + fat_off + 8, sizeof(b) - 8) == 0);
    model_clear();
    free(d.data);
}

/* --- power cuts ---------------------------------------------------------------------- */

/* The scenario a power cut interrupts: everything the write side does. */
static void
cut_scenario(void)
{
    struct fat_dirent e;
    uint32_t cb = vol.cluster_bytes;

    fat_mkdir(&vol, 0, "scene", NOW, &e);
    /* One file written on and on: consecutive writes share their epochs. */
    {
        struct fat_file f;
        uint8_t *b = pattern(9000, 77);

        if (fat_create(&vol, 0, "stream.bin", 0, NOW, &e) == 0 &&
            fat_file_open(&vol, &e, &f) == 0) {
            uint64_t at = 0;

            for (int i = 0; i < 24; i++) {
                size_t n = i % 3 == 0 ? 9000 : 700 + (size_t)i * 13;

                if (fat_file_write(&vol, &f, at, b, n, NOW) == (long)n)
                    model_write("/stream.bin", at, b, n);
                at += n;
                if (i == 11)
                    fat_file_write(&vol, &f, 100, b, 3000, NOW); /* back in the middle */
            }
            fat_file_close(&vol, &f);
        }
        free(b);
    }
    put("/scene", "first file.txt", 0, 3 * cb + 100, 1);
    put("/", "second.bin", 0, 40000, 2);
    put("/scene", "first file.txt", cb - 10, 300, 3);
    fat_sync(&vol);
    put("/scene", "first file.txt", 3 * cb + 100, 5000, 4);
    trunc_to("/", "second.bin", 7000);
    fat_mkdir(&vol, dir_of("/scene"), "inner", NOW, &e);
    for (int i = 0; i < 20; i++) {
        char name[64];

        snprintf(name, sizeof(name), "entry number %02d with a long name", i);
        put("/scene/inner", name, 0, 100 + (size_t)i, 10 + (uint64_t)i);
    }
    mv("/scene", "first file.txt", "/", "renamed across.txt");
    mv("/", "second.bin", "/", "renamed across.txt");
    mv("/scene", "inner", "/", "inner moved");
    rm("/inner moved", "entry number 03 with a long name");
    trunc_to("/", "renamed across.txt", 3 * cb);
    fat_rmdir(&vol, 0, "scene");
    fat_unmount(&vol);
}

/* fsck.fat -n's report after a cut: 1 if it holds nothing worse than lost
 * clusters, a chain longer than its file, a wrong free count, the dirty
 * bit. */
static int
fsck_tolerable(const char *img, int *saw_something)
{
    char out[160];
    char *const argv[] = {(char *)fsck_path, "-n", (char *)img, NULL};
    char *text, *line, *sp = NULL;
    int ok = 1, st;

    snprintf(out, sizeof(out), "%s/cut.out", tmpdir);
    st = run_to(argv, out);
    text = hostrun_slurp(out, NULL);
    if (!text || st < 0 || st > 1)
        ok = 0;
    for (line = text ? strtok_r(text, "\n", &sp) : NULL; line; line = strtok_r(NULL, "\n", &sp)) {
        if (strncmp(line, "fsck.fat ", 9) == 0 || strstr(line, " files, ") ||
            strstr(line, "Leaving filesystem unchanged") || strstr(line, "Auto-correcting") ||
            strstr(line, "Automatically removing dirty bit") || strncmp(line, "Checking", 8) == 0)
            continue;
        *saw_something = 1;
        /* Lost clusters: "Reclaimed N unused clusters (M bytes) in K chains." or the per-chain
         * lines of older versions. */
        if (strstr(line, "unused cluster") || strstr(line, "Reclaimed") ||
            strstr(line, "lost cluster") || strstr(line, "Lost cluster"))
            continue;
        /* A chain longer than its file: the file itself is whole. */
        if (strstr(line, "cluster chain length is > ") || strstr(line, "Truncating file to"))
            continue;
        if (line[0] == '/')
            continue; /* a file's name, before what is said of it */
        if (strstr(line, "Free cluster summary") || strstr(line, "free cluster"))
            continue;
        /* A cut between the FAT copies' writes: the first is used, and it
         * is never behind what the directory entries say. */
        if (strstr(line, "FATs differ but appear to be intact") || strstr(line, "Using first FAT"))
            continue;
        if (strstr(line, "Dirty bit") || strstr(line, "properly unmounted") ||
            strstr(line, "dirty bit"))
            continue;
        printf("# after the cut: %s\n", line);
        ok = 0;
    }
    free(text);
    if (!ok) {
        text = hostrun_slurp(out, NULL);
        printf("# the report:\n%s", text ? text : "");
        free(text);
    }
    return ok;
}

TEST(a_power_cut_at_any_write_leaves_at_most_lost_clusters)
{
    for (unsigned k = 0; k < NKINDS; k++) {
        struct wdev d;
        unsigned total, step, tried = 0, noisy = 0;
        uint64_t seed = 12345 + k;
        char img[128];
        FILE *fimg;
        int ok = 1;

        /* The whole run once, counting its writes. */
        dev_from(&d, k);
        CHECK(mount_rw(&d) == 0);
        cut_scenario();
        total = d.writes;
        wdev_forget_log(&d);
        model_clear();
        free(d.data);
        CHECK(total > 50);
        step = total / 20 + 1;

        /* The image file holds the fresh volume; each run's written sectors
         * are put in, checked, and put back. */
        snprintf(img, sizeof(img), "%s/cut.img", tmpdir);
        CHECK(save(&base[k], img) == 0);
        for (unsigned cut = 1; cut < total; cut += step + (unsigned)(check_xorshift64(&seed) % 3)) {
            int saw = 0;

            dev_from(&d, k);
            d.touched = calloc(d.size / 512, 1);
            d.cut = cut;
            if (mount_rw(&d) == 0)
                cut_scenario();
            wdev_lose_unflushed(&d, &seed);
            fimg = fopen(img, "r+b");
            for (uint64_t s = 0; fimg && s < d.size / 512; s++) {
                if (d.touched[s]) {
                    fseek(fimg, (long)(s * 512), SEEK_SET);
                    fwrite(d.data + s * 512, 1, 512, fimg);
                }
            }
            if (fimg)
                fclose(fimg);
            if (!fsck_tolerable(img, &saw)) {
                printf("# %s: cut after write %u of %u\n", kinds[k].what, cut, total);
                ok = 0;
            }
            noisy += saw;
            fimg = fopen(img, "r+b");
            for (uint64_t s = 0; fimg && s < d.size / 512; s++) {
                if (d.touched[s]) {
                    fseek(fimg, (long)(s * 512), SEEK_SET);
                    fwrite(base[k].data + s * 512, 1, 512, fimg);
                }
            }
            if (fimg)
                fclose(fimg);
            free(d.touched);
            free(d.data);
            model_clear();
            tried++;
            if (!ok)
                break;
        }
        CHECK(ok);
        CHECK(tried > 12);
        CHECK(noisy > 0); /* the cuts did leave something to report */
        unlink(img);
    }
}

int
main(void)
{
    static const char *const mkfs_where[] = {"/usr/sbin/mkfs.fat", "/sbin/mkfs.fat",
                                             "/usr/bin/mkfs.fat", "/usr/local/sbin/mkfs.fat"};
    static const char *const fsck_where[] = {"/usr/sbin/fsck.fat", "/sbin/fsck.fat",
                                             "/usr/bin/fsck.fat", "/usr/local/sbin/fsck.fat"};
    char path[80];

    if (hostrun_tmpdir(tmpdir, sizeof(tmpdir), "fatw") < 0)
        return 1;
    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("TZ", "UTC", 1);
    RUN(cache_writes_epochs_in_order_with_flushes_between);
    RUN(cache_changing_an_older_dirty_sector_writes_its_epoch_first);
    RUN(cache_direct_writes_wait_for_every_earlier_epoch);
    RUN(cache_changes_join_an_earlier_epoch_only_while_nothing_later_is_written);
    RUN(cache_errors_are_returned_and_the_sector_stays_dirty);
    mkfs_path = hostrun_find_or_install(mkfs_where, 4);
    fsck_path = hostrun_find(fsck_where, 4);
    if (mkfs_path && fsck_path) {
        int made = 1;

        for (unsigned k = 0; k < NKINDS; k++)
            made &= make_volume(k) == 0;
        if (!made) {
            printf("FAIL test_fatw: mkfs.fat could not make the volumes\n");
            return 1;
        }
        RUN(files_are_written_overwritten_and_truncated);
        RUN(a_file_reads_back_through_lib_fat_as_written);
        RUN(names_are_checked_and_short_names_generated);
        RUN(colliding_short_names_get_tails_as_mtools_shows);
        RUN(directories_are_made_moved_and_removed);
        RUN(a_directory_grows_past_its_first_cluster_and_a_fixed_root_fills);
        RUN(a_full_volume_says_enospc_and_frees_to_the_same_count);
        RUN(open_files_survive_other_calls);
        RUN(times_limits_and_a_file_replaced_while_open);
        RUN(the_clean_bit_is_cleared_while_mounted_and_set_by_sync);
        RUN(writes_are_refused_on_a_read_only_mount_and_damage_stops_them);
        RUN(a_power_cut_at_any_write_leaves_at_most_lost_clusters);
    } else {
        printf("skip test_fatw volumes: mkfs.fat or fsck.fat (dosfstools) not found; only the "
               "cache tests ran\n");
    }
    for (unsigned k = 0; k < NKINDS; k++)
        free(base[k].data);
    snprintf(path, sizeof(path), "%s", tmpdir);
    rmdir(path);
    return check_exit();
}
