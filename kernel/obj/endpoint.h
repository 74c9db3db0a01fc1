/* SPDX-License-Identifier: MIT */
/*
 * Endpoints: synchronous IPC. A caller's message waits on the endpoint
 * until a receiver takes it (or goes straight to a receiver already
 * waiting); the caller then waits for the receiver's reply. docs/ipc.md
 * describes the model; this is its kernel half.
 *
 * Every function works on the calling thread's struct thread_ipc: the
 * message to send is in sched_current()->ipc.msg before the call, and the
 * message received is there after it.
 *
 * An endpoint closes when the last holder of its WAIT right (a handle, or
 * a handle in flight) goes: no receiver can come any more, so waiting
 * callers are woken with -CAIRN_ECLOSED and new calls fail with it.
 *
 * A handle minted with handle_mint_notify names a notice token; when its
 * last copy goes, the token comes here (endpoint_notice_closed) and a
 * receive takes it as a message of no words with the badge and the flag
 * CAIRN_IPC_CLOSED, after any waiting caller's message. Notices wait in
 * the endpoint's queue, one per token, so none is lost and none needs an
 * allocation when it is made.
 *
 * Lock legend: [l] the endpoint's lock, [a] atomic.
 */
#ifndef CAIRN_OBJ_ENDPOINT_H
#define CAIRN_OBJ_ENDPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/list.h"
#include "lib/spinlock.h"
#include "obj/object.h"
#include "sched/thread.h"

struct endpoint {
    struct object obj; /* type CAIRN_OBJ_ENDPOINT */
    struct spinlock lock;
    struct list_node senders;   /* [l] threads in call, oldest first */
    struct list_node receivers; /* [l] threads in recv, oldest first */
    struct list_node notices;   /* [l] notice tokens (obj/token.h) not yet received */
    uint32_t receive_holders;   /* [a] holders of the WAIT right */
    uint32_t arrivals;          /* [l] numbers queued senders and notices, in one order */
    bool closed;                /* [l] receive_holders reached 0 */
};

struct handle_token;

/* A new endpoint, one reference; NULL without memory. */
struct endpoint *endpoint_create(void);

/*
 * Send the current thread's ipc.msg with badge and wait for the reply,
 * which replaces it, until deadline (SCHED_FOREVER: none; 0: only if a
 * receiver is waiting already, and then for the reply without limit).
 * Returns 0, -CAIRN_ECLOSED (no receiver can come, or the receiver ended
 * before replying), -CAIRN_ETIMEDOUT, or -CAIRN_EINTR (the thread was
 * woken to stop).
 */
int endpoint_call(struct endpoint *ep, uint64_t badge, uint64_t deadline);

/*
 * Wait for a message until deadline (0: do not wait; SCHED_FOREVER) and
 * take it into the current thread's ipc.msg; its sender becomes the
 * thread's caller, to whom endpoint_reply answers. A thread with a bound
 * notification also ends the wait when that has bits, and takes them:
 * ipc.msg then has no words, the bits as its badge and the flag
 * CAIRN_IPC_NOTIFIED, and there is no caller. Returns 0,
 * -CAIRN_ETIMEDOUT, -CAIRN_ECLOSED, -CAIRN_EINTR, or -CAIRN_EBUSY when
 * the thread still has a caller to reply to.
 */
int endpoint_recv(struct endpoint *ep, uint64_t deadline);

/* Send ipc.msg as the reply to the current caller. 0, -CAIRN_ENOENT (no
 * caller), or -CAIRN_ECLOSED (the caller is gone; the reply is dropped). */
int endpoint_reply(void);

/*
 * Answer a caller taken out of a server thread (a reply object,
 * obj/reply.h): caller called through ep as call number seq; the
 * references to caller and ep pass to this function. status 0 delivers the
 * current thread's ipc.msg; status < 0 just that status (the current
 * thread's ipc.msg is left alone). Returns 0, or -CAIRN_ECLOSED when the
 * caller waits no more (a message is then dropped).
 */
int endpoint_reply_to(struct thread *caller, struct endpoint *ep, uint32_t seq, int status);

/* endpoint_reply then endpoint_recv, handing the CPU straight to the
 * caller when the receive has to wait. The reply's own failure is not
 * reported: the result is the receive's. */
int endpoint_reply_recv(struct endpoint *ep, uint64_t deadline);

/*
 * For the IPC fast path (sys/ipc_fastpath.c), which pairs threads itself:
 * end t's wait (ep locked) with status, taking it off the endpoint's
 * queue if it is on one. t may read its status and message without the
 * lock once it sees IDLE (endpoint_wait_result).
 */
static inline void
endpoint_finish_locked(struct thread *t, int status)
{
    if (t->ipc.state == IPC_SENDING || t->ipc.state == IPC_RECEIVING)
        list_remove(&t->ipc.link);
    t->ipc.status = status;
    __atomic_store_n(&t->ipc.state, IPC_IDLE, __ATOMIC_RELEASE);
}

/* After an IPC wait of the calling thread on ep: its result, withdrawing
 * (-CAIRN_ETIMEDOUT if timed_out, else -CAIRN_EINTR) if nobody ended the
 * wait. Interrupts off. */
int endpoint_wait_result(struct endpoint *ep, bool timed_out);

/* Takes notice token t (obj/token.h), whose last handle just went, with
 * its reference to ep: a waiting receiver gets the notice now, else it
 * waits in ep's queue; a closed endpoint drops it. No lock held. */
void endpoint_notice_closed(struct endpoint *ep, struct handle_token *t);

/* For a dying thread: tell its caller, if any, that no reply will come
 * (-CAIRN_ECLOSED), and release any message it still owns. */
void endpoint_thread_exit(void);

static inline struct endpoint *
endpoint_from(struct object *o)
{
    return (struct endpoint *)o;
}

#endif
