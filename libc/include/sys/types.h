/* SPDX-License-Identifier: MIT */
/* POSIX <sys/types.h>: the integer types the file and process calls use. */
#ifndef CAIRN_LIBC_SYS_TYPES_H
#define CAIRN_LIBC_SYS_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;
typedef int64_t off_t;
typedef int pid_t;
typedef uint32_t mode_t;
typedef uint64_t ino_t;
typedef uint64_t dev_t;
typedef uint32_t nlink_t;
typedef long blksize_t;
typedef long blkcnt_t;
typedef long time_t;
typedef long useconds_t;
typedef unsigned uid_t;
typedef unsigned gid_t;

#endif
