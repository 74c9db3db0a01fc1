/* SPDX-License-Identifier: MIT */
/*
 * cairn_thread_entry: where threads made by cairn_thread_create_fn
 * (libc/thread.c) begin. The kernel enters with rsp pointing at four words
 * that thread.c stored below the thread's TLS area: the thread pointer,
 * the function, its argument and a pad. The thread first makes the thread
 * pointer its FS base (the raw system call: no C runs before it, as C may
 * touch thread-local variables), then calls the function with rsp at the
 * 16-byte aligned address above the four words, as the psABI requires.
 * Its return value becomes the thread's exit status.
 */
/* CAIRN_SYS_thread_set_tls (<cairn/syscalls.h> is C; libc/thread.c checks it). */
#define SYS_THREAD_SET_TLS 64

    .text
    .globl cairn_thread_entry
    .type cairn_thread_entry, @function
cairn_thread_entry:
    xor %ebp, %ebp                      /* ends backtraces here */
    pop %rdi                            /* the thread pointer */
    mov $SYS_THREAD_SET_TLS, %eax
    syscall
    test %rax, %rax
    jnz 1f
    pop %rax                            /* fn */
    pop %rdi                            /* arg */
    add $8, %rsp                        /* the pad */
    call *%rax
    mov %rax, %rdi
    call cairn_thread_exit
1:  ud2
    .size cairn_thread_entry, . - cairn_thread_entry

    .section .note.GNU-stack, "", @progbits
