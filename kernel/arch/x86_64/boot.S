/* SPDX-License-Identifier: MIT */
/*
 * The Multiboot2 header and the 32-bit entry point.
 *
 * GRUB jumps to start32 in 32-bit protected mode, paging off, with the
 * Multiboot2 magic in eax and the information block's physical address in
 * ebx. We check that the CPU can run 64-bit code, build boot page tables
 * that identity-map the low 4 GiB and map the first 1 GiB again at
 * KERNEL_VMA, enter long mode and jump to the higher-half kmain(). Those
 * tables live only until paging_init() builds the real ones.
 *
 * Until the jump, code runs at its physical address, so every symbol
 * reference subtracts KERNEL_VMA.
 */
#include "arch/x86_64/layout.h"

#define PHYS(sym) ((sym) - KERNEL_VMA)

#define MB2_MAGIC         0xe85250d6
#define MB2_ARCH_I386     0
#define MB2_BOOT_MAGIC    0x36d76289

#define PTE_P   0x1
#define PTE_W   0x2
#define PTE_PS  0x80

#define COM1 0x3f8

    .section .multiboot2, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

    /* Information request: the loader must give us these tags. */
    .balign 8
1:  .short 1, 0
    .long 2f - 1b
    .long 1     /* command line */
    .long 2     /* boot loader name */
    .long 3     /* modules */
    .long 6     /* memory map */
    .long 8     /* framebuffer */
2:
    /* ACPI RSDP copies, optional: old firmware may have only one kind. */
    .balign 8
1:  .short 1, 1
    .long 2f - 1b
    .long 14    /* ACPI 1.0 RSDP */
    .long 15    /* ACPI 2.0+ RSDP */
2:
    /* Entry point: the ELF entry is a higher-half address a 32-bit loader
     * cannot jump to, so name the physical one. */
    .balign 8
    .short 3, 0
    .long 16
    .long PHYS(start32)
    .long 0
    /* A linear framebuffer if the firmware has one (optional: fall back to
     * EGA text under BIOS). */
    .balign 8
    .short 5, 1
    .long 20
    .long 1024, 768, 32
    /* Page-align modules, so they can be handed out as whole frames. */
    .balign 8
    .short 6, 0
    .long 8
    /* End. */
    .balign 8
    .short 0, 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .globl start32
start32:
    cli
    cld
    mov %eax, %edi                      /* magic, kept for kmain */
    mov %ebx, %esi                      /* information block */
    mov $PHYS(boot_stack_top), %esp

    cmp $MB2_BOOT_MAGIC, %edi
    jne no_multiboot2

    /* Long mode needs CPUID leaf 0x80000001 with the LM bit. */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    test $(1 << 29), %edx
    jz no_long_mode
    mov %edx, %ebp                      /* keep the NX bit (20) for later */

    /* Zero the boot page tables (they sit in .bss, which the loader may
     * not have cleared for us). */
    mov $PHYS(boot_pml4), %edi
    push %edi
    xor %eax, %eax
    mov $(7 * 4096 / 4), %ecx
    rep stosl
    pop %edi
    mov %esi, %ebx                      /* edi was clobbered: magic is constant */

    /* PML4[0] -> low PDPT, PML4[511] -> high PDPT. */
    movl $(PHYS(boot_pdpt_low) + PTE_P + PTE_W), PHYS(boot_pml4)
    movl $(PHYS(boot_pdpt_high) + PTE_P + PTE_W), PHYS(boot_pml4) + 511 * 8

    /* Low PDPT: four page directories, identity 0..4 GiB. */
    mov $PHYS(boot_pdpt_low), %edi
    mov $(PHYS(boot_pd) + PTE_P + PTE_W), %eax
    mov $4, %ecx
1:  mov %eax, (%edi)
    add $4096, %eax
    add $8, %edi
    loop 1b

    /* High PDPT[510] -> the first page directory: KERNEL_VMA maps 0..1 GiB. */
    movl $(PHYS(boot_pd) + PTE_P + PTE_W), PHYS(boot_pdpt_high) + 510 * 8

    /* 2048 2 MiB pages covering 0..4 GiB; entry i maps i * 2 MiB. */
    mov $PHYS(boot_pd), %edi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $(PTE_P + PTE_W + PTE_PS), %eax
    mov %eax, (%edi, %ecx, 8)
    mov %ecx, %eax
    shr $11, %eax                       /* high dword: bits 32+ of i * 2 MiB */
    mov %eax, 4(%edi, %ecx, 8)
    inc %ecx
    cmp $2048, %ecx
    jb 1b

    /* PAE on, then the tables, then long mode (and NX if present), then paging. */
    mov %cr4, %eax
    or $(1 << 5), %eax
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $(1 << 8), %eax
    test $(1 << 20), %ebp
    jz 1f
    or $(1 << 11), %eax
1:  wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
    mov %eax, %cr0

    lgdt PHYS(boot_gdt_ptr)
    ljmp $8, $PHYS(start64_low)

/* Print the NUL-terminated string at esi on COM1 and stop. The UART is
 * left as the loader programmed it; we only poll the transmit bit. */
boot_fail:
    mov $COM1, %dx
1:  lodsb
    test %al, %al
    jz 3f
    mov %al, %ah
    add $5, %dx
2:  in %dx, %al
    test $0x20, %al
    jz 2b
    sub $5, %dx
    mov %ah, %al
    out %al, %dx
    jmp 1b
3:  cli
    hlt
    jmp 3b

no_multiboot2:
    mov $PHYS(msg_no_mb2), %esi
    jmp boot_fail
no_long_mode:
    mov $PHYS(msg_no_lm), %esi
    jmp boot_fail

    .code64
start64_low:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $start64_high, %rax
    jmp *%rax

    .text
start64_high:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp                      /* ends the backtrace */
    mov $MB2_BOOT_MAGIC, %edi
    mov %ebx, %esi                      /* zero-extends: the block is below 4 GiB */
    call kmain
1:  cli
    hlt
    jmp 1b

    .section .boot.rodata, "a"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 64-bit code */
    .quad 0x00cf92000000ffff            /* data */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

msg_no_mb2:
    .asciz "cairn: not started by a Multiboot2 loader\r\n"
msg_no_lm:
    .asciz "cairn: this CPU cannot run 64-bit code\r\n"

    .section .bss.boot, "aw", @nobits
    .balign 4096
    .globl boot_pml4
boot_pml4:       .skip 4096
boot_pdpt_low:   .skip 4096
boot_pdpt_high:  .skip 4096
boot_pd:         .skip 4 * 4096

/* The boot stack, with an unmapped guard page below it once the kernel's
 * own page tables are live, so an overflow double-faults instead of
 * silently corrupting .bss. */
    .balign 4096
    .globl boot_stack_guard, boot_stack_top
boot_stack_guard: .skip 4096
boot_stack:       .skip BOOT_STACK_SIZE
boot_stack_top:
