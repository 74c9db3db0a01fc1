/* SPDX-License-Identifier: MIT */
/*
 * Time. A reference clock (the HPET's main counter, or the PIT when there
 * is no HPET) is used once at boot to measure the TSC and the local APIC
 * timer. After that the monotonic clock is the TSC scaled to nanoseconds,
 * and the tick counter counts the bootstrap CPU's scheduler ticks (its
 * deadline interrupts do not count; see time/timer.h).
 */
#ifndef CAIRN_TIME_CLOCK_H
#define CAIRN_TIME_CLOCK_H

#include <stdint.h>

#include "acpi/acpi.h"

#define CLOCK_HZ 100 /* scheduler ticks per second on each CPU */

/* Pick the reference clock and measure the TSC against it. */
void clock_init(const struct acpi_info *ai);
/* Nanoseconds from the reference clock; only good for short, busy-polled
 * intervals (the PIT wraps every 55 ms). */
uint64_t clock_reference_ns(void);
const char *clock_reference_name(void);

/* Nanoseconds since clock_init(); 0 before it. Never goes backwards on
 * one CPU. */
uint64_t clock_monotonic_ns(void);
uint64_t clock_tsc_hz(void);

/* Called on the bootstrap CPU's tick. */
void clock_tick(void);
uint64_t clock_ticks(void);

/* Busy-wait, interrupts untouched. */
void clock_delay_ns(uint64_t ns);

#endif
