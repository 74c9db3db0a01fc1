// SPDX-License-Identifier: MIT
/*
 * Per-CPU descriptor tables. Long mode ignores segment bases and limits for
 * code and data, so the GDT only says which segments are 64-bit code and at
 * which privilege level; the TSS supplies the stacks the CPU switches to on
 * interrupts (rsp0 from user mode, IST stacks for faults that must not
 * trust the current stack).
 *
 * The IST stacks (double fault, NMI, machine check) are kernel stacks from
 * mm/kstack.c, each above its own guard pages, so that an overflow of one
 * faults at once instead of running into another CPU's data. Until the
 * bootstrap CPU has memory to take them from, all three of its slots point
 * at one boot IST stack in the image, unguarded: a double fault, NMI or
 * machine check that early is fatal anyway.
 */
#include <cairn/errors.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "common/string.h"
#include "mm/kstack.h"

struct cpu cpus[MAX_CPUS];
unsigned cpu_count;
bool percpu_ready;

#define BOOT_IST_SIZE 8192
static uint8_t boot_ist_stack[BOOT_IST_SIZE] __attribute__((aligned(16)));

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
cpu_tables_init(struct cpu *c)
{
    struct descriptor_ptr gdtr = {sizeof(c->gdt) - 1, (uint64_t)c->gdt};

    c->self = c;
    memset(&c->tss, 0, sizeof(c->tss));
    for (unsigned i = 0; i < IST_COUNT; i++) {
        if (!c->ist_top[i])
            c->ist_top[i] = (uint64_t)boot_ist_stack + sizeof(boot_ist_stack);
        c->tss.ist[i] = c->ist_top[i];
    }
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
    /* What c->fs_base says (sched/switch.h): no thread's TLS yet. */
    wrmsr(MSR_FS_BASE, 0);
    c->fs_base = 0;
    percpu_ready = true;
    idt_load();
}

int
cpu_ist_alloc(struct cpu *c)
{
    uint64_t top[IST_COUNT], phys[IST_COUNT];

    for (unsigned i = 0; i < IST_COUNT; i++) {
        if (kstack_alloc(&top[i], &phys[i]) < 0) {
            while (i--)
                kstack_free(top[i], phys[i]);
            return -CAIRN_ENOMEM;
        }
    }
    for (unsigned i = 0; i < IST_COUNT; i++) {
        c->ist_top[i] = top[i];
        c->ist_phys[i] = phys[i];
        c->tss.ist[i] = top[i];
    }
    return 0;
}

void
cpu_ist_free(struct cpu *c)
{
    for (unsigned i = 0; i < IST_COUNT; i++) {
        if (c->ist_phys[i])
            kstack_free(c->ist_top[i], c->ist_phys[i]);
        c->ist_top[i] = c->ist_phys[i] = 0;
        c->tss.ist[i] = 0;
    }
}

bool
cpu_ist_guard_hit(uint64_t addr, unsigned *cpu, unsigned *ist)
{
    for (unsigned n = 0; n < MAX_CPUS; n++) {
        for (unsigned i = 0; i < IST_COUNT; i++) {
            uint64_t base = cpus[n].ist_top[i] - KSTACK_SIZE;

            if (cpus[n].ist_phys[i] && addr < base && addr >= base - KSTACK_GUARD_SIZE) {
                *cpu = n;
                *ist = i + 1;
                return true;
            }
        }
    }
    return false;
}
