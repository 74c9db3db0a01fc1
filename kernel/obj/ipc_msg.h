/* SPDX-License-Identifier: MIT */
/*
 * An IPC message inside the kernel: the words, the badge of the handle it
 * was sent through, and what it owns while in flight: a copy of the
 * buffer (kmalloc'd) and the handles being transferred (as handle
 * entries, each with its reference). Moving a message moves ownership;
 * ipc_msg_free releases whatever it still owns.
 */
#ifndef CAIRN_OBJ_IPC_MSG_H
#define CAIRN_OBJ_IPC_MSG_H

#include <stdint.h>

#include <cairn/ipc.h>

#include "obj/handle.h"

struct ipc_msg {
    uint64_t words[CAIRN_MSG_WORDS];
    uint64_t badge;    /* the sender's handle's badge */
    uint32_t len;      /* bytes in buf */
    uint32_t nhandles; /* entries in handles */
    void *buf;         /* len bytes, kmalloc'd, or NULL */
    struct handle_entry handles[CAIRN_MSG_HANDLES];
};

/* Move src into dst (dst must own nothing); src is left owning nothing. */
static inline void
ipc_msg_move(struct ipc_msg *dst, struct ipc_msg *src)
{
    for (unsigned i = 0; i < CAIRN_MSG_WORDS; i++)
        dst->words[i] = src->words[i];
    dst->badge = src->badge;
    dst->len = src->len;
    dst->buf = src->buf;
    dst->nhandles = src->nhandles;
    for (unsigned i = 0; i < src->nhandles; i++)
        dst->handles[i] = src->handles[i];
    src->len = 0;
    src->buf = NULL;
    src->nhandles = 0;
}

/* Release the buffer and drop the handles m still owns. */
void ipc_msg_release(struct ipc_msg *m); /* endpoint.c */
static inline void
ipc_msg_free(struct ipc_msg *m)
{
    if (m->buf || m->nhandles)
        ipc_msg_release(m);
}

#endif
