// SPDX-License-Identifier: MIT
/*
 * The end of the line. The first CPU to panic sends every other CPU an NMI,
 * which halts them (the NMI handler checks panic_in_progress), so nothing
 * runs on, or scrolls the report away, while it prints. Then the console
 * stops taking its lock (the lock holder may be the reason for the panic),
 * and every later panic on another CPU just halts.
 */
#include <stdarg.h>

#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "console/console.h"
#include "core/backtrace.h"
#include "core/ktest.h"
#include "core/panic.h"

static unsigned panic_cpu; /* [a] 1 + index of the CPU that panicked first; 0: none */

static void
panic_stop_other_cpus(void)
{
    unsigned me = cpu_current_index();

    for (unsigned i = 0; i < MAX_CPUS; i++) {
        if (i != me && __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE)) {
            lapic_broadcast_nmi();
            return;
        }
    }
}

void
panic_begin(void)
{
    unsigned me = cpu_current_index() + 1, none = 0;

    irq_disable();
    if (!__atomic_compare_exchange_n(&panic_cpu, &none, me, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        if (none != me)
            cpu_halt_forever(); /* another CPU is reporting; let it finish */
        kprintf("\n*** fault while reporting a fault\n");
        panic_end();
    }
    panic_stop_other_cpus();
    console_panic_mode();
}

bool
panic_in_progress(void)
{
    return __atomic_load_n(&panic_cpu, __ATOMIC_ACQUIRE) != 0;
}

_Noreturn void
panic_end(void)
{
    kprintf("*** system halted\n");
    if (ktest_enabled())
        qemu_exit(QEMU_EXIT_FAIL);
    cpu_halt_forever();
}

/* The report, with a backtrace from the frame of panic's (or kbug's) caller. */
static _Noreturn void
panic_report(const char *what, const uint64_t *frame, const char *fmt, va_list ap)
{
    panic_begin();
    kprintf("\n*** %s on cpu %u: ", what, cpu_current_index());
    kvprintf(fmt, ap);
    kprintf("\n");
    backtrace_print(frame[1], frame[0]);
    panic_end();
}

_Noreturn void
panic(const char *fmt, ...)
{
    va_list ap;

    /* Start at our caller: our frame holds its frame pointer and the
     * address we return to. */
    va_start(ap, fmt);
    panic_report("kernel panic", __builtin_frame_address(0), fmt, ap);
}

void
kbug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    panic_report("kernel bug", __builtin_frame_address(0), fmt, ap);
}
