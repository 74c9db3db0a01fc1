// SPDX-License-Identifier: MIT
/*
 * Building the initfs tree (initfs.h). The archive is walked once with
 * lib/tar, which checks every header; each member's name is then walked
 * here, directory by directory, and the whole load stops at the first
 * member it cannot place, so a malformed archive is refused with the
 * reason rather than served in part.
 */
#include <stdio.h>
#include <string.h>

#include <cairn/errors.h>
#include <tar/tar.h>

#include "initfs.h"

static long
initfs_refuse(long err, char *why, size_t why_len, const char *name, const char *what)
{
    if (why_len)
        snprintf(why, why_len, "member %s: %s", name, what);
    return err;
}

/* Places one member in fs. */
static long
initfs_place(struct ramfs *fs, const uint8_t *image, const struct tar_member *m, char *why,
             size_t why_len)
{
    struct ramfs_node *dir = fs->root, *n;
    const char *p = m->name;
    int file = m->type == '0' || m->type == '7';
    int err;

    if (!file && m->type != '5')
        return 0;
    for (;;) {
        const char *name;
        size_t len;
        int last;

        while (*p == '/')
            p++;
        name = p;
        while (*p && *p != '/')
            p++;
        len = (size_t)(p - name);
        while (*p == '/')
            p++;
        last = *p == '\0';
        if (len == 1 && name[0] == '.') {
            if (last)
                break;
            continue;
        }
        if (len == 2 && name[0] == '.' && name[1] == '.')
            return initfs_refuse(-CAIRN_EINVAL, why, why_len, m->name, "`..` in its name");
        if (len == 0)
            break;
        if (len > PROTO_NAME_MAX)
            return initfs_refuse(-CAIRN_ENAMETOOLONG, why, why_len, m->name, "a name too long");
        n = ramfs_lookup(dir, name, len);
        if (last && file) {
            if (n && ramfs_is_dir(n))
                return initfs_refuse(-CAIRN_EINVAL, why, why_len, m->name,
                                     "a file over a directory");
            if (n)
                ramfs_unlink(fs, dir, name, len);
            err = ramfs_create_ro(fs, dir, name, len, m->mode, image + m->offset, m->size, &n);
            if (err)
                return initfs_refuse(err, why, why_len, m->name, "cannot be added");
            return 1;
        }
        if (n && !ramfs_is_dir(n))
            return initfs_refuse(-CAIRN_EINVAL, why, why_len, m->name, "a directory below a file");
        if (!n) {
            err = ramfs_create(fs, dir, name, len, PROTO_S_IFDIR | (last ? m->mode : 0755), &n);
            if (err)
                return initfs_refuse(err, why, why_len, m->name, "cannot be added");
        }
        dir = n;
        if (last)
            break;
    }
    if (file)
        return initfs_refuse(-CAIRN_EINVAL, why, why_len, m->name, "a file with no name");
    return 1;
}

long
initfs_load(struct ramfs *fs, const void *image, uint64_t size, char *why, size_t why_len)
{
    struct tar_member m;
    struct tar_iter it;
    long members = 0, r;
    int step;

    if (why_len)
        why[0] = '\0';
    tar_iter_init(&it, image, size);
    while ((step = tar_iter_next(&it, &m)) == 1) {
        r = initfs_place(fs, image, &m, why, why_len);
        if (r < 0)
            return r;
        members += r;
    }
    if (step < 0) {
        if (why_len)
            snprintf(why, why_len, "not a well-formed tar archive after %ld members", members);
        return -CAIRN_EINVAL;
    }
    fs->readonly = 1;
    return members;
}
