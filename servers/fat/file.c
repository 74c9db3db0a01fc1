// SPDX-License-Identifier: MIT
/*
 * The fat server's open files (include/proto/io.h): each a slot of
 * fatsrv.files named by the badge of the handles minted for it, holding
 * the entry found at the open, the offset and a cursor (a file's read
 * cursor, a directory's listing position).
 *
 * The handles are minted with handle_mint_notify: when the last copy goes
 * without a PROTO_IO_CLOSE (a client killed), the close notice frees the
 * slot all the same (fatsrv_file_gone).
 *
 * A listing's cookie is the index of the next directory entry to look at
 * (each entry's short entry, as lib/fat numbers them), so a listing goes
 * on where it stopped even when entries were made or removed meanwhile:
 * none shows twice, none that stayed is skipped.
 */
#include <stdio.h>
#include <string.h>

#include <cairn/sys.h>

#include "fatsrv.h"

struct fatsrv_file *
fatsrv_file_of(uint64_t badge)
{
    uint32_t idx = (uint32_t)badge, gen = (uint32_t)(badge >> 32);

    if (idx == 0 || idx > FATSRV_FILES_MAX)
        return NULL;
    if (fatsrv.files[idx - 1].refs == 0 || fatsrv.files[idx - 1].gen != gen)
        return NULL;
    return &fatsrv.files[idx - 1];
}

/* One reference fewer; the last frees the slot, and closes the file in
 * lib/fat (an unlinked file's clusters are freed then). */
void
fatsrv_file_unref(struct fatsrv_file *f)
{
    if (--f->refs > 0)
        return;
    f->chans = 0;
    if (!fat_is_dir(&f->ent))
        fat_file_close(&fatsrv.vol, &f->file);
}

/* Every plain handle of the file is gone (its close notice): their
 * references go, the channels' stay until the channels end. */
void
fatsrv_file_gone(uint64_t badge)
{
    struct fatsrv_file *f = fatsrv_file_of(badge);

    if (f) {
        f->refs = f->chans + 1;
        fatsrv_file_unref(f);
    }
}

static int
fatsrv_can_write(const struct fatsrv_file *f)
{
    return (f->flags & PROTO_O_ACCMODE) != PROTO_O_RDONLY;
}

/* The entry of path, made as an empty file first when it is missing and
 * PROTO_O_CREAT asks for it. */
static long
fatsrv_open_entry(const char *path, uint64_t flags, struct fat_dirent *e, uint32_t *parent)
{
    static char name[PROTO_NAME_MAX + 1];
    uint32_t dir;
    long err = fatsrv_find(path, e, parent);

    if (err != -CAIRN_ENOENT || !(flags & PROTO_O_CREAT))
        return err;
    if (fatsrv.rdonly)
        return -CAIRN_EROFS;
    err = fatsrv_split(path, &dir, name);
    if (err == 0)
        err = fat_create(&fatsrv.vol, dir, name, 0, fatsrv_now(), e);
    *parent = dir;
    return err;
}

