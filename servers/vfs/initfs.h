/* SPDX-License-Identifier: MIT */
/*
 * The initfs as a file system: the members of the boot module initfs.tar
 * (lib/tar) as a read-only ramfs whose files' bytes stay in the archive
 * (the server maps it once and keeps it). Pure C, built into the vfs
 * server, the host test and the host fuzzer.
 *
 * Member names are split at `/` into directories (made as needed, and by
 * members of type '5'); empty and `.` names are skipped, so "./bin/x" and
 * "bin//x" are "bin/x". Files are members of type '0' and '7'; links,
 * devices and fifos are left out. Of two files of one name the last
 * counts, as `tar -x` leaves it.
 */
#ifndef CAIRN_SERVERS_VFS_INITFS_H
#define CAIRN_SERVERS_VFS_INITFS_H

#include <stddef.h>
#include <stdint.h>

#include "ramfs.h"

/*
 * Fills fs (made with ramfs_init, empty) with the archive's members and
 * makes it read-only. Returns the members taken, or a negative code with
 * why (a message naming the member, why_len bytes with its NUL) filled
 * in, and fs then holding an unspecified part of the tree (ramfs_fini it):
 *   -CAIRN_EINVAL  a malformed archive (lib/tar refused it), a name with
 *                  `..` or none at all, a file over a directory or a
 *                  directory below a file;
 *   -CAIRN_ENOSPC  more members than fs's budget has nodes for;
 *   -CAIRN_ENAMETOOLONG  a name of over PROTO_NAME_MAX bytes.
 */
long initfs_load(struct ramfs *fs, const void *image, uint64_t size, char *why, size_t why_len);

#endif
