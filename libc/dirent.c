/* SPDX-License-Identifier: MIT */
/*
 * Directory streams (<dirent.h>) over PROTO_IO_READDIR. A DIR holds the
 * directory's descriptor, the last reply's bytes (one message buffer,
 * CAIRN_MSG_BUF_MAX), how many of its entries are left and the cookie that
 * goes on after them. A reply is checked whole (dirent_check_reply) before
 * any of its entries is handed out, so a malformed one ends the listing
 * with EIO and nothing half-read; a server that answers entries without
 * moving its cookie on would make the listing endless, and is refused the
 * same way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairn/fd.h>
#include <cairn/ipc.h>
#include <proto/io.h>

#include "dirent_parse.h"

struct cairn_dir {
    int fd;
    uint64_t cookie; /* where the next request starts */
    uint64_t left;   /* entries of buf not yet handed out */
    size_t off, len; /* the next entry's offset in buf; the bytes received */
    int done;        /* the server said there are no more */
    struct dirent entry;
    uint8_t buf[CAIRN_MSG_BUF_MAX] __attribute__((aligned(8)));
};

DIR *
fdopendir(int fd)
{
    DIR *dir;

    if (cairn_fd_handle(fd) < 0) {
        errno = EBADF;
        return NULL;
    }
    dir = calloc(1, sizeof(*dir));
    if (dir == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    dir->fd = fd;
    return dir;
}

DIR *
opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    DIR *dir;

    if (fd < 0)
        return NULL;
    dir = fdopendir(fd);
    if (dir == NULL) {
        int err = errno;

        close(fd);
        errno = err;
    }
    return dir;
}

/* Asks for the next batch; 0 with dir->left set (0 at the end), or -1 and
 * errno. */
static int
dir_fetch(DIR *dir)
{
    struct cairn_msg msg = {{PROTO_IO_READDIR, dir->cookie, 0, 0, 0}, NULL};
    size_t got = 0;
    long n = cairn_fd_request(dir->fd, &msg, NULL, 0, dir->buf, sizeof(dir->buf), &got);

    if (n < 0) {
        errno = (int)-n;
        return -1;
    }
    if (n == 0) {
        dir->done = 1;
        dir->left = 0;
        return 0;
    }
    if (got > sizeof(dir->buf) || dirent_check_reply(dir->buf, got, (uint64_t)n) < 0 ||
        msg.w[1] == dir->cookie) {
        errno = EIO;
        return -1;
    }
    dir->cookie = msg.w[1];
    dir->left = (uint64_t)n;
    dir->off = 0;
    dir->len = got;
    return 0;
}

struct dirent *
readdir(DIR *dir)
{
    struct dirent_entry e;

    if (dir->left == 0) {
        if (dir->done || dir_fetch(dir) < 0 || dir->left == 0)
            return NULL;
    }
    if (dirent_next(dir->buf, dir->len, &dir->off, &e) < 0) {
        dir->left = 0;
        errno = EIO;
        return NULL;
    }
    dir->left--;
    dir->entry.d_ino = e.ino;
    dir->entry.d_type = e.type;
    memcpy(dir->entry.d_name, e.name, e.namelen);
    dir->entry.d_name[e.namelen] = '\0';
    return &dir->entry;
}

void
rewinddir(DIR *dir)
{
    dir->cookie = 0;
    dir->left = 0;
    dir->done = 0;
}

int
closedir(DIR *dir)
{
    int r = close(dir->fd);

    free(dir);
    return r;
}

int
dirfd(DIR *dir)
{
    return dir->fd;
}
