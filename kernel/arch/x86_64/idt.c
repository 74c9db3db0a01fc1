// SPDX-License-Identifier: MIT
/*
 * The interrupt descriptor table, shared by all CPUs: every vector points
 * at its stub in entry.S. Faults that must not run on a possibly broken
 * stack (double fault, NMI, machine check) switch to an IST stack. Only
 * the breakpoint gate may be raised from user mode (int3).
 */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate (clears IF) */
#define GATE_USER_DPL  0x60 /* DPL 3: user code may raise it with an int instruction */
#define STUB_SIZE      16

extern const char trap_stubs[];

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void
idt_set_gate(unsigned vector, uint8_t ist)
{
    uint64_t addr = (uint64_t)(trap_stubs + vector * STUB_SIZE);

    idt[vector] = (struct idt_gate){
        .offset_low = addr & 0xffff,
        .selector = GDT_KERNEL_CODE,
        .ist = ist,
        .type_attr = GATE_INTERRUPT,
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_high = addr >> 32,
    };
}

void
idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        idt_set_gate(v, 0);
    idt_set_gate(VEC_DOUBLE_FAULT, IST_DOUBLE_FAULT);
    idt_set_gate(VEC_NMI, IST_NMI);
    idt_set_gate(VEC_MACHINE_CHECK, IST_MACHINE_CHECK);
    /* int3 from user mode is a breakpoint (for a debugger, through its
     * fault handler), not a #GP; every other int n from user mode stays one. */
    idt[VEC_BREAKPOINT].type_attr |= GATE_USER_DPL;
}

void
idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};

    __asm__ volatile("lidt %0" : : "m"(idtr));
}
