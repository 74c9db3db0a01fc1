// SPDX-License-Identifier: MIT
/*
 * Endpoints (see endpoint.h and docs/ipc.md).
 *
 * Invariants, under ep->lock:
 * - a thread is on ep->senders iff its ipc.state is SENDING and ipc.ep is
 *   ep, and on ep->receivers iff RECEIVING and ipc.ep is ep; it never
 *   waits on two endpoints;
 * - a thread in AWAIT_REPLY with ipc.ep == ep has had its message taken by
 *   exactly one receiver, which holds it as caller with the call's seq;
 *   only that receiver's reply (or its death) ends the wait, and a reply
 *   whose seq no longer matches is dropped;
 * - if closed, both queues are empty.
 * A thread with a bound notification (obj/notification.h) that waits as a
 * receiver has armed it after marking itself blocked, so a signal wakes
 * it; whatever ends the wait, its resume step (endpoint_recv_resume)
 * disarms it before the thread can block on anything else, so a signal
 * never wakes it out of another wait. Bound threads take the general
 * path of reply_recv; the fast call path may deliver to them (their
 * resume step runs all the same).
 * A thread's IPC wait ends in one of two ways: someone else, holding the
 * lock, sets its state to IDLE with a status and wakes it; or it is woken
 * from outside (its process is ending), finds itself still waiting, and
 * withdraws under the lock with -CAIRN_EINTR. Either way exactly one side
 * ends the wait.
 *
 * A thread in a fault call (obj/fault.c) has ipc.kernel_buf set: its
 * message's bytes and the room for its reply's are on its kernel stack,
 * and endpoint_deliver_bytes copies them to or from the kernel instead.
 *
 * The IPC fast path (sys/ipc_fastpath.c) pairs threads under the same
 * lock and by the same rules, for messages of words alone; a thread that
 * blocks there resumes through a continuation (ipc.cont), and the general
 * path below wakes it like any other.
 */
#include <cairn/errors.h>
#include <cairn/rights.h>

#include "arch/x86_64/cpu.h"
#include "core/panic.h"
#include "mm/kmalloc.h"
#include "mm/usercopy.h"
#include "obj/endpoint.h"
#include "obj/notification.h"
#include "obj/process.h"
#include "obj/token.h"
#include "sched/sched.h"

void
ipc_msg_release(struct ipc_msg *m)
{
    for (unsigned i = 0; i < m->nhandles; i++)
        handle_entry_drop(&m->handles[i]);
    m->nhandles = 0;
}

/*
 * A fault message (obj/fault.c) has its bytes, and the room for its
 * reply's, on the faulting thread's kernel stack (ipc.kernel_buf): it is
 * either the sender (the registers, to the handler) or the receiver of a
 * reply, which the replier, the running thread, delivers. Returns the
 * bytes copied.
 */
static size_t
endpoint_deliver_kernel_bytes(struct thread *to, uint32_t n)
{
    const struct ipc_msg *m = &to->ipc.msg;

    if (to->ipc.kernel_buf) /* a reply from the running thread */
        return copy_from_user((void *)to->ipc.recv_buf, m->src, n) < 0 ? 0 : n;
    if (!to->process)
        return 0;
    if (to == sched_current())
        return copy_to_user(to->ipc.recv_buf, (const void *)m->src, n) < 0 ? 0 : n;
    return copy_kernel_across(&to->process->vs, to->ipc.recv_buf, (const void *)m->src, n);
}

/*
 * Copy the bytes of the message just moved to `to` out of from's memory
 * into to's receive buffer: the one copy a message's bytes get. One of the
 * two is the running thread, the other is blocked in IPC (ep locked), so
 * neither buffer moves meanwhile unless a thread of its own process
 * unmaps it; then the bytes are cut short. What does not fit is dropped
 * and flagged.
 */
