// SPDX-License-Identifier: MIT
/*
 * The system call wrappers declared in <cairn/sys.h>, made from
 * CAIRN_SYSCALL_TABLE: for each REGS row that returns, cairn_<name> takes
 * the row's parameters and makes the raw call with its CAIRN_SYS_* number
 * (numbers live only in the table). The rows the table cannot turn into a
 * plain call are written by hand: the NORETURN ones below, the FRAME ones
 * (IPC) in libc/ipc.c. Their declarations come from the table all the
 * same, so a definition whose parameters differ from its row does not
 * compile, and sys_handwritten below refers to each of them, so a missing
 * one does not link.
 */
#include <cairn/sys.h>
#include <cairn/syscall.h>

/* SYS_CALL_n(number, arguments): the raw call with n arguments. */
#define SYS_CALL_0(number, none) cairn_syscall0(number)
#define SYS_CALL_1(number, ...)  cairn_syscall1(number, __VA_ARGS__)
#define SYS_CALL_2(number, ...)  cairn_syscall2(number, __VA_ARGS__)
#define SYS_CALL_3(number, ...)  cairn_syscall3(number, __VA_ARGS__)
#define SYS_CALL_4(number, ...)  cairn_syscall4(number, __VA_ARGS__)
#define SYS_CALL_5(number, ...)  cairn_syscall5(number, __VA_ARGS__)
#define SYS_CALL_6(number, ...)  cairn_syscall6(number, __VA_ARGS__)

/* Every argument travels as a long, in its register. */
#define SYS_ARG(i, type, name) (long)name

#define SYS_WRAPPER_REGS_RESULT(name, nargs, ...)                                   \
    long cairn_##name(CAIRN_SYSCALL_PARAMS(nargs, __VA_ARGS__))                     \
    {                                                                               \
        return SYS_CALL_##nargs(CAIRN_SYS_##name,                                   \
                                CAIRN_SYSCALL_EACH(SYS_ARG, , nargs, __VA_ARGS__)); \
    }
#define SYS_WRAPPER_REGS_VALUE(name, nargs, ...)                                              \
    uint64_t cairn_##name(CAIRN_SYSCALL_PARAMS(nargs, __VA_ARGS__))                           \
    {                                                                                         \
        return (uint64_t)SYS_CALL_##nargs(CAIRN_SYS_##name,                                   \
                                          CAIRN_SYSCALL_EACH(SYS_ARG, , nargs, __VA_ARGS__)); \
    }
#define SYS_WRAPPER_REGS_NORETURN(name, nargs, ...)
#define SYS_WRAPPER_FRAME_RESULT(name, nargs, ...)
#define SYS_WRAPPER(number, name, ret, abi, nargs, ...) \
    SYS_WRAPPER_##abi##_##ret(name, nargs, __VA_ARGS__)
CAIRN_SYSCALL_TABLE(SYS_WRAPPER)

_Noreturn void
cairn_process_exit(int64_t status)
{
    cairn_syscall1(CAIRN_SYS_process_exit, status);
    /* The kernel never returns from process_exit; if it did, fault rather than run on. */
    for (;;)
        __builtin_trap();
}

_Noreturn void
cairn_thread_exit(int64_t status)
{
    cairn_syscall1(CAIRN_SYS_thread_exit, status);
    for (;;)
        __builtin_trap();
}

/* The hand-written wrappers: kept (used), so that every program, which
 * links this file, needs each of them. (void (*)(void) is the type any
 * function pointer may be cast to without a warning.) */
#define SYS_HANDWRITTEN_REGS_RESULT(name)
#define SYS_HANDWRITTEN_REGS_VALUE(name)
#define SYS_HANDWRITTEN_REGS_NORETURN(name)          (void (*)(void)) cairn_##name,
#define SYS_HANDWRITTEN_FRAME_RESULT(name)           (void (*)(void)) cairn_##name,
#define SYS_HANDWRITTEN(number, name, ret, abi, ...) SYS_HANDWRITTEN_##abi##_##ret(name)
static void (*const sys_handwritten[])(void)
    __attribute__((used)) = {CAIRN_SYSCALL_TABLE(SYS_HANDWRITTEN)};
