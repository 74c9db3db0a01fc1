// SPDX-License-Identifier: MIT
/*
 * Threads running C functions in the calling process. The kernel enters a
 * new thread at an address with a stack pointer and one argument; here the
 * entry is cairn_thread_entry (arch/x86_64/thread_entry.S), which finds
 * its thread pointer, the function and its argument in the words at the
 * stack pointer.
 *
 * The top of the stack the caller gives holds the thread's thread-local
 * storage (<cairn/tls.h>): its block and control block, cairn_tls_size()
 * bytes at most; the stack proper starts below them.
 */
#include <stdint.h>

#include <cairn/sys.h>
#include <cairn/tls.h>

void cairn_thread_entry(void); /* thread_entry.S; never called from C */

_Static_assert(CAIRN_SYS_thread_set_tls == 64, "thread_entry.S makes this call by number");

long
cairn_thread_create_fn(long self, long (*fn)(void *), void *arg, void *stack_top, uint32_t priority)
{
    uintptr_t top = (uintptr_t)stack_top, tp;
    uint64_t *sp;

    if ((top & 15) != 0)
        return -CAIRN_EINVAL;
    tp = cairn_tls_build(top);
    /* Below the TLS block, 16-byte aligned once the four words are popped. */
    sp = (uint64_t *)((tp - cairn_tls_size() + CAIRN_TLS_TCB_SIZE) & ~(uintptr_t)15);
    sp -= 4;
    sp[0] = tp;
    sp[1] = (uint64_t)(uintptr_t)fn;
    sp[2] = (uint64_t)(uintptr_t)arg;
    sp[3] = 0;
    return cairn_thread_create(self, (uint64_t)(uintptr_t)cairn_thread_entry,
                               (uint64_t)(uintptr_t)sp, 0, priority);
}
