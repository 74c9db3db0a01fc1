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
#include "arch/x86_64/frame.inc"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                      (v) == 29 || (v) == 30)

    .text
    .balign 16
trap_common:
    PUSH_GPRS
    testb $3, FRAME_CS(%rsp)            /* frame->cs: from user mode? */
    jz 1f
    swapgs
1:  cld
    mov %rsp, %rdi
    call trap_dispatch
    testb $3, FRAME_CS(%rsp)
    jz 1f
    swapgs
1:  POP_GPRS
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
