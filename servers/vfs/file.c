// SPDX-License-Identifier: MIT
/*
 * Open files and the I/O protocol on them (include/proto/io.h). An open
 * file is a slot of vfs.files, named by the badge minted for it; the
 * reference count follows PROTO_IO_DUP and PROTO_IO_CLOSE, and the last
 * close lets go of the node (which the ramfs frees then if it was
 * unlinked) or closes the pipe's end (answering whoever waits on it).
 * A pipe read or write that must wait takes the caller out as a reply
 * handle (ipc_reply_save) and leaves it with the pipe; pipe_pump answers
 * it through vfs_answer. /dev/null and /dev/zero are open files of their
 * own kind: null reads end of file, zero reads zeros, both take every
 * write whole and throw it away, and a seek on them is 0 (as POSIX
 * systems do).
 */
#include <string.h>

#include <cairn/sys.h>
#include <proto/fs.h>

#include "vfs.h"

struct vfs_file *
vfs_file_of(uint64_t badge, int *slot)
{
    uint32_t idx = (uint32_t)badge, gen = (uint32_t)(badge >> 32);
    struct vfs_file *f;

    if (idx == 0 || idx > VFS_FILES_MAX)
        return NULL;
    f = &vfs.files[idx - 1];
    if (f->kind == VFS_FILE_FREE || f->gen != gen)
        return NULL;
    if (slot)
        *slot = (int)idx - 1;
    return f;
}

int
vfs_file_new(enum vfs_file_kind kind, struct vfs_rep *rp, struct vfs_file **out)
{
    for (int i = 0; i < VFS_FILES_MAX; i++) {
        struct vfs_file *f = &vfs.files[i];
        uint64_t badge;
        long h;

        if (f->kind != VFS_FILE_FREE)
            continue;
        badge = ((uint64_t)(f->gen + 1) << 32) | (uint64_t)(i + 1);
        /* A close notice comes when the last copy of the handle goes,
         * however its holders end (vfs_file_gone). */
        h = cairn_handle_mint_notify(
            vfs.endpoint, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_DUPLICATE | CAIRN_RIGHT_TRANSFER, badge);
        if (h < 0)
            return (int)h;
        f->gen++;
        f->refs = 1;
        f->chans = 0;
        f->kind = kind;
        f->flags = 0;
        f->offset = 0;
        f->fs = NULL;
        f->node = NULL;
        f->pipe = NULL;
        vfs.files_open++;
        rp->handles[rp->nhandles] = h;
        rp->files[rp->nhandles] = i;
        rp->nhandles++;
        *out = f;
        return i;
    }
    return -CAIRN_EMFILE;
}

void
vfs_file_drop_new(struct vfs_rep *rp)
{
    for (unsigned i = 0; i < rp->nhandles; i++) {
        struct vfs_file *f = &vfs.files[rp->files[i]];

        cairn_handle_close(rp->handles[i]);
        f->kind = VFS_FILE_FREE;
        f->refs = 0;
        f->node = NULL;
        f->pipe = NULL;
        vfs.files_open--;
    }
    rp->nhandles = 0;
}

/* The pipe is freed once both its ends are. */
static void
vfs_pipe_end_close(struct vfs_file *f)
{
    struct pipe *p = f->pipe;

    pipe_close_end(p, f->kind == VFS_FILE_PIPE_READ, &vfs.pipe_ops);
    if (!p->reader_open && !p->writer_open)
        pipe_destroy(p);
}

void
vfs_file_unref(int slot)
{
    struct vfs_file *f = &vfs.files[slot];

    if (--f->refs > 0)
        return;
    if (f->kind == VFS_FILE_NODE || f->kind == VFS_FILE_DEV)
        ramfs_close(f->fs, f->node);
    else
        vfs_pipe_end_close(f);
    f->kind = VFS_FILE_FREE;
    f->node = NULL;
    f->pipe = NULL;
    vfs.files_open--;
}

void
vfs_file_gone(uint64_t badge)
{
    int slot;
    struct vfs_file *f = vfs_file_of(badge, &slot);

    /* Nobody can name the open file any more: whatever references its
     * holders counted with PROTO_IO_DUP, it ends now (a killed process's
     * files, a killed pipe writer's end). A file closed the ordinary way
     * is free or reused already, and its old badge names nothing. */
    if (!f)
        return;
    f->refs = f->chans + 1; /* a bulk channel's reference stays (bulk.c) */
    vfs_file_unref(slot);
}

