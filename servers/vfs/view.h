/* SPDX-License-Identifier: MIT */
/*
 * Views (docs/vfs.md, "Views"): handles to the namespace below one
 * directory, read-only or not, that the vfs mints on request
 * (PROTO_FS_VIEW). A view is its root's path and up to VIEW_BINDS_MAX
 * binds: every path a client sends through it is folded first (so `..`
 * stops at its `/`), then, at or below a bind's path, joined to the
 * directory the bind shows (read-only), else to the root. Pure C, built
 * into the vfs server and the host test.
 *
 * Invariants:
 *   - a view is in use from view_add until view_remove (its handles' close
 *     notice); its badge is VIEW_BADGE_BASE + its slot in the low 32
 *     bits, above every open file's and bulk channel's, and the slot's
 *     generation above them, so a badge of a removed view never names
 *     the one that took its slot;
 *   - root, and each bind's from, is a folded path of a directory of the
 *     vfs's own file systems when it is added, at most PROTO_PATH_MAX
 *     bytes; a bind's at is a folded path other than `/`, and no bind's
 *     at is at, above or below another's; a later change of
 *     the namespace (the directory removed, or renamed and another made
 *     in its place) changes what the view shows, as it would for a
 *     process whose working directory it was.
 */
#ifndef CAIRN_SERVERS_VFS_VIEW_H
#define CAIRN_SERVERS_VFS_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <proto/fs.h>

#define VIEWS_MAX       64
#define VIEW_BADGE_BASE 0x20000u
#define VIEW_BINDS_MAX  4

/* A directory of the namespace (from) shown read-only at a path of a
 * view (at), as a bind mount shows one. */
struct view_bind {
    char *at, *from; /* folded paths; in a view, one malloc'd block each */
    size_t atlen, fromlen;
};

struct view {
    uint32_t gen;
    int used;
    uint32_t flags;   /* PROTO_VIEW_* */
    uint32_t rootlen; /* strlen(root) */
    char root[PROTO_PATH_MAX + 1];
    unsigned nbinds;
    struct view_bind bind[VIEW_BINDS_MAX];
};

struct view_table {
    struct view v[VIEWS_MAX];
    unsigned used;
};

/*
 * A new view of root (a folded path, rootlen bytes) with flags and the
 * nbinds binds (their paths copied): 0 and its badge in *badge, or
 * -CAIRN_ENOSPC when every slot is in use, -CAIRN_EINVAL for more than
 * VIEW_BINDS_MAX binds, one at `/` or binds at, above or below each
 * other, -CAIRN_ENAMETOOLONG, -CAIRN_ENOMEM.
 */
int view_add(struct view_table *t, const char *root, size_t rootlen, uint32_t flags,
             const struct view_bind *binds, unsigned nbinds, uint64_t *badge);

/* Whether badge is in the views' range, live or not (inline: every
 * request of the vfs asks). */
static inline int
view_badge_is(uint64_t badge)
{
    uint32_t low = (uint32_t)badge;

    return low >= VIEW_BADGE_BASE && low < VIEW_BADGE_BASE + VIEWS_MAX;
}

/* The live view badge names, or NULL. */
const struct view *view_of(const struct view_table *t, uint64_t badge);

/* Ends the view badge names, if it is live (its handles' close notice),
 * and frees its binds' paths. */
void view_remove(struct view_table *t, uint64_t badge);

/*
 * The global path of path (folded, as the client named it) through v:
 * v's root with path below it, into out (cap bytes with the NUL). The
 * length, or -CAIRN_ENAMETOOLONG.
 */
int view_join(const struct view *v, const char *path, char *out, size_t cap);

/*
 * The global path of path (folded, as the client named it) through v,
 * binds first: at or below a bind's at, its from with the rest of path
 * below it, and *rdonly 1; else view_join's, and *rdonly whether v is
 * read-only. out may be path. The length, or -CAIRN_ENAMETOOLONG.
 */
int view_resolve(const struct view *v, const char *path, char *out, size_t cap, int *rdonly);

/* Whether the folded path p is a or below it (a folded path). */
int view_path_under(const char *p, const char *a, size_t alen);

/*
 * Where the global path p (folded) stands to v's root: 0 when p is the
 * root itself or below it, and *rel the part below it (`` for the root),
 * 1 when p is above the root (the root is below p), -1 when neither.
 */
int view_place(const struct view *v, const char *p, const char **rel);

#endif
