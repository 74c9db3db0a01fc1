// SPDX-License-Identifier: MIT
/*
 * The parts of a switch beyond the general registers: the address space
 * and the FPU/SSE registers.
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
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/tlb.h"
#include "mm/vm.h"
#include "obj/ioport.h"
#include "obj/process.h"
#include "sched/switch.h"

void
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
