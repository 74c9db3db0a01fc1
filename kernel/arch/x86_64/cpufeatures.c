// SPDX-License-Identifier: MIT
/*
 * CPU feature set-up (see cpufeatures.h). The kernel itself never touches
 * the FPU (it is built with -mgeneral-regs-only), so user threads' FPU and
 * SSE registers are saved and restored only when switching between threads
 * that own them (sched/arch_switch.c).
 *
 * FPU state. Where the CPU has XSAVE, the bootstrap CPU picks the state
 * components (x87, SSE and, where present, AVX) and every CPU enables
 * exactly those in XCR0, so one image size serves all; threads are switched
 * with xsaveopt64 (or xsave64 where the CPU lacks it) and xrstor64 in the
 * standard (non-compacted) format, whose size
 * CPUID leaf 0xD reports for the enabled set. Without XSAVE it is the
 * 512-byte fxsave64 image. An image is aligned inside its kmalloc'd area
 * (64 bytes for xsave, more than kmalloc guarantees), so the area itself
 * stays the pointer kfree takes.
 */
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "common/string.h"
#include "core/panic.h"
#include "lib/log.h"

#define MSR_STAR  0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084

#define CR4_OSXSAVE (1ul << 18)

#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID1_ECX_AVX   (1u << 28)

#define CPUID_D1_EAX_XSAVEOPT (1u << 0)

/* XCR0 / XSTATE_BV state components. */
#define XSTATE_X87 (1ull << 0)
#define XSTATE_SSE (1ull << 1)
#define XSTATE_AVX (1ull << 2)

#define FXSAVE_SIZE        512
#define XSAVE_HEADER       512 /* XSTATE_BV, then XCOMP_BV and reserved bytes, all 0 */
#define XSAVE_MIN_SIZE     576 /* legacy area + header */
#define XSAVE_MAX_SIZE     16384
#define KMALLOC_GUARANTEED 16 /* kmalloc.h */

#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_TS (1ul << 3)

/* Every RFLAGS bit that ring 3 can set: the arithmetic flags, TF, DF, NT,
 * RF, AC and ID (IOPL and IF only with IOPL 3, which no thread has). */
#define RFLAGS_CF   (1ul << 0)
#define RFLAGS_PF   (1ul << 2)
#define RFLAGS_AF   (1ul << 4)
#define RFLAGS_ZF   (1ul << 6)
#define RFLAGS_SF   (1ul << 7)
#define RFLAGS_TF   (1ul << 8)
#define RFLAGS_DF   (1ul << 10)
#define RFLAGS_OF   (1ul << 11)
#define RFLAGS_IOPL (3ul << 12)
#define RFLAGS_NT   (1ul << 14)
#define RFLAGS_RF   (1ul << 16)
#define RFLAGS_AC   (1ul << 18)
#define RFLAGS_ID   (1ul << 21)

bool have_smap;                           /* [I] same on every CPU */
enum fpu_mode fpu_mode;                   /* [I] set by the bootstrap CPU */
static uint64_t xsave_mask;               /* [I] XCR0 on every CPU */
static uint32_t image_size = FXSAVE_SIZE; /* [I] bytes of one saved image */

extern const char syscall_entry[];

