/* SPDX-License-Identifier: MIT */
/*
 * Cairn error codes, shared by the kernel and user space. Functions return
 * 0 or a negative code. The one table below produces the enum and the
 * message strings (CAIRN_ERROR_TABLE(X) with X(name, value, message)).
 * The kernel returns codes up to CAIRN_E2BIG; the ones after it are the
 * servers' (files, processes, terminals: include/proto/), so that errno
 * holds one kind of number whichever side an error came from.
 */
#ifndef CAIRN_ERRORS_H
#define CAIRN_ERRORS_H

#define CAIRN_ERROR_TABLE(X)                      \
    X(CAIRN_OK, 0, "success")                     \
    X(CAIRN_EINVAL, 1, "invalid argument")        \
    X(CAIRN_ENOMEM, 2, "out of memory")           \
    X(CAIRN_EEXIST, 3, "already exists")          \
    X(CAIRN_ENOENT, 4, "not found")               \
    X(CAIRN_EPERM, 5, "permission denied")        \
    X(CAIRN_EFAULT, 6, "bad address")             \
    X(CAIRN_ERANGE, 7, "out of range")            \
    X(CAIRN_EBUSY, 8, "busy")                     \
    X(CAIRN_ENOSYS, 9, "not implemented")         \
    X(CAIRN_EBADH, 10, "bad handle")              \
    X(CAIRN_EWRONGTYPE, 11, "wrong object type")  \
    X(CAIRN_ERIGHTS, 12, "insufficient rights")   \
    X(CAIRN_ETIMEDOUT, 13, "timed out")           \
    X(CAIRN_EINTR, 14, "interrupted")             \
    X(CAIRN_ECLOSED, 15, "peer closed")           \
    X(CAIRN_EAGAIN, 16, "would block")            \
    X(CAIRN_EREVOKED, 17, "handle revoked")       \
    X(CAIRN_E2BIG, 18, "argument list too long")  \
    X(CAIRN_EBADF, 19, "bad file descriptor")     \
    X(CAIRN_EISDIR, 20, "is a directory")         \
    X(CAIRN_ENOTDIR, 21, "not a directory")       \
    X(CAIRN_ENOTEMPTY, 22, "directory not empty") \
    X(CAIRN_ENOSPC, 23, "no space left")          \
    X(CAIRN_ESPIPE, 24, "illegal seek")           \
    X(CAIRN_EPIPE, 25, "broken pipe")             \
    X(CAIRN_EMFILE, 26, "too many open files")    \
    X(CAIRN_ENAMETOOLONG, 27, "name too long")    \
    X(CAIRN_EROFS, 28, "read-only file system")   \
    X(CAIRN_EXDEV, 29, "cross-device link")       \
    X(CAIRN_ENOTTY, 30, "not a terminal")         \
    X(CAIRN_ECHILD, 31, "no child processes")     \
    X(CAIRN_ESRCH, 32, "no such process")         \
    X(CAIRN_EIO, 33, "input/output error")        \
    X(CAIRN_ENOEXEC, 34, "exec format error")

enum cairn_error {
#define CAIRN_ERROR_ENUM(name, value, message) name = value,
    CAIRN_ERROR_TABLE(CAIRN_ERROR_ENUM)
#undef CAIRN_ERROR_ENUM
};

#endif
