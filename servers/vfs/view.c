// SPDX-License-Identifier: MIT
/*
 * The views' table and their paths (view.h).
 */
#include <string.h>

#include <cairn/errors.h>

#include "view.h"

int
view_add(struct view_table *t, const char *root, size_t rootlen, uint32_t flags, uint64_t *badge)
{
    if (rootlen > PROTO_PATH_MAX)
        return -CAIRN_ENAMETOOLONG;
    for (unsigned i = 0; i < VIEWS_MAX; i++) {
        struct view *v = &t->v[i];

        if (v->used)
            continue;
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

int
view_badge_is(uint64_t badge)
{
    uint32_t low = (uint32_t)badge;

    return low >= VIEW_BADGE_BASE && low < VIEW_BADGE_BASE + VIEWS_MAX;
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
view_place(const struct view *v, const char *p, const char **rel)
{
    size_t plen = strlen(p);

    if (v->rootlen == 1) { /* everything is at or below `/` */
        *rel = plen == 1 ? p + 1 : p;
        return 0;
    }
    if (plen >= v->rootlen && memcmp(p, v->root, v->rootlen) == 0 &&
        (p[v->rootlen] == '\0' || p[v->rootlen] == '/')) {
        *rel = p + v->rootlen;
        return 0;
    }
    if (plen == 1 || (plen < v->rootlen && memcmp(p, v->root, plen) == 0 && v->root[plen] == '/'))
        return 1;
    return -1;
}
