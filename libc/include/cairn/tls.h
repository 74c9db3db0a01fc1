/* SPDX-License-Identifier: MIT */
/*
 * Thread-local storage (`__thread` variables, errno): static TLS, x86_64
 * variant II. Each thread has a block, a copy of the program's .tdata
 * followed by .tbss's zeros, that ends at its thread pointer, and at the
 * thread pointer a control block whose first word points at itself; the
 * FS base is the thread pointer (thread_set_tls), so %fs:0 reads it and
 * the compiler reaches a variable at a fixed negative offset from it.
 *
 * crt0 sets up the main thread's (in an area the linker script reserves
 * in .bss); cairn_thread_create_fn sets up each new thread's at the top of
 * the stack it is given. A thread made with the raw thread_create call
 * has FS base 0 and must not touch thread-local variables.
 */
#ifndef CAIRN_LIBC_TLS_H
#define CAIRN_LIBC_TLS_H

#include <stddef.h>
#include <stdint.h>

/* The thread control block; user.ld reserves room for it (64 bytes). */
struct cairn_tcb {
    struct cairn_tcb *self; /* %fs:0 */
    uint64_t reserved[7];
};
#define CAIRN_TLS_TCB_SIZE 64
_Static_assert(sizeof(struct cairn_tcb) == CAIRN_TLS_TCB_SIZE, "user.ld reserves this much");

/* The calling thread's control block. */
static inline struct cairn_tcb *
cairn_tls_self(void)
{
    struct cairn_tcb *t;

    __asm__("mov %%fs:0, %0" : "=r"(t));
    return t;
}

/* Bytes a thread's TLS block and control block take at most. */
size_t cairn_tls_size(void);

/*
 * Lay out a fresh TLS block and control block that end at or below top
 * (the top of a new thread's stack): the initialised variables copied,
 * the rest zero. Returns the thread pointer, for thread_set_tls in the
 * new thread; the block starts at or above top - cairn_tls_size().
 */
uintptr_t cairn_tls_build(uintptr_t top);

/* crt0: set up the main thread's TLS before main; traps if the kernel
 * refuses the thread pointer. */
void cairn_tls_init_main(void);

#endif
