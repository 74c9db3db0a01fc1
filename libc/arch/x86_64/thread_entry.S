/* SPDX-License-Identifier: MIT */
/*
 * cairn_thread_entry: where threads made by cairn_thread_create_fn
 * (libc/thread.c) begin. The kernel enters with rsp pointing at two words
 * that thread.c stored below the stack's top, the function and its
 * argument; once both are popped, rsp is the 16-byte aligned top, so the
 * call leaves the function's frame aligned as the psABI requires. Its
 * return value becomes the thread's exit status.
 */

    .text
    .globl cairn_thread_entry
    .type cairn_thread_entry, @function
cairn_thread_entry:
    xor %ebp, %ebp                      /* ends backtraces here */
    pop %rax                            /* fn */
    pop %rdi                            /* arg */
    call *%rax
    mov %rax, %rdi
    call cairn_thread_exit
    ud2
    .size cairn_thread_entry, . - cairn_thread_entry

    .section .note.GNU-stack, "", @progbits
