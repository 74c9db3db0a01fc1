/* SPDX-License-Identifier: MIT */
/*
 * System call handlers. Each row of CAIRN_SYSCALL_TABLE
 * (include/cairn/syscalls.h) names a handler sys_<name>, declared here
 * from the row's signature and defined in kernel/sys/sys_<prefix>.c, the
 * file of its name's first word; syscall.c builds the dispatch table from
 * the same rows, so a row without a handler, or a handler whose parameters
 * differ from its row, fails to build.
 *
 * A REGS handler takes the row's arguments as C parameters: handles as
 * cairn_handle_t, user addresses as uint64_t (CAIRN_UPTR below: an address
 * that only the user-copy functions touch). A FRAME handler takes the trap
 * frame and reads its registers itself (include/cairn/ipc.h).
 *
 * A handler validates all of its arguments (handle, type, rights, ranges)
 * before it acts, and returns a result >= 0 or a negative CAIRN_E* code.
 * Only user threads make system calls, so process_current() is never NULL
 * in a handler.
 */
#ifndef CAIRN_SYS_SYSCALL_H
#define CAIRN_SYS_SYSCALL_H

#include <stdint.h>

#include <cairn/syscalls.h>

#include "arch/x86_64/trap.h"

#define CAIRN_UPTR(type) uint64_t

/* The handle a FRAME call takes in rdi (include/cairn/ipc.h). */
static inline cairn_handle_t
syscall_frame_handle(const struct trap_frame *f)
{
    return (cairn_handle_t)f->rdi;
}

struct object;
struct process;

/* The dispatch table syscall.S calls through, one entry per number below
 * CAIRN_SYSCALL_COUNT, and the entry of the numbers without a row (and of
 * those at or above it). syscall.c. */
typedef int64_t (*syscall_fn)(struct trap_frame *f);
extern const syscall_fn syscall_table[CAIRN_SYSCALL_COUNT];
int64_t syscall_enosys(struct trap_frame *f);

/* Helpers the handlers share. */

/* The end of every system call on its way back to user mode: a pending
 * switch, a stop, a return address that sysret cannot take. Non-zero when
 * the return must take the iretq path. syscall.c. */
int syscall_exit_work(struct trap_frame *f);

/* Insert o into the caller's table with rights after charging bytes for
 * it to the caller's process (0: it was charged when made); drops the
 * caller's reference either way. The handle, or an error. sys_handle.c. */
int64_t syscall_give_handle(struct object *o, uint64_t bytes, uint32_t rights);

/* The process that the caller's handle h names, with MANAGE, referenced:
 * process_unref when done. 0 or an error. sys_process.c. */
int process_get_managed(cairn_handle_t h, struct process **out);

#define SYSCALL_DECL_REGS(name, nargs, ...) \
    int64_t sys_##name(CAIRN_SYSCALL_PARAMS(nargs, __VA_ARGS__));
#define SYSCALL_DECL_FRAME(name, nargs, ...) int64_t sys_##name(struct trap_frame *f);
#define SYSCALL_DECL(number, name, ret, abi, nargs, ...) \
    SYSCALL_DECL_##abi(name, nargs, __VA_ARGS__)
CAIRN_SYSCALL_TABLE(SYSCALL_DECL)
#undef SYSCALL_DECL
#undef SYSCALL_DECL_FRAME
#undef SYSCALL_DECL_REGS

#endif
