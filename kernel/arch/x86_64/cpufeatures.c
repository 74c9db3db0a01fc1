// SPDX-License-Identifier: MIT
/*
 * CPU feature set-up (see cpufeatures.h). The kernel itself never touches
 * the FPU (it is built with -mgeneral-regs-only), so user threads' FPU and
 * SSE registers are saved and restored only when switching between threads
 * that own them (sched/arch_switch.c).
 */
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "lib/log.h"
#include "lib/string.h"

#define MSR_STAR  0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084

#define CR0_MP (1ul << 1)
#define CR0_EM (1ul << 2)
#define CR0_TS (1ul << 3)

#define RFLAGS_TF (1ul << 8)
#define RFLAGS_DF (1ul << 10)
#define RFLAGS_AC (1ul << 18)

static bool have_smap; /* [I] same on every CPU */

extern const char syscall_entry[];

bool
cpu_has_smap(void)
{
    return have_smap;
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

    /* syscall: kernel CS at STAR[47:32]; sysret takes user SS at
     * STAR[63:48] + 8 and user CS at + 16 (the GDT order in percpu.h). */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, (uint64_t)GDT_KERNEL_DATA << 48 | (uint64_t)GDT_KERNEL_CODE << 32);
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);

    if (bsp)
        log_info("cpu: SMEP %s, SMAP %s, UMIP %s", cr4 & CR4_SMEP ? "on" : "absent",
                 cr4 & CR4_SMAP ? "on" : "absent", cr4 & CR4_UMIP ? "on" : "absent");
}

void
fpu_state_init(void *area)
{
    uint8_t *fx = area;

    memset(fx, 0, FPU_STATE_SIZE);
    *(uint16_t *)(fx + 0) = 0x037f;  /* FCW: all exceptions masked */
    *(uint32_t *)(fx + 24) = 0x1f80; /* MXCSR: all exceptions masked */
}

void
fpu_save(void *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void
fpu_restore(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
