/* SPDX-License-Identifier: MIT */
/*
 * The application processors' trampoline: from the real mode a SIPI starts
 * them in to the kernel's 64-bit C entry.
 *
 * This is not run where it is linked. smp.c copies the bytes between
 * ap_trampoline_start and ap_trampoline_end to SMP_TRAMPOLINE_PHYS, and a
 * SIPI with vector SMP_SIPI_VECTOR starts the AP there in real mode with
 * CS = SMP_TRAMPOLINE_PHYS >> 4, IP = 0. So the code is position-fixed:
 * every address is computed as the copy's physical address (TRAMP), and it
 * contains no relocations.
 *
 *   16-bit real mode   enable caching, report "started", load our GDT,
 *                      set CR0.PE
 *   32-bit protected   PAE, CR3 = the boot page table from the parameter
 *                      block (below 4 GiB), EFER (LME, NXE), CR0.PG|WP
 *   64-bit long mode   still at the identity-mapped low address: load the
 *                      stack, and call the C entry in the higher half,
 *                      entry(cpu), which never returns
 *
 * The boot page table (built by smp.c) identity-maps the trampoline page
 * and shares the kernel's higher half, so both the jump to 64-bit code and
 * the call into the kernel work; the C entry then switches to the kernel's
 * own page table. The parameter block (struct smp_params, offsets in
 * smp.h) sits at SMP_PARAMS_OFFSET in the same page.
 */
#include "arch/x86_64/smp.h"

#define CR0_PE    0x00000001
#define CR0_WP    0x00010000
#define CR0_NW    0x20000000
#define CR0_CD    0x40000000
#define CR0_PG    0x80000000
#define CR4_PAE   0x00000020
#define MSR_EFER  0xc0000080

/* Where a trampoline label is once the copy sits at SMP_TRAMPOLINE_PHYS. */
#define TRAMP(sym) (SMP_TRAMPOLINE_PHYS + ((sym) - ap_trampoline_start))
/* A parameter's address: a real-mode offset from CS/DS, or (PARAM) the
 * physical address, which the boot page table identity-maps. */
#define PARAM_OFF(field) (SMP_PARAMS_OFFSET + (field))
#define PARAM(field)     (SMP_PARAMS_PHYS + (field))

    /* Data for the kernel image: only ever executed from the copy. */
    .section .rodata.ap_trampoline, "a"
    .balign 16
    .globl ap_trampoline_start, ap_trampoline_end

    .code16
ap_trampoline_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds

    /* INIT leaves caching disabled (CR0.CD and CR0.NW set); with NW set,
     * our stores might not reach memory the BSP sees. */
    mov %cr0, %eax
    and $~(CR0_CD | CR0_NW), %eax
    mov %eax, %cr0

    /* Tell the BSP a SIPI got us going, so it sends no second one. */
    movl $1, PARAM_OFF(SMP_PARAM_STARTED)

    lgdtl gdtr - ap_trampoline_start
    mov %cr0, %eax
    or $CR0_PE, %eax
    mov %eax, %cr0
    ljmpl $SMP_GDT_CODE32, $TRAMP(ap_start32)

    .code32
ap_start32:
    mov $SMP_GDT_DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss

    /* Long mode: PAE, a page table, EFER.LME (and NXE: the kernel's page
     * tables use the NX bit, which is reserved without it), then paging. */
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov PARAM(SMP_PARAM_CR3), %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    mov PARAM(SMP_PARAM_EFER), %eax
    mov PARAM(SMP_PARAM_EFER) + 4, %edx
    wrmsr
    mov %cr0, %eax
    or $(CR0_PG | CR0_WP), %eax
    mov %eax, %cr0
    ljmp $SMP_GDT_CODE64, $TRAMP(ap_start64)

    .code64
ap_start64:
    /* Still at the identity-mapped low address. Read every parameter now:
     * the BSP rewrites the block for the next AP once we are online. */
    mov PARAM(SMP_PARAM_STACK), %rsp
    mov PARAM(SMP_PARAM_CPU), %rdi
    mov PARAM(SMP_PARAM_ENTRY), %rax
    xor %ebp, %ebp                      /* ends the backtrace */
    call *%rax
1:  cli
    hlt
    jmp 1b

    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff            /* SMP_GDT_CODE32: 32-bit code, 0..4 GiB */
    .quad 0x00cf92000000ffff            /* SMP_GDT_DATA: data, 0..4 GiB */
    .quad 0x00af9a000000ffff            /* SMP_GDT_CODE64: 64-bit code */
gdt_end:
gdtr:
    .short gdt_end - gdt - 1
    .long TRAMP(gdt)                    /* a linear address, even in real mode */
ap_trampoline_end:
/* The code must end before the parameter block at SMP_PARAMS_OFFSET; the
 * assembler cannot check that across relaxed jumps, so smp.c does. */
