// SPDX-License-Identifier: MIT
/*
 * Path folding (path.h). One loop appends the names of its input to out
 * one at a time, dropping `.` and empty names and taking the last name
 * back off for `..`; out always holds a normal path of what was taken so
 * far ("" standing for `/` while folding), and every append is checked
 * against cap before a byte is written.
 */
#include <stddef.h>

#include <cairn/errors.h>

#include "path.h"

/* Folds the len bytes at in onto the normal path of olen bytes in out
 * (olen 0: the root). Returns the new length or a negative code. */
static int
path_fold(const char *in, size_t len, char *out, size_t olen, size_t cap)
{
    size_t i = 0;

    while (i < len) {
        size_t start, n;

        while (i < len && in[i] == '/')
            i++;
        start = i;
        while (i < len && in[i] != '/') {
            if (in[i] == '\0')
                return -CAIRN_EINVAL;
            i++;
        }
        n = i - start;
        if (n == 0 || (n == 1 && in[start] == '.'))
            continue;
        if (n == 2 && in[start] == '.' && in[start + 1] == '.') {
            while (olen > 0 && out[olen - 1] != '/')
                olen--;
            if (olen > 0)
                olen--; /* the '/' before the name */
            continue;
        }
        if (n > PROTO_NAME_MAX)
            return -CAIRN_ENAMETOOLONG;
        /* '/', the name, and the final NUL must fit. */
        if (olen + 1 + n + 1 > cap)
            return -CAIRN_ENAMETOOLONG;
        out[olen++] = '/';
        for (size_t k = 0; k < n; k++)
            out[olen++] = in[start + k];
    }
    return (int)olen;
}

/* Ends the folded path of olen bytes (0: the root) with a NUL. */
static int
path_finish(int olen, char *out, size_t cap)
{
    if (olen < 0) {
        if (cap > 0)
            out[0] = '\0';
        return olen;
    }
    if (olen == 0) {
        if (cap < 2) {
            if (cap > 0)
                out[0] = '\0';
            return -CAIRN_ENAMETOOLONG;
        }
        out[0] = '/';
        olen = 1;
    }
    if ((size_t)olen > PROTO_PATH_MAX) {
        out[0] = '\0';
        return -CAIRN_ENAMETOOLONG;
    }
    out[olen] = '\0';
    return olen;
}

int
path_normalize(const char *path, size_t len, char *out, size_t cap)
{
    int r;

    if (len > PROTO_PATH_MAX)
        r = -CAIRN_ENAMETOOLONG;
    else if (len == 0 || path[0] != '/')
        r = -CAIRN_EINVAL;
    else
        r = path_fold(path, len, out, 0, cap);
    return path_finish(r, out, cap);
}

int
path_resolve(const char *cwd, const char *path, char *out, size_t cap)
{
    size_t len = 0, clen = 0;
    int r = 0;

    while (path[len])
        len++;
    if (len == 0) {
        r = -CAIRN_ENOENT; /* POSIX: "" names nothing */
    } else if (path[0] != '/') {
        while (cwd[clen])
            clen++;
        if (clen == 0 || cwd[0] != '/')
            r = -CAIRN_EINVAL;
        else
            r = path_fold(cwd, clen, out, 0, cap);
    }
    if (r >= 0)
        r = path_fold(path, len, out, (size_t)r, cap);
    return path_finish(r, out, cap);
}

int
path_next(const char *path, size_t *pos, const char **name, size_t *len)
{
    size_t i = *pos, start;

    while (path[i] == '/')
        i++;
    if (path[i] == '\0') {
        *pos = i;
        return 0;
    }
    start = i;
    while (path[i] != '\0' && path[i] != '/')
        i++;
    *name = path + start;
    *len = i - start;
    *pos = i;
    return 1;
}

size_t
path_last(const char *path, size_t len)
{
    size_t i = len;

    while (i > 0 && path[i - 1] != '/')
        i--;
    return i;
}
