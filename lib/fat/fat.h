/* SPDX-License-Identifier: MIT */
/*
 * The FAT file system's read side (FAT12, FAT16, FAT32 with long names),
 * as pure C: no system calls, no allocation. Every byte of the volume comes
 * through the caller's read function in 512-byte device sectors, so the
 * same code runs in a file system server, in the host test and in the host
 * fuzzer. docs/fat.md describes the on-disk facts it relies on.
 *
 * The volume is untrusted. fat_mount checks the boot sector's BPB before
 * anything else is read and refuses an inconsistent one with a reason; after
 * that every cluster number read from the disk is checked against the
 * volume's cluster count before it is used, every chain walk is bounded
 * (a chain longer than the volume's cluster count is a loop), and damage is
 * reported as -CAIRN_EIO with the reason in vol->why. No input makes a
 * function hang, read outside its buffers or hand out bytes past a file's
 * size.
 *
 * Errors are negative CAIRN_E* codes: the read function's own error is
 * passed through unchanged; -CAIRN_EINVAL with vol->why set is a refused
 * boot sector (fat_mount only); -CAIRN_EIO with vol->why set is damage
 * found on the way (a cluster out of range, a free or bad cluster inside a
 * chain, a loop, a chain shorter than the file).
 *
 * A struct fat_vol is not safe to share between threads: it caches one FAT
 * sector and one data sector. Cursors (struct fat_dir, struct fat_file)
 * hold positions, never pointers into those caches, so any number of them
 * may be in use on one volume at once.
 */
#ifndef CAIRN_LIB_FAT_H
#define CAIRN_LIB_FAT_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h" /* fat_read_fn, and the cache a writable volume works through */

#define FAT_DEV_SECTOR  512u  /* the read function's unit */
#define FAT_SECTOR_MAX  4096u /* largest bytes per sector accepted */
#define FAT_NAME_MAX    765   /* 255 UTF-16 units as UTF-8, without the NUL */
#define FAT_SHORT_MAX   34    /* 11 code page 437 bytes as UTF-8 and a dot */
#define FAT_DIR_ENTRIES 65536 /* a directory's entries at most (the specification's bound) */

/* Directory entry attributes. */
#define FAT_ATTR_READ_ONLY 0x01
#define FAT_ATTR_HIDDEN    0x02
#define FAT_ATTR_SYSTEM    0x04
#define FAT_ATTR_VOLUME_ID 0x08
#define FAT_ATTR_DIRECTORY 0x10
#define FAT_ATTR_ARCHIVE   0x20

enum fat_type {
    FAT12 = 12,
    FAT16 = 16,
    FAT32 = 32,
};

#define FAT_HINT_UNKNOWN 0xFFFFFFFFu

struct fat_file;

struct fat_vol {
    fat_read_fn read;
    void *ctx;
    const char *why; /* the reason for the last refusal or damage found */

    enum fat_type type;
    uint32_t bytes_per_sector;    /* 512..4096, a power of two */
    uint32_t sectors_per_cluster; /* 1..128, a power of two */
    uint32_t cluster_bytes;       /* at most 64 KiB */
    uint32_t reserved_sectors;
    uint32_t num_fats;
    uint32_t fat_sectors;    /* one FAT's size */
    uint32_t active_fat;     /* the FAT read: 0 unless FAT32 mirroring is off */
    uint32_t root_entries;   /* FAT12/16: the fixed root's entries; FAT32: 0 */
    uint32_t root_sectors;   /* FAT12/16: the fixed root's sectors */
    uint32_t root_cluster;   /* FAT32: the root directory's first cluster; else 0 */
    uint32_t total_sectors;  /* of the volume, in its own sectors */
    uint32_t fat_start;      /* first sector of FAT 0 */
    uint32_t root_start;     /* FAT12/16: first sector of the fixed root */
    uint32_t data_start;     /* first sector of cluster 2 */
    uint32_t clusters;       /* data clusters: valid numbers are 2..clusters+1 */
    uint32_t free_hint;      /* FSInfo's free count, or FAT_HINT_UNKNOWN */
    uint32_t next_free_hint; /* FSInfo's next free cluster, or FAT_HINT_UNKNOWN */
    char label[12];          /* the BPB's volume label, spaces trimmed */

