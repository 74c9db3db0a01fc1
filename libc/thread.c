// SPDX-License-Identifier: MIT
/*
 * Threads running C functions in the calling process. The kernel enters a
 * new thread at an address with a stack pointer and one argument; here the
 * entry is cairn_thread_entry (arch/x86_64/thread_entry.S), which finds the
 * function and its argument in the two words at the stack pointer.
 */
#include <stdint.h>

#include <cairn/sys.h>

void cairn_thread_entry(void); /* thread_entry.S; never called from C */

long
cairn_thread_create_fn(long self, long (*fn)(void *), void *arg, void *stack_top, uint32_t priority)
{
    uint64_t *sp = stack_top;

    if (((uintptr_t)stack_top & 15) != 0)
        return -CAIRN_EINVAL;
    sp -= 2;
    sp[0] = (uint64_t)(uintptr_t)fn;
    sp[1] = (uint64_t)(uintptr_t)arg;
    return cairn_thread_create(self, (uint64_t)(uintptr_t)cairn_thread_entry,
                               (uint64_t)(uintptr_t)sp, 0, priority);
}
