// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for path folding (lib/path/path.c), which the vfs server
 * runs on every path a client sends and libc on every path a program
 * names. The input is the path, in an exactly-sized heap copy; its first
 * byte also picks a cap for the output (small caps reach the bounds).
 * Beyond "no crash, no access outside the buffers", every promise of
 * path.h is checked on a success: the result is a normal path (starts
 * with `/`, no empty, `.` or `..` name, no `/` at the end unless it is
 * `/`, names of at most PROTO_NAME_MAX bytes, at most PROTO_PATH_MAX
 * bytes, NUL-terminated at the length returned), folding it again gives
 * it back, path_next walks exactly its names, and resolving the input's
 * tail as a relative path against it succeeds or is too long. The vfs
 * server's mount table (servers/vfs/mount.c) splits every folded path:
 * the mount found is the one the path is at or below, the rest is the
 * path's own tail, and the path the mounted server is sent is normal. The
 * input is also parsed as a `--mount=` argument, whose path must come
 * out normal and whose name a registry name. Every folded path is also
 * joined below the roots of three views (servers/vfs/view.c): `/`, a
 * short root and one a few bytes short of PROTO_PATH_MAX; the result is
 * a normal path at or below the root whose tail is the path, or
 * -CAIRN_ENAMETOOLONG exactly when it would not fit; and resolved through
 * a view with two binds (one of `/`): at or below a bind, the bind's
 * directory with the path's rest, read-only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/errors.h"
#include "fuzz.h"
#include "path/path.h"
#include "servers/vfs/mount.h"
#include "servers/vfs/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_normal(const char *p, int len)
{
    const char *name;
    size_t pos = 0, n, total = 0, names = 0;

    FUZZ_CHECK(len >= 1 && len <= PROTO_PATH_MAX && p[0] == '/' && p[len] == '\0');
    FUZZ_CHECK((int)strlen(p) == len);
    FUZZ_CHECK(len == 1 || p[len - 1] != '/');
    while (path_next(p, &pos, &name, &n) == 1) {
        FUZZ_CHECK(n >= 1 && n <= PROTO_NAME_MAX);
        FUZZ_CHECK(!(n == 1 && name[0] == '.') && !(n == 2 && name[0] == '.' && name[1] == '.'));
        FUZZ_CHECK(name[-1] == '/' && (name[n] == '/' || name[n] == '\0'));
        total += n + 1;
        names++;
    }
    FUZZ_CHECK(names == 0 ? len == 1 : total == (size_t)len);
}

/* The mounts the split is checked against: nested names, a sibling that
 * shares a prefix, the root's own children. */
static struct mount_table mounts;

static void
check_split(const char *p, int len)
{
    static char rel[PROTO_PATH_MAX + 1];
    const char *rest = NULL;
    int m;

    if (mounts.n == 0) {
        FUZZ_CHECK(mount_add(&mounts, "/dev/random", "rng") == 0);
        FUZZ_CHECK(mount_add(&mounts, "/dev/randomly", "rng") == 1);
        FUZZ_CHECK(mount_add(&mounts, "/a", "fat") == 2);
        FUZZ_CHECK(mount_add(&mounts, "/b/c/d", "fat") == 3);
        FUZZ_CHECK(mount_add(&mounts, "/a/x", "fat") == -CAIRN_EBUSY);
    }
    m = mount_find(&mounts, p, &rest);
    if (m < 0)
        return;
    const struct mount *mt = &mounts.m[m];
    FUZZ_CHECK(m < (int)mounts.n && (size_t)len >= mt->pathlen);
    FUZZ_CHECK(memcmp(p, mt->path, mt->pathlen) == 0 && rest == p + mt->pathlen);
    FUZZ_CHECK(rest[0] == '\0' || rest[0] == '/');
    size_t n = mount_relative(rest, rel, sizeof(rel));
    FUZZ_CHECK(n == strlen(rel) && n >= 1);
    check_normal(rel, (int)n);
}

static struct view_table views;
static uint64_t view_badges[4];

static const struct view_bind binds[2] = {{"/bin", "/boot/bin", 4, 9}, {"/x/y", "/", 4, 1}};

