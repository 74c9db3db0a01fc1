/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data, reached through the GS base: gs:0 holds a pointer to the
 * CPU's own struct cpu, so this_cpu() is one load and needs no lock. Only
 * the owning CPU writes its struct after bring-up, unless a field says
 * otherwise.
 *
 * Lock legend: [I] set once during bring-up, [o] owner CPU only,
 * [a] atomic.
 */
#ifndef CAIRN_ARCH_X86_64_PERCPU_H
#define CAIRN_ARCH_X86_64_PERCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_CPUS 64

/* GDT selectors. The order (kernel code, kernel data, user data, user code)
 * is the one syscall/sysret requires. */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_DATA   0x18
#define GDT_USER_CODE   0x20
#define GDT_TSS         0x28
#define GDT_ENTRIES     7 /* the TSS descriptor takes two */

/* Interrupt stack table slots (1-based, as the IDT gate encodes them).
 * Each CPU's IST stacks are kernel stacks (mm/kstack.h) above guard pages,
 * so an overflow of one faults (and double-faults, reported by name)
 * instead of writing over its neighbour. */
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3
#define IST_COUNT         3

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

/* The I/O permission bitmap after the TSS: one bit per port (0: allowed),
 * and a final byte of ones that the CPU reads past the last port.
 * TSS_IOMAP_NONE lies past the TSS limit: every port faults. */
#define TSS_IOMAP_BYTES 8192
#define TSS_IOMAP_NONE  0xffff

struct thread;
struct runqueue;

struct cpu {
    struct cpu *self;       /* [I] must stay first: this_cpu() reads gs:0 */
    uint64_t kernel_rsp;    /* [o] top of the running thread's kernel stack (syscall entry) */
    uint64_t user_rsp;      /* [o] user stack pointer, saved by syscall entry */
    struct thread *current; /* [o] the running thread (sched_current() reads gs:24) */
    bool need_resched;      /* [o] switch on the way out of this trap or syscall */
    unsigned index;         /* [I] 0 for the bootstrap CPU */
    uint32_t apic_id;       /* [I] */
    bool online;            /* [a] */
    uint64_t ticks;         /* [o] scheduler ticks taken on this CPU */
    unsigned irq_depth;     /* [o] nesting of interrupt handlers */
    struct runqueue *rq;    /* [I] this CPU's run queue (sched/sched.c) */
    uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))); /* [I] */
    /* I/O ports (obj/ioport.c): which process's bitmap io_bitmap holds. */
    uint64_t io_loaded;  /* [o] id of the I/O space copied into io_bitmap, 0 none */
    uint64_t io_version; /* [a] that space's version when copied */
    uint64_t io_active;  /* [a] id of the space the running thread uses, 0 none */
    uint32_t io_len;     /* [o] leading bytes of io_bitmap that may not be 0xff */
    /* FS base (sched/switch.h): the value last written, and the thread it
     * was written for. */
    uint64_t fs_base; /* [o] */
    uint32_t fs_tid;  /* [o] */
    /* The IST stacks, slot IST_x at [IST_x - 1]: tops, and frames for
     * kstack_free (0: the bootstrap CPU's boot stack, not yet replaced). */
    uint64_t ist_top[IST_COUNT];                 /* [I] */
    uint64_t ist_phys[IST_COUNT];                /* [I] */
    struct tss tss __attribute__((aligned(16))); /* [o] rsp0 and iomap_base change */
    uint8_t io_bitmap[TSS_IOMAP_BYTES + 1];      /* [o] must follow tss directly */
};
_Static_assert(offsetof(struct cpu, io_bitmap) == offsetof(struct cpu, tss) + sizeof(struct tss),
               "the I/O bitmap follows the TSS");
_Static_assert(offsetof(struct cpu, self) == 0, "this_cpu() reads gs:0");
_Static_assert(offsetof(struct cpu, kernel_rsp) == 8, "syscall entry reads gs:8");
_Static_assert(offsetof(struct cpu, user_rsp) == 16, "syscall entry writes gs:16");
_Static_assert(offsetof(struct cpu, current) == 24, "sched_current() reads gs:24");

extern struct cpu cpus[MAX_CPUS];
extern unsigned cpu_count; /* CPUs brought online */
extern bool percpu_ready;  /* GS points at the bootstrap CPU's struct cpu */

static inline struct cpu *
this_cpu(void)
{
    struct cpu *c;

    __asm__ volatile("mov %%gs:0, %0" : "=r"(c));
    return c;
}

/*
 * One field of this CPU's struct cpu, read through GS in one load instead
 * of two (this_cpu(), then the field). Volatile, as this_cpu() is: the
 * value belongs to the CPU that runs the code now, and a thread may move
 * to another CPU at any switch, so it must never be reused across one.
 */
#define this_cpu_read(field)                                  \
    ({                                                        \
        __typeof__(((struct cpu *)0)->field) this_cpu_v_;     \
        __asm__ volatile("mov %%gs:%c1, %0"                   \
                         : "=r"(this_cpu_v_)                  \
                         : "i"(offsetof(struct cpu, field))); \
        this_cpu_v_;                                          \
    })

/* this_cpu()->index, but safe in the few instructions of boot before GS is
 * set, for panic and fault paths. */
static inline unsigned
cpu_current_index(void)
{
    return percpu_ready ? this_cpu()->index : 0;
}

/* Load this CPU's GDT, TSS and IDT and point GS at its struct cpu. The
 * TSS takes c's IST stacks (cpu_ist_alloc); the bootstrap CPU, which has
 * none yet, takes a boot IST stack in the image, without a guard, until
 * memory is up and cpu_ist_alloc gives it its own. */
void cpu_tables_init(struct cpu *c);
/* Give c IST stacks from the kernel stack area and point its TSS at them
 * (a TSS already loaded uses them from the next interrupt on). 0, or
 * -CAIRN_ENOMEM with nothing changed. Once per CPU, before it comes online
 * (an AP) or after kstack_init (the bootstrap CPU). */
int cpu_ist_alloc(struct cpu *c);
/* Give back the IST stacks of c, a CPU that never came online. */
void cpu_ist_free(struct cpu *c);
/* Whether addr lies in the guard pages below one of a CPU's IST stacks:
 * then the CPU's index in *cpu and the slot (IST_x) in *ist. */
bool cpu_ist_guard_hit(uint64_t addr, unsigned *cpu, unsigned *ist);
void idt_init(void);
void idt_load(void);

#endif
