/* SPDX-License-Identifier: MIT */
/*
 * The ramfs's file chunks (ramfs.h): blocks of RAMFS_CHUNK bytes carved
 * from groups of CHUNK_GROUP slots, each group one block of the heap.
 *
 * libc's malloc gives every block over 3 KiB pages of its own: a memory
 * object and a mapping for each chunk of a file. The kernel keeps a
 * process's mappings in a list that each new mapping walks, so with
 * thousands of chunks a new chunk cost about 24000 instructions, most of
 * the cost of writing a new file. A group pays for a mapping once per
 * CHUNK_GROUP chunks, and keeps the list short.
 *
 * A slot is CHUNK_SLOT bytes: a 16-byte header naming its group and its
 * index, then the chunk. Invariants:
 *   - a group is on the list of groups with room while it has a free
 *     slot, and is given back when its last chunk is freed, but for one
 *     empty group kept (so that a file written and removed in a loop does
 *     not map and unmap);
 *   - a chunk comes from a group with room before a new group is made, so
 *     the groups held never pass what the most chunks in use at once
 *     needed, in whole groups (the ramfs budgets bound those);
 *   - chunk_alloc's bytes read as zeros.
 * Pure C over malloc, one thread (the vfs server's), no lock.
 */
#ifndef CAIRN_SERVERS_VFS_CHUNK_H
#define CAIRN_SERVERS_VFS_CHUNK_H

#include <stddef.h>

#define CHUNK_SLOT  4096u
#define CHUNK_GROUP 64u /* slots of a group: 256 KiB */

/* A zeroed chunk of RAMFS_CHUNK bytes, 16-byte aligned; NULL when the
 * heap has no room. */
void *chunk_alloc(void);
/* Frees a chunk of chunk_alloc's (NULL: nothing). */
void chunk_free(void *p);
/* The groups held now (for the tests). */
size_t chunk_groups(void);

#endif
