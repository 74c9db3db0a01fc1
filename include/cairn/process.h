/* SPDX-License-Identifier: MIT */
/*
 * Processes and threads: the constants of their system calls
 * (docs/syscalls.md, "Processes" and "Threads"). Shared by the kernel and
 * libc.
 *
 * Exit statuses: a process or thread ends with the status it gives
 * (process_exit, thread_exit, or main's return value), or with one of
 * these when it did not choose one. They are all negative, so programs
 * that keep to statuses >= 0 can tell them apart.
 */
#ifndef CAIRN_PROCESS_H
#define CAIRN_PROCESS_H

#include <cairn/errors.h>

/* Ended by process_kill; also the status of its threads. */
#define CAIRN_STATUS_KILLED (-CAIRN_EINTR)

/* Ended by a CPU exception in user mode (vector 14: a page fault gives -142). */
#define CAIRN_STATUS_FAULT(vector) (-(128 + (vector)))

/* Thread priorities: higher runs first, round robin within one. A thread
 * may create threads up to its own priority; the kernel starts init's
 * thread at CAIRN_PRIORITY_DEFAULT. */
#define CAIRN_PRIORITY_MIN     0
#define CAIRN_PRIORITY_MAX     31
#define CAIRN_PRIORITY_DEFAULT 16

#endif
