// SPDX-License-Identifier: MIT
/*
 * The requests that take a path (include/proto/fs.h), on the handle the
 * registry hands out (badge 0) and on views (view.h). Each folds its path
 * with lib/path (the bytes are the client's: bounded, NUL-free,
 * absolute), joins it to the view's root when it came through one (so
 * `..` never leaves a view, and `/` is the view's root), walks the
 * namespace (ns.c) and calls the ramfs, which checks and then changes;
 * what the namespace adds is -CAIRN_EROFS for the initfs, -CAIRN_EXDEV
 * between file systems and -CAIRN_EBUSY for `/`. A path at or below a
 * mounted server's mount point (mount.h) goes to that server instead
 * (remote.c), with the part below the mount point as its path; the mount
 * point itself cannot be made, removed or renamed.
 */
#include <string.h>

#include <cairn/sys.h>
#include <path/path.h>
#include <proto/fs.h>

#include "vfs.h"

#define VFS_OPEN_FLAGS                                                                 \
    (PROTO_O_ACCMODE | PROTO_O_CREAT | PROTO_O_EXCL | PROTO_O_TRUNC | PROTO_O_APPEND | \
     PROTO_O_DIRECTORY)

/* The global paths of a request, whether the client named its `/` (the
 * view's root, which can be neither made, removed nor renamed), and
 * whether they came through a read-only view or bind, where every change
 * gets -CAIRN_EROFS. */
static char path_a[PROTO_PATH_MAX + 1], path_b[PROTO_PATH_MAX + 1];
static int path_a_root, path_b_root, path_a_rdonly, path_b_rdonly;

static int
vfs_is_root(const char *p)
{
    return p[0] == '/' && p[1] == '\0';
}

/* The client's path (len bytes at p) folded into out (PROTO_PATH_MAX + 1
 * bytes), *root whether it is the client's `/`, then, through a view,
 * made global (view_resolve), *rdonly whether that path is read-only to
 * the client: the length, or path_normalize's and view_resolve's errors. */
static int
vfs_fold(const char *p, size_t len, char *out, int *root, int *rdonly)
{
    int err = path_normalize(p, len, out, PROTO_PATH_MAX + 1);

    *rdonly = 0;
    if (err < 0)
        return err;
    *root = vfs_is_root(out);
    return vfs.view ? view_resolve(vfs.view, out, out, PROTO_PATH_MAX + 1, rdonly) : err;
}

/* The request's buffer as one path, folded into path_a. */
static int
vfs_path(const struct vfs_req *rq)
{
    return vfs_fold((const char *)rq->buf, rq->len, path_a, &path_a_root, &path_a_rdonly);
}

/*
 * If path_a (folded) is at or below a mounted server's mount point: the
 * request passed on to it (rq's words, the path below the mount point),
 * or, for the mount point itself when at_point is not 0, at_point as the
 * answer; returns 1. Otherwise 0.
 */
static int
vfs_route(const struct vfs_req *rq, struct vfs_rep *rp, int at_point)
{
    const char *rest;
    int m = mount_find(&vfs.mounts, path_a, &rest);
    size_t len;

    if (m < 0)
        return 0;
    if (rest[0] == '\0' && at_point) {
        rp->w[0] = (uint64_t)(int64_t)at_point;
        return 1;
    }
    len = mount_relative(rest, path_b, sizeof(path_b));
    remote_pass(rp, m, rq->w, path_b, (uint32_t)len);
    return 1;
}

static int
vfs_is_dev(const struct ramfs_node *n)
{
    return (n->mode & PROTO_S_IFMT) == PROTO_S_IFCHR;
}

/* An open of /dev/null or /dev/zero: any access mode; O_TRUNC and
 * O_CREAT change nothing. */
static int
vfs_open_dev(const struct ns_loc *loc, uint32_t flags, struct vfs_rep *rp)
{
    struct vfs_file *f;
    int err;

    if (flags & PROTO_O_DIRECTORY)
        return -CAIRN_ENOTDIR;
    if (loc->node != vfs.dev_null && loc->node != vfs.dev_zero)
        return -CAIRN_EIO; /* a device node with nothing behind it */
    err = vfs_file_new(VFS_FILE_DEV, rp, &f);
    if (err < 0)
        return err;
    f->fs = loc->fs;
    f->node = loc->node;
    f->flags = flags;
    ramfs_open(loc->node);
    rp->w[1] = PROTO_S_IFCHR;
    return 0;
}

