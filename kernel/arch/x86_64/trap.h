/* SPDX-License-Identifier: MIT */
/*
 * Interrupts and exceptions. entry.S saves the registers into a struct
 * trap_frame on the current kernel stack and calls trap_dispatch().
 *
 * Vectors: 0-31 CPU exceptions, 32-47 unused (legacy PIC range, masked),
 * 48-239 device interrupts through the I/O APIC, 240-254 IPIs and the local
 * timer, 255 spurious.
 */
#ifndef CAIRN_ARCH_X86_64_TRAP_H
#define CAIRN_ARCH_X86_64_TRAP_H

#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/frame.h"

#define VEC_DIVIDE        0
#define VEC_DEBUG         1
#define VEC_NMI           2
#define VEC_BREAKPOINT    3
#define VEC_INVALID_OP    6
#define VEC_DOUBLE_FAULT  8
#define VEC_GP            13
#define VEC_PAGE_FAULT    14
#define VEC_MACHINE_CHECK 18
#define VEC_MSI_BASE      32   /* MSI slot k arrives at VEC_MSI_BASE + k (obj/irq.c) */
#define VEC_IRQ_BASE      48   /* I/O APIC pin n arrives at VEC_IRQ_BASE + n */
#define VEC_TIMER         0xf0 /* local APIC timer */
#define VEC_TEST          0xf1 /* self-IPI used by the interrupt tests */
#define VEC_IPI_TEST      0xf2 /* IPI between CPUs, used by the SMP tests */
#define VEC_RESCHED       0xf3 /* wake an idle CPU to run a thread queued for it */
#define VEC_TLB           0xf4 /* TLB shootdown (tlb.c) */
#define VEC_IOPORT        0xf5 /* reload the I/O permission bitmap (obj/ioport.c) */
#define VEC_SPURIOUS      0xff

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "entry.S pushes 22 words");
_Static_assert(offsetof(struct trap_frame, cs) == FRAME_CS, "frame.h's FRAME_CS");

/* A user thread's syscall frame: the top of its kernel stack (syscall.S),
 * whose top is kstack_top. */
static inline struct trap_frame *
syscall_frame_below(uint64_t kstack_top)
{
    return (struct trap_frame *)(kstack_top - sizeof(struct trap_frame));
}

typedef void (*irq_handler_fn)(struct trap_frame *tf, void *arg);

/* Route a vector (VEC_MSI_BASE..254) to a handler; called before the source
 * is unmasked. Returns 0, or -1 if the vector is taken or out of range. */
int trap_set_handler(unsigned vector, irq_handler_fn fn, void *arg);
void trap_clear_handler(unsigned vector);

void trap_dispatch(struct trap_frame *tf);

/* Print a register dump and backtrace for tf (used by panic paths). */
void trap_dump(const struct trap_frame *tf);

#endif
