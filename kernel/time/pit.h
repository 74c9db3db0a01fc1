/* SPDX-License-Identifier: MIT */
/* The 8254 PIT as a fallback reference clock. */
#ifndef CAIRN_TIME_PIT_H
#define CAIRN_TIME_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182

void pit_init(void);
/* Nanoseconds, extended from the 16-bit counter: callers must read at
 * least every 50 ms. */
uint64_t pit_read_ns(void);
/* Program channel 0 to fire once after ns (IRQ 0), for interrupt tests. */
void pit_oneshot(uint64_t ns);

#endif