void
vfs_do_open(const struct vfs_req *rq, struct vfs_rep *rp)
{
    uint32_t flags = (uint32_t)rq->w[1], acc = flags & PROTO_O_ACCMODE;
    int writes = acc != PROTO_O_RDONLY, created = 0, err;
    struct ns_loc loc, dir;
    struct vfs_file *f;
    const char *name = NULL;
    size_t len = 0;

    if ((rq->w[1] & ~(uint64_t)VFS_OPEN_FLAGS) || acc == PROTO_O_ACCMODE) {
        err = -CAIRN_EINVAL;
        goto out;
    }
    if ((err = vfs_path(rq)) < 0)
        goto out;
    if (path_a_rdonly && (writes || (flags & (PROTO_O_TRUNC | PROTO_O_CREAT)))) {
        err = -CAIRN_EROFS;
        goto out;
    }
    if (vfs_route(rq, rp, 0))
        return;
    if (vfs.files_open >= VFS_FILES_MAX) {
        err = -CAIRN_EMFILE;
        goto out;
    }
    err = ns_resolve(&vfs.ns, path_a, &loc);
    if (err == -CAIRN_ENOENT && (flags & PROTO_O_CREAT)) {
        err = ns_resolve_parent(&vfs.ns, path_a, &dir, &name, &len);
        if (err)
            goto out;
        err = ramfs_create(dir.fs, dir.node, name, len,
                           PROTO_S_IFREG | ((uint32_t)rq->w[2] & 07777), &loc.node);
        if (err)
            goto out;
        loc.fs = dir.fs;
        created = 1;
    } else if (err) {
        goto out;
    } else if ((flags & PROTO_O_CREAT) && (flags & PROTO_O_EXCL)) {
        err = -CAIRN_EEXIST;
        goto out;
    }
    if (vfs_is_dev(loc.node)) {
        err = vfs_open_dev(&loc, flags, rp);
        goto out;
    }
    if (ramfs_is_dir(loc.node) && (writes || (flags & (PROTO_O_TRUNC | PROTO_O_CREAT)))) {
        err = -CAIRN_EISDIR;
        goto out;
    }
    if (!ramfs_is_dir(loc.node) && (flags & PROTO_O_DIRECTORY)) {
        err = -CAIRN_ENOTDIR;
        goto out;
    }
    if ((writes || (flags & PROTO_O_TRUNC)) && loc.fs->readonly) {
        err = -CAIRN_EROFS;
        goto out;
    }
    err = vfs_file_new(VFS_FILE_NODE, rp, &f);
    if (err < 0) {
        if (created)
            ramfs_unlink(dir.fs, dir.node, name, len);
        goto out;
    }
    if ((flags & PROTO_O_TRUNC) && writes)
        ramfs_truncate(loc.fs, loc.node, 0);
    f->fs = loc.fs;
    f->node = loc.node;
    f->flags = flags;
    ramfs_open(loc.node);
    rp->w[1] = loc.node->mode & PROTO_S_IFMT;
    err = 0;
out:
    rp->w[0] = (uint64_t)(int64_t)err;
}

void
vfs_do_fs_stat(const struct vfs_req *rq, struct vfs_rep *rp)
{
    static struct proto_stat st;
    struct ns_loc loc;
    int err = vfs_path(rq);

    if (err >= 0 && vfs_route(rq, rp, 0))
        return;
    if (err >= 0)
        err = ns_resolve(&vfs.ns, path_a, &loc);
    if (err >= 0) {
        ramfs_stat(loc.fs, loc.node, &st);
        rp->buf = &st;
        rp->len = sizeof(st);
        err = 0;
    }
    rp->w[0] = (uint64_t)(int64_t)err;
}

/*
 * The parent directory of the request's path (folded into path_a) and
 * the last name, for the requests that change a directory; err_root is
 * the answer for `/` and for a mounted server's mount point. 1 when the
 * request went to a mounted server (or was answered: nothing more to do).
 */
static int
vfs_parent(const struct vfs_req *rq, struct vfs_rep *rp, int err_root, struct ns_loc *dir,
           const char **name, size_t *len)
{
    int err = vfs_path(rq);

    if (err < 0)
        return err;
    if (path_a_rdonly)
        return -CAIRN_EROFS;
    if (path_a_root)
        return err_root;
    if (vfs_route(rq, rp, err_root))
        return 1;
    if (vfs_is_root(path_a))
        return err_root;
    return ns_resolve_parent(&vfs.ns, path_a, dir, name, len);
}

