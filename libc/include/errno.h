/* SPDX-License-Identifier: MIT */
/*
 * errno, one per thread (a `__thread` variable, libc/tls.c), and the E*
 * names of the codes. Cairn's system call wrappers (<cairn/sys.h>) return
 * their errors and never set errno; it is for POSIX-style functions built
 * on them, which store a positive CAIRN_E* code here. The pthread
 * functions (<pthread.h>) return the same codes as their result.
 */
#ifndef CAIRN_LIBC_ERRNO_H
#define CAIRN_LIBC_ERRNO_H

#include <cairn/errors.h>

extern __thread int errno;

#define EINVAL       CAIRN_EINVAL
#define ENOMEM       CAIRN_ENOMEM
#define EEXIST       CAIRN_EEXIST
#define ENOENT       CAIRN_ENOENT
#define EPERM        CAIRN_EPERM
#define EFAULT       CAIRN_EFAULT
#define ERANGE       CAIRN_ERANGE
#define EBUSY        CAIRN_EBUSY
#define ENOSYS       CAIRN_ENOSYS
#define ETIMEDOUT    CAIRN_ETIMEDOUT
#define EINTR        CAIRN_EINTR
#define EAGAIN       CAIRN_EAGAIN
#define E2BIG        CAIRN_E2BIG
#define EBADF        CAIRN_EBADF
#define EISDIR       CAIRN_EISDIR
#define ENOTDIR      CAIRN_ENOTDIR
#define ENOTEMPTY    CAIRN_ENOTEMPTY
#define ENOSPC       CAIRN_ENOSPC
#define ESPIPE       CAIRN_ESPIPE
#define EPIPE        CAIRN_EPIPE
#define EMFILE       CAIRN_EMFILE
#define EROFS        CAIRN_EROFS
#define EXDEV        CAIRN_EXDEV
#define ENOTTY       CAIRN_ENOTTY
#define ECHILD       CAIRN_ECHILD
#define ESRCH        CAIRN_ESRCH
#define EIO          CAIRN_EIO
#define ENOEXEC      CAIRN_ENOEXEC
#define EACCES       CAIRN_EPERM
#define EOVERFLOW    CAIRN_ERANGE
#define ENAMETOOLONG CAIRN_ENAMETOOLONG

#endif
