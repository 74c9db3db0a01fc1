/* SPDX-License-Identifier: MIT */
/*
 * The I/O protocol: what every open thing speaks, whichever server holds
 * it — a file or a directory of a file system, the console, a pipe, a
 * device. A file descriptor in libc (libc/fd.c) is one handle to such a
 * thing: an endpoint of its server with SIGNAL, minted with a badge that
 * tells the server which open file the message is about. So one read(2)
 * is one ipc_call, and any server can stand behind any descriptor; a
 * large one may go through a bulk channel instead (PROTO_IO_BULK_*,
 * below), where the server has them.
 *
 * Every message of include/proto/ has the same shape (docs/protocols.md):
 *   request  w[0] the operation (PROTO_IO_* here), w[1..4] its arguments,
 *            bytes and handles in the message's extension where it says;
 *   reply    w[0] the result: >= 0, or a negative CAIRN_E* code
 *            (include/cairn/errors.h); w[1..4], bytes and handles where it
 *            says. An operation a server does not know gets -CAIRN_ENOSYS;
 *            one on a badge it does not know, -CAIRN_EBADF.
 *
 * The open file's state — the offset, the mode it was opened with — is
 * the server's, named by the badge. Copies of the handle share it, as
 * POSIX descriptors made by dup(2) or inherited by a child share one open
 * file description: the offset moves for all of them. The server counts
 * the references (PROTO_IO_DUP before a copy is handed on, PROTO_IO_CLOSE
 * when one is let go) and frees the open file at the last close.
 *
 * Blocking: a read from the console or an empty pipe, a write to a full
 * pipe, wait inside the server (a deferred reply, docs/ipc.md), never by
 * the server refusing and the client polling. PROTO_IO_NONBLOCK in the
 * flags of PROTO_IO_READ or _WRITE asks for -CAIRN_EAGAIN instead.
 */
#ifndef CAIRN_PROTO_IO_H
#define CAIRN_PROTO_IO_H

#include <stdint.h>

/*
 * PROTO_IO_READ: w[1] the most bytes wanted (1..CAIRN_MSG_BUF_MAX), w[2]
 * flags (PROTO_IO_NONBLOCK). Reply: w[0] the bytes read, in the reply's
 * buffer, 0 at the end of the file (or of the stream: a pipe with no
 * writer left, ^D on the console); fewer than asked is not an error.
 * Files read from the open file's offset and advance it.
 */
#define PROTO_IO_READ        0x101u
/*
 * PROTO_IO_WRITE: the bytes in the request's buffer (1..CAIRN_MSG_BUF_MAX),
 * w[2] flags (PROTO_IO_NONBLOCK). Reply: w[0] the bytes written, which may
 * be fewer; -CAIRN_EPIPE on a pipe with no reader left, -CAIRN_ENOSPC when
 * the file system is full, -CAIRN_EBADF when not opened for writing.
 */
#define PROTO_IO_WRITE       0x102u
/*
 * PROTO_IO_SEEK: w[1] the offset (a signed 64-bit number), w[2] whence
 * (PROTO_SEEK_SET, _CUR, _END). Reply: w[0] the new offset;
 * -CAIRN_ESPIPE on a stream, -CAIRN_EINVAL for a result below 0.
 */
#define PROTO_IO_SEEK        0x103u
/* PROTO_IO_STAT: reply: w[0] 0, a struct proto_stat in the reply's buffer. */
#define PROTO_IO_STAT        0x104u
/* PROTO_IO_TRUNCATE: w[1] the new length (files opened for writing). */
#define PROTO_IO_TRUNCATE    0x105u
/*
 * PROTO_IO_READDIR (a directory): w[1] a cookie, 0 for the first entry.
 * Reply: w[0] the number of entries in the reply's buffer (0: no more),
 * each a struct proto_dirent; w[1] the cookie that goes on after them.
 * Entries created or removed meanwhile may or may not show; none shows
 * twice and none that stayed is skipped. `.` and `..` are not listed.
 */
