/* SPDX-License-Identifier: MIT */
/*
 * TLB shootdown: after a page-table entry changes, make every CPU that may
 * cache the old translation drop it before the caller goes on (and, say,
 * frees the frame it mapped). The protocol is described in tlb.c.
 *
 * Rule for callers: do not flush while holding a spinlock that another CPU
 * may spin on with interrupts off. That CPU cannot take the shootdown IPI,
 * and the flush waits for it. (A user-half flush in a table no other CPU
 * runs on, such as a dead process's, sends no IPI and takes no lock, so it
 * is safe under any lock.)
 */
#ifndef CAIRN_ARCH_X86_64_TLB_H
#define CAIRN_ARCH_X86_64_TLB_H

#include <stdint.h>

#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"

/* Claim the shootdown vector. Once, on the bootstrap CPU, before any other
 * CPU starts. */
void tlb_init(void);

/*
 * Drop va's translation everywhere it may be cached: on every online CPU
 * for a kernel-half address (those mappings are shared and may be global),
 * on every CPU currently running on pt for a user-half address. Returns
 * when all of them have done so. May be called with interrupts on or off,
 * from threads or interrupt handlers; never sleeps.
 */
void tlb_flush_page(const struct pagetable *pt, uint64_t va);

/*
 * The same for every page of [start, end) (page-aligned, non-empty, within
 * one half), in one shootdown. Beyond TLB_FULL_FLUSH_PAGES pages each CPU
 * drops all its translations of that half instead of page by page (a CR3
 * reload for the user half; toggling CR4.PGE for the kernel half). Either
 * way the paging-structure caches are dropped too, so tables detached from
 * pt may be freed once it returns.
 */
#define TLB_FULL_FLUSH_PAGES 32
void tlb_flush_range(const struct pagetable *pt, uint64_t start, uint64_t end);

/* Each CPU's part of the protocol (tlb.c); here for the inline below. */
struct tlb_cpu {
    uint64_t active_root; /* [a] CR3 root this CPU runs on (0: none yet, the kernel's) */
    uint32_t pending;     /* [a] set under tlb_lock by the flusher, cleared by this CPU */
} __attribute__((aligned(64)));

extern struct tlb_cpu tlb_cpus[MAX_CPUS];

/* Record that this CPU is about to load root into CR3. Called by the
 * context switch with interrupts off, before the CR3 write; inline, as it
 * runs at every switch between address spaces. seq_cst: a full fence
 * before the caller's CR3 load (see tlb.c). */
static inline void
tlb_set_active_root(uint64_t root)
{
    __atomic_store_n(&tlb_cpus[this_cpu_read(index)].active_root, root, __ATOMIC_SEQ_CST);
}

/* Shootdown requests sent to other CPUs since boot (for tests). */
uint64_t tlb_remote_requests(void);

#endif
