/* SPDX-License-Identifier: MIT */
/*
 * Raw system calls for x86_64: cairn_syscall0 .. cairn_syscall6 take the
 * number (a CAIRN_SYS_* constant from <cairn/syscalls.h>) and up to six
 * arguments, and return rax as the kernel left it: a result, or a negative
 * CAIRN_E* code.
 *
 * This is the only inline assembly for system calls in user space. The
 * constraints encode the kernel's contract (include/cairn/syscalls.h): the
 * number goes in rax, the arguments in rdi, rsi, rdx, r10, r8, r9; the CPU
 * overwrites rcx (return rip) and r11 (rflags); every other register,
 * including all of the x87/SSE state, survives. "memory" is clobbered
 * because the kernel may read or write user memory through the arguments.
 *
 * Programs normally call the typed wrappers in <cairn/sys.h> instead.
 */
#ifndef CAIRN_LIBC_SYSCALL_H
#define CAIRN_LIBC_SYSCALL_H

#include <cairn/syscalls.h>

static inline long
cairn_syscall0(long number)
{
    long ret;

    __asm__ volatile("syscall" : "=a"(ret) : "a"(number) : "rcx", "r11", "memory");
    return ret;
}

static inline long
cairn_syscall1(long number, long a0)
{
    long ret;

    __asm__ volatile("syscall" : "=a"(ret) : "a"(number), "D"(a0) : "rcx", "r11", "memory");
    return ret;
}

static inline long
cairn_syscall2(long number, long a0, long a1)
{
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(number), "D"(a0), "S"(a1)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long
cairn_syscall3(long number, long a0, long a1, long a2)
{
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory");
    return ret;
}

/* r10, r8 and r9 have no constraint letters: local register variables pin them. */
static inline long
cairn_syscall4(long number, long a0, long a1, long a2, long a3)
{
    register long r10 __asm__("r10") = a3;
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long
cairn_syscall5(long number, long a0, long a1, long a2, long a3, long a4)
{
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

static inline long
cairn_syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    long ret;

    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

#endif
