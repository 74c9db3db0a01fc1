// SPDX-License-Identifier: MIT
/*
 * System call dispatch, and nothing else: the table comes from
 * CAIRN_SYSCALL_TABLE in include/cairn/syscalls.h, the handlers are in
 * kernel/sys/sys_<prefix>.c, one file per first word of their names, and
 * sys/syscall.h states what every handler must do.
 */
#include <cairn/errors.h>
#include <cairn/init.h>
#include <cairn/syscalls.h>

#include "arch/x86_64/trap.h"
#include "lib/log.h"
#include "obj/process.h"
#include "sched/sched.h"
#include "sys/syscall.h"

/*
 * The dispatch table: a REGS row's entry is a thunk that passes the frame's
 * argument registers to its handler as the row's parameter types; a tail
 * call, since the thunk's frame would hold nothing (this file is built
 * with sibling calls on, see the Makefile). A FRAME row's entry is its
 * handler. Numbers without a row get syscall_enosys, so every slot below
 * CAIRN_SYSCALL_COUNT can be called without a check for NULL.
 */
#define SYSCALL_REG_0                  rdi
#define SYSCALL_REG_1                  rsi
#define SYSCALL_REG_2                  rdx
#define SYSCALL_REG_3                  r10
#define SYSCALL_REG_4                  r8
#define SYSCALL_REG_5                  r9
#define SYSCALL_REG_ARG(i, type, name) (type) f->SYSCALL_REG_##i

#define SYSCALL_THUNK_REGS(name, nargs, ...)                                          \
    static int64_t syscall_thunk_##name(struct trap_frame *f)                         \
    {                                                                                 \
        (void)f;                                                                      \
        return sys_##name(CAIRN_SYSCALL_EACH(SYSCALL_REG_ARG, , nargs, __VA_ARGS__)); \
    }
#define SYSCALL_THUNK_FRAME(name, nargs, ...)
#define SYSCALL_THUNK(number, name, ret, abi, nargs, ...) \
    SYSCALL_THUNK_##abi(name, nargs, __VA_ARGS__)
CAIRN_SYSCALL_TABLE(SYSCALL_THUNK)

int64_t
syscall_enosys(struct trap_frame *f)
{
    (void)f;
    return -CAIRN_ENOSYS;
}

#define SYSCALL_ENTRY_REGS(name)                   syscall_thunk_##name
#define SYSCALL_ENTRY_FRAME(name)                  sys_##name
#define SYSCALL_ENTRY(number, name, ret, abi, ...) [number] = SYSCALL_ENTRY_##abi(name),

/* The rows override the range's default: that is the point here. syscall.S
 * indexes the table by rax, below CAIRN_SYSCALL_COUNT. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
const syscall_fn syscall_table[CAIRN_SYSCALL_COUNT] = {
    [0 ... CAIRN_SYSCALL_COUNT - 1] = syscall_enosys, /* numbers without a row */
    CAIRN_SYSCALL_TABLE(SYSCALL_ENTRY)                /* the rows */
};
#pragma GCC diagnostic pop

_Static_assert(SYSCALL_COUNT == CAIRN_SYSCALL_COUNT, "syscall.S's table size");
_Static_assert(offsetof(struct trap_frame, rax) == FRAME_RAX, "frame.h's FRAME_RAX");
_Static_assert(offsetof(struct trap_frame, rip) == FRAME_RIP, "frame.h's FRAME_RIP");
_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "frame.h's CPU_CURRENT");
_Static_assert(offsetof(struct cpu, need_resched) == CPU_NEED_RESCHED,
               "frame.h's CPU_NEED_RESCHED");
_Static_assert(offsetof(struct thread, stop) == THREAD_STOP, "frame.h's THREAD_STOP");
_Static_assert(sizeof(((struct thread *)0)->stop) == 1, "syscall.S tests stop as a byte");
_Static_assert(SYSRET_RIP_LIMIT == CAIRN_USER_TOP, "frame.h's SYSRET_RIP_LIMIT");

/*
 * A return rip at or above CAIRN_USER_TOP cannot take sysret: sysret to a
 * non-canonical rip faults in ring 0 on Intel CPUs, on the user's stack.
 * Below the canonical limit iretq is safe (the fetch faults in user mode).
 * A non-canonical one cannot come from a syscall instruction, since the
 * last canonical page is never mapped; should a frame ever hold one, iretq
 * would fault in ring 0 after swapgs, so the process ends as if it had
 * taken a #GP instead.
 */
static int
syscall_return_unusual(struct trap_frame *f)
{
    struct process *p = process_current();

    if (f->rip < 0x0000800000000000ull)
        return 1;
    log_warn("process %s (pid %u) killed: general protection fault, rip %016lx", p->name, p->pid,
             f->rip);
    process_exit(-(int64_t)(128 + 13));
}

int
syscall_exit_work(struct trap_frame *f)
{
    sched_preempt_check();
    process_stop_check(); /* its process is ending: exit instead of returning */
    if (__builtin_expect(f->rip >= CAIRN_USER_TOP, 0))
        return syscall_return_unusual(f);
    return 0;
}