static void
check_views(const char *p, int len)
{
    static char joined[PROTO_PATH_MAX + 1], root[PROTO_PATH_MAX + 1];

    if (views.used == 0) {
        memset(root, 'r', sizeof(root));
        for (size_t i = 0; i < PROTO_PATH_MAX - 5; i += 100)
            root[i] = '/'; /* names of 99 bytes */
        root[PROTO_PATH_MAX - 5] = '\0';
        FUZZ_CHECK(view_add(&views, "/", 1, 0, NULL, 0, &view_badges[0]) == 0);
        FUZZ_CHECK(view_add(&views, "/tmp/box", 8, 0, NULL, 0, &view_badges[1]) == 0);
        FUZZ_CHECK(view_add(&views, root, strlen(root), 0, NULL, 0, &view_badges[2]) == 0);
        FUZZ_CHECK(view_add(&views, "/tmp/box", 8, 0, binds, 2, &view_badges[3]) == 0);
    }
    /* Through the view with binds: at or below one, its directory,
     * read-only; elsewhere the root's. */
    {
        const struct view *v = view_of(&views, view_badges[3]);
        int rdonly = -1, n;

        memcpy(joined, p, (size_t)len + 1);
        n = view_resolve(v, joined, joined, sizeof(joined), &rdonly);
        for (int b = 0; b < 2; b++) {
            if (!view_path_under(p, binds[b].at, binds[b].atlen))
                continue;
            const char *rest = p + binds[b].atlen;
            FUZZ_CHECK(rdonly == 1 && n >= 1);
            check_normal(joined, n);
            if (binds[b].fromlen == 1)
                FUZZ_CHECK(strcmp(joined, rest[0] ? rest : "/") == 0);
            else
                FUZZ_CHECK(strncmp(joined, binds[b].from, binds[b].fromlen) == 0 &&
                           strcmp(joined + binds[b].fromlen, rest) == 0);
            rdonly = 2; /* checked */
        }
        if (rdonly != 2) {
            FUZZ_CHECK(rdonly == 0 && (n >= 1 || n == -CAIRN_ENAMETOOLONG));
            if (n >= 1)
                check_normal(joined, n);
        }
    }
    for (int i = 0; i < 3; i++) {
        const struct view *v = view_of(&views, view_badges[i]);
        size_t below = len == 1 ? 0 : (size_t)len; /* the path's `/` is the root */
        const char *rel = NULL;
        int n;

        FUZZ_CHECK(v != NULL);
        memcpy(joined, p, (size_t)len + 1);
        n = view_join(v, joined, joined, sizeof(joined));
        if (v->rootlen > 1 && v->rootlen + below > PROTO_PATH_MAX) {
            FUZZ_CHECK(n == -CAIRN_ENAMETOOLONG);
            continue;
        }
        FUZZ_CHECK(n >= 1);
        check_normal(joined, n);
        FUZZ_CHECK(view_place(v, joined, &rel) == 0);
        FUZZ_CHECK(len == 1 ? rel[0] == '\0' || v->rootlen == 1 : strcmp(rel, p) == 0);
    }
}

static void
check_mount_arg(const uint8_t *data, size_t size)
{
    char *spec = malloc(size + 1), name[PROTO_REG_NAME_MAX + 1];
    static char path[PROTO_PATH_MAX + 1];
    int r;

    memcpy(spec, data, size);
    spec[size] = '\0';
    r = mount_parse(spec, path, sizeof(path), name);
    FUZZ_CHECK(r == 0 || r == -CAIRN_EINVAL || r == -CAIRN_ENAMETOOLONG);
    if (r == 0) {
        check_normal(path, (int)strlen(path));
        FUZZ_CHECK(strlen(path) > 1 && mount_name_ok(name, strlen(name)));
    } else {
        FUZZ_CHECK(path[0] == '\0' && name[0] == '\0');
    }
    free(spec);

    /* The same bytes as an fstab: every entry normal, the walk bounded. */
    {
        const char *pos = (const char *)data, *end = pos + size;
        unsigned line = 0, entries = 0;

        while ((r = mount_fstab_next(&pos, end, &line, path, sizeof(path), name)) != 0) {
            FUZZ_CHECK(r == 1 || r == -CAIRN_EINVAL || r == -CAIRN_ENAMETOOLONG);
            FUZZ_CHECK(pos <= end && line <= size + 1);
            if (r == 1) {
                check_normal(path, (int)strlen(path));
                FUZZ_CHECK(strlen(path) > 1 && mount_name_ok(name, strlen(name)));
                entries++;
            }
        }
        FUZZ_CHECK(entries <= size / 8 + 1);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char out[PROTO_PATH_MAX + 1], again[PROTO_PATH_MAX + 1], res[PROTO_PATH_MAX + 1];
    size_t cap = size ? (data[0] % 4 == 0 ? data[0] / 4 % 40 : sizeof(out)) : sizeof(out);
    char *in = malloc(size ? size : 1), *tail, *small = malloc(cap ? cap : 1);
    int r;

    memcpy(in, data, size);
    r = path_normalize(in, size, small, cap);
    FUZZ_CHECK(r >= 1 || r == -CAIRN_EINVAL || r == -CAIRN_ENAMETOOLONG);
    if (r >= 1) {
        FUZZ_CHECK((size_t)r < cap);
        check_normal(small, r);
        check_split(small, r);
        check_views(small, r);
        memcpy(out, small, (size_t)r + 1);
        FUZZ_CHECK(path_normalize(out, (size_t)r, again, sizeof(again)) == r);
        FUZZ_CHECK(strcmp(out, again) == 0);
        FUZZ_CHECK((size_t)r <= size);
        /* The input's bytes after the first as a relative path (up to a NUL). */
        tail = malloc(size + 1);
        memcpy(tail, in + (size ? 1 : 0), size ? size - 1 : 0);
        tail[size ? size - 1 : 0] = '\0';
        int q = path_resolve(out, tail, res, sizeof(res));
        FUZZ_CHECK(q >= 1 || q == -CAIRN_ENAMETOOLONG || (q == -CAIRN_ENOENT && tail[0] == '\0'));
        if (q >= 1)
            check_normal(res, q);
        free(tail);
    } else if (cap > 0) {
        FUZZ_CHECK(small[0] == '\0');
    }
    free(small);
    free(in);
    check_mount_arg(data, size);
    return 0;
}