int
vfs_answer(void *ctx, long reply, long result, const void *data, size_t len)
{
    struct cairn_msg_ext ext = {.send_buf = (uint64_t)data, .send_len = (uint32_t)len};
    struct cairn_msg m = {.w = {(uint64_t)result}, .ext = len ? &ext : NULL};
    long r = cairn_ipc_reply_to(reply, &m);

    (void)ctx;
    cairn_handle_close(reply);
    vfs.waiters--;
    return r < 0 ? (int)r : 0;
}

/* Takes the caller out to answer later; the reply handle or a code. */
static long
vfs_defer(struct vfs_rep *rp)
{
    long reply;

    if (vfs.waiters >= VFS_WAITERS_MAX)
        return -CAIRN_EAGAIN;
    reply = cairn_ipc_reply_save();
    if (reply < 0)
        return reply;
    vfs.waiters++;
    rp->deferred = 1;
    return reply;
}

/* A deferral whose queueing failed: answer the caller at once. */
static void
vfs_defer_fail(long reply, long err)
{
    vfs_answer(NULL, reply, err, NULL, 0);
}

static int
vfs_can_read(const struct vfs_file *f)
{
    return (f->flags & PROTO_O_ACCMODE) != PROTO_O_WRONLY;
}

static int
vfs_can_write(const struct vfs_file *f)
{
    uint32_t acc = f->flags & PROTO_O_ACCMODE;

    return acc == PROTO_O_WRONLY || acc == PROTO_O_RDWR;
}

long
vfs_file_read(struct vfs_file *f, void *out, uint64_t want)
{
    long r;

    if (!vfs_can_read(f))
        return -CAIRN_EBADF;
    if (f->kind == VFS_FILE_DEV) {
        r = f->node == vfs.dev_zero ? (long)want : 0;
        memset(out, 0, (size_t)r);
        return r;
    }
    if (ramfs_is_dir(f->node))
        return -CAIRN_EISDIR;
    r = ramfs_read(f->node, f->offset, out, want);
    if (r > 0)
        f->offset += (uint64_t)r;
    return r;
}

long
vfs_file_write(struct vfs_file *f, const void *buf, uint64_t len)
{
    long r;

    if (!vfs_can_write(f))
        return -CAIRN_EBADF;
    if (f->kind == VFS_FILE_DEV)
        return (long)len;
    if (f->flags & PROTO_O_APPEND)
        f->offset = f->node->size;
    r = ramfs_write(f->fs, f->node, f->offset, buf, len);
    if (r > 0)
        f->offset += (uint64_t)r;
    return r;
}

/*
 * A read of up to want bytes from f's pipe into out, answered in rp or
 * deferred. bulk 0: a message's (want at most PIPE_ATOMIC), whose bytes
 * go in the reply; else a bulk channel's, out its buffer, which a waiting
 * read fills when its turn comes.
 */
static inline __attribute__((always_inline)) void
vfs_pipe_read_inline(struct vfs_file *f, const struct vfs_req *rq, struct vfs_rep *rp, void *out,
                     uint32_t want, int bulk)
{
    long r = pipe_read(f->pipe, want, out);

    if (r == -CAIRN_EAGAIN && !(rq->w[2] & PROTO_IO_NONBLOCK)) {
        long reply = vfs_defer(rp);

        if (reply < 0) {
            rp->deferred = 0;
            rp->w[0] = (uint64_t)reply;
            return;
        }
        r = bulk ? pipe_wait_read_into(f->pipe, reply, out, want)
                 : pipe_wait_read(f->pipe, reply, want);
        if (r < 0)
            vfs_defer_fail(reply, r);
        return;
    }
    if (r > 0)
        pipe_pump(f->pipe, &vfs.pipe_ops);
    rp->w[0] = (uint64_t)r;
    if (r > 0 && !bulk) {
        rp->buf = out;
        rp->len = (uint32_t)r;
    }
}

/*
 * A write of len bytes at data to f's pipe, answered in rp or deferred.
 * bulk 0: a message's (at most PIPE_ATOMIC bytes, whole, copied if it
 * waits); else a bulk channel's (data its buffer): what
 * fits goes in now and the rest waits, or with PROTO_IO_NONBLOCK the
 * count that went in (-CAIRN_EAGAIN for none), as POSIX's O_NONBLOCK.
 */
