/* SPDX-License-Identifier: MIT */
/* POSIX <sys/stat.h>: stat, fstat and mkdir (libc/fd.c, libc/path.c). */
#ifndef CAIRN_LIBC_SYS_STAT_H
#define CAIRN_LIBC_SYS_STAT_H

#include <sys/types.h>
#include <time.h>

#include <proto/io.h>

#define S_IFMT      PROTO_S_IFMT
#define S_IFREG     PROTO_S_IFREG
#define S_IFDIR     PROTO_S_IFDIR
#define S_IFCHR     PROTO_S_IFCHR
#define S_IFIFO     PROTO_S_IFIFO
#define S_ISREG(m)  (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m)&S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m)&S_IFMT) == S_IFCHR)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)

struct stat {
    dev_t st_dev;
    ino_t st_ino;
    mode_t st_mode;
    nlink_t st_nlink;
    uid_t st_uid;
    gid_t st_gid;
    off_t st_size;
    blksize_t st_blksize;
    blkcnt_t st_blocks;
    struct timespec st_mtim;
    struct timespec st_ctim;
    struct timespec st_atim;
};

int stat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
int mkdir(const char *path, mode_t mode);

#endif
