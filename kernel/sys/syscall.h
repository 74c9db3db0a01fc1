/* SPDX-License-Identifier: MIT */
/*
 * System call handlers. Each row of CAIRN_SYSCALL_TABLE
 * (include/cairn/syscalls.h) names a handler sys_<name>, defined in the
 * file of its subsystem (a file in kernel/sys/); syscall.c builds the dispatch
 * table from the same rows, so a row without a handler fails to link.
 *
 * A handler reads its arguments from the frame (rdi, rsi, rdx, r10, r8,
 * r9), validates all of them (handle, type, rights, ranges) before it acts,
 * and returns a result >= 0 or a negative CAIRN_E* code. Only user threads
 * make system calls, so process_current() is never NULL in a handler.
 */
#ifndef CAIRN_SYS_SYSCALL_H
#define CAIRN_SYS_SYSCALL_H

#include <stdint.h>

#include <cairn/syscalls.h>

#include "arch/x86_64/trap.h"

#define SYSCALL_HANDLER_DECL(number, name, nargs) int64_t sys_##name(struct trap_frame *f);
CAIRN_SYSCALL_TABLE(SYSCALL_HANDLER_DECL)
#undef SYSCALL_HANDLER_DECL

#endif
