/* SPDX-License-Identifier: MIT */
/*
 * Cairn error codes, shared by the kernel and user space. Functions return
 * 0 or a negative code. The one table below produces the enum and the
 * message strings (CAIRN_ERROR_TABLE(X) with X(name, value, message)).
 */
#ifndef CAIRN_ERRORS_H
#define CAIRN_ERRORS_H

#define CAIRN_ERROR_TABLE(X)                     \
    X(CAIRN_OK, 0, "success")                    \
    X(CAIRN_EINVAL, 1, "invalid argument")       \
    X(CAIRN_ENOMEM, 2, "out of memory")          \
    X(CAIRN_EEXIST, 3, "already exists")         \
    X(CAIRN_ENOENT, 4, "not found")              \
    X(CAIRN_EPERM, 5, "permission denied")       \
    X(CAIRN_EFAULT, 6, "bad address")            \
    X(CAIRN_ERANGE, 7, "out of range")           \
    X(CAIRN_EBUSY, 8, "busy")                    \
    X(CAIRN_ENOSYS, 9, "not implemented")        \
    X(CAIRN_EBADH, 10, "bad handle")             \
    X(CAIRN_EWRONGTYPE, 11, "wrong object type") \
    X(CAIRN_ERIGHTS, 12, "insufficient rights")  \
    X(CAIRN_ETIMEDOUT, 13, "timed out")          \
    X(CAIRN_EINTR, 14, "interrupted")            \
    X(CAIRN_ECLOSED, 15, "peer closed")          \
    X(CAIRN_EAGAIN, 16, "would block")           \
    X(CAIRN_EREVOKED, 17, "handle revoked")      \
    X(CAIRN_E2BIG, 18, "argument list too long")

enum cairn_error {
#define CAIRN_ERROR_ENUM(name, value, message) name = value,
    CAIRN_ERROR_TABLE(CAIRN_ERROR_ENUM)
#undef CAIRN_ERROR_ENUM
};

#endif
