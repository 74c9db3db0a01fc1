/* SPDX-License-Identifier: MIT */
/*
 * POSIX <dirent.h>: reading a directory (libc/dirent.c), over the I/O
 * protocol's PROTO_IO_READDIR (include/proto/io.h). opendir opens the
 * path with O_RDONLY | O_DIRECTORY; readdir asks the server for a batch
 * of entries when the last one is used up and checks every entry of the
 * reply before giving any (libc/dirent_parse.c): a malformed reply ends
 * the listing with NULL and errno EIO. `.` and `..` are not listed (the
 * protocol leaves them out). The struct dirent readdir returns is the
 * DIR's own, valid until the next readdir or closedir on it.
 */
#ifndef CAIRN_LIBC_DIRENT_H
#define CAIRN_LIBC_DIRENT_H

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_REG     1
#define DT_DIR     2
#define DT_CHR     3
#define DT_FIFO    4

struct dirent {
    ino_t d_ino;
    unsigned char d_type; /* DT_* */
    char d_name[256];
};

typedef struct cairn_dir DIR;

/* NULL and errno on failure (ENOTDIR for a file, ENOMEM). */
DIR *opendir(const char *path);
/* A stream over descriptor fd, which the DIR then owns (closedir closes
 * it); NULL and errno (EBADF, ENOMEM) on failure, fd left open. */
DIR *fdopendir(int fd);
/* The next entry, or NULL at the end (errno unchanged) or on an error
 * (errno set: the server's error, or EIO for a malformed reply). */
struct dirent *readdir(DIR *dir);
void rewinddir(DIR *dir);
int closedir(DIR *dir);
int dirfd(DIR *dir);

#endif