static void
endpoint_deliver_bytes(struct thread *from, struct thread *to)
{
    struct ipc_msg *m = &to->ipc.msg;
    uint32_t want = m->len, room = to->ipc.recv_cap, n = want < room ? want : room;
    size_t done = 0;

    if (!want)
        return;
    if (n && (from->ipc.kernel_buf || to->ipc.kernel_buf)) {
        done = endpoint_deliver_kernel_bytes(to, n);
    } else if (n && from->process && to->process) {
        if (from == sched_current())
            done = copy_user_across(&to->process->vs, to->ipc.recv_buf, m->src, n, true);
        else
            done = copy_user_across(&from->process->vs, m->src, to->ipc.recv_buf, n, false);
    }
    m->len = (uint32_t)done;
    if (done < want)
        m->flags |= CAIRN_MSG_TRUNCATED;
}

static void
endpoint_destroy(struct object *o)
{
    kfree(endpoint_from(o));
}

static void
endpoint_close(struct endpoint *ep)
{
    bool irq = spin_lock_irqsave(&ep->lock);
    struct list_node notices;

    ep->closed = true;
    while (!list_empty(&ep->senders) || !list_empty(&ep->receivers)) {
        struct list_node *n = list_empty(&ep->senders) ? ep->receivers.next : ep->senders.next;
        struct thread *t = list_entry(n, struct thread, ipc.link);

        endpoint_finish_locked(t, -CAIRN_ECLOSED);
        sched_wake(t);
    }
    /* Nobody can receive the notices now: each token's reference to ep
     * goes, after the lock (one of them may be the last). */
    list_init(&notices);
    while (!list_empty(&ep->notices)) {
        struct list_node *n = ep->notices.next;

        list_remove(n);
        list_push_back(&notices, n);
    }
    spin_unlock_irqrestore(&ep->lock, irq);
    while (!list_empty(&notices)) {
        struct list_node *n = notices.next;

        list_remove(n);
        token_free_notice(list_entry(n, struct handle_token, notice_link));
    }
}

static void
endpoint_handle_opened(struct object *o, uint32_t rights)
{
    if (rights & CAIRN_RIGHT_WAIT)
        __atomic_add_fetch(&endpoint_from(o)->receive_holders, 1, __ATOMIC_RELAXED);
}

static void
endpoint_handle_closed(struct object *o, uint32_t rights)
{
    struct endpoint *ep = endpoint_from(o);

    if ((rights & CAIRN_RIGHT_WAIT) &&
        __atomic_sub_fetch(&ep->receive_holders, 1, __ATOMIC_ACQ_REL) == 0)
        endpoint_close(ep);
}

static const struct object_ops endpoint_ops = {
    .destroy = endpoint_destroy,
    .handle_opened = endpoint_handle_opened,
    .handle_closed = endpoint_handle_closed,
};

struct endpoint *
endpoint_create(void)
{
    struct endpoint *ep = kzalloc(sizeof(*ep));

    if (!ep)
        return NULL;
    object_init(&ep->obj, CAIRN_OBJ_ENDPOINT, &endpoint_ops);
    spin_init(&ep->lock);
    list_init(&ep->senders);
    list_init(&ep->receivers);
    list_init(&ep->notices);
    return ep;
}

/* receiver takes caller's message; caller now awaits receiver's reply. */
static inline void
endpoint_pair_locked(struct endpoint *ep, struct thread *receiver, struct thread *caller)
{
    spin_assert_held(&ep->lock);
    ipc_msg_move(&receiver->ipc.msg, &caller->ipc.msg);
    caller->ipc.state = IPC_AWAIT_REPLY;
    caller->ipc.ep = ep;
    receiver->ipc.caller = caller;
    receiver->ipc.caller_ep = ep;
    receiver->ipc.caller_seq = caller->ipc.seq;
    thread_ref(caller);
    object_ref(&ep->obj);
}

/* Withdraw if nobody ended the wait. Once IDLE, only the thread itself
 * changes its state, so IDLE seen without the lock is final. */
