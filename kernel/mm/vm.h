/* SPDX-License-Identifier: MIT */
/*
 * The kernel's address space: the image mapped with its true permissions,
 * the direct map of RAM, and a window for device memory. Built once by
 * vm_init(); every CPU runs on it.
 */
#ifndef CAIRN_MM_VM_H
#define CAIRN_MM_VM_H

#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/paging.h"
#include "boot/boot_info.h"

/* Build the kernel's page tables and switch to them. Returns the highest
 * physical address of usable RAM (the end of the last usable region). */
uint64_t vm_init(const struct boot_info *bi);

/* Load the kernel's tables and PAT on another CPU. */
void vm_init_cpu(void);

/* A pointer to physical memory: through the direct map once it is live,
 * through the boot identity map before. */
void *vm_phys_access(uint64_t phys);

/* Map device memory (or firmware tables outside the direct map) into the
 * device window with the given cache type (PTE_CACHE_*), read-write, no
 * execute. Returns the virtual address of phys, or NULL. Mappings are
 * permanent. */
void *vm_map_device(uint64_t phys, size_t len, uint64_t cache);

extern struct pagetable kernel_pagetable;

#endif
