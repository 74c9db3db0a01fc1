/* SPDX-License-Identifier: MIT */
/*
 * The ramfs: a tree of directories and files in the server's heap, the
 * file system of `/` and `/tmp`; with read-only nodes whose bytes lie in
 * the initfs archive, also of `/boot` (initfs.c). Pure C over malloc:
 * no system call, no lock (the vfs server has one thread), built into the
 * server and the host test.
 *
 * Invariants:
 *   - every node has at most one name (no hard links): a linked node is
 *     on exactly one directory's list, under its parent; nlink is 1 (a
 *     directory: 2 + its subdirectories) while linked, 0 after;
 *   - a node is freed once it is unlinked and no open file holds it
 *     (opens == 0), so an unlinked open file stays readable and writable;
 *   - a directory's entries are in the order they were added, each with
 *     a sequence number above every earlier one: a readdir cookie is such
 *     a number, and entries added or removed meanwhile never make another
 *     entry show twice or be skipped;
 *   - a file's bytes are chunks of RAMFS_CHUNK bytes from a table; a
 *     chunk not written (a hole, or past the table) reads as zeros;
 *   - used counts the bytes the file system holds (nodes, chunks, chunk
 *     tables) and never passes budget: an operation that would pass it,
 *     or for which malloc fails, gets -CAIRN_ENOSPC and changes nothing
 *     (every allocation comes before the first change);
 *   - a pinned node (the root, a mount point, a mounted directory, a
 *     directory on the way to a mounted server) cannot be removed or
 *     renamed (-CAIRN_EBUSY); pinned counts the pins, one per mount
 *     through the node (the vfs's own are set once at start).
 */
#ifndef CAIRN_SERVERS_VFS_RAMFS_H
#define CAIRN_SERVERS_VFS_RAMFS_H

#include <stddef.h>
#include <stdint.h>

#include <proto/io.h>

/* A chunk with its 16-byte header is one slot of a chunk group, a page
 * (chunk.h). */
#define RAMFS_CHUNK    4080u
/* What stat calls the best size for reads and writes: one message's bytes. */
#define RAMFS_BLKSIZE  4096u
/* The largest file: offsets stay far from int64_t's end. */
#define RAMFS_FILE_MAX (1ull << 40)

struct ramfs_node {
    uint64_t ino;
    uint32_t mode; /* PROTO_S_IF* | permission bits */
    uint32_t opens;
    int linked;
    int pinned;
    int64_t mtime_ns, ctime_ns;
    struct ramfs_node *parent;      /* the directory holding it; NULL for the root */
    struct ramfs_node *prev, *next; /* in the parent's list */
    uint64_t seq;                   /* its place in the parent's list */
    /* A directory's entries. */
    struct ramfs_node *first, *last;
    uint64_t next_seq, entries, subdirs;
    /* A file's bytes: size, the chunk table, or the read-only bytes. */
    uint64_t size;
    uint8_t **chunks;
    uint64_t nchunks;
    const uint8_t *ro_data;
    uint8_t namelen;
    char name[PROTO_NAME_MAX + 1];
};

struct ramfs {
    struct ramfs_node *root;
    uint64_t budget, used;
    uint64_t next_ino;
    uint64_t nodes; /* alive, linked or not */
    uint32_t dev;
    int readonly; /* every change gets -CAIRN_EROFS */
    int64_t (*clock)(void);
};

/* A file system with an empty root directory (mode 0755): 0 or
 * -CAIRN_ENOSPC. clock gives the times (nanoseconds). */
int ramfs_init(struct ramfs *fs, uint32_t dev, uint64_t budget, int64_t (*clock)(void));

/* Frees the whole tree; only once no open file holds a node (an
 * unlinked node still open is not in the tree). */
void ramfs_fini(struct ramfs *fs);

static inline int
ramfs_is_dir(const struct ramfs_node *n)
{
    return (n->mode & PROTO_S_IFMT) == PROTO_S_IFDIR;
}

