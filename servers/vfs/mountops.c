// SPDX-License-Identifier: MIT
/*
 * The mounts of other servers (docs/vfs.md, "Mounts"): their directories
 * in the namespace, and the requests that list, add and remove them
 * (PROTO_FS_MOUNTS on the namespace handle, and on a view as the view
 * sees them; PROTO_FS_MOUNT and _UMOUNT on the handle registered as
 * `vfs-mount` only, badge VFS_BADGE_MOUNT).
 *
 * A mount point is a name in its parent directory (made if missing, with
 * the directories on the way; under /dev a character device node, else a
 * directory), so readdir lists it. Every node from the root to it holds
 * one pin per mount through it (ramfs_node.pinned counts them, on top of
 * the one the vfs's own mount points have from the start), so nothing on
 * the way can be removed or renamed while it is mounted, and an umount
 * takes exactly its own pins back. Making a mount point checks and makes
 * what is missing first, then pins (which cannot fail); the directories a
 * failed mount made stay as ordinary empty directories.
 */
#include <stdio.h>
#include <string.h>

#include <cairn/sys.h>
#include <path/path.h>
#include <proto/fs.h>

#include "vfs.h"

static char mnt_path[PROTO_PATH_MAX + 1], mnt_prefix[PROTO_PATH_MAX + 1];

/* Each node on the normal path's way (crossing the vfs's own mounts),
 * the root excluded: fn(node, is_last). All of them exist. */
static void
vfs_mount_walk(const char *path, void (*fn)(struct ns_loc *, int))
{
    const char *name;
    size_t pos = 0, len;

    while (path_next(path, &pos, &name, &len) == 1) {
        size_t end = (size_t)(name - path) + len;
        struct ns_loc loc;

        memcpy(mnt_prefix, path, end);
        mnt_prefix[end] = '\0';
        if (ns_resolve(&vfs.ns, mnt_prefix, &loc) == 0)
            fn(&loc, path[end] == '\0');
    }
}

static void
vfs_pin(struct ns_loc *loc, int last)
{
    (void)last;
    loc->node->pinned++;
}

static void
vfs_unpin(struct ns_loc *loc, int last)
{
    (void)last;
    loc->node->pinned--;
}

/*
 * Makes and pins the mount point at the normal path: the missing
 * directories on the way, and the name itself unless an unpinned
 * directory is there already (it is then mounted over: its names are
 * hidden until the umount). 0, -CAIRN_EBUSY (a pinned node there: a mount
 * point, a mounted directory, /dev/null), -CAIRN_ENOTDIR (a file on the
 * way or there), -CAIRN_EROFS (under /boot), -CAIRN_ENOSPC.
 */
static int
vfs_mount_point_make(const char *path)
{
    const char *name;
    size_t pos = 0, len;
    int err = 0;

    vfs.dev.readonly = 0; /* only the vfs makes names in /dev */
    while (err == 0 && path_next(path, &pos, &name, &len) == 1) {
        size_t end = (size_t)(name - path) + len;
        int last = path[end] == '\0';
        struct ns_loc loc, dir;
        const char *n;
        size_t nlen;

        memcpy(mnt_prefix, path, end);
        mnt_prefix[end] = '\0';
        err = ns_resolve(&vfs.ns, mnt_prefix, &loc);
        if (err == 0 && last && loc.node->pinned)
            err = -CAIRN_EBUSY;
        else if (err == 0 && !ramfs_is_dir(loc.node))
            err = -CAIRN_ENOTDIR;
        else if (err == -CAIRN_ENOENT &&
                 (err = ns_resolve_parent(&vfs.ns, mnt_prefix, &dir, &n, &nlen)) == 0)
            err = ramfs_create(dir.fs, dir.node, n, nlen,
                               last && dir.fs == &vfs.dev ? PROTO_S_IFCHR | 0666
                                                          : PROTO_S_IFDIR | 0755,
                               &loc.node);
    }
    vfs.dev.readonly = 1;
    if (err == 0)
        vfs_mount_walk(path, vfs_pin);
    return err;
}

/* Takes back the pins of the mount point at path; a device node it made
 * in /dev goes, a directory stays (an ordinary one again). */
static void
vfs_mount_point_drop(const char *path)
{
    struct ns_loc dir;
    const char *n;
    size_t nlen;

    vfs_mount_walk(path, vfs_unpin);
    if (ns_resolve_parent(&vfs.ns, path, &dir, &n, &nlen) == 0 && dir.fs == &vfs.dev) {
        vfs.dev.readonly = 0;
        ramfs_unlink(&vfs.dev, dir.node, n, nlen);
        vfs.dev.readonly = 1;
    }
}

void
vfs_mount_points(void)
{
    for (unsigned i = 0; i < vfs.mounts.n; i++) {
        const struct mount *m = &vfs.mounts.m[i];
        int err;

        if (m->pathlen == 0 || (err = vfs_mount_point_make(m->path)) == 0)
            continue;
        printf("vfs: cannot mount %s at %s: %s\n", m->name, m->path, cairn_error_name(err));
        mount_remove(&vfs.mounts, (int)i);
    }
}

