// SPDX-License-Identifier: MIT
/*
 * The views' table and their paths (view.h).
 */
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>

#include "view.h"

int
view_path_under(const char *p, const char *a, size_t alen)
{
    if (alen == 1)
        return 1; /* everything is below `/` */
    return strncmp(p, a, alen) == 0 && (p[alen] == '\0' || p[alen] == '/');
}

static void
view_free_binds(struct view *v)
{
    for (unsigned i = 0; i < v->nbinds; i++) {
        free(v->bind[i].at);
        free(v->bind[i].from);
    }
    v->nbinds = 0;
}

/* Copies binds into v: 0, or -CAIRN_ENOMEM with none kept. */
static int
view_copy_binds(struct view *v, const struct view_bind *binds, unsigned nbinds)
{
    v->nbinds = 0;
    for (unsigned i = 0; i < nbinds; i++) {
        struct view_bind *b = &v->bind[i];

        b->at = malloc(binds[i].atlen + 1);
        b->from = malloc(binds[i].fromlen + 1);
        if (!b->at || !b->from) {
            free(b->at);
            free(b->from);
            view_free_binds(v);
            return -CAIRN_ENOMEM;
        }
        memcpy(b->at, binds[i].at, binds[i].atlen + 1);
        memcpy(b->from, binds[i].from, binds[i].fromlen + 1);
        b->atlen = binds[i].atlen;
        b->fromlen = binds[i].fromlen;
        v->nbinds++;
    }
    return 0;
}

int
view_add(struct view_table *t, const char *root, size_t rootlen, uint32_t flags,
         const struct view_bind *binds, unsigned nbinds, uint64_t *badge)
{
    if (rootlen > PROTO_PATH_MAX)
        return -CAIRN_ENAMETOOLONG;
    if (nbinds > VIEW_BINDS_MAX)
        return -CAIRN_EINVAL;
    for (unsigned i = 0; i < nbinds; i++) {
        if (binds[i].atlen > PROTO_PATH_MAX || binds[i].fromlen > PROTO_PATH_MAX)
            return -CAIRN_ENAMETOOLONG;
        if (binds[i].atlen < 2 || binds[i].at[0] != '/' || binds[i].from[0] != '/')
            return -CAIRN_EINVAL;
        for (unsigned k = 0; k < i; k++)
            if (view_path_under(binds[i].at, binds[k].at, binds[k].atlen) ||
                view_path_under(binds[k].at, binds[i].at, binds[i].atlen))
                return -CAIRN_EINVAL;
    }
    for (unsigned i = 0; i < VIEWS_MAX; i++) {
        struct view *v = &t->v[i];

        if (v->used)
            continue;
        if (view_copy_binds(v, binds, nbinds) < 0)
            return -CAIRN_ENOMEM;
        v->used = 1;
        v->gen++;
        v->flags = flags;
        v->rootlen = (uint32_t)rootlen;
        memcpy(v->root, root, rootlen);
        v->root[rootlen] = '\0';
        t->used++;
        *badge = ((uint64_t)v->gen << 32) | (VIEW_BADGE_BASE + i);
        return 0;
    }
    return -CAIRN_ENOSPC;
}

const struct view *
view_of(const struct view_table *t, uint64_t badge)
{
    const struct view *v;

    if (!view_badge_is(badge))
        return NULL;
    v = &t->v[(uint32_t)badge - VIEW_BADGE_BASE];
    return v->used && v->gen == (uint32_t)(badge >> 32) ? v : NULL;
}

void
view_remove(struct view_table *t, uint64_t badge)
{
    struct view *v = (struct view *)view_of(t, badge);

    if (v) {
        view_free_binds(v);
        v->used = 0;
        t->used--;
    }
}

int
view_join(const struct view *v, const char *path, char *out, size_t cap)
{
    size_t plen = strlen(path);

    /* `/` is the root itself; below a root of `/` the path is as it is. */
    if (plen == 1 && path[0] == '/')
        plen = 0;
    if (v->rootlen == 1) {
        if (plen == 0)
            plen = 1;
        if (plen + 1 > cap || plen > PROTO_PATH_MAX)
            return -CAIRN_ENAMETOOLONG;
        memmove(out, path, plen);
        out[plen] = '\0';
        return (int)plen;
    }
    if (v->rootlen + plen + 1 > cap || v->rootlen + plen > PROTO_PATH_MAX)
        return -CAIRN_ENAMETOOLONG;
    memmove(out + v->rootlen, path, plen);
    memcpy(out, v->root, v->rootlen);
    out[v->rootlen + plen] = '\0';
    return (int)(v->rootlen + plen);
}

int
view_resolve(const struct view *v, const char *path, char *out, size_t cap, int *rdonly)
{
    for (unsigned i = 0; i < v->nbinds; i++) {
        const struct view_bind *b = &v->bind[i];
        size_t restlen;

        if (!view_path_under(path, b->at, b->atlen))
            continue;
        restlen = strlen(path + b->atlen); /* "" or "/..." */
        *rdonly = 1;
        if (b->fromlen + restlen + 1 > cap || b->fromlen + restlen > PROTO_PATH_MAX)
            return -CAIRN_ENAMETOOLONG;
        if (b->fromlen == 1 && restlen > 0) { /* a bind of `/`: the rest is the path */
            memmove(out, path + b->atlen, restlen + 1);
            return (int)restlen;
        }
        memmove(out + b->fromlen, path + b->atlen, restlen + 1);
        memcpy(out, b->from, b->fromlen);
        return (int)(b->fromlen + restlen);
    }
    *rdonly = (v->flags & PROTO_VIEW_RDONLY) != 0;
    return view_join(v, path, out, cap);
}

int
view_place(const struct view *v, const char *p, const char **rel)
{
    size_t plen = strlen(p);

    if (view_path_under(p, v->root, v->rootlen)) {
        /* Below a root of `/`, the path is its own tail (`` for `/`). */
        *rel = v->rootlen == 1 ? p + (plen == 1) : p + v->rootlen;
        return 0;
    }
    return view_path_under(v->root, p, plen) ? 1 : -1;
}