    /* The write side (fat_mount_rw); all zero after fat_mount. */
    struct fat_cache *cache;     /* every sector goes through it when set */
    int writable;                /* mounted by fat_mount_rw */
    int marked_clean;            /* FAT entry 1 says "clean shutdown" on the disk */
    uint32_t free_count;         /* free clusters lib/fat may use, counted at mount and kept */
    uint32_t next_free;          /* where the next search for a free cluster starts */
    uint32_t fsinfo_sector;      /* FAT32: the FSInfo sector, 0 for none usable */
    uint32_t fsinfo_dirty;       /* the free count or hint changed since FSInfo was written */
    struct fat_file *open_files; /* fat_file_open's list on a writable volume */
    uint32_t pending;            /* clusters found free by this call, not yet linked */
    uint32_t unlinked_seq;       /* names unlinked open files apart */
    int mirror_off;              /* FAT32: only the active FAT is written */
    /* A file's next write may put its changes in the epochs of its last
     * (fat_alloc.c): that write's file, its data, new-chain, link and
     * entry epochs and the last cluster it allocated, and the epoch
     * changes go to now (0: the cache's current one). */
    struct fat_file *share_file;
    uint64_t share_ep[4];
    uint32_t share_tail;
    uint64_t at_epoch;
    int phase; /* of the call going on: data, new chain, link or entry */

    uint32_t dev_per_sector; /* device sectors per volume sector */
    uint64_t fat_cached;     /* the volume sector in fat_buf, or UINT64_MAX */
    uint64_t data_cached;    /* the volume sector in data_buf, or UINT64_MAX */
    uint8_t fat_buf[FAT_SECTOR_MAX];
    uint8_t data_buf[FAT_SECTOR_MAX];
};

/* One directory entry, its long name resolved. */
struct fat_dirent {
    char name[FAT_NAME_MAX + 1];        /* the long name as UTF-8, else the short name */
    char short_name[FAT_SHORT_MAX + 1]; /* 8.3 as "NAME.EXT" in UTF-8, NT case flags applied */
    uint8_t attr;                       /* FAT_ATTR_* */
    uint32_t size;                      /* bytes (0 for a directory) */
    uint32_t cluster;                   /* first cluster; 0 = none (or the root, for a directory) */
    int64_t mtime;  /* last write, seconds since 1970 (the volume's clock is UTC) */
    int64_t ctime;  /* creation; 0 if not recorded */
    int64_t atime;  /* last access date (midnight); 0 if not recorded */
    uint32_t index; /* the short entry's index in its directory */
    uint32_t dir;   /* the first cluster of that directory (0: the fixed root of FAT12/16) */
};

/* A position in a directory. */
struct fat_dir {
    uint32_t first;   /* first cluster; 0 = the fixed root of FAT12/16 */
    uint32_t cluster; /* the cluster holding entry index (cluster-chained only) */
    uint32_t index;   /* the next entry to read */
    int done;         /* 1 after the end mark, 2 after an error (returned again) */
    int error;
    /* The long-name run being gathered (the entries before a short one). */
    uint8_t lfn_next;  /* the sequence number expected next; 0 = no run */
    uint8_t lfn_sum;   /* the short name checksum the run claims */
    uint8_t lfn_count; /* entries in the run */
    uint16_t lfn[260]; /* the units, 13 per entry */
};

/*
 * An open file with its read cursor. On a writable volume fat_file_open
 * also puts it on the volume's list of open files until fat_file_close, so
 * that other calls keep it right: every open handle of one entry sees the
 * same first cluster and size after a write or truncate through any of
 * them; a rename of the file moves the handle's entry position with it; an
 * unlink (or a rename over it) leaves the handle working on the clusters,
 * which are freed when the last handle of the entry is closed (a power cut
 * before that leaves them as lost clusters). Renaming the directory that
 * holds an open file changes nothing the handle holds (a directory keeps
 * its first cluster).
 */
#define FAT_UNLINKED_DIR 0xFFFFFFFFu /* fat_file.dir of a handle whose entry is gone */

