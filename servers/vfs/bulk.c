// SPDX-License-Identifier: MIT
/*
 * Bulk channels (include/proto/io.h, PROTO_IO_BULK_*; docs/vfs.md, "Bulk
 * channels"): reads and writes of an open file through a buffer the client
 * shares with the server, one request per buffer-full instead of one
 * message per 4096 bytes.
 *
 * A channel is a slot of vfs.chans, named by the badge of the one handle
 * minted for it (VFS_CHAN_BASE + slot in the low 32 bits, the slot's
 * generation above them, so a stale channel's badge names nothing). It
 * holds the client's memory object mapped here, and one reference to its
 * open file, counted in the file's chans as well as its refs. On a pipe,
 * a request that must wait leaves the caller in the pipe's queue with
 * the channel's buffer (pipe.h), by which pipe_cancel finds it.
 *
 * Invariants:
 *   - a file's refs >= its chans: a PROTO_IO_CLOSE on a plain handle never
 *     takes a channel's reference (vfs_do_close), and the close notice of
 *     the plain handles leaves the channels' (vfs_file_gone), so an open
 *     file is freed only after its last channel;
 *   - the mapping is the server's own, made whole and with every page
 *     entered before the channel exists, so whatever the client does to its
 *     side (unmaps, closes the object) the server's accesses cannot fault;
 *     it goes when the channel does (PROTO_IO_CLOSE on it, or the close
 *     notice of its handle), after its pipe waiters are answered and taken
 *     out of their queues (pipe_cancel), so no queued waiter points into
 *     a buffer that is gone;
 *   - at most VFS_CHANS_MAX channels of at most VFS_BULK_MAX bytes each, and
 *     VFS_CHANS_PER_FILE per open file: what clients can make the server
 *     map is bounded.
 */
#include <string.h>

#include <cairn/buffer.h>
#include <cairn/sys.h>

#include "vfs.h"

/* The channel a badge names, or NULL. */
static struct vfs_chan *
bulk_chan_of(uint64_t badge)
{
    uint32_t idx = (uint32_t)badge, gen = (uint32_t)(badge >> 32);
    struct vfs_chan *c;

    if (idx < VFS_CHAN_BASE || idx >= VFS_CHAN_BASE + VFS_CHANS_MAX)
        return NULL;
    c = &vfs.chans[idx - VFS_CHAN_BASE];
    if (c->file < 0 || c->gen != gen)
        return NULL;
    return c;
}

int
bulk_is_chan(uint64_t badge)
{
    uint32_t idx = (uint32_t)badge;

    return idx >= VFS_CHAN_BASE && idx < VFS_CHAN_BASE + VFS_CHANS_MAX;
}

/* Ends a channel: its pipe waiters (which use its buffer), its mapping,
 * its reference to the open file. */
static void
bulk_chan_end(struct vfs_chan *c)
{
    int slot = c->file;
    struct vfs_file *f = &vfs.files[slot];

    if (f->kind == VFS_FILE_PIPE_READ || f->kind == VFS_FILE_PIPE_WRITE)
        pipe_cancel(f->pipe, (const void *)c->at, &vfs.pipe_ops);
    cairn_vm_unmap(c->at, c->size);
    c->file = -1;
    c->at = 0;
    c->size = 0;
    vfs.chans_open--;
    vfs.files[slot].chans--;
    vfs_file_unref(slot);
}

void
bulk_gone(uint64_t badge)
{
    struct vfs_chan *c = bulk_chan_of(badge);

    /* A channel closed with PROTO_IO_CLOSE is free (or reused) already. */
    if (c)
        bulk_chan_end(c);
}

