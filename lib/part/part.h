/* SPDX-License-Identifier: MIT */
/*
 * Partition tables (MBR with its extended partition's EBR chain, and GPT
 * with its backup header) as pure C: no system calls, no allocation. Every
 * sector comes through the caller's read function, so the same code runs in
 * a block driver, in the host test and in the host fuzzer. docs/block.md
 * describes what is accepted and what is refused.
 *
 * The disk is untrusted. part_scan checks every field before it is used:
 * the GPT headers' CRC32s and their entry arrays' CRC32, every partition
 * inside the disk (and for GPT inside the usable range), no two partitions
 * overlapping, the EBR chain bounded and free of loops. A table found but
 * refused is -CAIRN_EIO with the reason in t->why; the whole table is then
 * refused (a driver offers no partition of a damaged table rather than
 * guess which entries to trust). No input makes it hang or read outside its
 * buffers, and the read function is never asked for a sector past the end.
 *
 * A struct part_table is large (about 40 KiB): keep it off small stacks.
 */
#ifndef CAIRN_LIB_PART_H
#define CAIRN_LIB_PART_H

#include <stddef.h>
#include <stdint.h>

#define PART_SECTOR_MAX    4096u      /* largest sector size accepted (512..4096, a power of two) */
#define PART_MAX           128        /* partitions kept: GPT's usual array, MBR's 4 + logicals */
#define PART_NAME_MAX      108        /* 36 UTF-16 units as UTF-8, without the 0 */
#define PART_GPT_ARRAY_MAX (1u << 20) /* bytes of a GPT entry array read at most */

/* Reads count sectors from lba on into buf; 0 or a negative CAIRN_E* code. */
typedef int (*part_read_fn)(void *ctx, uint64_t lba, uint32_t count, void *buf);

enum part_scheme {
    PART_SCHEME_NONE = 0, /* no table: an empty disk, or a whole-disk file system */
    PART_SCHEME_MBR = 1,
    PART_SCHEME_GPT = 2,
};

/* MBR type bytes with a meaning here. */
#define PART_MBR_EXTENDED     0x05
#define PART_MBR_EXTENDED_LBA 0x0f
#define PART_MBR_EXTENDED_LNX 0x85
#define PART_MBR_PROTECTIVE   0xee

struct part_entry {
    uint64_t first_lba;      /* its first sector on the disk */
    uint64_t sectors;        /* at least 1 */
    uint32_t index;          /* MBR: 1..4 primary, 5.. logical in chain order; GPT: entry + 1 */
    uint8_t mbr_type;        /* MBR: the type byte; GPT: 0 */
    uint8_t type_guid[16];   /* GPT: the type GUID as stored; MBR: zeros */
    uint8_t unique_guid[16]; /* GPT: the partition's own GUID; MBR: zeros */
    uint64_t attrs;          /* GPT: the attribute bits; MBR: 0x80 if marked active */
    char name[PART_NAME_MAX + 1]; /* GPT: the name as UTF-8; MBR: "" */
};

struct part_table {
    enum part_scheme scheme;
    uint32_t count;       /* entries[0..count), in the table's order */
    uint32_t sector_size; /* as given to part_scan */
    uint64_t sectors;     /* the disk's, as given to part_scan */
    /* GPT only. */
    uint64_t first_usable; /* the usable range of the header used */
    uint64_t last_usable;
    uint8_t disk_guid[16];
    int used_backup; /* the primary header or array was refused: why says why */
    /* The reason for a refusal (-CAIRN_EIO), for a disk with no table, or
     * for the primary GPT that was passed over; "" when nothing was wrong. */
    char why[160];
    struct part_entry entries[PART_MAX];
    uint8_t sec[PART_SECTOR_MAX]; /* scratch */
};

/*
 * Reads the partition table of a disk of `sectors` sectors of `sector_size`
 * bytes. Returns 0 with t->scheme and t->entries set (PART_SCHEME_NONE and no
 * entries when sector 0 holds no table; t->why then says why it was not
 * taken for one), -CAIRN_EIO with t->why for a table that is refused,
 * -CAIRN_EINVAL for a sector size that is not 512..4096 and a power of two,
 * or the read function's own error unchanged.
 */
int part_scan(struct part_table *t, part_read_fn read, void *ctx, uint32_t sector_size,
              uint64_t sectors);

/* The CRC-32 of IEEE 802.3 (reflected polynomial 0xEDB88320), as GPT uses it:
 * start with crc 0, feed pieces in order, each call's result into the next. */
uint32_t part_crc32(uint32_t crc, const void *p, size_t n);

#endif
