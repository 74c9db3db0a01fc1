/* SPDX-License-Identifier: MIT */
/*
 * _start: where every Cairn program begins (e_entry). The kernel enters in
 * ring 3 with rsp at the start block (argc, argv, the environment, the
 * auxiliary vector: include/cairn/init.h), 16-byte aligned with nothing
 * pushed, rdi holding the start word (init's boot flags), and .bss
 * already zero-filled by the loader; so there is nothing to set up but the
 * frame chain.
 *
 * main is `int main(int argc, char **argv, char **envp)` (or takes fewer
 * arguments); cairn_start_main (libc/start.c) reads the block, keeps the
 * start word for cairn_start_arg() and the environment in environ, calls
 * main and passes its value to exit (libc/exit.c), which runs the atexit
 * functions and ends the process with it. Before it, the main thread's
 * thread-local storage is set up (libc/tls.c): no C code runs without it.
 * No constructors run (user.ld refuses .init_array).
 */

    .text
    .globl _start
    .type _start, @function
_start:
    /* rbp 0 ends the frame-pointer chain: backtraces stop here. */
    xor %ebp, %ebp
    /* Each call pushes 8 bytes, so the callee starts with rsp + 8 16-byte
     * aligned, as the psABI requires. r12 and r13, callee-saved, keep the
     * block's address and the start word across the TLS set-up. */
    mov %rsp, %r12
    mov %rdi, %r13
    call cairn_tls_init_main
    mov %r12, %rdi
    mov %r13, %rsi
    call cairn_start_main
    /* cairn_start_main does not return; stop here if it ever did. */
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