struct fat_file {
    uint32_t first; /* first cluster (0 for an empty file) */
    uint32_t size;
    uint32_t cur;     /* cluster number of the cursor ... */
    uint32_t cur_idx; /* ... and its index in the chain */
    uint32_t dir;     /* the entry: its directory's first cluster (0: the fixed root) ... */
    uint32_t index;   /* ... and its short entry's index there */
    uint8_t attr;
    uint8_t unlinked;      /* the entry is gone; the clusters go at the last close */
    uint8_t listed;        /* on vol->open_files */
    struct fat_file *next; /* on vol->open_files */
};

/*
 * Reads and checks the boot sector of the device (dev_sectors 512-byte
 * sectors) and the FSInfo sector of FAT32, filling vol. Returns 0, the read
 * function's error, or -CAIRN_EINVAL with vol->why set when the volume is
 * not a FAT volume this code can read: a bad signature or jump, a field out
 * of range or zero, the FAT type's fields contradicting the cluster count,
 * a volume larger than the device, FATs too small for the clusters, a
 * FAT32 root cluster out of range.
 */
int fat_mount(struct fat_vol *vol, fat_read_fn read, void *ctx, uint64_t dev_sectors);

/* FAT entry n (2..clusters+1) as stored: 12, 16 or 28 bits. 0 or an error. */
int fat_entry(struct fat_vol *vol, uint32_t n, uint32_t *value);

/* The cluster after cluster n in its chain: 1 with *next set, 0 at the end
 * of the chain, or an error (-CAIRN_EIO when the entry is free, bad,
 * reserved or out of range). */
int fat_next(struct fat_vol *vol, uint32_t n, uint32_t *next);

/* Starts d at the root directory, or at the directory whose first cluster
 * is cluster (0 also means the root, as a ".." entry says). */
void fat_dir_root(struct fat_vol *vol, struct fat_dir *d);
int fat_dir_open(struct fat_vol *vol, struct fat_dir *d, uint32_t cluster);

/* Starts d at the directory of entry e (as fat_dir_next or fat_lookup gave
 * it; lookup's root is the root): -CAIRN_ENOTDIR for a file, -CAIRN_EIO
 * for a directory entry with no cluster or one out of range. */
int fat_dir_open_entry(struct fat_vol *vol, struct fat_dir *d, const struct fat_dirent *e);

/*
 * The next entry of d: 1 with *e filled, 0 at the end, or an error (returned
 * again on every later call). Deleted entries, the volume label, the "."
 * and ".." entries and entries whose short name starts with a space are
 * skipped; a long-name run that is broken (a sequence number out of order,
 * a checksum that is not the short name's, a unit that is not valid
 * UTF-16, a '/' in the name, a name of "." or "..") is ignored and the
 * short name given. So every name is 1..FAT_NAME_MAX bytes, holds no '/'
 * and is neither "." nor "..". A directory longer than FAT_DIR_ENTRIES is
 * damaged (its chain loops).
 */
int fat_dir_next(struct fat_vol *vol, struct fat_dir *d, struct fat_dirent *e);

/*
 * Finds the path (names separated by '/', empty names ignored, so "" and
 * "/" are the root) from the root, matching each name against the long
 * and the short names without regard to ASCII case. Returns 0 with *e
 * filled (the root: name "/", attr FAT_ATTR_DIRECTORY, cluster 0), -CAIRN_ENOENT,
 * -CAIRN_ENOTDIR when a name before the last is a file,
 * -CAIRN_ENAMETOOLONG for a name over FAT_NAME_MAX bytes, or an error.
 */
int fat_lookup(struct fat_vol *vol, const char *path, struct fat_dirent *e);

static inline int
fat_is_dir(const struct fat_dirent *e)
{
    return (e->attr & FAT_ATTR_DIRECTORY) != 0;
}

/*
 * Opens the file of entry e for reading: -CAIRN_EISDIR for a directory;
 * -CAIRN_EIO when its chain is damaged: the first cluster out of range (or
 * none for a file that is not empty), more clusters needed than the volume
 * has, a chain shorter than the size, one that loops, or one that meets a
 * free, bad or out-of-range entry. The whole chain is checked here, so
 * reads cannot loop. On a volume of fat_mount_rw, f goes on the volume's
 * list of open files: it must stay at its address (the list points at it)
 * until fat_file_close, which must come before its memory goes.
 */
int fat_file_open(struct fat_vol *vol, const struct fat_dirent *e, struct fat_file *f);

