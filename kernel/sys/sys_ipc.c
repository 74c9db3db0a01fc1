// SPDX-License-Identifier: MIT
/*
 * The IPC system calls: messages through endpoints (call, receive, reply)
 * and deferred replies (reply objects). The register layout of a message
 * is in include/cairn/ipc.h; these are the FRAME rows of the system call
 * table, whose handlers read the trap frame (sys/syscall.h), all but
 * ipc_reply_save.
 *
 * A message travels in three steps. The sender's handler loads it into its
 * thread's ipc.msg (ipc_msg_load: words from registers; where its bytes
 * are, and its handles, from the extension, all validated before any
 * handle moves); the endpoint moves it to the receiver's ipc.msg and copies
 * the bytes once, from the sender's buffer straight into the receiver's
 * (endpoint.c); the receiver's handler, back in its own address space,
 * stores the rest (ipc_msg_store: words to registers, handles to its
 * table, counts to its extension). A message of words alone is never
 * copied through memory at all.
 */
#include <cairn/errors.h>
#include <cairn/ipc.h>
#include <cairn/rights.h>

#include "arch/x86_64/cpu.h"
#include "common/string.h"
#include "mm/kmalloc.h"
#include "obj/endpoint.h"
#include "obj/process.h"
#include "obj/reply.h"
#include "sched/sched.h"
#include "sched/waitq.h"
#include "sys/ipc_fastpath.h"
#include "sys/syscall.h"

/* A relative time-out of CAIRN_WAIT_FOREVER is no deadline at all. */
_Static_assert(CAIRN_WAIT_FOREVER == SCHED_FOREVER, "the two ways of saying for ever differ");

/* --- messages --- */

/* The words of the current thread's message, from the registers; no bytes
 * yet. */
static void
ipc_msg_load_words(struct thread *me, const struct trap_frame *f)
{
    me->ipc.msg.words[0] = f->rsi;
    me->ipc.msg.words[1] = f->rdx;
    me->ipc.msg.words[2] = f->r10;
    me->ipc.msg.words[3] = f->r8;
    me->ipc.msg.words[4] = f->r9;
    me->ipc.msg.len = 0;
    me->ipc.msg.flags = 0;
}

/* Load the words, and the buffer and handles the extension names, into
 * the current thread's ipc.msg. Nothing has changed when it fails. */
static int
ipc_msg_load(struct trap_frame *f, struct cairn_msg_ext *ext)
{
    struct process *p = process_current();
    struct ipc_msg *m = &sched_current()->ipc.msg;
    unsigned n;

    ipc_msg_load_words(sched_current(), f);
    if (!ext || (ext->send_len == 0 && ext->send_nhandles == 0))
        return 0;

    /* Validate everything before a handle moves. */
    n = ext->send_nhandles;
    if (ext->send_len > CAIRN_MSG_BUF_MAX || n > CAIRN_MSG_HANDLES)
        return -CAIRN_EINVAL;
    for (unsigned i = 0; i < n; i++) {
        const struct cairn_msg_handle *mh = &ext->send_handles[i];
        uint32_t need = CAIRN_RIGHT_TRANSFER, rights;
        struct object *o;
        int err;

        if (mh->flags > CAIRN_MSG_HANDLE_COPY || mh->reserved)
            return -CAIRN_EINVAL;
        for (unsigned j = 0; j < i; j++) {
            if (ext->send_handles[j].handle == mh->handle)
                return -CAIRN_EINVAL; /* one handle twice: a move would lose it */
        }
        if (mh->flags == CAIRN_MSG_HANDLE_COPY)
            need |= CAIRN_RIGHT_DUPLICATE;
        err = handle_get(&p->handles, mh->handle, CAIRN_OBJ_NONE, need, &o, &rights);
        if (err)
            return err;
        object_unref(o);
        if (mh->rights != CAIRN_RIGHTS_SAME && (mh->rights & ~rights))
            return -CAIRN_ERIGHTS;
    }
    /* The bytes stay where they are until the receiver is known
     * (endpoint.c copies them once, straight across); only check them. */
    if (user_range_check(ext->send_buf, ext->send_len, false) < 0)
        return -CAIRN_EFAULT;
    m->src = ext->send_buf;
    m->len = ext->send_len;
    /* Commit. Only another thread of this process closing a handle in
     * between can make a step fail; then what was taken is dropped. */
    for (unsigned i = 0; i < n; i++) {
        const struct cairn_msg_handle *mh = &ext->send_handles[i];
        int err = mh->flags == CAIRN_MSG_HANDLE_COPY
                      ? handle_copy_out(&p->handles, mh->handle, mh->rights, &m->handles[i])
                      : handle_take(&p->handles, mh->handle, mh->rights, &m->handles[i]);
        if (err) {
            ipc_msg_free(m);
            return err;
        }
        m->nhandles = i + 1;
    }
    return 0;
}

/* The words (and the badge, if asked) of m into the registers. */
static inline void
ipc_msg_store_registers(struct trap_frame *f, const struct ipc_msg *m, bool badge)
{
    f->rsi = m->words[0];
    f->rdx = m->words[1];
    f->r10 = m->words[2];
    f->r8 = m->words[3];
    f->r9 = m->words[4];
    if (badge)
        f->rdi = m->badge;
}