/* The entry called name (len bytes) in dir, or NULL. */
struct ramfs_node *ramfs_lookup(struct ramfs_node *dir, const char *name, size_t len);

/*
 * A new file, directory or device (by mode's type: PROTO_S_IFREG, _IFDIR
 * or _IFCHR, with permission bits) called name in dir, in *out. A device
 * node has no bytes of its own: the vfs gives it its meaning (/dev).
 * Returns 0, -CAIRN_EEXIST, -CAIRN_ENOTDIR (dir is a file), -CAIRN_ENOENT
 * (dir was removed), -CAIRN_ENAMETOOLONG, -CAIRN_EINVAL (an empty, `.`,
 * `..` or `/`-holding name, another type), -CAIRN_ENOSPC, -CAIRN_EROFS.
 */
int ramfs_create(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                 uint32_t mode, struct ramfs_node **out);

/* A read-only file whose size bytes are at data (the initfs), as
 * ramfs_create (on a file system not yet made read-only). */
int ramfs_create_ro(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                    uint32_t mode, const uint8_t *data, uint64_t size, struct ramfs_node **out);

/* Removes a file (-CAIRN_EISDIR for a directory) / an empty directory
 * (-CAIRN_ENOTDIR, -CAIRN_ENOTEMPTY); -CAIRN_ENOENT, -CAIRN_EBUSY,
 * -CAIRN_EROFS. */
int ramfs_unlink(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len);
int ramfs_rmdir(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len);

/*
 * Moves odir's entry oname to ndir as nname, replacing a file there by a
 * file or an empty directory by a directory. -CAIRN_ENOENT, -CAIRN_EISDIR
 * (a file onto a directory), -CAIRN_ENOTDIR (a directory onto a file),
 * -CAIRN_ENOTEMPTY, -CAIRN_EINVAL (a directory into itself or below it),
 * -CAIRN_EBUSY, -CAIRN_EROFS, and the name errors of ramfs_create. The
 * same entry onto itself is 0 and changes nothing.
 */
int ramfs_rename(struct ramfs *fs, struct ramfs_node *odir, const char *oname, size_t olen,
                 struct ramfs_node *ndir, const char *nname, size_t nlen);

/* Bytes of a file from off: the count read (0 at or past the end). */
long ramfs_read(const struct ramfs_node *n, uint64_t off, void *buf, size_t len);

/* Writes len bytes at off, growing the file: len (all or nothing), or
 * -CAIRN_ENOSPC, -CAIRN_EINVAL (past RAMFS_FILE_MAX), -CAIRN_EROFS. */
long ramfs_write(struct ramfs *fs, struct ramfs_node *n, uint64_t off, const void *buf, size_t len);

/* A new length: chunks past it are freed, bytes past it read as zeros if
 * it grows again. 0, -CAIRN_EINVAL (past RAMFS_FILE_MAX), -CAIRN_EROFS. */
int ramfs_truncate(struct ramfs *fs, struct ramfs_node *n, uint64_t size);

void ramfs_stat(const struct ramfs *fs, const struct ramfs_node *n, struct proto_stat *st);

/*
 * struct proto_dirent records of dir's entries from cookie on, into buf
 * (cap bytes, 8-byte aligned): returns how many, and in *next the cookie
 * that goes on after them (0 entries: the end). -CAIRN_EINVAL when not
 * even one entry fits.
 */
long ramfs_readdir(const struct ramfs_node *dir, uint64_t cookie, void *buf, size_t cap,
                   uint64_t *next);

/* An open file takes and lets go of a node; the last let-go frees an
 * unlinked node. */
void ramfs_open(struct ramfs_node *n);
void ramfs_close(struct ramfs *fs, struct ramfs_node *n);

/* Is a inside the tree under d (or d itself)? */
int ramfs_is_below(const struct ramfs_node *a, const struct ramfs_node *d);

#endif