/*
 * Reads up to len bytes at offset into buf: the number read (0 at or past
 * the end of the file), or an error. Reading on from where the last read
 * stopped continues from the cursor's cluster instead of the chain's start.
 */
long fat_file_read(struct fat_vol *vol, struct fat_file *f, uint64_t offset, void *buf, size_t len);

/* DOS date and time (and hundredths, 0..199 centiseconds as stored) as
 * seconds since 1970, taking the volume's clock as UTC; 0 for a date that
 * is not valid (month or day 0, month over 12, time out of range). */
int64_t fat_time(uint16_t date, uint16_t time, uint8_t tenths);

/* The checksum of an 11-byte short name that its long-name entries carry. */
uint8_t fat_name_checksum(const uint8_t name[11]);

/* --- the write side ----------------------------------------------------------------
 *
 * A volume mounted by fat_mount_rw works through a struct fat_cache (see
 * cache.h): every sector it reads or writes, so reads see writes. Every
 * change is ordered with the cache's barriers so that the disk after a power
 * cut at any moment (any prefix of the writes, in the cache's order) holds
 * nothing worse than lost clusters, a file's chain longer than its size
 * (its tail lost), and a stale FSInfo free count: data is written first,
 * then the FAT (every copy), then the directory entry, and the FSInfo sector
 * at sync. docs/fat.md says how each call orders its writes and why that is
 * enough.
 *
 * Directories are named by their first cluster as fat_dir_open takes it:
 * 0 is the root (on FAT32 its own first cluster works too), any other value
 * a directory's e.cluster. A name is one path component in UTF-8.
 *
 * Errors besides the read side's: -CAIRN_EROFS (not mounted by
 * fat_mount_rw), -CAIRN_EINVAL (a name FAT cannot hold: empty, "." or "..",
 * a control character or one of " * / : < > ? \ |, ending in a space or a
 * dot, not valid UTF-8), -CAIRN_ENAMETOOLONG (over 255 UTF-16 units),
 * -CAIRN_EEXIST, -CAIRN_ENOENT, -CAIRN_ENOTDIR, -CAIRN_EISDIR,
 * -CAIRN_ENOTEMPTY, -CAIRN_ENOSPC (no free cluster, a full FAT12/16 root
 * directory, a directory at 65536 entries, a file past 4 GiB - 1), the
 * device's own error from the cache, and -CAIRN_EIO with vol->why for
 * damage found on the way (nothing more is written to a damaged chain).
 * A call that fails has changed nothing on the disk, except where it says.
 *
 * Times are seconds since 1970 (UTC), passed in by the caller (`now`);
 * FAT holds 1980..2107 in two-second steps: earlier times are stored as
 * 1980-01-01, later ones as the last second of 2107.
 */

/* Free space, as statfs wants it. */
struct fat_statfs {
    uint32_t cluster_bytes;
    uint32_t clusters; /* data clusters in all */
    uint32_t free;     /* of them free */
};

/*
 * Mounts the volume for reading and writing: as fat_mount, over the
 * cache's device, then counts the free clusters (the FAT read whole once;
 * FSInfo's figures are only hints), and clears the "clean shutdown" bit of
 * FAT entry 1 (FAT16/32) on the disk so that a crash from here on is seen
 * as one. A volume whose dirty or error bits are already set mounts all
 * the same. The cache must be fat_cache_init'd over the device.
 */
int fat_mount_rw(struct fat_vol *vol, struct fat_cache *cache, uint64_t dev_sectors);

/*
 * Writes everything changed to the disk in order, then the FSInfo sector
 * (FAT32), flushes, and sets the "clean shutdown" bit (cleared again by the
 * next change). 0, or the device's error (the unwritten changes stay in the
 * cache for the next try).
 */
int fat_sync(struct fat_vol *vol);

/* Frees the clusters of open handles whose entries were unlinked, forgets
 * every open handle and syncs. The volume is mounted no more (even on an
 * error, which is returned). */
int fat_unmount(struct fat_vol *vol);

/* Free space: the count kept since the mount. */
int fat_statfs(struct fat_vol *vol, struct fat_statfs *st);

/* Finds name (one component, matched as fat_lookup matches) in directory
 * dir: 0 with *e filled, -CAIRN_ENOENT, or an error. */
int fat_dir_find(struct fat_vol *vol, uint32_t dir, const char *name, struct fat_dirent *e);