/* Store m without an extension: the words; what else it carries has
 * nowhere to go, is dropped and reported. The flags are the result
 * (CAIRN_IPC_NOTIFIED for a receive that took notification bits). */
static inline int64_t
ipc_msg_store_words(struct trap_frame *f, struct ipc_msg *m, bool badge)
{
    ipc_msg_store_registers(f, m, badge);
    if (__builtin_expect(m->flags || m->nhandles, 0)) {
        int64_t flags = m->flags | (m->nhandles ? CAIRN_MSG_TRUNCATED : 0);

        ipc_msg_free(m);
        return flags;
    }
    return 0;
}

/*
 * Store the message in the current thread's ipc.msg: words in the
 * registers, badge in rdi when asked, handles in the table and the count
 * of bytes (delivered already) in the extension at ext_user. Frees what
 * the message still owns. Returns 0, CAIRN_MSG_TRUNCATED if something did
 * not fit, or -CAIRN_EFAULT if the extension could not be written back.
 */
static int64_t
ipc_msg_store(struct trap_frame *f, uint64_t ext_user, const struct cairn_msg_ext *ext, bool badge)
{
    struct process *p = process_current();
    struct ipc_msg *m = &sched_current()->ipc.msg;
    uint32_t flags, len, nh = 0;
    int32_t handles[CAIRN_MSG_HANDLES];
    int64_t ret = 0;

    if (!ext_user)
        return ipc_msg_store_words(f, m, badge);
    ipc_msg_store_registers(f, m, badge);
    /* The bytes are in place already (endpoint.c). */
    len = m->len;
    flags = m->flags;
    for (unsigned i = 0; i < m->nhandles; i++) {
        int h = handle_insert_entry(&p->handles, &m->handles[i]);
        if (h < 0)
            flags |= CAIRN_MSG_TRUNCATED;
        else
            handles[nh++] = h;
    }
    ipc_msg_free(m);
    {
        struct cairn_msg_ext out = *ext;
        out.recv_len = len;
        out.recv_nhandles = nh;
        out.recv_flags = flags;
        for (unsigned i = 0; i < CAIRN_MSG_HANDLES; i++)
            out.recv_handles[i] = i < nh ? handles[i] : -1;
        if (copy_to_user(ext_user + offsetof(struct cairn_msg_ext, recv_len), &out.recv_len,
                         sizeof(out) - offsetof(struct cairn_msg_ext, recv_len)) < 0)
            ret = -CAIRN_EFAULT;
    }
    return ret ? ret : flags;
}

/* Read the extension (r12), if any. */
static int
ipc_ext_read(struct trap_frame *f, struct cairn_msg_ext *ext)
{
    struct thread *me = sched_current();

    me->ipc.recv_cap = 0; /* no room for bytes until the extension says */
    if (!f->r12)
        return 0;
    if (copy_from_user(ext, f->r12, sizeof(*ext)) < 0)
        return -CAIRN_EFAULT;
    if (ext->recv_cap > CAIRN_MSG_BUF_MAX)
        return -CAIRN_EINVAL;
    /* Where a sender (or replier) puts our bytes while we wait. */
    me->ipc.recv_buf = ext->recv_buf;
    me->ipc.recv_cap = ext->recv_cap;
    return 0;
}

/* Failed calls zero the out registers (include/cairn/ipc.h). */
static int64_t
ipc_fail(struct trap_frame *f, int64_t err, bool badge)
{
    f->rsi = f->rdx = f->r10 = f->r8 = f->r9 = 0;
    if (badge)
        f->rdi = 0;
    return err;
}

/* call and call_timed, when the fast path (sys/ipc_fastpath.c) did not
 * take the call. */
static int64_t
ipc_call_general(struct trap_frame *f, uint64_t deadline)
{
    struct cairn_msg_ext ext;
    struct object *o;
    uint64_t badge;
    int err;

    err = handle_get_badged(&process_current()->handles, syscall_frame_handle(f),
                            CAIRN_OBJ_ENDPOINT, CAIRN_RIGHT_SIGNAL, &o, NULL, &badge);
    if (err)
        return ipc_fail(f, err, false);
    err = ipc_ext_read(f, &ext);
    if (!err)
        err = ipc_msg_load(f, f->r12 ? &ext : NULL);
    if (!err)
        err = endpoint_call(endpoint_from(o), badge, deadline);
    object_unref(o);
    if (err) {
        ipc_msg_free(&sched_current()->ipc.msg);
        return ipc_fail(f, err, false);
    }
    return ipc_msg_store(f, f->r12, &ext, false);
}

int64_t
ipc_call_slow(struct trap_frame *f)
{
    return ipc_call_general(f, SCHED_FOREVER);
}

/* A limited wait is the general path's: the fast path waits for ever. */
int64_t
sys_ipc_call_timed(struct trap_frame *f)
{
    return ipc_call_general(f, waitq_deadline_after(f->r13));
}

