/* SPDX-License-Identifier: MIT */
/*
 * CPU protection features and the FPU. cpu_features_init() runs on every
 * CPU: it turns on SMEP, SMAP and UMIP where the CPU has them, enables
 * SSE (and AVX, through XSAVE, where present) for user threads, and sets
 * up the syscall MSRs.
 */
#ifndef CAIRN_ARCH_X86_64_CPUFEATURES_H
#define CAIRN_ARCH_X86_64_CPUFEATURES_H

#include <stdbool.h>
#include <stddef.h>

void cpu_features_init(void);
bool cpu_has_smap(void);

/* Bracket every kernel access to user memory: with SMAP on, the kernel
 * faults on user pages outside such a bracket. */
static inline void
user_access_begin(void)
{
    if (cpu_has_smap())
        __asm__ volatile("stac" : : : "memory");
}

static inline void
user_access_end(void)
{
    if (cpu_has_smap())
        __asm__ volatile("clac" : : : "memory");
}

/*
 * A user thread's FPU/SSE/AVX state lives in an area of fpu_area_size()
 * bytes from kmalloc (valid once the bootstrap CPU has run
 * cpu_features_init); the image sits inside it at the alignment the save
 * instruction needs, so the area is what kfree takes.
 */
size_t fpu_area_size(void);
/* A fresh image for a new user thread: all registers zero, exceptions
 * masked (FCW 0x37f, MXCSR 0x1f80). */
void fpu_state_init(void *area);
/* Save this CPU's FPU registers into area, or load them from it. */
void fpu_save(void *area);
void fpu_restore(const void *area);

#endif
