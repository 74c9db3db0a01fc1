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
#include <stdint.h>

void cpu_features_init(void);
extern bool have_smap; /* [I] the same on every CPU */

/* Whether SMAP is on: inline, as every copy to or from user memory asks. */
static inline bool
cpu_has_smap(void)
{
    return have_smap;
}

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
/* How FPU images are saved and loaded ([I], chosen by the bootstrap CPU). */
enum fpu_mode {
    FPU_FXSAVE,   /* no XSAVE: fxsave64/fxrstor64, 512-byte images */
    FPU_XSAVE,    /* xsave64/xrstor64 */
    FPU_XSAVEOPT, /* xsaveopt64/xrstor64: the CPU skips what is unmodified */
};
extern enum fpu_mode fpu_mode;

#define XSAVE_ALIGN 64

/* The image inside an area from kmalloc(fpu_area_size()). */
static inline uintptr_t
fpu_image(const void *area)
{
    uintptr_t p = (uintptr_t)area;

    return fpu_mode != FPU_FXSAVE ? (p + XSAVE_ALIGN - 1) & ~(uintptr_t)(XSAVE_ALIGN - 1) : p;
}

/*
 * Save this CPU's FPU registers into the image at save and load them from
 * the image at load (images as fpu_image gives them; NULL: a kernel
 * thread's, nothing to save or load). Inline, as every switch between
 * user threads does both, and in one place, so that the two share the
 * component mask in edx:eax.
 *
 * The switch is eager: every switch between user threads saves and loads,
 * so no thread's registers are ever live while another runs (a lazy
 * switch, trapping the first FPU use after a switch, leaves them there for
 * speculation to read: CVE-2018-3665). What a thread that did not touch
 * the FPU costs is left to the CPU: xsaveopt writes only the components
 * modified since the xrstor that loaded this image on this CPU (and marks
 * those in their initial state as such without writing them). That holds
 * because nothing writes an image while its thread's registers are live:
 * an image is only written by its thread's save, or before the thread
 * first runs (fpu_state_init). docs/architecture.md, "FPU state".
 */
static inline void
fpu_switch(void *save, const void *load)
{
    /* Every component: set once, and said to be rewritten by each
     * instruction so that it is not set again for the second. */
    uint32_t lo = ~0u, hi = ~0u;

    if (__builtin_expect(fpu_mode == FPU_XSAVEOPT, 1)) {
        if (save)
            __asm__ volatile("xsaveopt64 (%2)" : "+a"(lo), "+d"(hi) : "r"(save) : "memory");
        if (load)
            __asm__ volatile("xrstor64 (%2)" : "+a"(lo), "+d"(hi) : "r"(load) : "memory");
    } else if (fpu_mode == FPU_XSAVE) {
        if (save)
            __asm__ volatile("xsave64 (%2)" : "+a"(lo), "+d"(hi) : "r"(save) : "memory");
        if (load)
            __asm__ volatile("xrstor64 (%2)" : "+a"(lo), "+d"(hi) : "r"(load) : "memory");
    } else {
        if (save)
            __asm__ volatile("fxsave64 (%0)" : : "r"(save) : "memory");
        if (load)
            __asm__ volatile("fxrstor64 (%0)" : : "r"(load) : "memory");
    }
}

#endif
