/* SPDX-License-Identifier: MIT */
/*
 * The kernel's virtual address layout. Shared by C and assembly.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff   user space (later issues)
 *   0xffff800000000000 .. +64 TiB              direct map of RAM (PHYS_MAP_BASE + phys)
 *   0xffffc00000000000 .. +1 TiB               device mappings (uncached MMIO, framebuffer)
 *   0xffffc10000000000 .. +512 GiB             kernel stacks, each above a guard page (mm/kstack.h)
 *   0xffffffff80000000 .. +2 GiB               the kernel image (-mcmodel=kernel), loaded at
 *                                              physical KERNEL_PHYS
 */
#ifndef CAIRN_ARCH_X86_64_LAYOUT_H
#define CAIRN_ARCH_X86_64_LAYOUT_H

#define KERNEL_VMA    0xffffffff80000000
#define KERNEL_PHYS   0x200000
#define PHYS_MAP_BASE 0xffff800000000000
#define PHYS_MAP_SIZE 0x0000400000000000 /* 64 TiB */
#define MMIO_BASE     0xffffc00000000000
#define MMIO_SIZE     0x0000010000000000 /* 1 TiB */
#define KSTACK_BASE   0xffffc10000000000
#define KSTACK_AREA   0x0000008000000000 /* 512 GiB, one top-level entry */

#define PAGE_SIZE       4096
#define PAGE_SHIFT      12
#define LARGE_PAGE_SIZE 0x200000

#define BOOT_STACK_SIZE 16384

/* The boot page tables identity-map this much, so the 32-bit hand-over
 * (Multiboot2 information, modules, framebuffer) stays reachable until the
 * kernel's own tables are live. A 32-bit loader cannot place anything
 * higher. */
#define BOOT_IDENTITY_SIZE 0x100000000

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *
phys_to_virt(uint64_t phys)
{
    return (void *)(uintptr_t)(phys + PHYS_MAP_BASE);
}

/* Translate a pointer into the direct map or the kernel image back to its
 * physical address. Any other pointer is a kernel bug. */
static inline uint64_t
virt_to_phys(const void *virt)
{
    uintptr_t v = (uintptr_t)virt;

    if (v >= KERNEL_VMA)
        return v - KERNEL_VMA;
    return v - PHYS_MAP_BASE;
}
#endif

#endif
