// SPDX-License-Identifier: MIT
/*
 * The namespace walk (ns.h). The mount table is small and fixed, so
 * crossing a mount point is a look at every entry.
 */
#include <string.h>

#include <cairn/errors.h>
#include <path/path.h>

#include "ns.h"

void
ns_init(struct ns *ns, struct ramfs *root_fs)
{
    memset(ns, 0, sizeof(*ns));
    ns->root_fs = root_fs;
}

int
ns_mount(struct ns *ns, struct ramfs_node *at, struct ramfs *fs, struct ramfs_node *root)
{
    if (!ramfs_is_dir(at) || !ramfs_is_dir(root))
        return -CAIRN_ENOTDIR;
    for (unsigned i = 0; i < ns->nmounts; i++)
        if (ns->mounts[i].at == at)
            return -CAIRN_EBUSY;
    if (ns->nmounts == NS_MOUNTS_MAX)
        return -CAIRN_ENOSPC;
    ns->mounts[ns->nmounts++] = (struct ns_mount){at, fs, root};
    at->pinned = 1;
    root->pinned = 1;
    return 0;
}

/* Steps over mount points at loc (a mount may cover a mounted directory). */
static void
ns_cross(const struct ns *ns, struct ns_loc *loc)
{
    for (unsigned hops = 0; hops <= NS_MOUNTS_MAX; hops++) {
        unsigned i;

        for (i = 0; i < ns->nmounts; i++)
            if (ns->mounts[i].at == loc->node)
                break;
        if (i == ns->nmounts)
            return;
        loc->fs = ns->mounts[i].fs;
        loc->node = ns->mounts[i].root;
    }
}

/* Walks the names of path[0 .. end) from the root. */
static int
ns_walk(const struct ns *ns, const char *path, size_t end, struct ns_loc *loc)
{
    const char *name;
    size_t pos = 0, len;

    loc->fs = ns->root_fs;
    loc->node = ns->root_fs->root;
    ns_cross(ns, loc);
    while (pos < end && path_next(path, &pos, &name, &len) == 1) {
        struct ramfs_node *n;

        if (!ramfs_is_dir(loc->node))
            return -CAIRN_ENOTDIR;
        n = ramfs_lookup(loc->node, name, len);
        if (!n)
            return -CAIRN_ENOENT;
        loc->node = n;
        ns_cross(ns, loc);
    }
    return 0;
}

int
ns_resolve(const struct ns *ns, const char *path, struct ns_loc *loc)
{
    return ns_walk(ns, path, strlen(path), loc);
}

int
ns_resolve_parent(const struct ns *ns, const char *path, struct ns_loc *dir, const char **name,
                  size_t *len)
{
    size_t plen = strlen(path), last = path_last(path, plen);
    int err;

    if (plen <= 1)
        return -CAIRN_EBUSY;
    err = ns_walk(ns, path, last - 1, dir);
    if (err)
        return err;
    if (!ramfs_is_dir(dir->node))
        return -CAIRN_ENOTDIR;
    *name = path + last;
    *len = plen - last;
    return 0;
}
