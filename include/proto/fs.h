/* SPDX-License-Identifier: MIT */
/*
 * The file-system protocol: the requests on the vfs server's endpoint that
 * take a path (include/proto/io.h describes the message shape and what is
 * done with an open file). The vfs server (servers/vfs) holds the one
 * namespace: `/` and `/tmp` ramfs, `/boot` the initfs read-only with its
 * `bin/` shown as `/bin`, later `/disk`; it answers for what it serves
 * itself and passes the rest to the server mounted there.
 *
 * A path is absolute, in the request's buffer (its length is the buffer's,
 * no 0 needed), at most PROTO_PATH_MAX bytes, each name at most
 * PROTO_NAME_MAX. libc makes relative paths absolute with the process's
 * working directory and folds `.`, `..` and repeated `/` away (there are
 * no symbolic links, so this is exact); the server still resolves `.` and
 * `..` itself and never lets `..` climb above `/`. A path naming nothing
 * gets -CAIRN_ENOENT, a path through a file -CAIRN_ENOTDIR, one too long
 * -CAIRN_ENAMETOOLONG, a change under `/boot` -CAIRN_EROFS.
 */
#ifndef CAIRN_PROTO_FS_H
#define CAIRN_PROTO_FS_H

#include <proto/io.h>

/*
 * PROTO_FS_OPEN: w[1] flags (PROTO_O_*), w[2] the mode of a file it
 * creates. Reply: w[0] 0, handles[0] the open file (an I/O handle: SIGNAL,
 * DUPLICATE, TRANSFER), w[1] its PROTO_S_IF* type. Errors: -CAIRN_ENOENT
 * (no such file and no PROTO_O_CREAT), -CAIRN_EEXIST (PROTO_O_CREAT |
 * PROTO_O_EXCL and it exists), -CAIRN_EISDIR (a directory opened for
 * writing), -CAIRN_ENOTDIR (PROTO_O_DIRECTORY on a file), -CAIRN_EMFILE
 * (the server's open files are all in use).
 */
#define PROTO_FS_OPEN   0x201u
/* PROTO_FS_STAT: reply w[0] 0 and a struct proto_stat in the buffer. */
#define PROTO_FS_STAT   0x202u
/* PROTO_FS_MKDIR: w[1] the mode; -CAIRN_EEXIST if the name is taken. */
#define PROTO_FS_MKDIR  0x203u
/* PROTO_FS_UNLINK: a file (-CAIRN_EISDIR for a directory). Open files
 * stay readable and writable until their last close. */
#define PROTO_FS_UNLINK 0x204u
/* PROTO_FS_RMDIR: an empty directory (-CAIRN_ENOTEMPTY), never `/` or a
 * mount point (-CAIRN_EBUSY). */
#define PROTO_FS_RMDIR  0x205u
/* PROTO_FS_RENAME: the buffer holds the old path, a 0, the new path. A
 * file replaces a file of the new name; across file systems
 * -CAIRN_EXDEV; a directory into itself -CAIRN_EINVAL. */
#define PROTO_FS_RENAME 0x206u
/* PROTO_FS_PIPE: no path. Reply: handles[0] the read end, handles[1]
 * the write end (I/O handles; PROTO_IO_SEEK on them gets -CAIRN_ESPIPE). */
#define PROTO_FS_PIPE   0x207u

/* PROTO_FS_OPEN's flags: POSIX's meanings, and libc's <fcntl.h> values. */
#define PROTO_O_ACCMODE   3u
#define PROTO_O_RDONLY    0u
#define PROTO_O_WRONLY    1u
#define PROTO_O_RDWR      2u
#define PROTO_O_CREAT     0x40u
#define PROTO_O_EXCL      0x80u
#define PROTO_O_TRUNC     0x200u
#define PROTO_O_APPEND    0x400u
#define PROTO_O_DIRECTORY 0x10000u

#endif
