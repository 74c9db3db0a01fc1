// SPDX-License-Identifier: MIT
/*
 * Per-CPU timer events (see timer.h).
 *
 * The hardware holds one event per CPU. Every timer interrupt re-arms it
 * for the CPU's next tick, then sched_tick lowers it to the head of the
 * CPU's timer list (timer_arm_deadline); a thread joining the list with an
 * earlier deadline lowers it again. A deadline that goes away (a sleeper
 * woken early) is not un-armed: its interrupt comes anyway, finds nothing
 * due, and re-arms.
 *
 * Ticks are counted by the clock, not by interrupts: an interrupt is a
 * tick when the CPU's next tick is due (within TICK_SLACK_NS, so that a
 * deadline interrupt just before it, or a timer a little fast against the
 * TSC, takes the tick instead of needing one more interrupt). A CPU held
 * up for longer than a period loses the ticks it missed; it does not
 * catch up in a burst.
 *
 * Invariants, per CPU, touched only by that CPU with interrupts off ([o]):
 * `armed` <= `next_tick` once started; the hardware interrupts at `armed`
 * (or has, and the interrupt is pending).
 */
#include "time/timer.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "core/panic.h"
#include "time/clock.h"

#define TICK_SLACK_NS (TIMER_TICK_NS / 16)

struct cpu_timer {
    uint64_t next_tick; /* [o] monotonic ns the next tick is due */
    uint64_t armed;     /* [o] monotonic ns the hardware is armed for */
    bool tick_due;      /* [o] the interrupt being handled is a tick */
};

static struct cpu_timer cpu_timers[MAX_CPUS];

static struct cpu_timer *
this_timer(void)
{
    return &cpu_timers[this_cpu()->index];
}

static void
timer_program(struct cpu_timer *ct, uint64_t now, uint64_t when)
{
    ct->armed = when;
    lapic_timer_arm(when > now ? when - now : 0);
}

/* VEC_TIMER; trap_dispatch calls sched_tick after it. */
static void
timer_interrupt(struct trap_frame *tf, void *arg)
{
    struct cpu *cpu = this_cpu();
    struct cpu_timer *ct = &cpu_timers[cpu->index];
    uint64_t now = clock_monotonic_ns();

    (void)tf;
    (void)arg;
    if (now + TICK_SLACK_NS >= ct->next_tick) {
        ct->tick_due = true;
        cpu->ticks++;
        if (cpu->index == 0)
            clock_tick();
        ct->next_tick += TIMER_TICK_NS;
        if (ct->next_tick <= now)
            ct->next_tick = now + TIMER_TICK_NS;
    }
    timer_program(ct, now, ct->next_tick);
}

void
timer_start_cpu(void)
{
    struct cpu_timer *ct = this_timer();
    bool irq = irq_save();
    uint64_t now = clock_monotonic_ns();

    if (this_cpu()->index == 0 && trap_set_handler(VEC_TIMER, timer_interrupt, NULL) < 0)
        panic("timer: the timer vector is taken");
    lapic_timer_start();
    ct->tick_due = false;
    ct->next_tick = now + TIMER_TICK_NS;
    timer_program(ct, now, ct->next_tick);
    irq_restore(irq);
}

void
timer_arm_deadline(uint64_t deadline)
{
    struct cpu_timer *ct = this_timer();

    assert(!irq_enabled());
    if (deadline < ct->armed)
        timer_program(ct, clock_monotonic_ns(), deadline);
}

bool
timer_take_tick(void)
{
    struct cpu_timer *ct = this_timer();
    bool tick = ct->tick_due;

    ct->tick_due = false;
    return tick;
}
