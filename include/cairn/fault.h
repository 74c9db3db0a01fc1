/* SPDX-License-Identifier: MIT */
/*
 * Faults to a supervisor: the message a faulting user thread sends to its
 * exception endpoint, and the reply that ends its wait. docs/ipc.md
 * ("Faults") describes the model, docs/syscalls.md fault_set_handler.
 *
 * The fault message, as the handler's ipc_recv sees it:
 *   words[0] the vector (CAIRN_FAULT_VEC_*), words[1] the error code the
 *   CPU pushed (0 for vectors without one), words[2] the fault address
 *   (CR2 for a page fault, else 0), words[3] the faulting thread's id,
 *   words[4] its process's pid; the badge is that of the endpoint handle
 *   given to fault_set_handler; the buffer is a struct cairn_fault_msg cut
 *   after its depth trace entries (CAIRN_FAULT_MSG_LEN(depth) bytes), or
 *   its first recv_cap bytes, flagged truncated, for a receiver with less
 *   room: one that asks for a struct cairn_fault_regs gets the registers.
 *
 * The reply: words[0] the action (CAIRN_FAULT_RESUME, _KILL_THREAD,
 * _KILL_PROCESS), words[1] flags (CAIRN_FAULT_SET_REGS: the reply's buffer
 * is a whole struct cairn_fault_regs to resume with). Anything else, or
 * registers that do not pass the checks (rip and rsp canonical user
 * addresses, only CAIRN_FAULT_USER_FLAGS changed in rflags), ends the
 * process as if no handler were set.
 */
#ifndef CAIRN_FAULT_H
#define CAIRN_FAULT_H

#include <stdint.h>

/* The vectors a user thread can raise. */
#define CAIRN_FAULT_VEC_DIVIDE     0
#define CAIRN_FAULT_VEC_DEBUG      1
#define CAIRN_FAULT_VEC_BREAKPOINT 3
#define CAIRN_FAULT_VEC_OVERFLOW   4
#define CAIRN_FAULT_VEC_BOUND      5
#define CAIRN_FAULT_VEC_INVALID_OP 6
#define CAIRN_FAULT_VEC_SEGMENT    11 /* segment not present */
#define CAIRN_FAULT_VEC_STACK      12 /* stack-segment fault */
#define CAIRN_FAULT_VEC_GP         13
#define CAIRN_FAULT_VEC_PAGE       14
#define CAIRN_FAULT_VEC_X87        16
#define CAIRN_FAULT_VEC_ALIGNMENT  17
#define CAIRN_FAULT_VEC_SIMD       19

/* The reply's action (words[0]). */
#define CAIRN_FAULT_RESUME       1 /* return to the thread (it retries a faulting instruction) */
#define CAIRN_FAULT_KILL_THREAD  2 /* end the thread with status -(128 + vector) */
#define CAIRN_FAULT_KILL_PROCESS 3 /* end the process with status -(128 + vector) */

/* The reply's flags (words[1]). */
#define CAIRN_FAULT_SET_REGS 1u

/* The rflags bits a handler may change: CF PF AF ZF SF TF DF OF AC. */
#define CAIRN_FAULT_USER_FLAGS 0x40dd5ull

/* The thread's registers when it faulted; rip is the faulting instruction
 * (after it, for int3 and into). fs_base is reported, never set. */
struct cairn_fault_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags, fs_base, reserved;
};
_Static_assert(sizeof(struct cairn_fault_regs) == 20 * 8, "fault registers: 20 words");

/*
 * The fault message's buffer: the registers, then a frame-pointer
 * backtrace of the faulting thread, walked by the kernel in the thread's
 * own address space from regs.rbp: trace[i] is the return address of the
 * i-th frame of the rbp chain (the caller of the faulting function
 * first; regs.rip is the faulting instruction itself). The walk stops
 * after CAIRN_FAULT_TRACE_MAX entries, or at an rbp that is 0, not below
 * CAIRN_USER_TOP, not 8-byte aligned, or not readable, at a return address
 * of 0, or after a frame whose saved rbp does not lie above its own (so a
 * chain that loops or points at itself ends). Programs built without
 * frame pointers give a short or meaningless trace, never a wrong kernel
 * access: every read is a checked user copy.
 */
#define CAIRN_FAULT_TRACE_MAX 16

struct cairn_fault_msg {
    struct cairn_fault_regs regs;
    uint64_t depth; /* entries of trace[] that follow, 0..CAIRN_FAULT_TRACE_MAX */
    uint64_t trace[CAIRN_FAULT_TRACE_MAX];
};
_Static_assert(sizeof(struct cairn_fault_msg) == (20 + 1 + 16) * 8, "fault message: 37 words");

/* The bytes of a fault message whose trace has depth entries. */
#define CAIRN_FAULT_MSG_LEN(depth) ((uint32_t)(21 * 8 + 8 * (depth)))

#endif
