/* SPDX-License-Identifier: MIT */
/*
 * Thin, named wrappers around the x86_64 instructions the kernel needs.
 * This is the one header with inline assembly; everything else calls these.
 */
#ifndef CAIRN_ARCH_X86_64_CPU_H
#define CAIRN_ARCH_X86_64_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_EFER           0xc0000080
#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE      0x0000001b
#define MSR_PAT            0x00000277
#define MSR_TSC_DEADLINE   0x000006e0

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)

#define CR0_WP         (1ul << 16)
#define CR4_PGE        (1ul << 7)
#define CR4_OSFXSR     (1ul << 9)
#define CR4_OSXMMEXCPT (1ul << 10)
#define CR4_UMIP       (1ul << 11)
#define CR4_SMEP       (1ul << 20)
#define CR4_SMAP       (1ul << 21)

#define RFLAGS_IF (1ul << 9)

static inline uint8_t
inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void
outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint32_t
inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void
outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* A write to an unused port: a ~1 µs delay for slow legacy devices. */
static inline void
io_wait(void)
{
    outb(0x80, 0);
}

static inline uint64_t
rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void
wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void
cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t
rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* One random word from the CPU's generator; false if it had none ready
 * (the caller must have checked CPUID for RDRAND). */
static inline bool
rdrand64(uint64_t *v)
{
    bool ok;
    __asm__ volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
    return ok;
}

#define DEFINE_CR_ACCESSORS(n)                                     \
    static inline uint64_t read_cr##n(void)                        \
    {                                                              \
        uint64_t v;                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));          \
        return v;                                                  \
    }                                                              \
    static inline void write_cr##n(uint64_t v)                     \
    {                                                              \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline void
invlpg(uintptr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t
read_rflags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

static inline void
irq_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

static inline void
irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline bool
irq_enabled(void)
{
    return read_rflags() & RFLAGS_IF;
}

/* Disable interrupts and return whether they were on, for irq_restore(). */
static inline bool
irq_save(void)
{
    bool was = irq_enabled();
    irq_disable();
    return was;
}

static inline void
irq_restore(bool was_enabled)
{
    if (was_enabled)
        irq_enable();
}

static inline void
cpu_halt(void)
{
    __asm__ volatile("hlt" : : : "memory");
}

/* Enable interrupts and halt in one step: sti's one-instruction shadow means
 * an interrupt pending now wakes the hlt instead of slipping in before it. */
static inline void
cpu_idle(void)
{
    __asm__ volatile("sti; hlt" : : : "memory");
}

static inline void
cpu_relax(void)
{
    __builtin_ia32_pause();
}

static inline uintptr_t
read_rbp(void)
{
    uintptr_t rbp;
    __asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
    return rbp;
}

static inline uint64_t
read_gs_base(void)
{
    return rdmsr(MSR_GS_BASE);
}

static inline void
barrier(void)
{
    __asm__ volatile("" : : : "memory");
}

/* Order every earlier load and store, MMIO included, before later ones. */
static inline void
mfence(void)
{
    __asm__ volatile("mfence" : : : "memory");
}

static inline void
mmio_write32(volatile void *addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint32_t
mmio_read32(const volatile void *addr)
{
    return *(const volatile uint32_t *)addr;
}

static inline void
mmio_write64(volatile void *addr, uint64_t v)
{
    *(volatile uint64_t *)addr = v;
}

static inline uint64_t
mmio_read64(const volatile void *addr)
{
    return *(const volatile uint64_t *)addr;
}

/* Zero n bytes (a multiple of 8, 8-byte aligned): one string instruction,
 * which the CPU runs as fast as it can fill cache lines. For frames. */
static inline void
zero_qwords(void *dst, uint64_t n)
{
    uint64_t count = n / 8;

    __asm__ volatile("rep stosq" : "+D"(dst), "+c"(count) : "a"(0ull) : "memory");
}

_Noreturn static inline void
cpu_halt_forever(void)
{
    for (;;) {
        irq_disable();
        cpu_halt();
    }
}

#endif
