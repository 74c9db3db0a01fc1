/* SPDX-License-Identifier: MIT */
/* POSIX <sys/statvfs.h>: statvfs and fstatvfs (libc/fd.c, libc/sync.c). */
#ifndef CAIRN_LIBC_SYS_STATVFS_H
#define CAIRN_LIBC_SYS_STATVFS_H

#include <sys/types.h>

typedef unsigned long fsblkcnt_t;
typedef unsigned long fsfilcnt_t;

#define ST_RDONLY 1ul
#define ST_NOSUID 2ul

struct statvfs {
    unsigned long f_bsize;  /* the file system's block size */
    unsigned long f_frsize; /* the unit of f_blocks (the same) */
    fsblkcnt_t f_blocks;    /* size in f_frsize units */
    fsblkcnt_t f_bfree;     /* free */
    fsblkcnt_t f_bavail;    /* free for an ordinary process (the same: no reserve) */
    fsfilcnt_t f_files;     /* file nodes at most, 0 if unbounded */
    fsfilcnt_t f_ffree;
    fsfilcnt_t f_favail;
    unsigned long f_fsid;
    unsigned long f_flag; /* ST_RDONLY */
    unsigned long f_namemax;
    char f_basetype[16]; /* Cairn (and Solaris): "fat32", "ramfs" ... */
};

int statvfs(const char *path, struct statvfs *sv);
int fstatvfs(int fd, struct statvfs *sv);

#endif