#define PROTO_IO_READDIR     0x106u
/* PROTO_IO_DUP: one more reference to this open file; reply 0. */
#define PROTO_IO_DUP         0x107u
/* PROTO_IO_CLOSE: one reference fewer; the last frees the open file. */
#define PROTO_IO_CLOSE       0x108u
/*
 * Terminals (the console; anything else answers -CAIRN_ENOTTY, save
 * that a device drawing a terminal's grid, the framebuffer driver, tells
 * it with PROTO_IO_TTY_GET: its rows and columns, mode and group 0).
 * PROTO_IO_TTY_GET: reply w[1] the PROTO_TTY_* mode bits, w[2] rows,
 * w[3] columns, w[4] the foreground process group. PROTO_IO_TTY_SET:
 * w[1] the new mode bits. PROTO_IO_TTY_SETPGRP: w[1] the process group
 * that ^C is sent to and that may read.
 */
#define PROTO_IO_TTY_GET     0x109u
#define PROTO_IO_TTY_SET     0x10au
#define PROTO_IO_TTY_SETPGRP 0x10bu
/* PROTO_IO_TTY_HANGUP: every read waiting now ends with 0 (end of file),
 * as when a modem hangs up: the readers of a session that is over (the
 * shells of a process server that was restarted) leave the terminal to
 * the next one. Reply 0. */
#define PROTO_IO_TTY_HANGUP  0x10cu

/*
 * Bulk channels: reads and writes through a buffer shared with the
 * server instead of the message's 4096 bytes.
 *
 * An open file's handle is shared by every process that inherited or
 * dup'ed it, so a shared buffer cannot belong to it. A client asks for a
 * private **channel** instead: a second handle to the same open file,
 * with a badge of its own that also names the buffer. The channel holds
 * one reference to the open file (as a PROTO_IO_DUP would) until it is
 * closed, by PROTO_IO_CLOSE on the channel or by the last copy of its
 * handle going (the server mints it with handle_mint_notify); the server
 * then unmaps the buffer. The channel is the client's alone: a client
 * never hands it on (libc opens it for a descriptor's own use, never
 * dup'ing it nor passing it to a child).
 *
 * PROTO_IO_BULK_OPEN (on an open file's handle): w[1] the buffer's size
 * in bytes, a whole number of pages, at most the server's limit; one
 * handle in the message, a memory object of at least that size with
 * READ, WRITE and MAP (the client keeps its own mapping of it). The
 * server maps the first w[1] bytes and makes sure every page of them is
 * there (a page a quota cannot pay for refuses the buffer), so nothing
 * the client does later (unmapping, closing its handle) reaches the
 * server's mapping, which stays until the channel closes. Reply: w[0] 0
 * and the channel's handle (SIGNAL and TRANSFER); w[1] the server's
 * largest buffer, also with -CAIRN_EINVAL. Errors: -CAIRN_ENOSYS (the
 * server, or this open file: a terminal, has no bulk path; the client
 * goes on with PROTO_IO_READ and _WRITE), -CAIRN_EISDIR (a
 * directory), -CAIRN_EINVAL (no memory object, a size that is 0, not
 * whole pages or past the limit, an object smaller than the size or
 * without the rights, pages that cannot be had), -CAIRN_EMFILE (the
 * server's channels are all taken: a bound per open file and one in all,
 * the server's to state), -CAIRN_EPERM (asked on a channel).
 *
 * PROTO_IO_BULK_READ (on a channel): w[1] the most bytes wanted
 * (1..the buffer's size), w[2] flags (PROTO_IO_NONBLOCK). The server reads
 * from the open file's offset into the buffer from its byte 0 and
 * advances the offset. Reply: w[0] the bytes read, as PROTO_IO_READ.
 *
 * PROTO_IO_BULK_WRITE (on a channel): w[1] the bytes to write
 * (1..the buffer's size), taken from the buffer from its byte 0; w[2]
 * flags. Reply: w[0] the bytes written, as PROTO_IO_WRITE. The server
 * reads the buffer while it writes: bytes the client changes meanwhile
 * are its own business, never the server's.
 *
 * Every other I/O request on a channel acts on its open file as on the
 * open file's own handle (a PROTO_IO_READ, a seek, a stat), except
 * PROTO_IO_DUP, refused with -CAIRN_EPERM (a channel is never shared),
 * and PROTO_IO_CLOSE, which closes the channel (not the open file: the
 * channel's reference goes). PROTO_IO_BULK_READ and _WRITE on a handle
 * that is not a channel get -CAIRN_EBADF. A channel outlives the plain
 * handles: the open file stays while a channel holds it.
 */
