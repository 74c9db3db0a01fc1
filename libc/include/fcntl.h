/* SPDX-License-Identifier: MIT */
/*
 * POSIX <fcntl.h>: open(2) and its flags (libc/fd.c). The flags are the
 * file-system protocol's (include/proto/fs.h), passed to the vfs server
 * as they are.
 */
#ifndef CAIRN_LIBC_FCNTL_H
#define CAIRN_LIBC_FCNTL_H

#include <sys/types.h>

#include <proto/fs.h>

#define O_ACCMODE   PROTO_O_ACCMODE
#define O_RDONLY    PROTO_O_RDONLY
#define O_WRONLY    PROTO_O_WRONLY
#define O_RDWR      PROTO_O_RDWR
#define O_CREAT     PROTO_O_CREAT
#define O_EXCL      PROTO_O_EXCL
#define O_TRUNC     PROTO_O_TRUNC
#define O_APPEND    PROTO_O_APPEND
#define O_DIRECTORY PROTO_O_DIRECTORY
/* Kept in the descriptor, not sent: the descriptor is not inherited by
 * programs this one starts. */
#define O_CLOEXEC   0x80000
#define O_NONBLOCK  0x800

#define F_GETFD    1
#define F_SETFD    2
#define F_GETFL    3
#define FD_CLOEXEC 1

/* Opens path (relative to the working directory) with flags; with O_CREAT
 * a new file gets mode. Returns the lowest free descriptor, or -1 and
 * errno. */
int open(const char *path, int flags, ...);
int creat(const char *path, mode_t mode);
int fcntl(int fd, int cmd, ...);

#endif