static inline __attribute__((always_inline)) void
vfs_pipe_write_inline(struct vfs_file *f, const struct vfs_req *rq, struct vfs_rep *rp,
                      const void *data, uint32_t len, int bulk)
{
    long r = bulk ? pipe_write_some(f->pipe, data, len) : pipe_write(f->pipe, data, len), reply;
    uint32_t done;

    if (r == (long)len) {
        pipe_pump(f->pipe, &vfs.pipe_ops);
        rp->w[0] = (uint64_t)r;
        return;
    }
    if (r == -CAIRN_EPIPE) {
        rp->w[0] = (uint64_t)r;
        return;
    }
    done = r > 0 ? (uint32_t)r : 0;
    if (rq->w[2] & PROTO_IO_NONBLOCK) {
        if (done)
            pipe_pump(f->pipe, &vfs.pipe_ops);
        rp->w[0] = done ? (uint64_t)done : (uint64_t)-CAIRN_EAGAIN;
        return;
    }
    /* The rest waits; queued before the pump, so that a waiting reader
     * can take it straight from the channel's buffer. */
    reply = vfs_defer(rp);
    if (reply < 0) {
        rp->deferred = 0;
        rp->w[0] = done ? (uint64_t)done : (uint64_t)reply;
    } else {
        r = bulk ? pipe_wait_write_from(f->pipe, reply, data, len, done)
                 : pipe_wait_write(f->pipe, reply, data, len);
        if (r < 0)
            vfs_defer_fail(reply, done ? (long)done : r);
    }
    if (done)
        pipe_pump(f->pipe, &vfs.pipe_ops);
}

/* Both are inlined into the message requests (bulk 0 folds away): a
 * call and the tests of bulk cost the one-byte round trip. */
void
vfs_pipe_read(struct vfs_file *f, const struct vfs_req *rq, struct vfs_rep *rp, void *out,
              uint32_t want, int bulk)
{
    vfs_pipe_read_inline(f, rq, rp, out, want, bulk);
}

void
vfs_pipe_write(struct vfs_file *f, const struct vfs_req *rq, struct vfs_rep *rp, const void *data,
               uint32_t len, int bulk)
{
    vfs_pipe_write_inline(f, rq, rp, data, len, bulk);
}

void
vfs_do_read(const struct vfs_req *rq, struct vfs_rep *rp)
{
    static uint8_t out[CAIRN_MSG_BUF_MAX];
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);
    uint64_t want = rq->w[1];
    long r;

    if (!f || f->kind == VFS_FILE_PIPE_WRITE) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return;
    }
    if (want == 0 || want > CAIRN_MSG_BUF_MAX) {
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    if (f->kind == VFS_FILE_PIPE_READ) {
        vfs_pipe_read_inline(f, rq, rp, out, (uint32_t)want, 0);
        return;
    }
    r = vfs_file_read(f, out, want);
    rp->w[0] = (uint64_t)r;
    if (r > 0) {
        rp->buf = out;
        rp->len = (uint32_t)r;
    }
}

void
vfs_do_write(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);

    if (!f || f->kind == VFS_FILE_PIPE_READ) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return;
    }
    if (rq->len == 0) {
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    if (f->kind == VFS_FILE_DEV || f->kind == VFS_FILE_NODE) {
        rp->w[0] = (uint64_t)vfs_file_write(f, rq->buf, rq->len);
        return;
    }
    vfs_pipe_write_inline(f, rq, rp, rq->buf, rq->len, 0);
}

void
vfs_do_seek(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);
    int64_t off = (int64_t)rq->w[1], base;

    if (!f) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return;
    }
    if (f->kind == VFS_FILE_DEV) {
        rp->w[0] = 0;
        return;
    }
    if (f->kind != VFS_FILE_NODE) {
        rp->w[0] = (uint64_t)-CAIRN_ESPIPE;
        return;
    }
    switch (rq->w[2]) {
    case PROTO_SEEK_SET:
        base = 0;
        break;
    case PROTO_SEEK_CUR:
        base = (int64_t)f->offset;
        break;
    case PROTO_SEEK_END:
        base = (int64_t)f->node->size;
        break;
    default:
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    /* base is at most RAMFS_FILE_MAX; the sum must stay in [0, FILE_MAX]. */
    if ((off < 0 && -(uint64_t)off > (uint64_t)base) ||
        (off > 0 && (uint64_t)off > RAMFS_FILE_MAX - (uint64_t)base)) {
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    f->offset = (uint64_t)(base + off);
    rp->w[0] = f->offset;
}

void
vfs_do_io_stat(const struct vfs_req *rq, struct vfs_rep *rp)
{
    static struct proto_stat st;
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);

    if (!f) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return;
    }
    if (f->kind == VFS_FILE_NODE || f->kind == VFS_FILE_DEV) {
        ramfs_stat(f->fs, f->node, &st);
    } else {
        memset(&st, 0, sizeof(st));
        st.mode = PROTO_S_IFIFO | 0600;
        st.nlink = 1;
        st.size = f->pipe->count;
        st.dev = VFS_DEV_PIPE;
        st.ino = f->pipe_ino;
        st.blksize = PIPE_ATOMIC;
    }
    rp->w[0] = 0;
    rp->buf = &st;
    rp->len = sizeof(st);
}

