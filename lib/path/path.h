/* SPDX-License-Identifier: MIT */
/*
 * Paths of the one namespace (include/proto/fs.h): making them absolute
 * and folding `.`, `..` and repeated `/` away. Pure C, no system calls and
 * no allocation: libc calls path_resolve with the working directory before
 * it sends a path to the vfs server, and the server calls path_normalize
 * on every path it receives (the bytes are untrusted), so both fold paths
 * alike. The same file is built into the host test and the host fuzzer.
 *
 * A normal path starts with `/`, has no empty, `.` or `..` component and
 * no `/` at its end (except `/` itself), no NUL byte, names of 1 to
 * PROTO_NAME_MAX bytes, and at most PROTO_PATH_MAX bytes in all. There
 * are no symbolic links, so folding `..` by the text alone is exact, with
 * one difference from POSIX: `/file/..` names `/` instead of failing with
 * ENOTDIR, and a `/` at the end does not insist on a directory. `..` at
 * `/` stays at `/`: no path climbs above the root.
 */
#ifndef CAIRN_LIB_PATH_H
#define CAIRN_LIB_PATH_H

#include <stddef.h>

#include <proto/io.h>

/*
 * The absolute path in the len bytes at path (no NUL needed; a NUL among
 * them is refused), folded into out, which has room for cap bytes and is
 * NUL-terminated. Returns the folded length (1 or more), or:
 *   -CAIRN_EINVAL        empty, not starting with `/`, or holding a NUL;
 *   -CAIRN_ENAMETOOLONG  len over PROTO_PATH_MAX, a name over
 *                        PROTO_NAME_MAX, or a path that does not fit cap
 *                        at some step of the folding (cap >=
 *                        PROTO_PATH_MAX + 1 always fits, since folding
 *                        never lengthens a path).
 * out is left holding "" on an error.
 */
int path_normalize(const char *path, size_t len, char *out, size_t cap);

/*
 * path (NUL-terminated) made absolute against cwd (a normal path, as
 * path_normalize returns; ignored when path starts with `/`) and folded
 * into out as above; the result must also fit PROTO_PATH_MAX. The same
 * errors, -CAIRN_ENOENT for an empty path (as POSIX), and -CAIRN_EINVAL
 * for a relative path with a cwd that is not absolute.
 */
int path_resolve(const char *cwd, const char *path, char *out, size_t cap);

/*
 * The components of a normal path in turn: *pos starts at 0; each call
 * gives the next name (not NUL-terminated) and its length and returns 1,
 * or 0 after the last. `/` has none.
 */
int path_next(const char *path, size_t *pos, const char **name, size_t *len);

/* The last component of a normal path other than `/`: its offset in the
 * path (the parent is the path's first offset - 1 bytes, or `/`). */
size_t path_last(const char *path, size_t len);

#endif