int
endpoint_wait_result(struct endpoint *ep, bool timed_out)
{
    struct thread *me = sched_current();

    if (__atomic_load_n(&me->ipc.state, __ATOMIC_ACQUIRE) == IPC_IDLE)
        return me->ipc.status;
    spin_lock(&ep->lock);
    if (me->ipc.state != IPC_IDLE)
        endpoint_finish_locked(me, timed_out ? -CAIRN_ETIMEDOUT : -CAIRN_EINTR);
    spin_unlock(&ep->lock);
    return me->ipc.status;
}

int
endpoint_call(struct endpoint *ep, uint64_t badge, uint64_t deadline)
{
    struct thread *me = sched_current(), *receiver = NULL;
    bool irq = spin_lock_irqsave(&ep->lock), timed_out;
    int err;

    if (ep->closed) {
        spin_unlock_irqrestore(&ep->lock, irq);
        return -CAIRN_ECLOSED;
    }
    me->ipc.seq++;
    me->ipc.msg.badge = badge;
    if (!list_empty(&ep->receivers)) {
        receiver = list_entry(ep->receivers.next, struct thread, ipc.link);
        endpoint_pair_locked(ep, receiver, me);
        endpoint_deliver_bytes(me, receiver);
        endpoint_finish_locked(receiver, 0);
        if (deadline == 0)
            deadline = SCHED_FOREVER; /* delivered: now the reply is awaited */
    } else if (deadline == 0) {
        spin_unlock_irqrestore(&ep->lock, irq);
        return -CAIRN_ETIMEDOUT; /* nobody waiting, and we may not queue */
    } else {
        me->ipc.state = IPC_SENDING;
        me->ipc.ep = ep;
        me->ipc.arrival = ep->arrivals++;
        list_push_back(&ep->senders, &me->ipc.link);
    }
    /* Marked blocked before the lock goes: a reply that comes at once
     * finds us blocked and wakes us, rather than being lost. */
    sched_prepare_block();
    spin_unlock(&ep->lock);
    if (receiver)
        timed_out = sched_handoff(receiver, deadline);
    else
        timed_out = sched_block_until(deadline);
    /* Timed out awaiting the reply: the server's late reply finds us gone
     * (the seq no longer matches) and is dropped. */
    err = endpoint_wait_result(ep, timed_out);
    irq_restore(irq);
    return err;
}

/* Take a waiting sender's message, if there is one (ep locked). */
static bool
endpoint_take_sender_locked(struct endpoint *ep)
{
    struct thread *sender;

    spin_assert_held(&ep->lock);

    if (list_empty(&ep->senders))
        return false;
    sender = list_entry(ep->senders.next, struct thread, ipc.link);
    list_remove(&sender->ipc.link);
    endpoint_pair_locked(ep, sched_current(), sender);
    endpoint_deliver_bytes(sender, sched_current());
    return true;
}

/* The receive of t ends with no message but flag (the bits of its bound
 * notification, CAIRN_IPC_NOTIFIED, or a notice, CAIRN_IPC_CLOSED): no
 * words, the bits or the notice's badge as the badge. */
static void
endpoint_set_signal(struct thread *t, uint64_t badge, uint32_t flag)
{
    for (unsigned i = 0; i < CAIRN_MSG_WORDS; i++)
        t->ipc.msg.words[i] = 0;
    t->ipc.msg.badge = badge;
    t->ipc.msg.len = 0;
    t->ipc.msg.flags = flag;
}

static void
endpoint_set_notified(struct thread *me, uint64_t bits)
{
    endpoint_set_signal(me, bits, CAIRN_IPC_NOTIFIED);
}

/*
 * The oldest notice waiting on ep, out of the queue, if it came before
 * every waiting sender; else NULL (ep locked). Senders and notices are
 * received in the order they came: a call made after a handle's last
 * copy went must not overtake the notice, or a server would answer it as
 * if the copy were still there. Arrival numbers wrap; the two compared
 * are never 2^31 apart, since no more threads and tokens than that are
 * ever queued at once and the older of the heads always goes first.
 */
