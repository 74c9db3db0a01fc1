/* SPDX-License-Identifier: MIT */
/*
 * Each CPU's timer event: the local APIC timer, armed one-shot for the
 * earlier of the CPU's next scheduler tick (every 1/CLOCK_HZ s, for time
 * slices and the tick counters) and the earliest deadline its scheduler
 * asked for (the head of its timer list). So a deadline is met to within
 * the interrupt latency, not a tick.
 *
 * Everything here acts on the calling CPU only, with interrupts off: a
 * deadline is armed by the CPU whose timer list holds it, and a CPU never
 * touches another's timer.
 */
#ifndef CAIRN_TIME_TIMER_H
#define CAIRN_TIME_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "time/clock.h"

#define TIMER_TICK_NS (1000000000ull / CLOCK_HZ)

/* Start this CPU's timer (after lapic_timer_calibrate on the bootstrap
 * CPU): the first tick one period from now. */
void timer_start_cpu(void);

/* Make this CPU's timer interrupt no later than deadline (monotonic ns);
 * a no-op when it is already armed that early. The interrupt that comes
 * calls sched_tick, which arms the next deadline. */
void timer_arm_deadline(uint64_t deadline);

/* For sched_tick, once per timer interrupt: whether this interrupt was a
 * scheduler tick (one was due), rather than only a deadline. */
bool timer_take_tick(void);

#endif
