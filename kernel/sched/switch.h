/* SPDX-License-Identifier: MIT */
/* The machine-dependent half of a context switch. */
#ifndef CAIRN_SCHED_SWITCH_H
#define CAIRN_SCHED_SWITCH_H

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/tlb.h"
#include "mm/vm.h"
#include "obj/ioport.h"
#include "obj/process.h"
#include "sched/thread.h"

/* switch.S: save callee-saved registers and rsp into *save_rsp, resume the
 * context at load_rsp; returns prev in the resumed context. */
struct thread *context_switch(uint64_t *save_rsp, uint64_t load_rsp, struct thread *prev);

/*
 * sched_arch_switch: the parts of a switch beyond the general registers,
 * the address space and the FPU/SSE registers; interrupts are off. Inline:
 * it runs on every switch.
 *
 * Kernel threads run on the kernel's own table (never on a process's,
 * which may be freed while they run) and own no FPU state, since the
 * kernel is built without SSE. A user thread's FPU registers are saved when
 * it is switched out and restored when it is switched in; in between,
 * kernel threads leave them alone.
 *
 * Every CR3 load is announced to the TLB shootdown code first, which sends
 * a user-half flush only to CPUs running on the table that changed.
 */
static inline void
sched_arch_switch(struct thread *prev, struct thread *next)
{
    uint64_t root = next->process ? next->process->vs.pt.root : kernel_pagetable.root;

    if (prev->fpu_state)
        fpu_save(prev->fpu_state);
    if (read_cr3() != root) {
        tlb_set_active_root(root); /* before the load: see arch/x86_64/tlb.c */
        write_cr3(root);
    }
    if (next->fpu_state)
        fpu_restore(next->fpu_state);
    /* The TSS's I/O bitmap (obj/ioport.c), left alone in the common case
     * of no ports before or after: io_active is 0 exactly when the TSS has
     * no bitmap. */
    if ((next->process && __atomic_load_n(&next->process->io, __ATOMIC_ACQUIRE)) ||
        __atomic_load_n(&this_cpu()->io_active, __ATOMIC_RELAXED))
        ioport_switch(next->process);
}

#endif
