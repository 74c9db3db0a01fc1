/* SPDX-License-Identifier: MIT */
/*
 * Bringing up the application processors (APs). Shared by C and
 * ap_start.S.
 *
 * The bootstrap CPU copies the real-mode trampoline (ap_start.S) to the
 * fixed low page SMP_TRAMPOLINE_PHYS and starts one AP at a time with
 * INIT-SIPI-SIPI. The trampoline reads its parameters from a block at
 * SMP_PARAMS_OFFSET in that page; the block is rewritten for each AP, so an
 * AP must have taken what it needs before it reports itself online, and an
 * AP that does not report in time is sent INIT again so it cannot wake up
 * later on another AP's parameters.
 */
#ifndef CAIRN_ARCH_X86_64_SMP_H
#define CAIRN_ARCH_X86_64_SMP_H

/* The trampoline page: below 1 MiB (a SIPI names a 4 KiB page there) and
 * never handed to the frame allocator. The SIPI vector is its page number. */
#define SMP_TRAMPOLINE_PHYS 0x8000
#define SMP_SIPI_VECTOR     (SMP_TRAMPOLINE_PHYS >> 12)

/* The parameter block, at this offset in the trampoline page. The code
 * must end before it (ap_start.S checks). */
#define SMP_PARAMS_OFFSET 0xf00
#define SMP_PARAMS_PHYS   (SMP_TRAMPOLINE_PHYS + SMP_PARAMS_OFFSET)

/* Field offsets in struct smp_params. */
#define SMP_PARAM_STARTED 0x00 /* u32: the AP sets it to 1 on its first instructions */
#define SMP_PARAM_CR3     0x08 /* u64: boot page table, below 4 GiB (loaded in 32-bit mode) */
#define SMP_PARAM_EFER    0x10 /* u64: EFER to load (LME, and NXE if the BSP has it) */
#define SMP_PARAM_STACK   0x18 /* u64: the AP's kernel stack top (virtual) */
#define SMP_PARAM_ENTRY   0x20 /* u64: 64-bit entry, called as entry(cpu) */
#define SMP_PARAM_CPU     0x28 /* u64: the AP's struct cpu (virtual), its IST stacks set */
#define SMP_PARAMS_SIZE   0x30

/* Trampoline GDT selectors (only used until the AP loads its own GDT). */
#define SMP_GDT_CODE32 0x08
#define SMP_GDT_DATA   0x10
#define SMP_GDT_CODE64 0x18

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct smp_params {
    uint32_t started;
    uint32_t reserved;
    uint64_t cr3;
    uint64_t efer;
    uint64_t stack_top;
    uint64_t entry;
    uint64_t cpu;
};
_Static_assert(offsetof(struct smp_params, started) == SMP_PARAM_STARTED, "ap_start.S");
_Static_assert(offsetof(struct smp_params, cr3) == SMP_PARAM_CR3, "ap_start.S");
_Static_assert(offsetof(struct smp_params, efer) == SMP_PARAM_EFER, "ap_start.S");
_Static_assert(offsetof(struct smp_params, stack_top) == SMP_PARAM_STACK, "ap_start.S");
_Static_assert(offsetof(struct smp_params, entry) == SMP_PARAM_ENTRY, "ap_start.S");
_Static_assert(offsetof(struct smp_params, cpu) == SMP_PARAM_CPU, "ap_start.S");
_Static_assert(sizeof(struct smp_params) == SMP_PARAMS_SIZE, "ap_start.S");
_Static_assert(SMP_PARAMS_OFFSET + SMP_PARAMS_SIZE <= 4096, "parameters fit in the page");

/*
 * Start every enabled MADT CPU other than the caller and wait for each to
 * come online; then set cpu_count and print "cairn: smp: N CPUs online".
 * Run once by the bootstrap CPU, after interrupts_init() (the local APIC,
 * clocks and the timer's calibration are needed). A CPU that does not
 * start within a second is warned about and skipped; this never hangs.
 */
void smp_init(void);

/*
 * What an AP runs once it is online, with interrupts on. Today a halt
 * loop; the scheduler replaces it with its idle thread.
 */
_Noreturn void smp_ap_idle(void);
#endif

#endif