void
vfs_do_bulk_open(const struct vfs_req *rq, struct vfs_rep *rp)
{
    int slot;
    struct vfs_file *f = vfs_file_of(rq->badge, &slot);
    uint64_t size = rq->w[1], badge;
    struct vfs_chan *c = NULL;
    long at, h;
    int i;

    rp->w[1] = VFS_BULK_MAX;
    if (!f) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return;
    }
    /* Files, /dev/null, /dev/zero and both ends of a pipe take bulk
     * requests (a pipe's wait in its queues with the channel's buffer). */
    if (f->kind == VFS_FILE_NODE && ramfs_is_dir(f->node)) {
        rp->w[0] = (uint64_t)-CAIRN_EISDIR;
        return;
    }
    if (size > VFS_BULK_MAX || rq->nhandles != 1) {
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    for (i = 0; i < VFS_CHANS_MAX && !c; i++)
        if (vfs.chans[i].file < 0)
            c = &vfs.chans[i];
    if (!c || f->chans >= VFS_CHANS_PER_FILE || f->refs == UINT32_MAX) {
        rp->w[0] = (uint64_t)-CAIRN_EMFILE;
        return;
    }
    at = cairn_buffer_map(rq->handles[0], size);
    if (at < 0) {
        rp->w[0] = (uint64_t)at;
        return;
    }
    i = (int)(c - vfs.chans);
    badge = ((uint64_t)(c->gen + 1) << 32) | (uint64_t)(VFS_CHAN_BASE + (uint32_t)i);
    /* SIGNAL to use it, TRANSFER to be moved to the client; no DUPLICATE:
     * a channel is one process's. The notice comes when it goes. */
    h = cairn_handle_mint_notify(vfs.endpoint, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER, badge);
    if (h < 0) {
        cairn_vm_unmap((uint64_t)at, size);
        rp->w[0] = (uint64_t)h;
        return;
    }
    c->gen++;
    c->file = slot;
    c->at = (uint64_t)at;
    c->size = size;
    vfs.chans_open++;
    f->chans++;
    f->refs++;
    /* A reply that fails drops the handle: its close notice ends the
     * channel (bulk_gone), so there is no open file to take back here. */
    rp->handles[rp->nhandles] = h;
    rp->files[rp->nhandles] = -1;
    rp->nhandles++;
    rp->w[0] = 0;
}

/* The bulk request itself on channel c: PROTO_IO_BULK_READ or _WRITE. */
static void
bulk_do_rw(const struct vfs_req *rq, struct vfs_rep *rp, struct vfs_chan *c)
{
    struct vfs_file *f = &vfs.files[c->file];
    uint64_t len = rq->w[1];

    if (len == 0 || len > c->size) {
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    /* A pipe's end does one of the two: a read on the write end, a write
     * on the read end are EBADF, as with messages. */
    if (f->kind == VFS_FILE_PIPE_READ || f->kind == VFS_FILE_PIPE_WRITE) {
        if ((rq->w[0] == PROTO_IO_BULK_READ) != (f->kind == VFS_FILE_PIPE_READ))
            rp->w[0] = (uint64_t)-CAIRN_EBADF;
        else if (rq->w[0] == PROTO_IO_BULK_READ)
            vfs_pipe_read(f, rq, rp, (void *)c->at, (uint32_t)len, 1);
        else
            vfs_pipe_write(f, rq, rp, (const void *)c->at, (uint32_t)len, 1);
        return;
    }
    if (rq->w[0] == PROTO_IO_BULK_READ)
        rp->w[0] = (uint64_t)vfs_file_read(f, (void *)c->at, len);
    else
        rp->w[0] = (uint64_t)vfs_file_write(f, (const void *)c->at, len);
}

int
bulk_dispatch(const struct vfs_req *rq, struct vfs_rep *rp, uint64_t *file_badge)
{
    struct vfs_chan *c = bulk_chan_of(rq->badge);
    const struct vfs_file *f;

    if (!c) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return 1;
    }
    switch (rq->w[0]) {
    case PROTO_IO_BULK_READ:
    case PROTO_IO_BULK_WRITE:
        bulk_do_rw(rq, rp, c);
        return 1;
    case PROTO_IO_BULK_OPEN:
    case PROTO_IO_DUP:
        rp->w[0] = (uint64_t)-CAIRN_EPERM;
        return 1;
    case PROTO_IO_CLOSE:
        bulk_chan_end(c);
        rp->w[0] = 0;
        return 1;
    default:
        f = &vfs.files[c->file];
        *file_badge = ((uint64_t)f->gen << 32) | (uint64_t)(c->file + 1);
        return 0;
    }
}
