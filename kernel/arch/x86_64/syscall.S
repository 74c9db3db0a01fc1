/* SPDX-License-Identifier: MIT */
/*
 * System call entry and the first entry into user mode.
 *
 * `syscall` arrives with the user rip in rcx, rflags in r11, interrupts off
 * (FMASK) and the user stack still loaded. We swap GS, switch to the
 * thread's kernel stack (gs:8), and build a struct trap_frame so that
 * syscalls, faults and interrupts look alike to C. syscall_dispatch()
 * stores the result in frame->rax and returns non-zero when the frame can
 * not be resumed with sysret: sysret with a non-canonical rcx would fault
 * in ring 0 on the user's stack, so such returns (and any the C code
 * rewrote) take the iretq path.
 */
#include "arch/x86_64/frame.inc"

#define GDT_USER_DATA 0x18
#define GDT_USER_CODE 0x20

    .text
    .globl syscall_entry
syscall_entry:
    swapgs
    mov %rsp, %gs:16                    /* the user stack pointer */
    mov %gs:8, %rsp                     /* this thread's kernel stack */
    pushq $(GDT_USER_DATA | 3)          /* ss */
    pushq %gs:16                        /* rsp */
    push %r11                           /* rflags */
    pushq $(GDT_USER_CODE | 3)          /* cs */
    push %rcx                           /* rip */
    pushq $0                            /* error */
    pushq $-1                           /* vector: a syscall */
    PUSH_GPRS
    xor %ebp, %ebp                      /* ends kernel backtraces here */
    mov %rsp, %rdi
    sti
    call syscall_dispatch
    cli
    test %eax, %eax
    jnz 2f
    POP_GPRS
    add $16, %rsp                       /* vector, error */
    mov (%rsp), %rcx                    /* rip */
    mov 16(%rsp), %r11                  /* rflags */
    mov 24(%rsp), %rsp                  /* user rsp: nothing kernel is left to use */
    swapgs
    sysretq

2:  /* The general path: restore everything and iretq, which checks all. */
    POP_GPRS
    add $16, %rsp
    swapgs
    iretq

/*
 * void user_enter(uint64_t rip, uint64_t rsp, uint64_t arg)
 * Leave the kernel for a new user thread: ring 3 at rip with stack rsp,
 * arg in rdi, interrupts on and every other register zero.
 */
    .globl user_enter
user_enter:
    cli
    pushq $(GDT_USER_DATA | 3)
    push %rsi
    pushq $0x202                        /* IF */
    pushq $(GDT_USER_CODE | 3)
    push %rdi
    mov %rdx, %rdi
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    swapgs
    iretq
