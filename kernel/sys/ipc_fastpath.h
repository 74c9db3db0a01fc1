/* SPDX-License-Identifier: MIT */
/*
 * The IPC fast path (ipc_fastpath.c), entered from syscall.S, and the
 * continuation of the waits it begins.
 */
#ifndef CAIRN_SYS_IPC_FASTPATH_H
#define CAIRN_SYS_IPC_FASTPATH_H

#include <stdint.h>

#include "arch/x86_64/trap.h"

struct thread;

/*
 * What the fast path tells syscall.S. rsp 0: not taken, nothing changed,
 * the call goes to the general dispatch. Otherwise the caller is blocked,
 * the partner is this CPU's current thread with its address space, FPU
 * and FS base loaded, this CPU's run queue is locked, and syscall.S
 * writes the caller's continuation below its frame, then loads rsp:
 * with IPC_FAST_FRAME set, the partner's syscall frame (less the flag),
 * which already holds the partner's result, to finish the switch
 * (sched_finish_switch(prev)) and return to user mode through; without
 * it, the partner's saved context, to resume as context_switch does
 * (prev in rax).
 */
#define IPC_FAST_FRAME 1ull
struct ipc_fast_switch {
    uint64_t rsp;
    struct thread *prev;
};

/* ipc_call or ipc_reply_recv (f->rax) without an extension, interrupts
 * off, on the current thread's syscall frame f. */
struct ipc_fast_switch ipc_fastpath(struct trap_frame *f);

/* The C half of ipc_cont_trampoline (sys_ipc.c): the end of a fast-path
 * wait that something else ended; as syscall_exit_work, non-zero for the
 * iretq path. */
int ipc_cont_resume(struct trap_frame *f);

#endif
