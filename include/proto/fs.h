/* SPDX-License-Identifier: MIT */
/*
 * The file-system protocol: the requests on the vfs server's endpoint that
 * take a path (include/proto/io.h describes the message shape and what is
 * done with an open file). The vfs server (servers/vfs) holds the one
 * namespace: `/` and `/tmp` ramfs, `/boot` the initfs read-only with its
 * `bin/` shown as `/bin`, `/dev` with null and zero, and mount points of
 * other servers (`/dev/random`, later `/disk`); it answers for what it
 * serves itself and passes the rest to the server mounted there.
 *
 * A path is absolute, in the request's buffer (its length is the buffer's,
 * no 0 needed), at most PROTO_PATH_MAX bytes, each name at most
 * PROTO_NAME_MAX. libc makes relative paths absolute with the process's
 * working directory and folds `.`, `..` and repeated `/` away (there are
 * no symbolic links, so this is exact); the server still resolves `.` and
 * `..` itself and never lets `..` climb above `/`. A path naming nothing
 * gets -CAIRN_ENOENT, a path through a file -CAIRN_ENOTDIR, one too long
 * -CAIRN_ENAMETOOLONG, a change under `/boot` -CAIRN_EROFS.
 *
 * Mounted servers. A mount point (docs/vfs.md, "Mounts") names another
 * server by its registry name; the vfs passes every path request at or
 * below it (PROTO_FS_OPEN, _STAT, _MKDIR, _UNLINK, _RMDIR, and _RENAME
 * with both paths below the same mount) to that server, and its reply
 * back to the client as it came: words, bytes and handles. So a mounted
 * server speaks this protocol, with three differences:
 *   - the paths it gets are relative to the mount point, and normal: `/`
 *     is the mount point itself, `/a/b` the name a/b below it (a device
 *     such as /dev/random is opened as `/`);
 *   - the requests come from the vfs, through the handle the registry
 *     gave it, so a mounted server cannot tell clients apart by badge (a
 *     path request carries no identity anyway);
 *   - the handles of its reply go to the client unchanged (they need
 *     DUPLICATE and TRANSFER, as an open file's handle has: the vfs keeps
 *     a copy until the client has its own, to close the open file at the
 *     server if the client is gone), so an open file's I/O requests
 *     (io.h) go straight to the mounted server and never through the vfs.
 * A mounted server must answer within the vfs's time limit (30 seconds, on
 * the monotonic clock), else its client gets -CAIRN_ETIMEDOUT and a later
 * reply is dropped; one that cannot be found (not registered within 2
 * seconds, or not the vfs's to look up) gives -CAIRN_EIO; one that ends
 * while a request is with it gives -CAIRN_ECLOSED, and the vfs looks the
 * name up again for the next request. The mount point itself cannot be
 * removed, renamed or made (-CAIRN_EBUSY, -CAIRN_EEXIST for PROTO_FS_MKDIR),
 * and a rename between a mount and anything else gets -CAIRN_EXDEV.
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
/*
 * PROTO_FS_MOUNTS: no path; w[1] a cookie, 0 for the first mount. Reply:
 * w[0] 1 and one struct proto_mount in the buffer, w[1] the cookie of the
 * next one; w[0] 0 after the last. The vfs's own file systems come first
 * (`/`, `/tmp`, `/boot`, `/bin`, `/dev`), then the mounted servers in the
 * order of the vfs's table (a slot freed by an umount is used again).
 */
