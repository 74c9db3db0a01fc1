// SPDX-License-Identifier: MIT
/*
 * The fat server's bulk channels (include/proto/io.h, PROTO_IO_BULK_*): a
 * file's reads and writes through a buffer the client shares, one request
 * per buffer-full, as the vfs's (docs/vfs.md, "Bulk channels").
 *
 * A channel is a slot of fatsrv.chans named by the badge of the one handle
 * minted for it; it maps the client's buffer (cairn_buffer_map: every page
 * entered, so the client cannot make a copy fault) and holds one reference
 * to its open file, counted in the file's chans as well as its refs, so a
 * file is freed only after its last channel. The channel ends by
 * PROTO_IO_CLOSE on it or by the close notice of its handle.
 */
#include <string.h>

#include <cairn/buffer.h>
#include <cairn/sys.h>

#include "fatsrv.h"

static struct fatsrv_chan *
fatsrv_chan_of(uint64_t badge)
{
    uint32_t idx = (uint32_t)badge, gen = (uint32_t)(badge >> 32);
    struct fatsrv_chan *c;

    if (idx < FATSRV_CHAN_BASE || idx >= FATSRV_CHAN_BASE + FATSRV_CHANS_MAX)
        return NULL;
    c = &fatsrv.chans[idx - FATSRV_CHAN_BASE];
    return c->file >= 0 && c->gen == gen ? c : NULL;
}

int
fatsrv_is_chan(uint64_t badge)
{
    uint32_t idx = (uint32_t)badge;

    return idx >= FATSRV_CHAN_BASE && idx < FATSRV_CHAN_BASE + FATSRV_CHANS_MAX;
}

static void
fatsrv_chan_end(struct fatsrv_chan *c)
{
    struct fatsrv_file *f = &fatsrv.files[c->file];

    cairn_vm_unmap(c->at, c->size);
    c->file = -1;
    f->chans--;
    fatsrv_file_unref(f);
}

void
fatsrv_chan_gone(uint64_t badge)
{
    struct fatsrv_chan *c = fatsrv_chan_of(badge);

    if (c) /* one closed with PROTO_IO_CLOSE is free (or reused) already */
        fatsrv_chan_end(c);
}

void
fatsrv_bulk_open(const struct cairn_msg *m, const struct cairn_msg_ext *ext, struct fatsrv_file *f,
                 struct fatsrv_rep *rp)
{
    struct fatsrv_chan *c = NULL;
    uint64_t size = m->w[1];
    long at, h;
    int i;

    rp->w[1] = FATSRV_BULK_MAX;
    if (fat_is_dir(&f->ent)) {
        rp->w[0] = (uint64_t)-CAIRN_EISDIR;
        return;
    }
    if (size > FATSRV_BULK_MAX || ext->recv_nhandles != 1) {
        rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        return;
    }
    for (i = 0; i < FATSRV_CHANS_MAX && !c; i++)
        if (fatsrv.chans[i].file < 0)
            c = &fatsrv.chans[i];
    if (!c || f->chans >= FATSRV_CHANS_PER_FILE || f->refs == UINT32_MAX) {
        rp->w[0] = (uint64_t)-CAIRN_EMFILE;
        return;
    }
    at = cairn_buffer_map(ext->recv_handles[0], size);
    if (at < 0) {
        rp->w[0] = (uint64_t)at;
        return;
    }
    i = (int)(c - fatsrv.chans);
    /* SIGNAL to use it, TRANSFER to be moved to the client; no DUPLICATE:
     * a channel is one process's. The notice comes when it goes. */
    h = cairn_handle_mint_notify(fatsrv.endpoint, CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER,
                                 ((uint64_t)(c->gen + 1) << 32) | (FATSRV_CHAN_BASE + (uint32_t)i));
    if (h < 0) {
        cairn_vm_unmap((uint64_t)at, size);
        rp->w[0] = (uint64_t)h;
        return;
    }
    c->gen++;
    c->file = (int)(f - fatsrv.files);
    c->at = (uint64_t)at;
    c->size = size;
    f->chans++;
    f->refs++;
    /* A reply that cannot be delivered drops the handle, and its close
     * notice ends the channel: nothing to take back here (slot -1). */
    rp->handle = h;
    rp->slot = -1;
    rp->w[0] = 0;
}

int
fatsrv_bulk(const struct cairn_msg *m, struct fatsrv_rep *rp, uint64_t *file_badge)
{
    struct fatsrv_chan *c = fatsrv_chan_of(*file_badge);
    struct fatsrv_file *f;

    if (!c) {
        rp->w[0] = (uint64_t)-CAIRN_EBADF;
        return 1;
    }
    f = &fatsrv.files[c->file];
    switch (m->w[0]) {
    case PROTO_IO_BULK_READ:
    case PROTO_IO_BULK_WRITE:
        if (m->w[1] == 0 || m->w[1] > c->size || (m->w[2] & ~(uint64_t)PROTO_IO_NONBLOCK))
            rp->w[0] = (uint64_t)-CAIRN_EINVAL;
        else if (m->w[0] == PROTO_IO_BULK_READ)
            rp->w[0] = (uint64_t)fatsrv_file_read(f, (void *)c->at, m->w[1]);
        else
            rp->w[0] = (uint64_t)fatsrv_file_write(f, (const void *)c->at, m->w[1]);
        return 1;
    case PROTO_IO_BULK_OPEN:
    case PROTO_IO_DUP:
        rp->w[0] = (uint64_t)-CAIRN_EPERM;
        return 1;
    case PROTO_IO_CLOSE:
        fatsrv_chan_end(c);
        return 1;
    default:
        *file_badge = ((uint64_t)f->gen << 32) | (uint64_t)(c->file + 1);
        return 0;
    }
}