static void
xsetbv(uint32_t reg, uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* The bootstrap CPU's choice of FPU state components and image size. */
static void
fpu_choose(uint32_t max_leaf)
{
    uint32_t a, b, c, d;
    uint64_t supported;

    cpuid(1, 0, &a, &b, &c, &d);
    if (!(c & CPUID1_ECX_XSAVE) || max_leaf < 0xd)
        return;
    cpuid(0xd, 0, &a, &b, &c, &d);
    supported = (uint64_t)d << 32 | a;
    if ((supported & (XSTATE_X87 | XSTATE_SSE)) != (XSTATE_X87 | XSTATE_SSE))
        return;
    xsave_mask = XSTATE_X87 | XSTATE_SSE;
    cpuid(1, 0, &a, &b, &c, &d);
    if ((c & CPUID1_ECX_AVX) && (supported & XSTATE_AVX))
        xsave_mask |= XSTATE_AVX;
    cpuid(0xd, 1, &a, &b, &c, &d);
    fpu_mode = (a & CPUID_D1_EAX_XSAVEOPT) ? FPU_XSAVEOPT : FPU_XSAVE;
}

/* Enable the chosen components on this CPU; the bootstrap CPU first
 * chooses them and then learns the image size for that set. */
static void
fpu_init_cpu(bool bsp, uint32_t max_leaf)
{
    uint32_t a, b, c, d;

    if (bsp)
        fpu_choose(max_leaf);
    if (fpu_mode == FPU_FXSAVE) {
        if (bsp)
            log_info("cpu: FPU state saved with fxsave (%u bytes)", image_size);
        return;
    }
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(c & CPUID1_ECX_XSAVE))
        panic("cpu: cpu %u lacks the XSAVE the bootstrap CPU has", this_cpu()->index);
    write_cr4(read_cr4() | CR4_OSXSAVE);
    xsetbv(0, xsave_mask);
    cpuid(0xd, 0, &a, &b, &c, &d); /* EBX: the standard image size for XCR0 now */
    if (bsp) {
        if (b < XSAVE_MIN_SIZE || b > XSAVE_MAX_SIZE)
            panic("cpu: implausible xsave image size %u", b);
        image_size = b;
        log_info("cpu: FPU state saved with %s, XCR0 %#lx, %u bytes (%u for all of %#x)",
                 fpu_mode == FPU_XSAVEOPT ? "xsaveopt" : "xsave", xsave_mask, image_size, c, a);
    } else if (b != image_size) {
        panic("cpu: cpu %u's xsave image is %u bytes, not %u", this_cpu()->index, b, image_size);
    }
}

void
cpu_features_init(void)
{
    uint32_t a, b, c, d, max;
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    bool bsp = this_cpu()->index == 0;

    cpuid(0, 0, &max, &b, &c, &d);
    if (max >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        if (b & (1u << 7))
            cr4 |= CR4_SMEP;
        if (b & (1u << 20)) {
            cr4 |= CR4_SMAP;
            have_smap = true;
        }
        if (c & (1u << 2))
            cr4 |= CR4_UMIP;
    }
    write_cr4(cr4);
    write_cr0((read_cr0() | CR0_MP) & ~(CR0_EM | CR0_TS));
    fpu_init_cpu(bsp, max);

    /* syscall: kernel CS at STAR[47:32]; sysret takes user SS at
     * STAR[63:48] + 8 and user CS at + 16 (the GDT order in percpu.h). */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, (uint64_t)GDT_KERNEL_DATA << 48 | (uint64_t)GDT_KERNEL_CODE << 32);
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* The kernel runs with RFLAGS = 0x2 (IF aside) whatever the user left
     * there. NT matters most: context_switch does not reload RFLAGS, so an
     * NT that survived entry would reach another thread's iretq, which
     * raises #GP in ring 0 when NT is set. Interrupts and exceptions clear
     * TF, NT and RF in hardware; entry.S clears DF and AC itself. */
    wrmsr(MSR_FMASK, RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF |
                         RFLAGS_IF | RFLAGS_DF | RFLAGS_OF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_RF |
                         RFLAGS_AC | RFLAGS_ID);

    if (bsp)
        log_info("cpu: SMEP %s, SMAP %s, UMIP %s", cr4 & CR4_SMEP ? "on" : "absent",
                 cr4 & CR4_SMAP ? "on" : "absent", cr4 & CR4_UMIP ? "on" : "absent");
}

size_t
fpu_area_size(void)
{
    return fpu_mode != FPU_FXSAVE ? image_size + (XSAVE_ALIGN - KMALLOC_GUARANTEED) : FXSAVE_SIZE;
}

void
fpu_state_init(void *area)
{
    uint8_t *image = (uint8_t *)fpu_image(area);

    memset(image, 0, image_size);
    *(uint16_t *)(image + 0) = 0x037f;  /* FCW: all exceptions masked */
    *(uint32_t *)(image + 24) = 0x1f80; /* MXCSR: all exceptions masked */
    /* x87 and SSE come from the legacy area above; every other component
     * (AVX's upper halves) starts in its initial state, all zero. */
    if (fpu_mode != FPU_FXSAVE)
        *(uint64_t *)(image + XSAVE_HEADER) = XSTATE_X87 | XSTATE_SSE;
}
