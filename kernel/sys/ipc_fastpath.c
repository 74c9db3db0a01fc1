// SPDX-License-Identifier: MIT
/*
 * The IPC fast path: ipc_call and ipc_reply_recv with words alone, when the
 * partner already waits on this CPU and may run at once. The two calls'
 * entries in syscall.S come here first; the path either changes nothing
 * and declines (the entry then calls the general handler), or commits the
 * message and hands syscall.S a switch that needs no more C
 * (ipc_fastpath.h).
 *
 * The thread that blocks here leaves no C frames behind. Its kernel stack
 * holds only its syscall frame, and below it syscall.S writes a context
 * that resumes in ipc_cont_trampoline, which the general scheduler can
 * switch to like any other: whoever ends the wait by the general path
 * (a reply with handles, a closed endpoint, a kill) wakes it as usual, and
 * the trampoline finishes the call (ipc_cont_resume, sys_ipc.c). When the
 * fast path itself ends such a wait, it writes the result straight into
 * the waiting thread's syscall frame and syscall.S returns to user mode
 * through it: the message goes from one thread's registers to the
 * other's, with no copy through memory, no unwinding of the woken thread's
 * handler and no general dispatch on either side (docs/ipc.md, "The fast
 * path"; docs/benchmarks.md counts it).
 *
 * Every check comes before the first change: the endpoint's lock and this
 * CPU's run-queue lock are taken (in that order, as everywhere), the
 * conditions tested, and only then is anything committed, by the same
 * rules as the general path (obj/endpoint.c's invariants hold at every
 * unlock).
 */
#include <cairn/errors.h>
#include <cairn/rights.h>
#include <cairn/syscalls.h>

#include "arch/x86_64/cpu.h"
#include "obj/endpoint.h"
#include "obj/process.h"
#include "sched/runqueue.h"
#include "sched/sched.h"
#include "sys/ipc_fastpath.h"
#include "sys/syscall.h"

/*
 * The message (words from f; the badge for a receiver) ends next's wait:
 * into its syscall frame when it waits on the fast path (it returns to
 * user mode through that frame with no more work), else into its ipc.msg
 * for its own handler to store. Returns the stack syscall.S loads.
 */
static inline uint64_t
ipc_fast_deliver(struct thread *next, const struct trap_frame *f, uint64_t badge)
{
    enum ipc_cont cont = next->ipc.cont;

    endpoint_finish_locked(next, 0);
    if (cont != IPC_CONT_NONE) {
        struct trap_frame *nf = syscall_frame_below(next->kstack_top);

        nf->rsi = f->rsi;
        nf->rdx = f->rdx;
        nf->r10 = f->r10;
        nf->r8 = f->r8;
        nf->r9 = f->r9;
        if (cont == IPC_CONT_RECV)
            nf->rdi = badge;
        nf->rax = 0;
        next->ipc.cont = IPC_CONT_NONE;
        /* Not the last reference: the caller of this path holds ep too. */
        object_unref_not_last(&next->ipc.cont_ep->obj);
        next->ipc.cont_ep = NULL;
        return (uint64_t)nf | CONT_SWITCH_FRAME;
    }
    next->ipc.msg.words[0] = f->rsi;
    next->ipc.msg.words[1] = f->rdx;
    next->ipc.msg.words[2] = f->r10;
    next->ipc.msg.words[3] = f->r8;
    next->ipc.msg.words[4] = f->r9;
    next->ipc.msg.badge = badge;
    next->ipc.msg.len = 0;
    next->ipc.msg.flags = 0;
    return next->saved_rsp;
}

struct cont_switch
ipc_fastpath(struct trap_frame *f)
{
    struct thread *me = sched_current(), *next;
    bool reply_recv = f->rax == CAIRN_SYS_ipc_reply_recv;
    struct cpu *cpu = this_cpu();
    struct runqueue *rq = this_rq();
    struct endpoint *ep;
    uint64_t badge, rsp;

    if (reply_recv) {
        /* Nothing to reply to, or a bound notification to arm, or a reply
         * through another endpoint than the receive's: general. The call's
         * reference to its endpoint keeps it alive: none is taken here. */
        ep = me->ipc.caller_ep;
        if (!ep || me->ipc.bound ||
            !handle_names_fast(&me->process->handles, syscall_frame_handle(f), &ep->obj,
                               CAIRN_RIGHT_WAIT))
            return (struct cont_switch){0, NULL};
        badge = 0;
    } else {
        struct object *o = handle_get_fast(&me->process->handles, syscall_frame_handle(f),
                                           CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL, &badge);
        if (!o)
            return (struct cont_switch){0, NULL};
        ep = endpoint_from(o);
    }

    spin_lock(&ep->lock);
    if (reply_recv) {
        /* The caller, still waiting for this very call, and no sender
         * or notice that the receive would take without a switch. */
        next = me->ipc.caller;
        if (ep->closed || !list_empty(&ep->senders) || !list_empty(&ep->notices) ||
            next->ipc.state != IPC_AWAIT_REPLY || next->ipc.ep != ep ||
            next->ipc.seq != me->ipc.caller_seq)
            goto decline;
    } else {
        if (ep->closed || list_empty(&ep->receivers))
            goto decline;
        next = list_entry(ep->receivers.next, struct thread, ipc.link);
    }
    spin_lock(&rq->lock);
    /* next goes straight to user mode from its frame: nothing may be due
     * on the way out, for it (a stop) or for this CPU (a switch). */
    if (!handoff_allowed_locked(rq, me, next) || cpu->need_resched ||
        (next->ipc.cont != IPC_CONT_NONE && __atomic_load_n(&next->stop, __ATOMIC_ACQUIRE))) {
        spin_unlock(&rq->lock);
        goto decline;
    }

    /* Commit: nothing below fails. */
    if (reply_recv) {
        /* The call's reference to ep becomes the wait's (below); the one
         * to next is not the last (next is blocked). */
        me->ipc.caller = NULL;
        me->ipc.caller_ep = NULL;
        rsp = ipc_fast_deliver(next, f, 0);
        object_unref_not_last(&next->obj);
        me->ipc.state = IPC_RECEIVING;
        me->ipc.ep = ep;
        list_push_back(&ep->receivers, &me->ipc.link);
        me->ipc.cont = IPC_CONT_RECV;
    } else {
        me->ipc.seq++;
        next->ipc.caller = me;
        next->ipc.caller_ep = ep;
        next->ipc.caller_seq = me->ipc.seq;
        thread_ref(me);
        object_ref(&ep->obj);
        rsp = ipc_fast_deliver(next, f, badge);
        me->ipc.state = IPC_AWAIT_REPLY;
        me->ipc.ep = ep;
        me->ipc.cont = IPC_CONT_CALL;
    }
    me->ipc.cont_ep = ep; /* a reference held through the wait */
    me->ipc.recv_cap = 0; /* no extension: no room for bytes */
    spin_unlock(&ep->lock);

    if (next->on_timer) { /* a general receive with a time limit */
        list_remove(&next->rq_link);
        next->on_timer = false;
    }
    next->timed_out = false;
    me->state = THREAD_BLOCKED;
    me->timed_out = false;
    /* syscall.S writes the context there once off this C frame. */
    me->saved_rsp = (uint64_t)f - IPC_CONT_CONTEXT_SIZE;
    switch_prepare_locked(rq, cpu, me, next, me->slice_left);
    return (struct cont_switch){rsp, me};

decline:
    spin_unlock(&ep->lock);
    if (!reply_recv)
        object_unref(&ep->obj); /* the lookup's */
    return (struct cont_switch){0, NULL};
}
