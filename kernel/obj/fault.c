// SPDX-License-Identifier: MIT
/*
 * Faults to a supervisor (see fault.h and docs/ipc.md, "Faults").
 *
 * The fault is an endpoint_call made by the faulting thread from its trap
 * frame: the message's words are made here, its bytes (the registers) and
 * the room for the reply's bytes lie on this thread's kernel stack, which
 * holds still while the thread waits, and ipc.kernel_buf tells the
 * endpoint so (endpoint_deliver_bytes). The wait is the call's own; the
 * resume step, once the call returns, reads the answer and applies it to
 * the trap frame, so the trap's ordinary way out returns to the thread.
 *
 * Invariants: a thread's ipc.kernel_buf is set only during its own fault
 * call; a fault_handler's reference is dropped outside fault_lock, so no
 * endpoint is freed under it.
 */
#include <cairn/errors.h>
#include <cairn/fault.h>
#include <cairn/init.h>
#include <cairn/rights.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/usercopy.h"
#include "obj/endpoint.h"
#include "obj/fault.h"
#include "obj/process.h"
#include "sched/sched.h"

static struct spinlock fault_lock = SPINLOCK_INIT;

void
fault_handler_set(struct fault_handler *fh, struct endpoint *ep, uint64_t badge)
{
    bool irq = spin_lock_irqsave(&fault_lock);
    struct endpoint *old = fh->ep;

    fh->badge = badge;
    __atomic_store_n(&fh->ep, ep, __ATOMIC_RELAXED);
    spin_unlock_irqrestore(&fault_lock, irq);
    if (old)
        object_unref(&old->obj);
}

/* The thread's handler if it has one, else its process's: the endpoint
 * with a new reference, or NULL. */
static struct endpoint *
fault_handler_get(struct thread *t, uint64_t *badge)
{
    bool irq = spin_lock_irqsave(&fault_lock);
    struct fault_handler *fh = t->fault.ep ? &t->fault : &t->process->fault;
    struct endpoint *ep = fh->ep;

    if (ep) {
        object_ref(&ep->obj);
        *badge = fh->badge;
    }
    spin_unlock_irqrestore(&fault_lock, irq);
    return ep;
}

/*
 * Does p hold every receive right of ep? Then only a thread of p can take
 * the fault, and the faulting thread waits only if one is receiving
 * already: a process whose one thread faults to its own endpoint, or
 * whose handler thread faults while handling, ends as without a handler
 * instead of waiting for ever on itself.
 */
static bool
fault_self_handled(struct process *p, struct endpoint *ep)
{
    uint32_t holders = __atomic_load_n(&ep->receive_holders, __ATOMIC_ACQUIRE);

    return holders <= handle_count_naming_rights(&p->handles, &ep->obj, CAIRN_RIGHT_WAIT);
}

static void
fault_regs_from_frame(struct cairn_fault_regs *r, const struct trap_frame *tf, uint64_t fs_base)
{
    *r = (struct cairn_fault_regs){
        .rax = tf->rax,
        .rbx = tf->rbx,
        .rcx = tf->rcx,
        .rdx = tf->rdx,
        .rsi = tf->rsi,
        .rdi = tf->rdi,
        .rbp = tf->rbp,
        .rsp = tf->rsp,
        .r8 = tf->r8,
        .r9 = tf->r9,
        .r10 = tf->r10,
        .r11 = tf->r11,
        .r12 = tf->r12,
        .r13 = tf->r13,
        .r14 = tf->r14,
        .r15 = tf->r15,
        .rip = tf->rip,
        .rflags = tf->rflags,
        .fs_base = fs_base,
    };
}

/*
 * The faulting thread's frame-pointer backtrace (cairn/fault.h), walked
 * from rbp in its own address space, the current one: every frame is read
 * with copy_from_user, so a corrupt chain (a kernel address, an unmapped
 * page, a loop) ends the walk and never faults the kernel. Runs with
 * interrupts on, as a system call's copies do. Returns the depth.
 */
static uint64_t
fault_backtrace(uint64_t rbp, uint64_t trace[CAIRN_FAULT_TRACE_MAX])
{
    uint64_t depth = 0;

    while (depth < CAIRN_FAULT_TRACE_MAX) {
        uint64_t frame[2]; /* the saved rbp, the return address */

        if (rbp == 0 || (rbp & 7) || rbp > CAIRN_USER_TOP - sizeof(frame))
            break;
        if (copy_from_user(frame, rbp, sizeof(frame)) != 0 || frame[1] == 0)
            break;
        trace[depth++] = frame[1];
        if (frame[0] <= rbp) /* the stack grows down: a caller's frame lies above */
            break;
        rbp = frame[0];
    }
    return depth;
}

