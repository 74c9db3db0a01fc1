/* SPDX-License-Identifier: MIT */
/*
 * Synchronous IPC and notifications: the message format shared by the
 * kernel and libc. docs/ipc.md explains the model; docs/syscalls.md each
 * call.
 *
 * A message is CAIRN_MSG_WORDS machine words, carried in registers, plus
 * optionally (described by a struct cairn_msg_ext in user memory) a buffer
 * of up to CAIRN_MSG_BUF_MAX bytes and up to CAIRN_MSG_HANDLES handles,
 * each moved or copied to the receiver.
 *
 * Registers (x86_64), in addition to the syscall convention of syscalls.h:
 *
 *              in                                  out
 *   call       rdi endpoint, rsi..r9 words,        rax status, rsi..r9 reply words
 *              r12 ext or 0
 *   call_timed as call, and r13 timeout_ns          as call
 *   recv       rdi endpoint, rsi timeout_ns,       rax status, rdi badge,
 *              r12 ext or 0                        rsi..r9 words
 *   reply      rsi..r9 words, r12 ext or 0         rax status
 *   reply_recv rdi endpoint, rsi..r9 reply words,  as recv
 *              r12 ext or 0
 *   reply_to   rdi reply handle, rsi..r9 words,    rax status
 *              r12 ext or 0
 *
 * "rsi..r9" is rsi, rdx, r10, r8, r9: words 0 to 4. These calls overwrite
 * the out registers even when they fail (with zeros); r12 and every other
 * register are preserved.
 *
 * Fixed-width types only, explicit padding, sizes checked below.
 */
#ifndef CAIRN_IPC_H
#define CAIRN_IPC_H

#include <stddef.h>
#include <stdint.h>

#define CAIRN_MSG_WORDS   5
#define CAIRN_MSG_HANDLES 4
#define CAIRN_MSG_BUF_MAX 4096

/* A time-out that never expires; 0 means "do not wait at all". */
#define CAIRN_WAIT_FOREVER UINT64_MAX

/* cairn_msg_handle.flags: move (the sender loses the handle) or copy
 * (the sender keeps it; needs DUPLICATE as well as TRANSFER). */
#define CAIRN_MSG_HANDLE_MOVE 0u
#define CAIRN_MSG_HANDLE_COPY 1u

/* cairn_msg_handle.rights: keep the handle's rights as they are. */
#define CAIRN_RIGHTS_SAME 0xffffffffu

/* cairn_msg_ext.recv_flags, and the non-negative results of a receive */
#define CAIRN_MSG_TRUNCATED 1u /* bytes or handles did not fit and were dropped */
#define CAIRN_IPC_NOTIFIED  2u /* no message: the bound notification's bits, in the badge */
#define CAIRN_IPC_CLOSED    4u /* no message: the last handle minted with handle_mint_notify */
                               /* under this badge is gone (the badge is the receive's) */

struct cairn_msg_handle {
    int32_t handle;  /* in the sender's table; needs TRANSFER */
    uint32_t rights; /* what the receiver gets: a subset, or CAIRN_RIGHTS_SAME */
    uint32_t flags;  /* CAIRN_MSG_HANDLE_MOVE or _COPY */
    uint32_t reserved;
};

struct cairn_msg_ext {
    /* what to send */
    uint64_t send_buf;      /* user address of send_len bytes */
    uint32_t send_len;      /* 0..CAIRN_MSG_BUF_MAX */
    uint32_t send_nhandles; /* 0..CAIRN_MSG_HANDLES */
    struct cairn_msg_handle send_handles[CAIRN_MSG_HANDLES];
    /* where to receive */
    uint64_t recv_buf;                       /* user address with room for recv_cap bytes */
    uint32_t recv_cap;                       /* 0..CAIRN_MSG_BUF_MAX */
    uint32_t recv_len;                       /* out: bytes received */
    uint32_t recv_nhandles;                  /* out: handles received */
    uint32_t recv_flags;                     /* out: CAIRN_MSG_* flags */
    int32_t recv_handles[CAIRN_MSG_HANDLES]; /* out: the new handles */
};

_Static_assert(sizeof(struct cairn_msg_handle) == 16, "cairn_msg_handle is ABI");
_Static_assert(offsetof(struct cairn_msg_ext, send_handles) == 16, "cairn_msg_ext is ABI");
_Static_assert(offsetof(struct cairn_msg_ext, recv_buf) == 80, "cairn_msg_ext is ABI");
_Static_assert(offsetof(struct cairn_msg_ext, recv_handles) == 104, "cairn_msg_ext is ABI");
_Static_assert(sizeof(struct cairn_msg_ext) == 120, "cairn_msg_ext is ABI");

#endif