void
vfs_do_mkdir(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct ns_loc dir;
    struct ramfs_node *n;
    const char *name;
    size_t len;
    int err = vfs_parent(rq, rp, -CAIRN_EEXIST, &dir, &name, &len);

    if (err == 1)
        return;
    if (err == 0)
        err = ramfs_create(dir.fs, dir.node, name, len,
                           PROTO_S_IFDIR | ((uint32_t)rq->w[1] & 07777), &n);
    rp->w[0] = (uint64_t)(int64_t)err;
}

void
vfs_do_unlink(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct ns_loc dir;
    const char *name;
    size_t len;
    int err;

    /* A mount point is busy; `/` is a directory. */
    err = vfs_parent(rq, rp, -CAIRN_EBUSY, &dir, &name, &len);
    if (err == 1)
        return;
    if (err == -CAIRN_EBUSY && path_a_root)
        err = -CAIRN_EISDIR;
    if (err == 0)
        err = ramfs_unlink(dir.fs, dir.node, name, len);
    rp->w[0] = (uint64_t)(int64_t)err;
}

void
vfs_do_rmdir(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct ns_loc dir;
    const char *name;
    size_t len;
    int err = vfs_parent(rq, rp, -CAIRN_EBUSY, &dir, &name, &len);

    if (err == 1)
        return;
    if (err == 0)
        err = ramfs_rmdir(dir.fs, dir.node, name, len);
    rp->w[0] = (uint64_t)(int64_t)err;
}

void
vfs_do_rename(const struct vfs_req *rq, struct vfs_rep *rp)
{
    const uint8_t *zero = memchr(rq->buf, 0, rq->len);
    struct ns_loc odir, ndir;
    const char *oname, *nname;
    size_t olen, nlen, first;
    int err;

    if (!zero) {
        err = -CAIRN_EINVAL;
        goto out;
    }
    first = (size_t)(zero - rq->buf);
    err = vfs_fold((const char *)rq->buf + first + 1, rq->len - first - 1, path_b, &path_b_root,
                   &path_b_rdonly);
    if (err >= 0)
        err = vfs_fold((const char *)rq->buf, first, path_a, &path_a_root, &path_a_rdonly);
    if (err < 0)
        goto out;
    if (path_a_rdonly || path_b_rdonly) {
        err = -CAIRN_EROFS;
        goto out;
    }
    if (path_a_root || path_b_root || vfs_is_root(path_a) || vfs_is_root(path_b)) {
        err = -CAIRN_EBUSY;
        goto out;
    }
    const char *orest, *nrest;
    int om = mount_find(&vfs.mounts, path_a, &orest), nm = mount_find(&vfs.mounts, path_b, &nrest);

    if ((om >= 0 && orest[0] == '\0') || (nm >= 0 && nrest[0] == '\0')) {
        err = -CAIRN_EBUSY; /* a mount point */
        goto out;
    }
    if (om != nm) {
        err = -CAIRN_EXDEV;
        goto out;
    }
    if (om >= 0) {
        static char both[2 * (PROTO_PATH_MAX + 1)];
        size_t a = strlen(orest), b = strlen(nrest);

        memcpy(both, orest, a + 1);
        memcpy(both + a + 1, nrest, b);
        remote_pass(rp, om, rq->w, both, (uint32_t)(a + 1 + b));
        return;
    }
    err = ns_resolve_parent(&vfs.ns, path_a, &odir, &oname, &olen);
    if (err == 0)
        err = ns_resolve_parent(&vfs.ns, path_b, &ndir, &nname, &nlen);
    if (err)
        goto out;
    if (odir.fs != ndir.fs) {
        err = (odir.fs->readonly || ndir.fs->readonly) ? -CAIRN_EROFS : -CAIRN_EXDEV;
        goto out;
    }
    err = ramfs_rename(odir.fs, odir.node, oname, olen, ndir.node, nname, nlen);
out:
    rp->w[0] = (uint64_t)(int64_t)err;
}

void
vfs_do_pipe(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct vfs_file *r, *w;
    struct pipe *p;
    int err;

    (void)rq;
    if (vfs.files_open + 2 > VFS_FILES_MAX) {
        err = -CAIRN_EMFILE;
        goto out;
    }
    p = pipe_create();
    if (!p) {
        err = -CAIRN_ENOMEM;
        goto out;
    }
    err = vfs_file_new(VFS_FILE_PIPE_READ, rp, &r);
    if (err >= 0)
        err = vfs_file_new(VFS_FILE_PIPE_WRITE, rp, &w);
    if (err < 0) {
        vfs_file_drop_new(rp);
        pipe_destroy(p);
        goto out;
    }
    r->pipe = w->pipe = p;
    r->flags = PROTO_O_RDONLY;
    w->flags = PROTO_O_WRONLY;
    r->pipe_ino = w->pipe_ino = ++vfs.next_pipe_ino;
    err = 0;
out:
    rp->w[0] = (uint64_t)(int64_t)err;
}

