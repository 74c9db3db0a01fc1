// SPDX-License-Identifier: MIT
/*
 * Trap dispatch: CPU exceptions and device interrupts.
 *
 * An exception in kernel mode is a kernel bug: it is reported with the
 * registers and a symbolized backtrace, then the machine stops. The one
 * exception is a page fault at a user address inside the user-copy
 * routine (mm/usercopy.c), which is resolved or makes the copy fail. A
 * fault in user mode ends only the faulting process (or, for a page
 * inside a mapping, enters the page), unless an exception endpoint is set
 * and its handler resumes the thread (obj/fault.c). Device interrupts go
 * to the handler registered for the vector and are acknowledged at the
 * local APIC afterwards.
 *
 * Every trap closes SMAP (clac) first: the interrupted code's RFLAGS.AC,
 * a user copy's or user mode's own, comes back with iretq, and handlers
 * never run with user memory open.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpufeatures.h"
#include "arch/x86_64/percpu.h"
#include "console/console.h"
#include "core/backtrace.h"
#include "core/panic.h"
#include "lib/log.h"
#include "mm/kstack.h"
#include "mm/usercopy.h"
#include "obj/fault.h"
#include "obj/process.h"
#include "sched/sched.h"

static const char *const exception_names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization exception",
    "control protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection",
    "VMM communication",
    "security exception",
    "reserved",
};

struct irq_slot {
    irq_handler_fn fn;
    void *arg;
};

/* Written only before the source is unmasked, read in interrupt context. */
static struct irq_slot irq_slots[256];

int
trap_set_handler(unsigned vector, irq_handler_fn fn, void *arg)
{
    if (vector < VEC_MSI_BASE || vector >= VEC_SPURIOUS || !fn)
        return -1;
    if (irq_slots[vector].fn)
        return -1;
    irq_slots[vector].arg = arg;
    __atomic_store_n(&irq_slots[vector].fn, fn, __ATOMIC_RELEASE);
    return 0;
}

void
trap_clear_handler(unsigned vector)
{
    if (vector < 256)
        __atomic_store_n(&irq_slots[vector].fn, NULL, __ATOMIC_RELEASE);
}

void
trap_dump(const struct trap_frame *tf)
{
    kprintf("  RIP %016lx ", tf->rip);
    backtrace_print_symbol(tf->rip);
    kprintf("\n  CS %04lx  SS %04lx  RFLAGS %016lx  error %lx\n", tf->cs, tf->ss, tf->rflags,
            tf->error);
    kprintf("  RAX %016lx  RBX %016lx  RCX %016lx\n", tf->rax, tf->rbx, tf->rcx);
    kprintf("  RDX %016lx  RSI %016lx  RDI %016lx\n", tf->rdx, tf->rsi, tf->rdi);
    kprintf("  RBP %016lx  RSP %016lx  R8  %016lx\n", tf->rbp, tf->rsp, tf->r8);
    kprintf("  R9  %016lx  R10 %016lx  R11 %016lx\n", tf->r9, tf->r10, tf->r11);
    kprintf("  R12 %016lx  R13 %016lx  R14 %016lx\n", tf->r12, tf->r13, tf->r14);
    kprintf("  R15 %016lx  CR2 %016lx  CR3 %016lx\n", tf->r15, read_cr2(), read_cr3());
    backtrace_print_trap(tf->rip, tf->rbp, tf->rsp);
}

/* An overflowed kernel stack faults in the guard pages below it: pushing
 * the page fault's frame there fails too, which makes a double fault (on
 * its own IST stack), with CR2 still naming the guard. A fault that could
 * be delivered (an access below the stack pointer) lands here as a page
 * fault. Either way, say so and whose stack it was: an IST stack's (an
 * NMI or machine check handler that overflowed) or the running thread's. */
static void
trap_report_stack_overflow(const struct trap_frame *tf)
{
    static const char *const ist_names[IST_COUNT + 1] = {
        [IST_DOUBLE_FAULT] = "double-fault",
        [IST_NMI] = "NMI",
        [IST_MACHINE_CHECK] = "machine-check",
    };
    struct thread *t = percpu_ready ? sched_current() : NULL;
    uint64_t cr2 = read_cr2(), hit;
    unsigned cpu, ist;

    if (tf->vector != VEC_DOUBLE_FAULT && tf->vector != VEC_PAGE_FAULT)
        return;
    if (kstack_guard_hit(cr2))
        hit = cr2;
    else if (tf->vector == VEC_DOUBLE_FAULT && kstack_guard_hit(tf->rsp))
        hit = tf->rsp;
    else
        return;
    if (cpu_ist_guard_hit(hit, &cpu, &ist))
        kprintf("\n*** kernel stack overflow in the %s stack of cpu %u: guard page hit at %016lx",
                ist_names[ist], cpu, cr2);
    else
        kprintf(
            "\n*** kernel stack overflow in thread %s (id %u) on cpu %u: guard page hit at %016lx",
            t ? t->name : "boot", t ? t->id : 0, cpu_current_index(), cr2);
}

