/* SPDX-License-Identifier: MIT */
/*
 * struct thread *context_switch(uint64_t *save_rsp, uint64_t load_rsp,
 *                               struct thread *prev)
 *
 * Save the callee-saved registers on the current kernel stack, store the
 * stack pointer in *save_rsp, load load_rsp and pop the next thread's
 * registers. Returns prev (passed through in rax) in the next thread's
 * context, so it can finish the switch (sched.c: sched_finish_switch).
 * The caller-saved registers are the C caller's to save; interrupts are off.
 */
    .text
    .globl context_switch
context_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    mov %rdx, %rax
/* The second half alone, with rsp and rax (prev) loaded: the IPC fast
 * path (syscall.S) resumes a thread that blocked in C this way. */
    .globl context_resume
context_resume:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

/* A new thread's first "return" lands here, with its entry function in
 * r12, the argument in r13 and prev in rax (see thread_create). It runs
 * with interrupts off and the run-queue lock held, like any switch target. */
    .globl thread_trampoline
thread_trampoline:
    mov %rax, %rdi
    call sched_finish_switch
    sti
    mov %r13, %rdi
    call *%r12
    mov %rax, %rdi
    call thread_exit
    ud2