void
vfs_do_mount(const struct vfs_req *rq, struct vfs_rep *rp)
{
    const uint8_t *zero = memchr(rq->buf, 0, rq->len);
    char name[PROTO_REG_NAME_MAX + 1];
    size_t nlen;
    int err, m;

    if (!zero) {
        err = -CAIRN_EINVAL;
        goto out;
    }
    nlen = rq->len - (size_t)(zero - rq->buf) - 1;
    if (!mount_name_ok((const char *)zero + 1, nlen)) {
        err = -CAIRN_EINVAL;
        goto out;
    }
    memcpy(name, zero + 1, nlen);
    name[nlen] = '\0';
    err =
        path_normalize((const char *)rq->buf, (size_t)(zero - rq->buf), mnt_path, sizeof(mnt_path));
    if (err < 0)
        goto out;
    if (err == 1) {
        err = -CAIRN_EBUSY; /* `/` is the vfs's own */
        goto out;
    }
    m = mount_add(&vfs.mounts, mnt_path, name);
    if (m < 0) {
        err = m;
        goto out;
    }
    err = vfs_mount_point_make(mnt_path);
    if (err < 0)
        mount_remove(&vfs.mounts, m);
out:
    rp->w[0] = (uint64_t)(int64_t)err;
}

void
vfs_do_umount(const struct vfs_req *rq, struct vfs_rep *rp)
{
    const char *rest;
    int err = path_normalize((const char *)rq->buf, rq->len, mnt_path, sizeof(mnt_path)), m;

    if (err < 0)
        goto out;
    m = mount_find(&vfs.mounts, mnt_path, &rest);
    if (m < 0 || rest[0] != '\0') {
        err = -CAIRN_EINVAL; /* not a mounted server's mount point */
        goto out;
    }
    err = remote_release(m);
    if (err < 0)
        goto out;
    vfs_mount_point_drop(mnt_path);
    mount_remove(&vfs.mounts, m);
out:
    rp->w[0] = (uint64_t)(int64_t)err;
}

/* What PROTO_FS_MOUNTS lists before the mounted servers. */
enum vfs_own_mount {
    VFS_MNT_ROOT,
    VFS_MNT_TMP,
    VFS_MNT_BOOT,
    VFS_MNT_BIN,
    VFS_MNT_DEV,
    VFS_MNT_OWN
};

/* Entry c of the whole list into rec (its path the global one): 1, or 0
 * for an absent one (no initfs, a free slot of the mount table). c is
 * below mounts_end(). */
static int
mounts_entry(uint64_t c, struct proto_mount *rec)
{
    static const struct {
        const char *path, *what;
        uint32_t flags;
    } own[VFS_MNT_OWN] = {
        [VFS_MNT_ROOT] = {"/", "ramfs", 0},
        [VFS_MNT_TMP] = {"/tmp", "ramfs", 0},
        [VFS_MNT_BOOT] = {"/boot", "initfs", PROTO_MNT_RDONLY},
        [VFS_MNT_BIN] = {"/bin", "initfs", PROTO_MNT_RDONLY},
        [VFS_MNT_DEV] = {"/dev", "devfs", 0},
    };

    if ((c == VFS_MNT_BOOT && !vfs.have_boot) || (c == VFS_MNT_BIN && !vfs.have_bin) ||
        (c >= VFS_MNT_OWN && vfs.mounts.m[c - VFS_MNT_OWN].pathlen == 0))
        return 0;
    memset(rec, 0, sizeof(*rec));
    if (c < VFS_MNT_OWN) {
        rec->flags = own[c].flags;
        strcpy(rec->what, own[c].what);
        strcpy(rec->path, own[c].path);
    } else {
        const struct mount *m = &vfs.mounts.m[c - VFS_MNT_OWN];

        remote_state((int)(c - VFS_MNT_OWN), &rec->flags, &rec->error);
        strcpy(rec->what, m->name);
        memcpy(rec->path, m->path, m->pathlen + 1);
    }
    return 1;
}

static uint64_t
mounts_end(void)
{
    return VFS_MNT_OWN + (uint64_t)vfs.mounts.n;
}

/*
 * Through a view (view.h), the list is the view's: cookie 0 gives the
 * file system that holds its root (the deepest entry at or above it) as
 * `/`, cookie k + 1 the entries below the root from index k on, their
 * paths relative to it; a read-only view shows every one read-only.
 * Returns the next cookie, or 0 after the last.
 */
static uint64_t
mounts_in_view(const struct view *v, uint64_t c, struct proto_mount *rec)
{
    static struct proto_mount best;
    const char *rel;

    if (c == 0) {
        size_t best_len = 0;

        for (uint64_t i = 0; i < mounts_end(); i++) {
            int place;

            if (!mounts_entry(i, rec))
                continue;
            place = view_place(v, rec->path, &rel);
            if (place < 0 || (place == 0 && rel[0] != '\0') || strlen(rec->path) < best_len)
                continue;
            best = *rec;
            best_len = strlen(rec->path);
        }
        *rec = best;
        strcpy(rec->path, "/");
        c = 1;
    } else {
        for (c--; c < mounts_end(); c++)
            if (mounts_entry(c, rec) && view_place(v, rec->path, &rel) == 0 && rel[0] != '\0')
                break;
        if (c >= mounts_end())
            return 0;
        memmove(rec->path, rel, strlen(rel) + 1);
        c += 2;
    }
    if (v->flags & PROTO_VIEW_RDONLY)
        rec->flags |= PROTO_MNT_RDONLY;
    return c;
}

void
vfs_do_mounts(const struct vfs_req *rq, struct vfs_rep *rp)
{
    static struct proto_mount rec;
    uint64_t c = rq->w[1];

    if (vfs.view) {
        c = mounts_in_view(vfs.view, c, &rec);
    } else {
        /* The cookie is the index of the next entry. */
        while (c < mounts_end() && !mounts_entry(c, &rec))
            c++;
        c = c < mounts_end() ? c + 1 : 0;
    }
    if (c == 0) {
        rp->w[0] = 0;
        return;
    }
    rp->w[0] = 1;
    rp->w[1] = c;
    rp->buf = &rec;
    rp->len = sizeof(rec);
}
