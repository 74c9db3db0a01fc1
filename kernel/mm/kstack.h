/* SPDX-License-Identifier: MIT */
/*
 * Kernel stacks, each mapped in the kernel stack area (arch/x86_64/
 * layout.h) with 4 KiB pages right above unmapped guard pages, so a stack
 * that overflows faults at once instead of writing over whatever lies
 * below. Every thread's stack, every application processor's boot (idle)
 * stack and every CPU's IST stacks (arch/x86_64/gdt.c) come from here; the
 * bootstrap CPU's boot stack has a guard page of its own in the kernel
 * image.
 *
 * The area is cut into slots of KSTACK_SLOT_SIZE: KSTACK_GUARD_SIZE of
 * guard pages, then KSTACK_SIZE of stack. A slot's size divides 2 MiB, so
 * no slot straddles two last-level tables and a stack is mapped (and
 * unmapped) in one page-table walk. Its page tables are all made by
 * kstack_init, for as many stacks as memory could hold, so making and
 * ending threads never allocates or frees a page table and free-frame
 * counts stay exact.
 */
#ifndef CAIRN_MM_KSTACK_H
#define CAIRN_MM_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/layout.h"

#define KSTACK_ORDER      2 /* 2^KSTACK_ORDER frames: 16 KiB */
#define KSTACK_SIZE       (PAGE_SIZE << KSTACK_ORDER)
#define KSTACK_PAGES      (KSTACK_SIZE / PAGE_SIZE)
#define KSTACK_SLOT_SIZE  (2 * KSTACK_SIZE) /* the guard pages, then the stack */
#define KSTACK_GUARD_SIZE (KSTACK_SLOT_SIZE - KSTACK_SIZE)
#define KSTACK_MAX        65536 /* stacks at once, at most */

_Static_assert(LARGE_PAGE_SIZE % KSTACK_SLOT_SIZE == 0, "a slot never crosses a page table");

/* Size the area for the memory there is and build its page tables. Once,
 * after the buddy allocator and kmalloc are up, before the first stack. */
void kstack_init(void);

/* A new stack: 0, its top (the first address above it) and the physical
 * address of its 2^KSTACK_ORDER frames; or -CAIRN_ENOMEM. May flush every
 * CPU's TLB (when it reuses slots), so the caller must not hold a spinlock
 * another CPU may spin on with interrupts off (arch/x86_64/tlb.h). */
int kstack_alloc(uint64_t *top, uint64_t *phys);

/* Unmap a stack made by kstack_alloc and free its frames. Nothing may run
 * on it any more. Never flushes a TLB and never blocks. */
void kstack_free(uint64_t top, uint64_t phys);

/* Whether addr lies in the kernel stack area (a stack or a guard page). */
bool kstack_contains(uint64_t addr);

/* Whether addr lies in the guard pages below a kernel stack: this area's,
 * or the boot stack's. */
bool kstack_guard_hit(uint64_t addr);

#endif