/* Memory needs no syncing; a pipe cannot be synced (POSIX's EINVAL). */
void
vfs_do_sync(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);

    if (!f)
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
    else if (f->kind != VFS_FILE_NODE && f->kind != VFS_FILE_DEV)
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
}

/* A ramfs's size is its budget, in pages; what it holds is what is used. */
void
vfs_do_statfs(const struct vfs_req *rq, struct vfs_rep *rp)
{
    static struct proto_statfs sf;
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);

    if (!f || (f->kind != VFS_FILE_NODE && f->kind != VFS_FILE_DEV)) {
        rp->w[0] = (uint64_t)(f ? -CAIRN_EINVAL : -CAIRN_EBADF);
        return;
    }
    memset(&sf, 0, sizeof(sf));
    sf.bsize = 4096;
    sf.blocks = f->fs->budget / sf.bsize;
    sf.bfree = f->fs->used >= f->fs->budget ? 0 : (f->fs->budget - f->fs->used) / sf.bsize;
    sf.namemax = PROTO_NAME_MAX;
    sf.flags = f->fs->readonly ? PROTO_STATFS_RDONLY : 0;
    strcpy(sf.type, f->fs->dev == VFS_DEV_BOOT  ? "initfs"
                    : f->fs->dev == VFS_DEV_DEV ? "devfs"
                                                : "ramfs");
    rp->buf = &sf;
    rp->len = sizeof(sf);
}

void
vfs_do_truncate(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);

    if (!f)
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
    else if (f->kind == VFS_FILE_DEV)
        rp->w[0] = vfs_can_write(f) ? 0 : (uint64_t)-CAIRN_EBADF;
    else if (f->kind != VFS_FILE_NODE)
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
    else if (ramfs_is_dir(f->node))
        rp->w[0] = (uint64_t)-CAIRN_EISDIR;
    else if (f->fs->readonly)
        rp->w[0] = (uint64_t)-CAIRN_EROFS;
    else if (!vfs_can_write(f))
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
    else
        rp->w[0] = (uint64_t)ramfs_truncate(f->fs, f->node, rq->w[1]);
}

void
vfs_do_readdir(const struct vfs_req *rq, struct vfs_rep *rp)
{
    static uint64_t out[CAIRN_MSG_BUF_MAX / 8];
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);
    uint64_t next = 0;
    long n;

    if (!f) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return;
    }
    if (f->kind != VFS_FILE_NODE || !ramfs_is_dir(f->node)) {
        rp->w[0] = (uint64_t)-CAIRN_ENOTDIR;
        return;
    }
    n = ramfs_readdir(f->node, rq->w[1], out, sizeof(out), &next);
    rp->w[0] = (uint64_t)n;
    if (n > 0) {
        const uint8_t *end = (const uint8_t *)out;

        for (long i = 0; i < n; i++)
            end += ((const struct proto_dirent *)end)->reclen;
        rp->w[1] = next;
        rp->buf = out;
        rp->len = (uint32_t)(end - (const uint8_t *)out);
    }
}

void
vfs_do_dup(const struct vfs_req *rq, struct vfs_rep *rp)
{
    struct vfs_file *f = vfs_file_of(rq->badge, NULL);

    if (!f)
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
    else if (f->refs == UINT32_MAX)
        rp->w[0] = (uint64_t)-CAIRN_EMFILE;
    else
        f->refs++, rp->w[0] = 0;
}

void
vfs_do_close(const struct vfs_req *rq, struct vfs_rep *rp)
{
    int slot;
    struct vfs_file *f = vfs_file_of(rq->badge, &slot);

    /* The references left may all be bulk channels' (bulk.c): those go
     * with their channels, never with a close on the open file's handle. */
    if (!f || f->refs <= f->chans) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return;
    }
    vfs_file_unref(slot);
    rp->w[0] = 0;
}