#define PROTO_IO_BULK_OPEN  0x10du
#define PROTO_IO_BULK_READ  0x10eu
#define PROTO_IO_BULK_WRITE 0x10fu

/*
 * PROTO_IO_SYNC (fsync(2)): what was written through this open file, and
 * the entry that names it, is on stable storage when the reply is 0. A
 * file system server may do more (the fat server writes back its whole
 * cache and flushes the disk), never less. A file of memory (the ramfs)
 * answers 0 at once. Errors: -CAIRN_EIO (a write-back or the disk's flush
 * failed: the data may not be durable), -CAIRN_EINVAL (a pipe or a
 * terminal, which cannot be synced).
 */
#define PROTO_IO_SYNC   0x110u
/*
 * PROTO_IO_STATFS (statvfs(2)): the file system this open file is on.
 * Reply: w[0] 0 and a struct proto_statfs in the reply's buffer.
 * -CAIRN_EINVAL on a pipe or a terminal.
 */
#define PROTO_IO_STATFS 0x111u

struct proto_statfs {
    uint64_t blocks;   /* the file system's size in units of bsize */
    uint64_t bfree;    /* of them free */
    uint64_t files;    /* file nodes it can hold at most, 0 if it has no such bound */
    uint64_t ffree;    /* of them free */
    uint32_t bsize;    /* the unit: a cluster, a page */
    uint32_t namemax;  /* the longest name it takes, in bytes */
    uint32_t flags;    /* PROTO_STATFS_RDONLY */
    uint32_t reserved; /* 0 */
    char type[16];     /* "fat32", "ramfs", "initfs", "devfs", NUL-terminated */
};
_Static_assert(sizeof(struct proto_statfs) == 64, "proto_statfs is ABI");
#define PROTO_STATFS_RDONLY 1u

#define PROTO_IO_NONBLOCK 1u

#define PROTO_SEEK_SET 0
#define PROTO_SEEK_CUR 1
#define PROTO_SEEK_END 2

/* Terminal modes: a line at a time with editing (else each byte as it
 * comes), the input echoed, ^C as a signal. */
#define PROTO_TTY_CANON  1u
#define PROTO_TTY_ECHO   2u
#define PROTO_TTY_SIGINT 4u

/* proto_stat.mode: the type in the top bits, POSIX's values, and the
 * permission bits below (kept, shown by ls -l, not enforced: Cairn's
 * access control is the capability, not the mode). */
#define PROTO_S_IFMT  0170000u
#define PROTO_S_IFREG 0100000u
#define PROTO_S_IFDIR 0040000u
#define PROTO_S_IFCHR 0020000u
#define PROTO_S_IFIFO 0010000u

struct proto_stat {
    uint64_t size;     /* bytes; for a directory, its entries */
    uint64_t ino;      /* unique within its file system */
    uint64_t dev;      /* which file system (the server's number) */
    int64_t mtime_ns;  /* last change of the contents, wall clock */
    int64_t ctime_ns;  /* last change of the contents or the entry */
    uint32_t mode;     /* PROTO_S_IF* | permission bits */
    uint32_t nlink;    /* names it has (1; a directory 2 + subdirectories) */
    uint32_t blksize;  /* the size reads and writes go best in */
    uint32_t reserved; /* 0 */
};
_Static_assert(sizeof(struct proto_stat) == 56, "proto_stat is ABI");

/* One directory entry: at an 8-byte aligned place in the buffer, the next
 * one reclen bytes on; name is namelen bytes with a 0 after them. */
struct proto_dirent {
    uint64_t ino;
    uint16_t reclen;
    uint8_t type;    /* PROTO_DT_* */
    uint8_t namelen; /* 1..PROTO_NAME_MAX */
    char name[];
};
#define PROTO_DT_REG  1
#define PROTO_DT_DIR  2
#define PROTO_DT_CHR  3
#define PROTO_DT_FIFO 4

/* The longest name of one directory entry, and of a whole path. */
#define PROTO_NAME_MAX 255
#define PROTO_PATH_MAX 1024

#endif
