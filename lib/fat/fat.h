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

/* Reads count 512-byte sectors from sector on into buf; 0 or a negative CAIRN_E* code. */
typedef int (*fat_read_fn)(void *ctx, uint64_t sector, uint32_t count, void *buf);

#define FAT_HINT_UNKNOWN 0xFFFFFFFFu

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

/* An open file with its read cursor. */
struct fat_file {
    uint32_t first; /* first cluster (0 for an empty file) */
    uint32_t size;
    uint32_t cur;     /* cluster number of the cursor ... */
    uint32_t cur_idx; /* ... and its index in the chain */
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
 * reads cannot loop.
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

#endif
