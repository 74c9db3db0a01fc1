// SPDX-License-Identifier: MIT
/*
 * Per-CPU descriptor tables. Long mode ignores segment bases and limits for
 * code and data, so the GDT only says which segments are 64-bit code and at
 * which privilege level; the TSS supplies the stacks the CPU switches to on
 * interrupts (rsp0 from user mode, IST stacks for faults that must not
 * trust the current stack).
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "lib/string.h"

struct cpu cpus[MAX_CPUS];
unsigned cpu_count;
bool percpu_ready;

#define SEG_PRESENT  (1ull << 47)
#define SEG_DPL3     (3ull << 45)
#define SEG_CODEDATA (1ull << 44)
#define SEG_EXEC     (1ull << 43)
#define SEG_RW       (1ull << 41)
#define SEG_LONG     (1ull << 53)
#define SEG_TSS_TYPE (9ull << 40) /* available 64-bit TSS */

struct descriptor_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static void
gdt_fill(struct cpu *c)
{
    uint64_t tss = (uint64_t)&c->tss;
    uint64_t limit = sizeof(c->tss) + sizeof(c->io_bitmap) - 1; /* the I/O bitmap included */

    c->gdt[0] = 0;
    c->gdt[GDT_KERNEL_CODE / 8] = SEG_PRESENT | SEG_CODEDATA | SEG_EXEC | SEG_RW | SEG_LONG;
    c->gdt[GDT_KERNEL_DATA / 8] = SEG_PRESENT | SEG_CODEDATA | SEG_RW;
    c->gdt[GDT_USER_DATA / 8] = SEG_PRESENT | SEG_DPL3 | SEG_CODEDATA | SEG_RW;
    c->gdt[GDT_USER_CODE / 8] =
        SEG_PRESENT | SEG_DPL3 | SEG_CODEDATA | SEG_EXEC | SEG_RW | SEG_LONG;
    c->gdt[GDT_TSS / 8] = SEG_PRESENT | SEG_TSS_TYPE | (limit & 0xffff) | ((tss & 0xffffff) << 16) |
                          (((tss >> 24) & 0xff) << 56);
    c->gdt[GDT_TSS / 8 + 1] = tss >> 32;
}

void
cpu_tables_init(struct cpu *c, void *ist_stacks)
{
    struct descriptor_ptr gdtr = {sizeof(c->gdt) - 1, (uint64_t)c->gdt};
    uint8_t *ist = ist_stacks;

    c->self = c;
    memset(&c->tss, 0, sizeof(c->tss));
    c->tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(ist + 1 * IST_STACK_SIZE);
    c->tss.ist[IST_NMI - 1] = (uint64_t)(ist + 2 * IST_STACK_SIZE);
    c->tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)(ist + 3 * IST_STACK_SIZE);
    c->tss.iomap_base = TSS_IOMAP_NONE; /* no I/O bitmap: user port access faults */
    memset(c->io_bitmap, 0xff, sizeof(c->io_bitmap));
    c->io_len = 0;
    gdt_fill(c);

    __asm__ volatile("lgdt %0" : : "m"(gdtr));
    /* Reload CS with a far return, then the data segments and the TSS. */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w[ds], %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movw %%ax, %%fs\n\t"
                     "movw %%ax, %%gs\n\t"
                     :
                     : [cs] "i"(GDT_KERNEL_CODE), [ds] "i"(GDT_KERNEL_DATA)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
    /* Writing GS after the selector load above: loading gs zeroes the base. */
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    percpu_ready = true;
    idt_load();
}