/*
 * Creates an empty file `name` in directory dir with attributes attr
 * (FAT_ATTR_READ_ONLY, _HIDDEN, _SYSTEM, _ARCHIVE; FAT_ATTR_ARCHIVE is
 * always added), its creation, write and access times `now`; *e (if not
 * NULL) is the new entry. The short name is the long one when it fits 8.3
 * (case kept by the NT case flags when each part is all lower or all upper
 * case), else a generated NAME~N.EXT with long-name entries carrying the
 * name. -CAIRN_EEXIST when name matches an entry's long or short name.
 */
int fat_create(struct fat_vol *vol, uint32_t dir, const char *name, uint8_t attr, int64_t now,
               struct fat_dirent *e);

/* Creates directory `name` in dir as fat_create does a file, with one
 * zeroed cluster holding "." and "..". */
int fat_mkdir(struct fat_vol *vol, uint32_t dir, const char *name, int64_t now,
              struct fat_dirent *e);

/* Removes file `name` from dir and frees its clusters (at the last
 * fat_file_close if it is open). -CAIRN_EISDIR for a directory. */
int fat_unlink(struct fat_vol *vol, uint32_t dir, const char *name);

/* Removes the empty directory `name` from dir and frees its clusters.
 * -CAIRN_ENOTDIR for a file, -CAIRN_ENOTEMPTY when it holds any entry
 * besides "." and "..". The caller makes sure no cursor of it is in use. */
int fat_rmdir(struct fat_vol *vol, uint32_t dir, const char *name);

/*
 * Renames `from` in directory fdir to `to` in directory tdir (the same or
 * another), as POSIX rename: an existing `to` is replaced if it is a file
 * and `from` is a file, or if both are directories and it is empty
 * (-CAIRN_EISDIR, -CAIRN_ENOTDIR, -CAIRN_ENOTEMPTY otherwise); renaming an
 * entry onto itself (the same entry, whatever the case of the names)
 * changes only its name's case. A directory moved to another directory
 * gets its ".." changed; moving a directory into itself or below itself is
 * -CAIRN_EINVAL. Open handles of the file follow it. The entry keeps its
 * times, attributes and clusters.
 */
int fat_rename(struct fat_vol *vol, uint32_t fdir, const char *from, uint32_t tdir, const char *to,
               int64_t now);

/* Sets the access date and write time of `name` in dir (a file or a directory). */
int fat_set_times(struct fat_vol *vol, uint32_t dir, const char *name, int64_t atime,
                  int64_t mtime);

/*
 * Writes len bytes from buf at offset into the open file f: the number
 * written, or an error when nothing was. Writing past the end allocates
 * clusters and zero-fills the gap; the file's size, write time and access
 * date (`now`) are updated in its entry (not for an unlinked one). On
 * ENOSPC (or past 4 GiB - 1) the part that fitted is written and counted.
 */
long fat_file_write(struct fat_vol *vol, struct fat_file *f, uint64_t offset, const void *buf,
                    size_t len, int64_t now);

/* Sets the size of f: shorter frees the clusters past the new end, longer
 * allocates and zero-fills; the write time becomes `now`. */
int fat_file_truncate(struct fat_vol *vol, struct fat_file *f, uint64_t size, int64_t now);

/* Takes f off the volume's list of open files; the last handle of an
 * unlinked entry frees its clusters (that error is returned, f is closed
 * anyway). Also fine for a handle of a read-only mount (nothing to do). */
int fat_file_close(struct fat_vol *vol, struct fat_file *f);

/* DOS date and time of a Unix time, as stored: *date, *time and the
 * hundredths (0..199) of the creation time. Clamped to 1980..2107. */
void fat_time_to_dos(int64_t t, uint16_t *date, uint16_t *time, uint8_t *hundredths);

/*
 * The 8.3 short name of a long one (11 bytes, space-padded, OEM code page
 * 437) without a numeric tail: *lossy is set when the long name does not
 * convert exactly (characters replaced, the name cut, embedded periods or
 * spaces dropped): then a tail ~N is needed. Exposed for the tests.
 * -CAIRN_EINVAL for a name that is not valid.
 */
int fat_short_basis(const char *name, uint8_t out[11], int *lossy);

#endif
