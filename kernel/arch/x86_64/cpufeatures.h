/* SPDX-License-Identifier: MIT */
/*
 * CPU protection features and the FPU. cpu_features_init() runs on every
 * CPU: it turns on SMEP, SMAP and UMIP where the CPU has them, enables
 * SSE for user threads, and sets up the syscall MSRs.
 */
#ifndef CAIRN_ARCH_X86_64_CPUFEATURES_H
#define CAIRN_ARCH_X86_64_CPUFEATURES_H

#include <stdbool.h>

#define FPU_STATE_SIZE 512 /* fxsave area; 16-byte aligned */

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

/* A fresh FPU/SSE image for a new user thread. */
void fpu_state_init(void *area);
void fpu_save(void *area);
void fpu_restore(const void *area);

#endif