static _Noreturn void
trap_kernel_exception(struct trap_frame *tf)
{
    const char *name = exception_names[tf->vector & 31];

    panic_begin();
    trap_report_stack_overflow(tf);
    kprintf("\n*** kernel %s (vector %lu) on cpu %u", name, tf->vector, cpu_current_index());
    if (tf->vector == VEC_PAGE_FAULT)
        kprintf(" at address %016lx (%s, %s)", read_cr2(),
                tf->error & 1 ? "protection" : "not present", tf->error & 2 ? "write" : "read");
    kprintf("\n");
    trap_dump(tf);
    panic_end();
}

/* Demand paging: a user page fault inside a mapping that allows the access
 * enters the page and resumes the thread. */
static bool
trap_user_page_fault(struct trap_frame *tf, uint64_t addr)
{
    struct process *p = process_current();
    bool write = tf->error & 2, exec = tf->error & 16, ok;

    if (!p)
        return false;
    irq_enable(); /* the thread may be preempted while its page is found */
    ok = vspace_fault(&p->vs, addr, write, exec) == 0;
    irq_disable();
    return ok;
}

/* A fault in user mode goes to the thread's or its process's exception
 * endpoint if one is set (obj/fault.c), and returns if the handler
 * resumes the thread; otherwise it ends only the faulting process, with
 * one line. */
static void
trap_user_exception(struct trap_frame *tf, uint64_t fault_addr)
{
    struct thread *t = sched_current();
    struct process *p = process_current();
    const char *name = exception_names[tf->vector & 31];

    if (tf->vector == VEC_NMI || tf->vector == VEC_MACHINE_CHECK || !p)
        trap_kernel_exception(tf); /* not the process's doing */
    if ((__atomic_load_n(&t->fault.ep, __ATOMIC_RELAXED) ||
         __atomic_load_n(&p->fault.ep, __ATOMIC_RELAXED)) &&
        fault_deliver(tf, fault_addr))
        return;
    if (tf->vector == VEC_PAGE_FAULT)
        log_fault("process %s (pid %u) killed: %s at address %016lx (%s), rip %016lx", p->name,
                  p->pid, name, fault_addr,
                  tf->error & 16  ? "execute"
                  : tf->error & 2 ? "write"
                                  : "read",
                  tf->rip);
    else
        log_fault("process %s (pid %u) killed: %s, rip %016lx", p->name, p->pid, name, tf->rip);
    process_exit(-(int64_t)(128 + tf->vector));
}

void
trap_dispatch(struct trap_frame *tf)
{
    struct cpu *cpu;
    unsigned vector = tf->vector;

    /* A panic on another CPU stops this one with an NMI (core/panic.c).
     * Checked before this_cpu(): the NMI may have hit the syscall entry
     * before its swapgs, with GS still the user's. */
    if (vector == VEC_NMI && panic_in_progress())
        cpu_halt_forever();
    user_access_end(); /* AC comes back with iretq */
    cpu = this_cpu();

    /* CR2 first: once interrupts are on again another fault may change it. */
    uint64_t fault_addr = vector == VEC_PAGE_FAULT ? read_cr2() : 0;
    if (vector == VEC_PAGE_FAULT && (tf->cs & 3) && trap_user_page_fault(tf, fault_addr)) {
        process_stop_check(); /* back to user mode, unless its process is ending */
        return;
    }
    if (vector < 32 && (tf->cs & 3)) {
        trap_user_exception(tf, fault_addr);
        process_stop_check(); /* resumed by its handler */
        return;
    }
    if (vector == VEC_PAGE_FAULT && usercopy_fault(tf, fault_addr))
        return;
    if (vector < 32)
        trap_kernel_exception(tf);
    if (vector == VEC_SPURIOUS)
        return; /* no EOI for a spurious interrupt */

    cpu->irq_depth++;
    struct irq_slot slot = irq_slots[vector];
    if (slot.fn)
        slot.fn(tf, slot.arg);
    else
        kprintf("cairn: unexpected interrupt, vector %u\n", vector);
    if (vector == VEC_TIMER)
        sched_tick();
    lapic_eoi();
    cpu->irq_depth--;
    /* Interrupt gates keep interrupts off, so this is the outermost handler:
     * the interrupted thread may be switched out here and resumed later
     * from this very frame. */
    sched_preempt_check();
    /* Back to user mode, unless the thread's process is ending (then the
     * thread exits here; a kill's reschedule IPI brings it here fast). */
    if (tf->cs & 3)
        process_stop_check();
}
