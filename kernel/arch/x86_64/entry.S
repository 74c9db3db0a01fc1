/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry. One small stub per vector pushes a zero
 * where the CPU pushes no error code, then the vector number, and jumps to
 * the common path, which saves the general registers as a struct
 * trap_frame (trap.h) and calls trap_dispatch(frame).
 *
 * If the interrupted code ran in user mode, GS is swapped on the way in and
 * out, so the kernel always finds its per-CPU data at gs:0.
 */
/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                      (v) == 29 || (v) == 30)

    .text
    .balign 16
trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    testb $3, 18 * 8(%rsp)              /* frame->cs: from user mode? */
    jz 1f
    swapgs
1:  cld
    mov %rsp, %rdi
    call trap_dispatch
    testb $3, 18 * 8(%rsp)
    jz 1f
    swapgs
1:  pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                       /* vector and error code */
    iretq

/* The stubs, 16 bytes apart so idt.c can find stub n at trap_stubs + 16n. */
    .balign 16
    .globl trap_stubs
trap_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if !HAS_ERROR(vec)
    pushq $0
    .endif
    pushq $vec
    jmp trap_common
    .set vec, vec + 1
    .endr
