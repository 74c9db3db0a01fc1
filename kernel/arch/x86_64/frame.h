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

#endif