/* Apply the registers of a reply, all checked first: false (and tf as it
 * was) if rip or rsp is no user address or rflags changes a bit that is
 * not the user's. */
static bool
fault_regs_to_frame(struct trap_frame *tf, const struct cairn_fault_regs *r)
{
    if (r->rip >= CAIRN_USER_TOP || r->rsp > CAIRN_USER_TOP)
        return false;
    if ((r->rflags ^ tf->rflags) & ~CAIRN_FAULT_USER_FLAGS)
        return false;
    tf->rax = r->rax;
    tf->rbx = r->rbx;
    tf->rcx = r->rcx;
    tf->rdx = r->rdx;
    tf->rsi = r->rsi;
    tf->rdi = r->rdi;
    tf->rbp = r->rbp;
    tf->rsp = r->rsp;
    tf->r8 = r->r8;
    tf->r9 = r->r9;
    tf->r10 = r->r10;
    tf->r11 = r->r11;
    tf->r12 = r->r12;
    tf->r13 = r->r13;
    tf->r14 = r->r14;
    tf->r15 = r->r15;
    tf->rip = r->rip;
    tf->rflags = (tf->rflags & ~CAIRN_FAULT_USER_FLAGS) | (r->rflags & CAIRN_FAULT_USER_FLAGS);
    return true;
}

/* Send the fault through ep and wait for the answer: 0 and the answer's
 * first two words and its registers (*nregs bytes of them; 0 if it sent
 * more than they take), or the call's error. */
static int
fault_call(struct trap_frame *tf, uint64_t addr, struct endpoint *ep, uint64_t badge,
           uint64_t answer[2], struct cairn_fault_regs *reply, uint32_t *nregs)
{
    struct thread *me = sched_current();
    struct process *p = me->process;
    struct cairn_fault_msg fm;
    int err;

    fault_regs_from_frame(&fm.regs, tf, me->fs_base);
    fm.depth = fault_backtrace(tf->rbp, fm.trace);
    ipc_msg_free(&me->ipc.msg);
    me->ipc.msg.words[0] = tf->vector;
    me->ipc.msg.words[1] = tf->error;
    me->ipc.msg.words[2] = addr;
    me->ipc.msg.words[3] = me->id;
    me->ipc.msg.words[4] = p->pid;
    me->ipc.msg.src = (uint64_t)&fm;
    me->ipc.msg.len = CAIRN_FAULT_MSG_LEN(fm.depth);
    me->ipc.msg.flags = 0;
    me->ipc.recv_buf = (uint64_t)reply;
    me->ipc.recv_cap = sizeof(*reply);
    me->ipc.kernel_buf = true;
    err = endpoint_call(ep, badge, fault_self_handled(p, ep) ? 0 : SCHED_FOREVER);
    me->ipc.kernel_buf = false;
    me->ipc.recv_buf = 0;
    me->ipc.recv_cap = 0;
    if (!err) {
        answer[0] = me->ipc.msg.words[0];
        answer[1] = me->ipc.msg.words[1];
        /* More bytes than the registers is no answer either. */
        *nregs = me->ipc.msg.flags & CAIRN_MSG_TRUNCATED ? 0 : me->ipc.msg.len;
        ipc_msg_free(&me->ipc.msg); /* handles sent with an answer are dropped */
    }
    me->ipc.msg.len = 0;
    return err;
}

bool
fault_deliver(struct trap_frame *tf, uint64_t addr)
{
    struct thread *me = sched_current();
    struct process *p = me->process;
    struct cairn_fault_regs reply;
    int64_t status = -(int64_t)(128 + tf->vector);
    uint64_t badge = 0, answer[2];
    uint32_t nregs = 0;
    struct endpoint *ep = fault_handler_get(me, &badge);
    int err;

    if (!ep)
        return false;
    irq_enable(); /* the thread waits as an IPC caller does */
    err = fault_call(tf, addr, ep, badge, answer, &reply, &nregs);
    object_unref(&ep->obj);
    irq_disable();
    process_stop_check(); /* killed while it waited: the kill's status */
    if (err)
        return false;
    if (answer[0] == CAIRN_FAULT_RESUME && answer[1] == 0)
        return true;
    if (answer[0] == CAIRN_FAULT_RESUME && answer[1] == CAIRN_FAULT_SET_REGS &&
        nregs == sizeof(reply) && fault_regs_to_frame(tf, &reply))
        return true;
    if (answer[0] == CAIRN_FAULT_KILL_THREAD)
        process_thread_exit(status);
    if (answer[0] == CAIRN_FAULT_KILL_PROCESS) {
        log_fault("process %s (pid %u) killed by its fault handler: vector %lu, rip %016lx",
                  p->name, p->pid, tf->vector, tf->rip);
        process_exit(status);
    }
    return false; /* a bad answer: as without a handler */
}