#define PROTO_FS_MOUNTS 0x208u
/*
 * PROTO_FS_MOUNT: the buffer holds the mount point's path, a 0, and the
 * registry name of the server to mount there. PROTO_FS_UMOUNT: the
 * buffer holds the mount point's path. Both only on the handle the vfs
 * registers as `vfs-mount` (so only a service whose manifest entry lists
 * that name under `lookup` can mount); on any other, -CAIRN_EPERM.
 *
 * A mount makes the mount point if it is missing (and the directories on
 * the way; under /dev a device node), or mounts over an existing
 * directory, whose names are hidden until the umount. The server is
 * looked up at the first request, not here. Reply 0; -CAIRN_EINVAL (no
 * 0, a bad name), -CAIRN_EBUSY (`/`, at, above or below another mount, a
 * mount point or mounted directory of the vfs's own), -CAIRN_ENOTDIR (a
 * file there or on the way), -CAIRN_EROFS (under /boot), -CAIRN_ENOSPC
 * (16 mounts). An umount lets go of the server and takes its mount point
 * back (a device node goes, a directory stays); the server's open files
 * stay open, they are its own. Reply 0; -CAIRN_EINVAL (not a mounted
 * server's mount point), -CAIRN_EBUSY (requests to it are waiting or
 * running).
 */
#define PROTO_FS_MOUNT  0x209u
#define PROTO_FS_UMOUNT 0x20au
/*
 * PROTO_FS_VIEW: the buffer holds the path of a directory, then for each
 * of w[2] binds (at most 4) a 0, the path it shows it at in the view, a
 * 0 and the path of the directory it shows; w[1] flags (PROTO_VIEW_*).
 * Reply: w[0] 0, handles[0] a view (SIGNAL, DUPLICATE,
 * TRANSFER): a handle that takes the path requests, PROTO_FS_PIPE,
 * _MOUNTS and _VIEW as the namespace's handle does, on the namespace
 * below that directory: its `/` is the directory, which it can neither
 * make, remove nor rename, `..` never climbs above it, and its mounts'
 * paths are relative to it (PROTO_FS_MOUNTS lists the file system that
 * holds it as `/`, then the mounts below it). With PROTO_VIEW_RDONLY, or
 * asked for through a read-only view, every change gets -CAIRN_EROFS: an
 * open for writing or with PROTO_O_TRUNC or _O_CREAT, mkdir, unlink,
 * rmdir, rename (open files are as they were opened: a view changes no
 * handle it did not make). A bind shows a directory of the caller's
 * read-only at its path in the view (not `/`; binds at, above or below
 * each other are refused), as a bind mount does: a path at or below it
 * names what is at or below that directory, and every change there gets
 * -CAIRN_EROFS; the view's own directory need not hold its name. A view
 * asked for through a view is below it (its binds are its own, named
 * through the view asked). It is its directories' paths: if a directory
 * goes, its paths name nothing (and name what is made there after).
 * Errors: -CAIRN_EINVAL (unknown flags, a malformed buffer, more than 4
 * binds, one at `/` or binds nested), -CAIRN_ENOENT, -CAIRN_ENOTDIR (not
 * a directory), -CAIRN_EXDEV (a mounted server's directory),
 * -CAIRN_ENOSPC (64 views are in use), -CAIRN_ENOMEM.
 */
#define PROTO_FS_VIEW   0x20bu

/* PROTO_FS_VIEW's flags */
#define PROTO_VIEW_RDONLY 1u /* every change gets -CAIRN_EROFS */

/* proto_mount.flags */
#define PROTO_MNT_RDONLY  1u /* every change gets -CAIRN_EROFS */
#define PROTO_MNT_REMOTE  2u /* passed to the server registered as `what` */
#define PROTO_MNT_REACHED 4u /* remote: the vfs holds its endpoint, and the */
                             /* last request passed on reached it */

struct proto_mount {
    uint32_t flags;                /* PROTO_MNT_* */
    int32_t error;                 /* remote: why the last lookup or pass-on failed, a */
                                   /* -CAIRN_E* code; 0 if none did (or none was tried) */
    char what[32];                 /* "ramfs", "initfs", "devfs", or the registry name; */
                                   /* NUL-terminated */
    char path[PROTO_PATH_MAX + 1]; /* the mount point, NUL-terminated */
    uint8_t reserved[7];           /* 0 */
};
_Static_assert(sizeof(struct proto_mount) == 1072, "proto_mount is ABI");

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
