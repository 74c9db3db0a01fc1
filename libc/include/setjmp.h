/* SPDX-License-Identifier: MIT */
/*
 * Non-local jumps (C11 7.13), libc/arch/x86_64/setjmp.S. A jmp_buf keeps
 * the callee-saved registers, the stack pointer and the return address;
 * jumping to a setjmp whose function has returned is undefined, as in C.
 * Signal masks do not exist yet, so there is no sigsetjmp.
 */
#ifndef CAIRN_LIBC_SETJMP_H
#define CAIRN_LIBC_SETJMP_H

typedef unsigned long jmp_buf[8];

int setjmp(jmp_buf env) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf env, int val);

#endif
