/* SPDX-License-Identifier: MIT */
/*
 * setjmp and longjmp (<setjmp.h>) for the x86_64 System V ABI: a jmp_buf
 * holds what a call must preserve, the callee-saved registers rbx, rbp,
 * r12-r15, plus the stack pointer after setjmp's return and the address
 * it returns to: words 0-7 in that order. The x87 control word and MXCSR
 * are left alone (C programs that change them restore them themselves).
 * longjmp makes setjmp return val, or 1 when val is 0, as C11 7.13.2.1
 * requires.
 */

    .text
    .globl setjmp
    .type setjmp, @function
setjmp:
    mov %rbx, 0(%rdi)
    mov %rbp, 8(%rdi)
    mov %r12, 16(%rdi)
    mov %r13, 24(%rdi)
    mov %r14, 32(%rdi)
    mov %r15, 40(%rdi)
    lea 8(%rsp), %rdx       /* rsp as it will be once setjmp has returned */
    mov %rdx, 48(%rdi)
    mov (%rsp), %rdx        /* where setjmp returns to */
    mov %rdx, 56(%rdi)
    xor %eax, %eax
    ret
    .size setjmp, . - setjmp

    .globl longjmp
    .type longjmp, @function
longjmp:
    mov %esi, %eax
    test %eax, %eax
    jnz 1f
    inc %eax
1:  mov 0(%rdi), %rbx
    mov 8(%rdi), %rbp
    mov 16(%rdi), %r12
    mov 24(%rdi), %r13
    mov 32(%rdi), %r14
    mov 40(%rdi), %r15
    mov 48(%rdi), %rsp
    jmp *56(%rdi)
    .size longjmp, . - longjmp

    .section .note.GNU-stack, "", @progbits