/* The receive half shared by recv and reply_recv. */
static int64_t
ipc_receive(struct trap_frame *f, struct object *o, const struct cairn_msg_ext *ext,
            uint64_t deadline, bool reply_first)
{
    int err = reply_first ? endpoint_reply_recv(endpoint_from(o), deadline)
                          : endpoint_recv(endpoint_from(o), deadline);

    object_unref(o);
    if (err)
        return ipc_fail(f, err, true);
    return ipc_msg_store(f, f->r12, ext, true);
}

int64_t
sys_ipc_recv(struct trap_frame *f)
{
    struct cairn_msg_ext ext;
    struct object *o;
    int err;

    err = handle_get(&process_current()->handles, syscall_frame_handle(f), CAIRN_OBJ_ENDPOINT,
                     CAIRN_RIGHT_WAIT, &o, NULL);
    if (err)
        return ipc_fail(f, err, true);
    err = ipc_ext_read(f, &ext);
    if (err) {
        object_unref(o);
        return ipc_fail(f, err, true);
    }
    return ipc_receive(f, o, &ext, waitq_deadline_after(f->rsi), false);
}

int64_t
sys_ipc_reply(struct trap_frame *f)
{
    struct cairn_msg_ext ext;
    int err;

    if (!sched_current()->ipc.caller)
        return -CAIRN_ENOENT;
    err = ipc_ext_read(f, &ext);
    if (!err)
        err = ipc_msg_load(f, f->r12 ? &ext : NULL);
    if (err)
        return err;
    return endpoint_reply();
}

/* reply_recv, when the fast path did not take it. */
int64_t
ipc_reply_recv_slow(struct trap_frame *f)
{
    struct cairn_msg_ext ext;
    struct object *o;
    int err;

    err = handle_get(&process_current()->handles, syscall_frame_handle(f), CAIRN_OBJ_ENDPOINT,
                     CAIRN_RIGHT_WAIT, &o, NULL);
    if (!err) {
        err = ipc_ext_read(f, &ext);
        /* Without a caller there is nothing to reply to: just receive. */
        if (!err && sched_current()->ipc.caller)
            err = ipc_msg_load(f, f->r12 ? &ext : NULL);
        if (err)
            object_unref(o);
    }
    if (err)
        return ipc_fail(f, err, true);
    return ipc_receive(f, o, &ext, SCHED_FOREVER, true);
}

/*
 * The continuation of a wait begun on the fast path, when something other
 * than the fast path ends it (a reply or message through the general
 * path, the endpoint closing, the process ending): ipc_cont_trampoline
 * (syscall.S) runs this on the thread's own stack, which holds only its
 * syscall frame, and returns to user mode through the frame. It does
 * what the syscall's handler would have done after the wait, then the
 * syscall's exit work. Interrupts off on entry, on at return.
 */
int
ipc_cont_resume(struct trap_frame *f)
{
    struct thread *me = sched_current();
    struct endpoint *ep = me->ipc.cont_ep;
    bool recv = me->ipc.cont == IPC_CONT_RECV;
    int err;

    if (me->ipc.cont == IPC_CONT_NOTIFY || me->ipc.cont == IPC_CONT_NOTIFY_DONE)
        return notify_cont_resume(f);
    me->ipc.cont = IPC_CONT_NONE;
    me->ipc.cont_ep = NULL;
    err = endpoint_wait_result(ep, false);
    irq_enable();
    object_unref(&ep->obj);
    if (err) {
        ipc_msg_free(&me->ipc.msg);
        f->rax = (uint64_t)ipc_fail(f, err, recv);
    } else {
        f->rax = (uint64_t)ipc_msg_store_words(f, &me->ipc.msg, recv);
    }
    return syscall_exit_work(f);
}

/* --- deferred replies --- */

#define REPLY_CREATOR_RIGHTS (CAIRN_RIGHT_SIGNAL | CAIRN_RIGHT_TRANSFER)

int64_t
sys_ipc_reply_save(void)
{
    struct reply *r;
    int err, h;

    err = reply_create(&r);
    if (err)
        return err;
    h = handle_insert(&process_current()->handles, &r->obj, REPLY_CREATOR_RIGHTS);
    if (h < 0) {
        reply_undo(r); /* the thread keeps its caller */
        return h;
    }
    object_unref(&r->obj); /* the handle holds it now */
    return h;
}

int64_t
sys_ipc_reply_to(struct trap_frame *f)
{
    struct cairn_msg_ext ext;
    struct object *o;
    struct reply *r;
    int err;

    err = handle_get(&process_current()->handles, syscall_frame_handle(f), CAIRN_OBJ_REPLY,
                     CAIRN_RIGHT_SIGNAL, &o, NULL);
    if (err)
        return err;
    r = reply_from(o);
    /* Claimed before the message is loaded: a used reply object moves
     * no handle. */
    err = reply_claim(r);
    if (!err) {
        err = ipc_ext_read(f, &ext);
        if (!err)
            err = ipc_msg_load(f, f->r12 ? &ext : NULL);
        if (err)
            reply_unclaim(r);
        else
            err = reply_answer_claimed(r);
    }
    object_unref(o);
    return err;
}
