// SPDX-License-Identifier: MIT
/*
 * The mount table (mount.h). It is small and fixed, so a lookup is a look
 * at every entry; a path is at or below a mount point when the point is
 * a prefix of it that ends at a `/` or at the path's end (so `/devx` is
 * not below `/dev`).
 */
#include <string.h>

#include <cairn/errors.h>
#include <path/path.h>

#include "mount.h"

int
mount_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > PROTO_REG_NAME_MAX || name[0] < 'a' || name[0] > 'z')
        return 0;
    for (size_t i = 1; i < len; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

int
mount_parse(const char *spec, char *path, size_t cap, char *name)
{
    const char *colon = strrchr(spec, ':');
    size_t nlen;
    int r;

    if (cap > 0)
        path[0] = '\0';
    name[0] = '\0';
    if (!colon)
        return -CAIRN_EINVAL;
    nlen = strlen(colon + 1);
    if (!mount_name_ok(colon + 1, nlen))
        return -CAIRN_EINVAL;
    r = path_normalize(spec, (size_t)(colon - spec), path, cap);
    if (r < 0)
        return r;
    if (r == 1) { /* `/` is the vfs's own */
        path[0] = '\0';
        return -CAIRN_EINVAL;
    }
    memcpy(name, colon + 1, nlen + 1);
    return 0;
}

/* The next field of [*p, end) (spaces and tabs between fields): its
 * length, 0 when the line has no more. */
static size_t
mount_field(const char **p, const char *end, const char **field)
{
    const char *q;

    while (*p < end && (**p == ' ' || **p == '\t'))
        (*p)++;
    for (q = *p; q < end && *q != ' ' && *q != '\t'; q++)
        ;
    *field = *p;
    *p = q;
    return (size_t)(q - *field);
}

/* Is [w, w + len) a word of lower-case letters, digits, `-`, `_` and `,`? */
static int
mount_word_ok(const char *w, size_t len)
{
    if (len == 0 || len > 64)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9') || w[i] == '-' ||
              w[i] == '_' || w[i] == ','))
            return 0;
    return 1;
}

int
mount_fstab_next(const char **pos, const char *end, unsigned *line, char *path, size_t cap,
                 char *name)
{
    while (*pos < end) {
        const char *p = *pos, *eol = memchr(p, '\n', (size_t)(end - p)), *f[5];
        size_t n[5], fields = 0;
        int r;

        if (!eol)
            eol = end;
        *pos = eol < end ? eol + 1 : end;
        (*line)++;
        if (eol > p && eol[-1] == '\r')
            eol--;
        while (fields < 5 && (n[fields] = mount_field(&p, eol, &f[fields])) > 0)
            fields++;
        if (fields == 0 || f[0][0] == '#')
            continue;
        if (fields < 3 || fields > 4 || memchr(f[0], '\0', (size_t)(eol - f[0])))
            return -CAIRN_EINVAL;
        if (!mount_name_ok(f[0], n[0]) || !mount_word_ok(f[2], n[2]) ||
            (fields == 4 && !mount_word_ok(f[3], n[3])))
            return -CAIRN_EINVAL;
        r = path_normalize(f[1], n[1], path, cap);
        if (r < 0)
            return r;
        if (r == 1 || f[1][0] != '/') /* `/` is the vfs's own; a path is absolute */
            return -CAIRN_EINVAL;
        memcpy(name, f[0], n[0]);
        name[n[0]] = '\0';
        return 1;
    }
    return 0;
}

/* Is the normal path a (pathlen bytes) at or below the normal path p? */
static int
mount_is_below(const char *a, size_t alen, const char *p, size_t plen)
{
    return alen >= plen && memcmp(a, p, plen) == 0 && (a[plen] == '/' || a[plen] == '\0');
}

int
mount_add(struct mount_table *t, const char *path, const char *name)
{
    size_t plen = strlen(path), nlen = strlen(name);
    struct mount *m;

    if (plen <= 1 || plen > PROTO_PATH_MAX || path[0] != '/' || !mount_name_ok(name, nlen))
        return -CAIRN_EINVAL;
    unsigned at = MOUNT_MAX;

    for (unsigned i = 0; i < t->n; i++) {
        if (t->m[i].pathlen == 0) {
            if (at == MOUNT_MAX)
                at = i;
            continue;
        }
        if (mount_is_below(path, plen, t->m[i].path, t->m[i].pathlen) ||
            mount_is_below(t->m[i].path, t->m[i].pathlen, path, plen))
            return -CAIRN_EBUSY;
    }
    if (at == MOUNT_MAX && t->n < MOUNT_MAX)
        at = t->n;
    if (at == MOUNT_MAX)
        return -CAIRN_ENOSPC;
    m = &t->m[at];
    memcpy(m->path, path, plen + 1);
    m->pathlen = plen;
    memcpy(m->name, name, nlen + 1);
    if (at == t->n)
        t->n++;
    return (int)at;
}

void
mount_remove(struct mount_table *t, int i)
{
    t->m[i].pathlen = 0;
    t->m[i].path[0] = '\0';
    t->m[i].name[0] = '\0';
    while (t->n > 0 && t->m[t->n - 1].pathlen == 0)
        t->n--;
}

int
mount_find(const struct mount_table *t, const char *path, const char **rest)
{
    size_t plen = strlen(path);

    /* Mounts never nest, so at most one entry matches. */
    for (unsigned i = 0; i < t->n; i++) {
        if (t->m[i].pathlen > 0 && mount_is_below(path, plen, t->m[i].path, t->m[i].pathlen)) {
            *rest = path + t->m[i].pathlen;
            return (int)i;
        }
    }
    return -1;
}

size_t
mount_relative(const char *rest, char *out, size_t cap)
{
    size_t len = strlen(rest);

    if (len == 0) {
        rest = "/";
        len = 1;
    }
    if (cap == 0)
        return 0;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, rest, len);
    out[len] = '\0';
    return len;
}
