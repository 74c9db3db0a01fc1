/* SPDX-License-Identifier: MIT */
/*
 * An IPC message inside the kernel: the words, the badge of the handle it
 * was sent through, where its bytes are, and the handles being transferred
 * (as handle entries, each with its reference), which it owns while in
 * flight. The bytes never rest in the kernel: until delivery, src and len
 * name them in the sender's own memory (the sender waits meanwhile); the
 * thread that pairs sender and receiver copies them once, straight into
 * the receiver's buffer (endpoint.c), after which len is the bytes placed
 * there and flags says whether anything did not fit. Moving a message moves
 * ownership; ipc_msg_free releases whatever it still owns.
 */
#ifndef CAIRN_OBJ_IPC_MSG_H
#define CAIRN_OBJ_IPC_MSG_H

#include <stdint.h>

#include <cairn/ipc.h>

#include "obj/handle.h"

struct ipc_msg {
    uint64_t words[CAIRN_MSG_WORDS];
    uint64_t badge;    /* the sender's handle's badge */
    uint64_t src;      /* to deliver: the bytes' address in the sender's space */
    uint32_t len;      /* to deliver: bytes at src; delivered: bytes in the receiver's buffer */
    uint32_t flags;    /* delivered: CAIRN_MSG_TRUNCATED if something did not fit */
    uint32_t nhandles; /* entries in handles */
    struct handle_entry handles[CAIRN_MSG_HANDLES];
};

/* Move src into dst (dst must own nothing); src is left owning nothing. */
static inline void
ipc_msg_move(struct ipc_msg *dst, struct ipc_msg *src)
{
    for (unsigned i = 0; i < CAIRN_MSG_WORDS; i++)
        dst->words[i] = src->words[i];
    dst->badge = src->badge;
    dst->src = src->src;
    dst->len = src->len;
    dst->flags = src->flags;
    dst->nhandles = src->nhandles;
    for (unsigned i = 0; i < src->nhandles; i++)
        dst->handles[i] = src->handles[i];
    src->len = 0;
    src->flags = 0;
    src->nhandles = 0;
}

/* Drop the handles m still owns. */
void ipc_msg_release(struct ipc_msg *m); /* endpoint.c */
static inline void
ipc_msg_free(struct ipc_msg *m)
{
    if (m->nhandles)
        ipc_msg_release(m);
    m->len = 0;
    m->flags = 0;
}

#endif
