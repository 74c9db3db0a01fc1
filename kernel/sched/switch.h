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
 * The FS base (a user thread's TLS pointer, thread_set_tls) follows the
 * thread. FSGSBASE stays off for user mode, so user code cannot write the
 * GS base the kernel's swapgs relies on; FS is loaded with wrmsr, which is
 * slow, so it is written only when it must change: each CPU remembers the
 * value it last wrote and for which thread. User code can change its FS
 * base only by loading a segment selector into FS, which can only make it
 * 0: so a CPU whose last value was 0 still has 0 whoever ran since, and a
 * nonzero one is trusted only for the thread it was written for (the base
 * a thread zeroes that way is its own business until it migrates; no other
 * thread, in no other process, ever sees it).
 */
static inline void
sched_switch_fs(struct cpu *cpu, struct thread *next)
{
    if (next->fs_base == cpu->fs_base && (next->fs_base == 0 || next->id == cpu->fs_tid))
        return;
    wrmsr(MSR_FS_BASE, next->fs_base);
    cpu->fs_base = next->fs_base;
    cpu->fs_tid = next->id;
}

/*
 * sched_arch_switch: the parts of a switch beyond the general registers,
 * the address space and the FPU/SSE registers; interrupts are off and cpu
 * is this CPU's. Inline: it runs on every switch.
 *
 * Kernel threads run on the kernel's own table (never on a process's,
 * which may be freed while they run) and own no FPU state, since the
 * kernel is built without SSE. A user thread's FPU registers are saved when
 * it is switched out and restored when it is switched in; in between,
 * kernel threads leave them alone. The images are kernel memory, reached
 * alike before and after the CR3 load, so the save and the restore go
 * together.
 *
 * Every CR3 load is announced to the TLB shootdown code first, which sends
 * a user-half flush only to CPUs running on the table that changed.
 */
static inline void
sched_arch_switch(struct cpu *cpu, struct thread *prev, struct thread *next)
{
    struct process *p = next->process;
    uint64_t root = p ? p->vs.pt.root : kernel_pagetable.root;
    /* The TSS's I/O bitmap (obj/ioport.c), left alone in the common case
     * of no ports before or after: io_active is 0 exactly when the TSS has
     * no bitmap. Read before the instructions below, which clobber memory
     * as far as the compiler knows, so that p stays in a register. */
    uint64_t io = __atomic_load_n(&cpu->io_active, __ATOMIC_RELAXED);

    if (p)
        io |= (uintptr_t)__atomic_load_n(&p->io, __ATOMIC_ACQUIRE);
    fpu_switch(prev->fpu_image, next->fpu_image);
    if (read_cr3() != root) {
        tlb_set_active_root(root); /* before the load: see arch/x86_64/tlb.c */
        write_cr3(root);
    }
    if (next->fpu_image) /* a user thread */
        sched_switch_fs(cpu, next);
    if (__builtin_expect(io, 0))
        ioport_switch(p);
}

#endif
