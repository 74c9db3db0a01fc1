// SPDX-License-Identifier: MIT
/*
 * The ramfs (ramfs.h has its invariants). Directories are doubly linked
 * lists in the order of their sequence numbers, so a lookup is a walk of
 * the list: fine for the directories of a small system, and it keeps
 * readdir's cookies trivially stable. Files are tables of chunks of a page,
 * so a growing file never moves its bytes and a sparse one costs only
 * what was written. Every operation checks and allocates first, then
 * changes the tree in steps that cannot fail.
 */
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>

#include "chunk.h"
#include "ramfs.h"

/* What a node costs the budget, beyond its chunks. */
#define NODE_COST ((uint64_t)sizeof(struct ramfs_node))

static int64_t
ramfs_now(const struct ramfs *fs)
{
    return fs->clock ? fs->clock() : 0;
}

static int
ramfs_name_check(const char *name, size_t len)
{
    if (len == 0 || (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return -CAIRN_EINVAL;
    if (len > PROTO_NAME_MAX)
        return -CAIRN_ENAMETOOLONG;
    for (size_t i = 0; i < len; i++)
        if (name[i] == '/' || name[i] == '\0')
            return -CAIRN_EINVAL;
    return 0;
}

/* Room for bytes more in the budget? */
static int
ramfs_fits(const struct ramfs *fs, uint64_t bytes)
{
    return bytes <= fs->budget - fs->used;
}

static struct ramfs_node *
ramfs_node_alloc(struct ramfs *fs, uint32_t mode)
{
    struct ramfs_node *n;

    if (!ramfs_fits(fs, NODE_COST))
        return NULL;
    n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    fs->used += NODE_COST;
    fs->nodes++;
    n->ino = fs->next_ino++;
    n->mode = mode;
    n->mtime_ns = n->ctime_ns = ramfs_now(fs);
    n->next_seq = 1;
    return n;
}

/* A file's chunks past the first keep chunks, and the table if keep is 0. */
static void
ramfs_chunks_free(struct ramfs *fs, struct ramfs_node *n, uint64_t keep)
{
    for (uint64_t i = keep; i < n->nchunks; i++) {
        if (n->chunks[i]) {
            chunk_free(n->chunks[i]);
            n->chunks[i] = NULL;
            fs->used -= RAMFS_CHUNK;
        }
    }
    if (keep == 0 && n->chunks) {
        free(n->chunks);
        fs->used -= n->nchunks * sizeof(uint8_t *);
        n->chunks = NULL;
        n->nchunks = 0;
    }
}

static void
ramfs_node_free(struct ramfs *fs, struct ramfs_node *n)
{
    ramfs_chunks_free(fs, n, 0);
    fs->used -= NODE_COST;
    fs->nodes--;
    free(n);
}

int
ramfs_init(struct ramfs *fs, uint32_t dev, uint64_t budget, int64_t (*clock)(void))
{
    memset(fs, 0, sizeof(*fs));
    fs->budget = budget;
    fs->dev = dev;
    fs->clock = clock;
    fs->next_ino = 1;
    fs->root = ramfs_node_alloc(fs, PROTO_S_IFDIR | 0755);
    if (!fs->root)
        return -CAIRN_ENOSPC;
    fs->root->linked = 1;
    fs->root->pinned = 1;
    return 0;
}

/* Frees the tree under top (and top) without recursion: each step goes
 * down to a node with no entries, frees it, and goes back to its parent. */
static void
ramfs_free_tree(struct ramfs *fs, struct ramfs_node *top)
{
    struct ramfs_node *n = top;

    while (n) {
        struct ramfs_node *up = n == top ? NULL : n->parent;

        if (n->first) {
            n = n->first;
            continue;
        }
        if (up) {
            up->first = n->next;
            if (!up->first)
                up->last = NULL;
        }
        ramfs_node_free(fs, n);
        n = up;
    }
}

void
ramfs_fini(struct ramfs *fs)
{
    if (fs->root)
        ramfs_free_tree(fs, fs->root);
    fs->root = NULL;
}

struct ramfs_node *
ramfs_lookup(struct ramfs_node *dir, const char *name, size_t len)
{
    if (!ramfs_is_dir(dir) || len > PROTO_NAME_MAX)
        return NULL;
    for (struct ramfs_node *n = dir->first; n; n = n->next)
        if (n->namelen == len && memcmp(n->name, name, len) == 0)
            return n;
    return NULL;
}

/* Puts n at the end of dir's list as name. Cannot fail. */
static void
ramfs_link(struct ramfs *fs, struct ramfs_node *dir, struct ramfs_node *n, const char *name,
           size_t len)
{
    memmove(n->name, name, len);
    n->name[len] = '\0';
    n->namelen = (uint8_t)len;
    n->parent = dir;
    n->seq = dir->next_seq++;
    n->prev = dir->last;
    n->next = NULL;
    if (dir->last)
        dir->last->next = n;
    else
        dir->first = n;
    dir->last = n;
    dir->entries++;
    if (ramfs_is_dir(n))
        dir->subdirs++;
    n->linked = 1;
    dir->mtime_ns = dir->ctime_ns = n->ctime_ns = ramfs_now(fs);
}

/* Takes n off its parent's list. Cannot fail; n stays allocated. */
static void
ramfs_unlink_node(struct ramfs *fs, struct ramfs_node *n)
{
    struct ramfs_node *dir = n->parent;

    if (n->prev)
        n->prev->next = n->next;
    else
        dir->first = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        dir->last = n->prev;
    n->prev = n->next = NULL;
    dir->entries--;
    if (ramfs_is_dir(n))
        dir->subdirs--;
    n->linked = 0;
    dir->mtime_ns = dir->ctime_ns = n->ctime_ns = ramfs_now(fs);
}

/* Drops an unlinked node unless an open file holds it. */
static void
ramfs_release(struct ramfs *fs, struct ramfs_node *n)
{
    if (!n->linked && n->opens == 0) {
        n->parent = NULL;
        ramfs_node_free(fs, n);
    }
}

/* The checks every change of dir's entries starts with. */
static int
ramfs_dir_check(const struct ramfs *fs, const struct ramfs_node *dir)
{
    if (fs->readonly)
        return -CAIRN_EROFS;
    if (!ramfs_is_dir(dir))
        return -CAIRN_ENOTDIR;
    if (!dir->linked)
        return -CAIRN_ENOENT;
    return 0;
}

static int
ramfs_create_node(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                  uint32_t mode, struct ramfs_node **out)
{
    struct ramfs_node *n;
    int err = ramfs_dir_check(fs, dir);

    if (err == 0)
        err = ramfs_name_check(name, len);
    if (err)
        return err;
    if ((mode & PROTO_S_IFMT) != PROTO_S_IFREG && (mode & PROTO_S_IFMT) != PROTO_S_IFDIR &&
        (mode & PROTO_S_IFMT) != PROTO_S_IFCHR)
        return -CAIRN_EINVAL;
    if (ramfs_lookup(dir, name, len))
        return -CAIRN_EEXIST;
    n = ramfs_node_alloc(fs, (mode & PROTO_S_IFMT) | (mode & 07777));
    if (!n)
        return -CAIRN_ENOSPC;
    ramfs_link(fs, dir, n, name, len);
    *out = n;
    return 0;
}

int
ramfs_create(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len, uint32_t mode,
             struct ramfs_node **out)
{
    return ramfs_create_node(fs, dir, name, len, mode, out);
}

int
ramfs_create_ro(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                uint32_t mode, const uint8_t *data, uint64_t size, struct ramfs_node **out)
{
    int err = ramfs_create_node(fs, dir, name, len, PROTO_S_IFREG | (mode & 07777), out);

    if (err == 0) {
        (*out)->ro_data = data;
        (*out)->size = size;
    }
    return err;
}

int
ramfs_unlink(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len)
{
    struct ramfs_node *n;
    int err = ramfs_dir_check(fs, dir);

    if (err)
        return err;
    n = ramfs_lookup(dir, name, len);
    if (!n)
        return -CAIRN_ENOENT;
    if (ramfs_is_dir(n))
        return -CAIRN_EISDIR;
    if (n->pinned)
        return -CAIRN_EBUSY;
    ramfs_unlink_node(fs, n);
    ramfs_release(fs, n);
    return 0;
}

int
ramfs_rmdir(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len)
{
    struct ramfs_node *n;
    int err = ramfs_dir_check(fs, dir);

    if (err)
        return err;
    n = ramfs_lookup(dir, name, len);
    if (!n)
        return -CAIRN_ENOENT;
    if (!ramfs_is_dir(n))
        return -CAIRN_ENOTDIR;
    if (n->pinned)
        return -CAIRN_EBUSY;
    if (n->first)
        return -CAIRN_ENOTEMPTY;
    ramfs_unlink_node(fs, n);
    ramfs_release(fs, n);
    return 0;
}

int
ramfs_is_below(const struct ramfs_node *a, const struct ramfs_node *d)
{
    for (; a; a = a->parent)
        if (a == d)
            return 1;
    return 0;
}

int
ramfs_rename(struct ramfs *fs, struct ramfs_node *odir, const char *oname, size_t olen,
             struct ramfs_node *ndir, const char *nname, size_t nlen)
{
    struct ramfs_node *n, *victim;
    int err = ramfs_dir_check(fs, odir);

    if (err == 0)
        err = ramfs_dir_check(fs, ndir);
    if (err == 0)
        err = ramfs_name_check(nname, nlen);
    if (err)
        return err;
    n = ramfs_lookup(odir, oname, olen);
    if (!n)
        return -CAIRN_ENOENT;
    victim = ramfs_lookup(ndir, nname, nlen);
    if (victim == n)
        return 0;
    if (n->pinned || (victim && victim->pinned))
        return -CAIRN_EBUSY;
    if (ramfs_is_dir(n) && ramfs_is_below(ndir, n))
        return -CAIRN_EINVAL;
    if (victim) {
        if (ramfs_is_dir(victim) && !ramfs_is_dir(n))
            return -CAIRN_EISDIR;
        if (!ramfs_is_dir(victim) && ramfs_is_dir(n))
            return -CAIRN_ENOTDIR;
        if (victim->first)
            return -CAIRN_ENOTEMPTY;
        ramfs_unlink_node(fs, victim);
        ramfs_release(fs, victim);
    }
    ramfs_unlink_node(fs, n);
    ramfs_link(fs, ndir, n, nname, nlen);
    return 0;
}

long
ramfs_read(const struct ramfs_node *n, uint64_t off, void *buf, size_t len)
{
    uint8_t *out = buf;
    size_t done = 0;

    if (off >= n->size)
        return 0;
    if (len > n->size - off)
        len = (size_t)(n->size - off);
    if (n->ro_data) {
        memcpy(out, n->ro_data + off, len);
        return (long)len;
    }
    while (done < len) {
        uint64_t at = off + done, ci = at / RAMFS_CHUNK;
        size_t in = (size_t)(at % RAMFS_CHUNK), step = RAMFS_CHUNK - in;

        if (step > len - done)
            step = len - done;
        if (ci < n->nchunks && n->chunks[ci])
            memcpy(out + done, n->chunks[ci] + in, step);
        else
            memset(out + done, 0, step);
        done += step;
    }
    return (long)len;
}

long
ramfs_write(struct ramfs *fs, struct ramfs_node *n, uint64_t off, const void *buf, size_t len)
{
    const uint8_t *in = buf;
    uint64_t first, last, need = 0, grow = 0;
    uint8_t **table = n->chunks, **fresh;

    if (fs->readonly || n->ro_data)
        return -CAIRN_EROFS;
    if (ramfs_is_dir(n))
        return -CAIRN_EISDIR;
    if (len == 0)
        return 0;
    if (off > RAMFS_FILE_MAX || len > RAMFS_FILE_MAX - off)
        return -CAIRN_EINVAL;
    first = off / RAMFS_CHUNK;
    last = (off + len - 1) / RAMFS_CHUNK;
    /* Check and allocate everything first: the missing chunks into a
     * list of their own, then the longer table; nothing changes before
     * both succeeded. */
    if (last >= n->nchunks)
        grow = last + 1 - n->nchunks;
    for (uint64_t ci = first; ci <= last; ci++)
        if (ci >= n->nchunks || !n->chunks[ci])
            need++;
    if (grow > (fs->budget - fs->used) / sizeof(uint8_t *) ||
        !ramfs_fits(fs, grow * sizeof(uint8_t *) + need * RAMFS_CHUNK))
        return -CAIRN_ENOSPC;
    fresh = need ? calloc(need, sizeof(uint8_t *)) : NULL;
    if (need && !fresh)
        return -CAIRN_ENOSPC;
    for (uint64_t k = 0; k < need; k++)
        if (!(fresh[k] = chunk_alloc()))
            goto err_fresh;
    if (grow) {
        table = realloc(n->chunks, (n->nchunks + grow) * sizeof(uint8_t *));
        if (!table)
            goto err_fresh;
        memset(table + n->nchunks, 0, grow * sizeof(uint8_t *));
        n->chunks = table;
        n->nchunks += grow;
        fs->used += grow * sizeof(uint8_t *);
    }
    for (uint64_t ci = first, k = 0; ci <= last; ci++)
        if (!table[ci])
            table[ci] = fresh[k++];
    fs->used += need * RAMFS_CHUNK;
    free(fresh);
    for (size_t done = 0; done < len;) {
        uint64_t at = off + done, ci = at / RAMFS_CHUNK;
        size_t o = (size_t)(at % RAMFS_CHUNK), step = RAMFS_CHUNK - o;

        if (step > len - done)
            step = len - done;
        memcpy(table[ci] + o, in + done, step);
        done += step;
    }
    if (off + len > n->size)
        n->size = off + len;
    n->mtime_ns = n->ctime_ns = ramfs_now(fs);
    return (long)len;

err_fresh:
    for (uint64_t k = 0; k < need; k++)
        chunk_free(fresh[k]);
    free(fresh);
    return -CAIRN_ENOSPC;
}

int
ramfs_truncate(struct ramfs *fs, struct ramfs_node *n, uint64_t size)
{
    uint64_t keep;

    if (fs->readonly || n->ro_data)
        return -CAIRN_EROFS;
    if (ramfs_is_dir(n))
        return -CAIRN_EISDIR;
    if (size > RAMFS_FILE_MAX)
        return -CAIRN_EINVAL;
    if (size < n->size) {
        keep = (size + RAMFS_CHUNK - 1) / RAMFS_CHUNK;
        if (keep == 0)
            ramfs_chunks_free(fs, n, 0);
        else if (keep < n->nchunks)
            ramfs_chunks_free(fs, n, keep);
        /* The kept last chunk's tail must read as zeros if the file grows. */
        if (size % RAMFS_CHUNK && keep - 1 < n->nchunks && n->chunks[keep - 1])
            memset(n->chunks[keep - 1] + size % RAMFS_CHUNK, 0, RAMFS_CHUNK - size % RAMFS_CHUNK);
    }
    n->size = size;
    n->mtime_ns = n->ctime_ns = ramfs_now(fs);
    return 0;
}

void
ramfs_stat(const struct ramfs *fs, const struct ramfs_node *n, struct proto_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->ino = n->ino;
    st->dev = fs->dev;
    st->mode = n->mode;
    st->mtime_ns = n->mtime_ns;
    st->ctime_ns = n->ctime_ns;
    st->blksize = RAMFS_BLKSIZE;
    if (ramfs_is_dir(n)) {
        st->size = n->entries;
        st->nlink = n->linked ? (uint32_t)(2 + n->subdirs) : 0;
    } else {
        st->size = n->size;
        st->nlink = n->linked ? 1 : 0;
    }
}

long
ramfs_readdir(const struct ramfs_node *dir, uint64_t cookie, void *buf, size_t cap, uint64_t *next)
{
    const struct ramfs_node *n = dir->first;
    uint8_t *out = buf;
    size_t at = 0;
    long count = 0;

    *next = cookie;
    if (!ramfs_is_dir(dir))
        return -CAIRN_ENOTDIR;
    while (n && n->seq < cookie)
        n = n->next;
    for (; n; n = n->next) {
        size_t reclen = (offsetof(struct proto_dirent, name) + n->namelen + 1 + 7) & ~(size_t)7;
        struct proto_dirent d;

        if (reclen > cap - at)
            break;
        d.ino = n->ino;
        d.reclen = (uint16_t)reclen;
        d.type = ramfs_is_dir(n)                             ? PROTO_DT_DIR
                 : (n->mode & PROTO_S_IFMT) == PROTO_S_IFCHR ? PROTO_DT_CHR
                                                             : PROTO_DT_REG;
        d.namelen = n->namelen;
        memset(out + at, 0, reclen);
        memcpy(out + at, &d, offsetof(struct proto_dirent, name));
        memcpy(out + at + offsetof(struct proto_dirent, name), n->name, n->namelen);
        at += reclen;
        count++;
        *next = n->seq + 1;
    }
    if (count == 0 && n)
        return -CAIRN_EINVAL;
    return count;
}

void
ramfs_open(struct ramfs_node *n)
{
    n->opens++;
}

void
ramfs_close(struct ramfs *fs, struct ramfs_node *n)
{
    n->opens--;
    ramfs_release(fs, n);
}
