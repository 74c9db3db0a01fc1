/* SPDX-License-Identifier: MIT */
/*
 * The layout both entry paths share: interrupts (entry.S) and system calls
 * (syscall.S) save the general registers with the PUSH_GPRS / POP_GPRS
 * macros of frame.inc, in the order of struct trap_frame (trap.h).
 */
#ifndef CAIRN_ARCH_X86_64_FRAME_H
#define CAIRN_ARCH_X86_64_FRAME_H

/* Offset of trap_frame.cs from the frame's start (checked in trap.h). */
#define FRAME_CS (18 * 8)

/* A context that context_switch (switch.S) resumes: six callee-saved
 * registers, then the return address. syscall.S writes one below the
 * syscall frame of a thread that a fast path blocked (CONT_SWITCH,
 * ipc_cont_trampoline). */
#define IPC_CONT_CONTEXT_SIZE (7 * 8)

/* What syscall.S's dispatch and its exit checks read (sys/syscall.c
 * checks each against the C definitions). */
#define SYSCALL_COUNT    77                 /* CAIRN_SYSCALL_COUNT */
#define FRAME_RAX        (14 * 8)           /* trap_frame.rax */
#define FRAME_RIP        (17 * 8)           /* trap_frame.rip */
#define CPU_CURRENT      24                 /* struct cpu's current, through GS */
#define CPU_NEED_RESCHED 32                 /* struct cpu's need_resched, through GS */
#define THREAD_STOP      0xf0               /* struct thread's stop */
#define SYSRET_RIP_LIMIT 0x00007ffffffff000 /* CAIRN_USER_TOP */

#endif
