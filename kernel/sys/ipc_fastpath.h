/* SPDX-License-Identifier: MIT */
/*
 * The system calls that syscall.S enters with interrupts off and that may
 * block their thread with a continuation (sched/cont.h): the IPC fast path
 * (ipc_fastpath.c) and notify_wait (sys_notify.c), and the ends of their
 * waits.
 */
#ifndef CAIRN_SYS_IPC_FASTPATH_H
#define CAIRN_SYS_IPC_FASTPATH_H

#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "sched/cont.h"

struct thread;

/* ipc_call or ipc_reply_recv (f->rax) without an extension, interrupts
 * off, on the current thread's syscall frame f. rsp 0: not taken, nothing
 * changed, the call goes to its general handler; else a switch
 * (sched/cont.h). */
struct cont_switch ipc_fastpath(struct trap_frame *f);

/* The general handlers of ipc_call and ipc_reply_recv (sys_ipc.c), where
 * their entries in syscall.S send what the fast path declines. */
int64_t ipc_call_slow(struct trap_frame *f);
int64_t ipc_reply_recv_slow(struct trap_frame *f);

/* The C half of ipc_cont_trampoline (sys_ipc.c): the end of a fast-path
 * wait that something else ended; as syscall_exit_work, non-zero for the
 * iretq path. */
int ipc_cont_resume(struct trap_frame *f);

/* notify_wait on the current thread's syscall frame f, interrupts off:
 * NOTIFY_WAIT_GENERAL (obj/notification.h) for notify_wait_general, with
 * interrupts on; NOTIFY_WAIT_DONE with the result in f; else a switch. */
struct cont_switch notify_wait_fast(struct trap_frame *f);
int64_t notify_wait_general(struct trap_frame *f);
/* ipc_cont_resume's part for IPC_CONT_NOTIFY. */
int notify_cont_resume(struct trap_frame *f);

#endif