void
fatsrv_open(const struct cairn_msg *m, uint32_t len, struct fatsrv_rep *rp)
{
    static char path[PROTO_PATH_MAX + 1];
    static struct fat_dirent e;
    uint64_t flags = m->w[1];
    uint32_t parent = 0;
    long err = fatsrv_path(fatsrv_in, len, path);
    int writing = (flags & PROTO_O_ACCMODE) != PROTO_O_RDONLY || (flags & PROTO_O_TRUNC);
    int existed;

    if (err == 0 && (flags & PROTO_O_ACCMODE) == 3)
        err = -CAIRN_EINVAL;
    existed = err == 0 && fatsrv_find(path, &e, &parent) == 0;
    if (err == 0 && existed && (flags & PROTO_O_CREAT) && (flags & PROTO_O_EXCL))
        err = -CAIRN_EEXIST;
    else if (err == 0)
        err = fatsrv_open_entry(path, flags, &e, &parent);
    if (err == 0 && fat_is_dir(&e) && writing)
        err = -CAIRN_EISDIR;
    else if (err == 0 && !fat_is_dir(&e) && (flags & PROTO_O_DIRECTORY))
        err = -CAIRN_ENOTDIR;
    else if (err == 0 && writing && fatsrv.rdonly)
        err = -CAIRN_EROFS;
    if (err < 0) {
        rp->w[0] = (uint64_t)err;
        return;
    }

    for (int i = 0; i < FATSRV_FILES_MAX; i++) {
        struct fatsrv_file *f = &fatsrv.files[i];
        long h = -1;

        if (f->refs)
            continue;
        if (fat_is_dir(&e))
            err = strcmp(e.name, "/") == 0 ? (fat_dir_root(&fatsrv.vol, &f->dir), 0)
                                           : fat_dir_open_entry(&fatsrv.vol, &f->dir, &e);
        else
            err = fat_file_open(&fatsrv.vol, &e, &f->file);
        if (err == 0 && !fat_is_dir(&e) && (flags & PROTO_O_TRUNC) && f->file.size > 0)
            err = fat_file_truncate(&fatsrv.vol, &f->file, 0, fatsrv_now());
        if (err == 0) {
            h = cairn_handle_mint_notify(
                fatsrv.endpoint, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER,
                (uint64_t)(f->gen + 1) << 32 | (uint64_t)(i + 1));
            err = h < 0 ? h : 0;
        }
        if (err < 0) {
            if (!fat_is_dir(&e))
                fat_file_close(&fatsrv.vol, &f->file); /* harmless if never opened */
            rp->w[0] = (uint64_t)err; /* a damaged chain: refused now, not in a read */
            return;
        }
        f->gen++;
        f->refs = 1;
        f->flags = (uint32_t)flags;
        f->offset = 0;
        f->parent = parent;
        f->ent = e;
        rp->handle = h;
        rp->slot = i;
        rp->w[0] = 0;
        rp->w[1] = fat_is_dir(&e) ? PROTO_S_IFDIR : PROTO_S_IFREG;
        return;
    }
    rp->w[0] = (uint64_t)-CAIRN_EMFILE;
}

/* Reads up to len bytes at the file's offset into buf and moves the
 * offset: the bytes read, or an error. */
long
fatsrv_file_read(struct fatsrv_file *f, void *buf, uint64_t len)
{
    long n;

    if ((f->flags & PROTO_O_ACCMODE) == PROTO_O_WRONLY)
        return -CAIRN_EBADF;
    if (fat_is_dir(&f->ent))
        return -CAIRN_EISDIR;
    n = fat_file_read(&fatsrv.vol, &f->file, f->offset, buf, len);
    if (n > 0)
        f->offset += (uint64_t)n;
    return n;
}

/* Writes len bytes from buf at the file's offset (its end with
 * O_APPEND) and moves the offset: the bytes written, or an error. */
long
fatsrv_file_write(struct fatsrv_file *f, const void *buf, uint64_t len)
{
    int64_t now = fatsrv_now();
    long n;

    if (!fatsrv_can_write(f))
        return -CAIRN_EBADF;
    if (fatsrv.rdonly)
        return -CAIRN_EROFS;
    if (f->flags & PROTO_O_APPEND)
        f->offset = f->file.size;
    n = fat_file_write(&fatsrv.vol, &f->file, f->offset, buf, len, now);
    if (n > 0) {
        f->offset += (uint64_t)n;
        f->ent.mtime = now;
    }
    return n;
}

