/* SPDX-License-Identifier: MIT */
/*
 * lib/fat's internal interface between its files: fat.c (the read side),
 * fat_alloc.c (the FAT's write side: entries, allocation, chains, files'
 * data) and fat_dirw.c (names and directory entries). Not for callers.
 *
 * Device sectors are the unit throughout: volume sector s is device
 * sectors s * dev_per_sector .. + dev_per_sector - 1, and every structure
 * lib/fat touches (a FAT entry, a 32-byte directory entry) lies inside one
 * 512-byte device sector except a FAT12 entry, which may straddle two.
 */
#ifndef CAIRN_LIB_FAT_INT_H
#define CAIRN_LIB_FAT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fat.h"

#define FAT_NO_SECTOR UINT64_MAX

/* fat.c */
int fat_dev_sector(struct fat_vol *vol, uint64_t s, int fat, const uint8_t **out);
uint64_t fat_copy_dev(const struct fat_vol *vol, uint32_t k);
uint64_t fat_entry_offset(const struct fat_vol *vol, uint32_t n);
uint64_t fat_cluster_sector(const struct fat_vol *vol, uint32_t c); /* volume sectors */
uint32_t fat_mask(const struct fat_vol *vol);
int fat_damaged(struct fat_vol *vol, const char *why);
size_t fat_utf8(uint32_t c, char *out);
int fat_name_eq(const char *a, const char *b, size_t blen);
extern const uint16_t fat_cp437_high[128];
/* The 32 bytes of entry d->index (moving d->cluster on at a cluster's
 * end): 1 with *ent set, 0 past the end of the fixed root or the chain, or
 * an error. The caller moves d->index on. */
int fat_dir_raw(struct fat_vol *vol, struct fat_dir *d, const uint8_t **ent);

/* fat_alloc.c */
int fat_file_listed(struct fat_vol *vol, struct fat_file *f);
int fat_begin(struct fat_vol *vol);
void fat_barrier(struct fat_vol *vol);
int fat_set_entry(struct fat_vol *vol, uint32_t n, uint32_t value);
int fat_alloc_one(struct fat_vol *vol, uint32_t *out);
int fat_free_chain(struct fat_vol *vol, uint32_t first);
/* Checks that the chain from first ends within the volume's cluster
 * count, meeting no free, bad or out-of-range entry: 0 with its length in
 * *len (optional), or -CAIRN_EIO (fat.c). */
int fat_chain_check(struct fat_vol *vol, uint32_t first, uint32_t *len);
int fat_zero_cluster(struct fat_vol *vol, uint32_t c);
uint64_t fat_cluster_dev(const struct fat_vol *vol, uint32_t c);
int fat_modify(struct fat_vol *vol, uint64_t sector, int fill, uint8_t **data);

/* fat_dirw.c */
int fat_entry_modify(struct fat_vol *vol, uint32_t dir, uint32_t index, uint8_t **ent);
void fat_stamp(uint8_t *ent, int64_t now, int create);

#endif
