/* SPDX-License-Identifier: MIT */
/*
 * The namespace: file systems (struct ramfs) joined at mount points, and
 * the walk from a normal path (lib/path) to a node. Pure C, built into
 * the vfs server and the host test.
 *
 * A mount puts a directory of one file system (its root, or any
 * directory: `/bin` is the initfs's `bin`) over a directory of another;
 * both are pinned, so neither can be removed or renamed while mounted. A
 * walk that reaches a mount point goes on in the mounted directory. Paths
 * are folded before the walk, so `..` never needs to cross back.
 */
#ifndef CAIRN_SERVERS_VFS_NS_H
#define CAIRN_SERVERS_VFS_NS_H

#include <stddef.h>

#include "ramfs.h"

#define NS_MOUNTS_MAX 8

struct ns_mount {
    struct ramfs_node *at; /* the directory covered */
    struct ramfs *fs;      /* what covers it: fs's directory root */
    struct ramfs_node *root;
};

struct ns {
    struct ramfs *root_fs;
    struct ns_mount mounts[NS_MOUNTS_MAX];
    unsigned nmounts;
};

/* A node and the file system it belongs to. */
struct ns_loc {
    struct ramfs *fs;
    struct ramfs_node *node;
};

void ns_init(struct ns *ns, struct ramfs *root_fs);

/* Mounts fs's directory root over the directory at: 0, -CAIRN_ENOTDIR,
 * -CAIRN_EBUSY (at is a mount point already), -CAIRN_ENOSPC (the table
 * is full). */
int ns_mount(struct ns *ns, struct ramfs_node *at, struct ramfs *fs, struct ramfs_node *root);

/* The node a normal path names: 0, -CAIRN_ENOENT, -CAIRN_ENOTDIR (a
 * name below a file). */
int ns_resolve(const struct ns *ns, const char *path, struct ns_loc *loc);

/*
 * The directory that holds a normal path's last name, and that name (in
 * the path, len bytes): 0, the errors of ns_resolve for the directory, or
 * -CAIRN_EBUSY for `/`, which has no last name.
 */
int ns_resolve_parent(const struct ns *ns, const char *path, struct ns_loc *dir, const char **name,
                      size_t *len);

#endif
