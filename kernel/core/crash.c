// SPDX-License-Identifier: MIT
/*
 * Each crash_* function is noinline and does exactly one bad thing, so the
 * fault's RIP lands inside it and the dump must name it. The stack
 * overflow runs in a kernel thread of its own, so it hits the guard page
 * below a thread's stack (mm/kstack.h), and the dump must name the thread.
 */
#include <stdint.h>

#include "common/string.h"
#include "console/console.h"
#include "core/crash.h"
#include "core/panic.h"
#include "sched/sched.h"

#define UNMAPPED_ADDRESS 0x00000deadbeef000ull

__attribute__((noinline)) static void
crash_page_fault(void)
{
    *(volatile uint64_t *)UNMAPPED_ADDRESS = 1;
}

__attribute__((noinline)) static void
crash_general_protection(void)
{
    /* A non-canonical address raises #GP, not #PF. */
    *(volatile uint64_t *)0x8000000000000000ull = 1;
}

__attribute__((noinline)) static void
crash_invalid_opcode(void)
{
    __asm__ volatile("ud2");
}

__attribute__((noinline)) static void
crash_divide(void)
{
    /* In assembly: the compiler may fold a C division by a known zero. */
    uint32_t quotient, remainder;

    __asm__ volatile("divl %2" : "=a"(quotient), "=d"(remainder) : "r"(0u), "a"(1u), "d"(0u));
    (void)quotient;
    (void)remainder;
}

__attribute__((noinline)) static unsigned
crash_stack_overflow(unsigned depth)
{
    volatile char pad[512];

    pad[0] = (char)depth;
    if (depth > (1u << 30))
        return 0; /* never: the guard page is hit long before */
    return crash_stack_overflow(depth + 1) + pad[0];
}

static long
crash_stack_thread(void *arg)
{
    (void)arg;
    return crash_stack_overflow(0);
}

/* Overflow the stack of a new thread, "crash-stack"; the boot context
 * becomes the idle thread meanwhile (the dump stops the machine). */
static _Noreturn void
crash_stack_in_thread(void)
{
    struct thread *t =
        thread_create("crash-stack", crash_stack_thread, NULL, THREAD_PRIORITY_NORMAL);

    if (!t)
        panic("crash: cannot create the thread to overflow");
    sched_start(t);
    sched_idle_loop();
}

/* The sanitizers' crashes report through their runtimes in the test kernel
 * (built with them, docs/testing.md); in a kernel built without them they
 * return, and crash_trigger says so. Volatile values keep the compiler from
 * folding the bad operation away or proving it at build time. */
__attribute__((noinline)) static int
crash_ubsan_overflow(void)
{
    volatile int big = __INT_MAX__, one = 1;

    return big + one;
}

__attribute__((noinline)) static int
crash_ubsan_bounds(void)
{
    static int table[4];
    volatile unsigned index = 4;

    return table[index];
}

__attribute__((noinline)) static int
crash_stack_protector(void)
{
    char buf[16];
    /* Fill from buf up to the saved frame pointer: that covers the guard,
     * which sits just below it, and leaves the frame pointer and the return
     * address intact, so the dump still shows every caller. */
    uintptr_t end = (uintptr_t)__builtin_frame_address(0);

    memset(buf, 0x5a, end - (uintptr_t)buf);
    return buf[0];
}

void
crash_trigger(const char *kind)
{
    kprintf("cairn: crashing on purpose: %s\n", kind);
    if (strcmp(kind, "pagefault") == 0)
        crash_page_fault();
    else if (strcmp(kind, "gp") == 0)
        crash_general_protection();
    else if (strcmp(kind, "ud") == 0)
        crash_invalid_opcode();
    else if (strcmp(kind, "divide") == 0)
        crash_divide();
    else if (strcmp(kind, "stack") == 0)
        crash_stack_in_thread();
    else if (strcmp(kind, "panic") == 0)
        panic("deliberate panic from crash_trigger");
    else if (strcmp(kind, "ubsan") == 0)
        kprintf("cairn: crash=ubsan returned %d: this kernel has no UBSan\n",
                crash_ubsan_overflow());
    else if (strcmp(kind, "ubsan-bounds") == 0)
        kprintf("cairn: crash=ubsan-bounds returned %d: this kernel has no UBSan\n",
                crash_ubsan_bounds());
    else if (strcmp(kind, "stackprotector") == 0)
        kprintf("cairn: crash=stackprotector returned %d: this kernel has no stack protector\n",
                crash_stack_protector());
    else
        kprintf("cairn: unknown crash kind \"%s\"; ignored\n", kind);
}