/* The request's buffer in n pieces at its first n - 1 0s: 0, or -1 when
 * it has fewer. */
static int
vfs_split(const struct vfs_req *rq, unsigned n, const char **piece, size_t *len)
{
    const char *p = (const char *)rq->buf, *end = p + rq->len;

    for (unsigned i = 0; i < n; i++) {
        const char *z = i + 1 < n ? memchr(p, 0, (size_t)(end - p)) : end;

        if (!z)
            return -1;
        piece[i] = p;
        len[i] = (size_t)(z - p);
        p = z + 1;
    }
    return 0;
}

/*
 * A directory of the vfs's own file systems at the global path p: 0,
 * -CAIRN_EXDEV for a mounted server's (whose directories only it knows),
 * or ns_resolve's error, or -CAIRN_ENOTDIR.
 */
static int
vfs_own_dir(const char *p)
{
    struct ns_loc loc;
    const char *rest;
    int err;

    if (mount_find(&vfs.mounts, p, &rest) >= 0)
        return -CAIRN_EXDEV;
    if ((err = ns_resolve(&vfs.ns, p, &loc)) < 0)
        return err;
    return ramfs_is_dir(loc.node) ? 0 : -CAIRN_ENOTDIR;
}

/*
 * PROTO_FS_VIEW: a handle to the namespace below a directory of the vfs's
 * own file systems, read-only if asked or if the directory is read-only to
 * the caller (a read-only view or bind), with up to VIEW_BINDS_MAX
 * directories of the caller's shown read-only at paths of their own in
 * it. Its close notice ends it.
 */
void
vfs_do_view(const struct vfs_req *rq, struct vfs_rep *rp)
{
    static char at[VIEW_BINDS_MAX][PROTO_PATH_MAX + 1], from[VIEW_BINDS_MAX][PROTO_PATH_MAX + 1];
    struct view_bind binds[VIEW_BINDS_MAX];
    const char *piece[1 + 2 * VIEW_BINDS_MAX];
    size_t len[1 + 2 * VIEW_BINDS_MAX];
    uint32_t flags = (uint32_t)rq->w[1];
    uint64_t nbinds = rq->w[2], badge;
    int err, root, rdonly;
    long h;

    /* The root, then each bind's at and from, each ended by a 0 but the
     * last; the root and the binds' from are the caller's paths. */
    if ((rq->w[1] & ~(uint64_t)PROTO_VIEW_RDONLY) || nbinds > VIEW_BINDS_MAX ||
        vfs_split(rq, 1 + 2 * (unsigned)nbinds, piece, len) < 0) {
        err = -CAIRN_EINVAL;
        goto out;
    }
    err = vfs_fold(piece[0], len[0], path_a, &root, &rdonly);
    if (err >= 0)
        err = vfs_own_dir(path_a);
    if (err < 0)
        goto out;
    if (rdonly)
        flags |= PROTO_VIEW_RDONLY;
    for (unsigned i = 0; i < nbinds; i++) {
        err = path_normalize(piece[1 + 2 * i], len[1 + 2 * i], at[i], sizeof(at[i]));
        if (err >= 0)
            err = vfs_fold(piece[2 + 2 * i], len[2 + 2 * i], from[i], &root, &rdonly);
        if (err >= 0)
            err = vfs_own_dir(from[i]);
        if (err < 0)
            goto out;
        binds[i] = (struct view_bind){at[i], from[i], strlen(at[i]), strlen(from[i])};
    }
    if ((err = view_add(&vfs.views, path_a, strlen(path_a), flags, binds, (unsigned)nbinds,
                        &badge)) < 0)
        goto out;
    /* Like an open file's, the handle's close notice comes when its last
     * copy goes, however its holders end. */
    h = cairn_handle_mint_notify(
        vfs.endpoint, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, badge);
    if (h < 0) {
        view_remove(&vfs.views, badge);
        err = (int)h;
        goto out;
    }
    rp->handles[rp->nhandles] = h;
    rp->files[rp->nhandles] = -1; /* a failed reply closes it: the notice ends the view */
    rp->nhandles++;
    err = 0;
out:
    rp->w[0] = (uint64_t)(int64_t)err;
}