static struct handle_token *
endpoint_take_notice_locked(struct endpoint *ep)
{
    struct handle_token *t;

    spin_assert_held(&ep->lock);
    if (list_empty(&ep->notices))
        return NULL;
    t = list_entry(ep->notices.next, struct handle_token, notice_link);
    if (!list_empty(&ep->senders) &&
        (int32_t)(list_entry(ep->senders.next, struct thread, ipc.link)->ipc.arrival -
                  t->notice_arrival) < 0)
        return NULL;
    list_remove(&t->notice_link);
    return t;
}

void
endpoint_notice_closed(struct endpoint *ep, struct handle_token *t)
{
    bool irq = spin_lock_irqsave(&ep->lock);
    struct thread *receiver = NULL;

    if (!ep->closed && !list_empty(&ep->receivers)) {
        receiver = list_entry(ep->receivers.next, struct thread, ipc.link);
        endpoint_set_signal(receiver, t->notice_badge, CAIRN_IPC_CLOSED);
        endpoint_finish_locked(receiver, 0);
        sched_wake(receiver);
    } else if (!ep->closed) {
        t->notice_arrival = ep->arrivals++;
        list_push_back(&ep->notices, &t->notice_link);
        t = NULL;
    }
    spin_unlock_irqrestore(&ep->lock, irq);
    if (t)
        token_free_notice(t); /* delivered, or nobody can receive it */
}

/*
 * The resume step of a receive, once its wait is over (the thread is
 * running again, interrupts off): a message or status someone delivered,
 * else the bound notification's bits, else the time-out or the stop. n is
 * the thread's bound notification, or NULL.
 */
static int
endpoint_recv_resume(struct endpoint *ep, struct notification *n, bool timed_out)
{
    struct thread *me = sched_current();
    uint64_t bits;

    if (!n)
        return endpoint_wait_result(ep, timed_out);
    spin_lock(&ep->lock);
    if (me->ipc.state == IPC_IDLE) {
        notification_recv_disarm(n, false, &bits); /* a message first; bits stay */
    } else if (notification_recv_disarm(n, true, &bits)) {
        endpoint_finish_locked(me, 0);
        endpoint_set_notified(me, bits);
    } else {
        endpoint_finish_locked(me, timed_out ? -CAIRN_ETIMEDOUT : -CAIRN_EINTR);
    }
    spin_unlock(&ep->lock);
    return me->ipc.status;
}

/* Receive, handing the CPU to `next` (a just-answered caller) if the
 * receive must wait and next is not NULL. A bound notification's bits
 * come before a waiting sender's message (docs/ipc.md). */
static int
endpoint_recv_and_run(struct endpoint *ep, uint64_t deadline, struct thread *next)
{
    struct thread *me = sched_current();
    struct notification *n = me->ipc.bound;
    struct handle_token *notice = NULL;
    bool irq = spin_lock_irqsave(&ep->lock), timed_out;
    uint64_t bits;
    int err = 0;

    if (n && notification_recv_disarm(n, true, &bits)) {
        endpoint_set_notified(me, bits);
        goto done;
    }
    notice = endpoint_take_notice_locked(ep);
    if (notice) {
        endpoint_set_signal(me, notice->notice_badge, CAIRN_IPC_CLOSED);
        goto done;
    }
    if (endpoint_take_sender_locked(ep))
        goto done;
    if (ep->closed || deadline == 0) {
        err = ep->closed ? -CAIRN_ECLOSED : -CAIRN_ETIMEDOUT;
        goto done;
    }
    me->ipc.state = IPC_RECEIVING;
    me->ipc.ep = ep;
    list_push_back(&ep->receivers, &me->ipc.link);
    sched_prepare_block();
    /* Armed after we are marked blocked: a signal from now on wakes us. */
    if (n && notification_recv_arm(n, &bits)) {
        sched_cancel_block();
        endpoint_finish_locked(me, 0);
        endpoint_set_notified(me, bits);
        goto done;
    }
    spin_unlock(&ep->lock);
    if (next)
        timed_out = sched_handoff(next, deadline);
    else
        timed_out = sched_block_until(deadline);
    err = endpoint_recv_resume(ep, n, timed_out);
    irq_restore(irq);
    return err;
done:
    spin_unlock_irqrestore(&ep->lock, irq);
    if (notice)
        token_free_notice(notice); /* not the last reference: we hold ep */
    if (next)
        sched_wake(next);
    return err;
}

