/* SPDX-License-Identifier: MIT */
/* The machine-dependent half of a context switch. */
#ifndef CAIRN_SCHED_SWITCH_H
#define CAIRN_SCHED_SWITCH_H

#include <stdint.h>

#include "sched/thread.h"

/* switch.S: save callee-saved registers and rsp into *save_rsp, resume the
 * context at load_rsp; returns prev in the resumed context. */
struct thread *context_switch(uint64_t *save_rsp, uint64_t load_rsp, struct thread *prev);

/* Everything but the registers: the address space and the FPU/SSE state.
 * Interrupts are off. */
void sched_arch_switch(struct thread *prev, struct thread *next);

#endif