static void
fatsrv_read(const struct cairn_msg *m, struct fatsrv_file *f, struct fatsrv_rep *rp)
{
    long n;

    if (m->w[1] == 0 || m->w[1] > CAIRN_MSG_BUF_MAX || (m->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK)) {
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    n = fatsrv_file_read(f, fatsrv_out, m->w[1]);
    if (n > 0)
        rp->len = (uint32_t)n;
    rp->w[0] = (uint64_t)n;
}

static void
fatsrv_write(const struct cairn_msg *m, uint32_t len, struct fatsrv_file *f, struct fatsrv_rep *rp)
{
    if (len == 0 || (m->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK))
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
    else
        rp->w[0] = (uint64_t)fatsrv_file_write(f, fatsrv_in, len);
}

static void
fatsrv_seek(const struct cairn_msg *m, struct fatsrv_file *f, struct fatsrv_rep *rp)
{
    int64_t off = (int64_t)m->w[1], base;

    switch (m->w[2]) {
    case PROTO_SEEK_SET:
        base = 0;
        break;
    case PROTO_SEEK_CUR:
        base = (int64_t)f->offset;
        break;
    case PROTO_SEEK_END:
        base = fat_is_dir(&f->ent) ? 0 : f->file.size;
        break;
    default:
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0) {
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    f->offset = (uint64_t)(base + off);
    rp->w[0] = f->offset;
}

/* One listing page: as many entries as fit, from the cookie in w[1]. */
static void
fatsrv_readdir(const struct cairn_msg *m, struct fatsrv_file *f, struct fatsrv_rep *rp)
{
    static struct fat_dirent e;
    static struct fat_dir saved;
    uint64_t cookie = m->w[1];
    uint32_t used = 0, count = 0;
    long err;

    if (!fat_is_dir(&f->ent)) {
        rp->w[0] = (uint64_t)-CAIRN_ENOTDIR;
        return;
    }
    if (cookie > FAT_DIR_ENTRIES) {
        rp->w[0] = 0; /* past any directory's end: nothing more */
        rp->w[1] = cookie;
        return;
    }
    /* The cursor goes on from where the last page stopped; any other
     * cookie starts the directory again and skips to it. */
    if (f->dir.index != cookie || f->dir.done) {
        err = strcmp(f->ent.name, "/") == 0 ? (fat_dir_root(&fatsrv.vol, &f->dir), 0)
                                            : fat_dir_open_entry(&fatsrv.vol, &f->dir, &f->ent);
        if (err < 0) {
            rp->w[0] = (uint64_t)err;
            return;
        }
    }
    for (;;) {
        struct proto_dirent *d;
        const char *name;
        size_t namelen, reclen;

        saved = f->dir;
        err = fat_dir_next(&fatsrv.vol, &f->dir, &e);
        if (err <= 0)
            break;
        if (e.index < cookie)
            continue;
        /* A long name past what a listing can carry is shown by its short one. */
        name = strlen(e.name) <= PROTO_NAME_MAX ? e.name : e.short_name;
        namelen = strlen(name);
        reclen = (sizeof(*d) + namelen + 1 + 7) & ~(size_t)7;
        if (used + reclen > sizeof(fatsrv_out)) {
            f->dir = saved; /* this one starts the next page */
            err = 1;
            break;
        }
        d = (struct proto_dirent *)(fatsrv_out + used);
        d->ino = (((uint64_t)f->ent.cluster << 16) | e.index) + 2;
        d->reclen = (uint16_t)reclen;
        d->type = fat_is_dir(&e) ? PROTO_DT_DIR : PROTO_DT_REG;
        d->namelen = (uint8_t)namelen;
        memcpy(d->name, name, namelen + 1);
        used += (uint32_t)reclen;
        count++;
        cookie = (uint64_t)e.index + 1;
    }
    if (err < 0 && count == 0) {
        rp->w[0] = (uint64_t)err;
        return;
    }
    if (err == 0)
        cookie = FAT_DIR_ENTRIES + 1; /* the end: the next page is empty */
    rp->w[0] = count;
    rp->w[1] = cookie;
    rp->len = used;
}

/* The free clusters of a read-only mount: FSInfo's count when it is
 * plausible, else counted once from the FAT (and kept: nothing changes
 * the volume). A writable mount counts them at the mount and keeps the
 * count (fat_statfs). */
static long
fatsrv_free_clusters(uint64_t *out)
{
    static uint64_t counted = UINT64_MAX;

    if (fatsrv.vol.free_hint != FAT_HINT_UNKNOWN && fatsrv.vol.free_hint <= fatsrv.vol.clusters) {
        *out = fatsrv.vol.free_hint;
        return 0;
    }
    if (counted == UINT64_MAX) {
        uint64_t n = 0;

        for (uint32_t c = 2; c < fatsrv.vol.clusters + 2; c++) {
            uint32_t v;
            long err = fat_entry(&fatsrv.vol, c, &v);

            if (err < 0)
                return err;
            n += v == 0;
        }
        counted = n;
    }
    *out = counted;
    return 0;
}

static void
fatsrv_statfs(struct fatsrv_rep *rp)
{
    struct proto_statfs *sf = (struct proto_statfs *)fatsrv_out;
    struct fat_statfs st;
    uint64_t free = 0;
    long err = fatsrv.rdonly ? fatsrv_free_clusters(&free) : fat_statfs(&fatsrv.vol, &st);

    if (err < 0) {
        rp->w[0] = (uint64_t)err;
        return;
    }
    if (!fatsrv.rdonly)
        free = st.free;
    memset(sf, 0, sizeof(*sf));
    sf->bsize = fatsrv.vol.cluster_bytes;
    sf->blocks = fatsrv.vol.clusters;
    sf->bfree = free;
    sf->namemax = PROTO_NAME_MAX;
    sf->flags = fatsrv.rdonly ? PROTO_STATFS_RDONLY : 0;
    snprintf(sf->type, sizeof(sf->type), "fat%d", fatsrv.vol.type);
    rp->len = sizeof(*sf);
}

void
fatsrv_io(const struct cairn_msg *m, const struct cairn_msg_ext *ext, struct fatsrv_file *f,
          struct fatsrv_rep *rp)
{
    switch (m->w[0]) {
    case PROTO_IO_READ:
        fatsrv_read(m, f, rp);
        break;
    case PROTO_IO_WRITE:
        fatsrv_write(m, ext->recv_len, f, rp);
        break;
    case PROTO_IO_SEEK:
        fatsrv_seek(m, f, rp);
        break;
    case PROTO_IO_STAT:
        if (!fat_is_dir(&f->ent))
            f->ent.size = f->file.size; /* as every handle of the file sees it now */
        fatsrv_stat_of(&f->ent, f->parent, (struct proto_stat *)fatsrv_out);
        rp->len = sizeof(struct proto_stat);
        break;
    case PROTO_IO_TRUNCATE:
        if (fat_is_dir(&f->ent))
            rp->w[0] = (uint64_t)-CAIRN_EISDIR;
        else if (!fatsrv_can_write(f))
            rp->w[0] = (uint64_t)-CAIRN_EBADF;
        else if (fatsrv.rdonly)
            rp->w[0] = (uint64_t)-CAIRN_EROFS;
        else
            rp->w[0] = (uint64_t)fat_file_truncate(&fatsrv.vol, &f->file, m->w[1], fatsrv_now());
        break;
    case PROTO_IO_READDIR:
        fatsrv_readdir(m, f, rp);
        break;
    case PROTO_IO_SYNC:
        rp->w[0] = fatsrv.rdonly ? 0 : (uint64_t)fat_sync(&fatsrv.vol);
        break;
    case PROTO_IO_STATFS:
        fatsrv_statfs(rp);
        break;
    case PROTO_IO_DUP:
        if (f->refs == UINT32_MAX)
            rp->w[0] = (uint64_t)-CAIRN_EMFILE;
        else
            f->refs++;
        break;
    case PROTO_IO_CLOSE:
        /* A plain handle's close never takes a channel's reference. */
        if (f->refs > f->chans)
            fatsrv_file_unref(f);
        break;
    case PROTO_IO_BULK_OPEN:
        fatsrv_bulk_open(m, ext, f, rp);
        break;
    case PROTO_IO_BULK_READ:
    case PROTO_IO_BULK_WRITE:
        rp->w[0] = (uint64_t)-CAIRN_EBADF; /* only on a channel */
        break;
    case PROTO_IO_TTY_GET:
    case PROTO_IO_TTY_SET:
    case PROTO_IO_TTY_SETPGRP:
    case PROTO_IO_TTY_HANGUP:
        rp->w[0] = (uint64_t)-CAIRN_ENOTTY;
        break;
    default:
        rp->w[0] = (uint64_t)-CAIRN_ENOSYS;
    }
}
