// SPDX-License-Identifier: MIT
/*
 * The stack protector's guard and its failure path. The test kernel is built
 * with -fstack-protector-strong -mstack-protector-guard=global: a function
 * with a local array (or a local whose address escapes) copies
 * __stack_chk_guard into its frame, just below the saved frame pointer, and
 * compares it before returning; a mismatch means something wrote past a
 * local, and the function calls __stack_chk_fail instead of returning
 * through a return address that may no longer be its own.
 *
 * Why the global guard: GCC's default reads the guard from %fs:40 (%gs:40 in
 * kernel mode), the TLS slot of a user program; this kernel's GS base points
 * at its struct cpu, which has other fields there. One guard for every CPU
 * and thread is what -mstack-protector-guard=global gives.
 *
 * Invariants: stack_protector_init runs first thing in kmain, before any
 * other C function is called, and kmain never returns, so no frame ever
 * compares against a guard other than the one it stored. The guard's low byte
 * is zero, so a string copy that runs into it stops there and cannot
 * print or rebuild it.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "core/panic.h"
#include "core/stack_protector.h"

#define CPUID_1_ECX_RDRAND (1u << 30)
#define RDRAND_RETRIES     10

/* Read by every protected function; a fixed non-zero value until seeded. */
uint64_t __stack_chk_guard = 0x2f8c5a3b9e1d4700ull;

_Noreturn void __stack_chk_fail(void);

static bool
cpu_has_rdrand(void)
{
    uint32_t a, b, c, d;

    cpuid(0, 0, &a, &b, &c, &d);
    if (a < 1)
        return false;
    cpuid(1, 0, &a, &b, &c, &d);
    return c & CPUID_1_ECX_RDRAND;
}

__attribute__((no_stack_protector)) void
stack_protector_init(void)
{
    uint64_t seed = rdtsc() * 0x9e3779b97f4a7c15ull, r;

    /* RDRAND may fail transiently (its entropy drained): retry a few
     * times, and keep the time stamp's bits whatever happens. */
    if (cpu_has_rdrand()) {
        for (unsigned i = 0; i < RDRAND_RETRIES; i++) {
            if (rdrand64(&r)) {
                seed ^= r;
                break;
            }
        }
    }
    __stack_chk_guard = seed & ~0xffull;
}

_Noreturn void
__stack_chk_fail(void)
{
    /* panic's backtrace starts here; the next frame is the function whose
     * guard was overwritten (it calls this before leaving its frame). */
    panic("stack protector: a function's stack guard was overwritten (a local buffer overran)");
}
