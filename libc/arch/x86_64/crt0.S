/* SPDX-License-Identifier: MIT */
/*
 * _start: where every Cairn program begins (e_entry). The kernel enters in
 * ring 3 with rsp 16-byte aligned and nothing pushed, rdi holding the one
 * start-up argument (init's boot flags, include/cairn/init.h), and .bss
 * already zero-filled by the loader; so there is nothing to set up but the
 * frame chain.
 *
 * main is `int main(unsigned long flags)`; its return value becomes the
 * process's exit status. Before it, the main thread's thread-local storage
 * is set up (libc/tls.c). No constructors run (user.ld refuses
 * .init_array), and there is no atexit yet.
 */

    .text
    .globl _start
    .type _start, @function
_start:
    /* rbp 0 ends the frame-pointer chain: backtraces stop here. */
    xor %ebp, %ebp
    /* Each call pushes 8 bytes, so the callee starts with rsp + 8 16-byte
     * aligned, as the psABI requires. rdi is main's first argument; r12,
     * callee-saved, keeps it across the TLS set-up. */
    mov %rdi, %r12
    call cairn_tls_init_main
    mov %r12, %rdi
    call main
    movslq %eax, %rdi
    call cairn_process_exit
    /* process_exit does not return; stop here if it ever did. */
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
