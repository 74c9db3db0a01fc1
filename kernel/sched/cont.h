/* SPDX-License-Identifier: MIT */
/*
 * Waits without C frames: what a system call that blocks its thread with a
 * continuation (the IPC fast path, sys/ipc_fastpath.c; notify_wait,
 * sys/sys_notify.c) hands back to syscall.S, which makes the switch once
 * the C frames below the blocked thread's syscall frame are done with.
 * The blocked thread resumes in ipc_cont_trampoline (syscall.S), which
 * finishes the call by its thread.ipc.cont (ipc_cont_resume, sys_ipc.c).
 */
#ifndef CAIRN_SCHED_CONT_H
#define CAIRN_SCHED_CONT_H

#include <stdint.h>

struct thread;

/*
 * rsp 0 (and the small values a call defines, below 2): no switch.
 * Otherwise the calling thread is blocked, the next thread is this CPU's
 * current one with its address space, FPU and FS base loaded, this CPU's
 * run queue is locked, and syscall.S writes the caller's continuation
 * below its frame, then loads rsp: with CONT_SWITCH_FRAME set, the next
 * thread's syscall frame (less the flag), which already holds its result,
 * to finish the switch (sched_finish_switch(prev)) and return to user
 * mode through; without it, the next thread's saved context, to resume as
 * context_switch does (prev in rax).
 */
#define CONT_SWITCH_FRAME 1ull
struct cont_switch {
    uint64_t rsp;
    struct thread *prev;
};

#endif