int
endpoint_recv(struct endpoint *ep, uint64_t deadline)
{
    if (sched_current()->ipc.caller)
        return -CAIRN_EBUSY;
    return endpoint_recv_and_run(ep, deadline, NULL);
}

/*
 * Answer caller, who called through ep as call number seq: status 0
 * delivers the current thread's ipc.msg, status < 0 only that status (and
 * leaves ipc.msg alone). The references to caller and ep pass to this
 * function. Returns the caller to wake (with its reference, which the
 * caller of this function drops), or NULL with *err -CAIRN_ECLOSED if the
 * caller no longer waits for this answer (a message is then dropped).
 */
static struct thread *
endpoint_answer_to(struct thread *caller, struct endpoint *ep, uint32_t seq, int status, int *err)
{
    bool irq = spin_lock_irqsave(&ep->lock), delivered = false;

    if (caller->ipc.state == IPC_AWAIT_REPLY && caller->ipc.ep == ep && caller->ipc.seq == seq) {
        if (status == 0) {
            ipc_msg_move(&caller->ipc.msg, &sched_current()->ipc.msg);
            endpoint_deliver_bytes(sched_current(), caller);
        }
        endpoint_finish_locked(caller, status);
        delivered = true;
    }
    spin_unlock_irqrestore(&ep->lock, irq);
    object_unref(&ep->obj);
    if (!delivered) {
        if (status == 0)
            ipc_msg_free(&sched_current()->ipc.msg);
        thread_unref(caller);
        *err = -CAIRN_ECLOSED;
        return NULL;
    }
    *err = 0;
    return caller;
}

/* endpoint_answer_to for the current thread's caller, which it forgets. */
static struct thread *
endpoint_answer(int status, int *err)
{
    struct thread *me = sched_current(), *caller = me->ipc.caller;
    struct endpoint *ep = me->ipc.caller_ep;

    if (!caller) {
        *err = -CAIRN_ENOENT;
        return NULL;
    }
    me->ipc.caller = NULL;
    me->ipc.caller_ep = NULL;
    return endpoint_answer_to(caller, ep, me->ipc.caller_seq, status, err);
}

int
endpoint_reply_to(struct thread *caller, struct endpoint *ep, uint32_t seq, int status)
{
    int err;

    caller = endpoint_answer_to(caller, ep, seq, status, &err);
    if (caller) {
        sched_wake(caller);
        thread_unref(caller);
    }
    return err;
}

int
endpoint_reply(void)
{
    int err;
    struct thread *caller = endpoint_answer(0, &err);

    if (caller) {
        sched_wake(caller);
        thread_unref(caller);
    }
    return err;
}

int
endpoint_reply_recv(struct endpoint *ep, uint64_t deadline)
{
    int ignored, err;
    struct thread *caller = endpoint_answer(0, &ignored);

    err = endpoint_recv_and_run(ep, deadline, caller);
    if (caller)
        thread_unref(caller);
    return err;
}

void
endpoint_thread_exit(void)
{
    struct thread *me = sched_current();
    int ignored;

    notification_unbind(NULL); /* if bound: the notification may be bound again */
    if (me->ipc.caller) {
        struct thread *caller = endpoint_answer(-CAIRN_ECLOSED, &ignored);
        if (caller) {
            sched_wake(caller);
            thread_unref(caller);
        }
    }
    ipc_msg_free(&me->ipc.msg);
}
