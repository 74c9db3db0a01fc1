/* SPDX-License-Identifier: MIT */
/* The HPET's main counter, used as a reference clock. */
#ifndef CAIRN_TIME_HPET_H
#define CAIRN_TIME_HPET_H

#include <stdbool.h>
#include <stdint.h>

/* Map and start the counter; false if it is absent or looks wrong. */
bool hpet_init(uint64_t phys);
uint64_t hpet_read_ns(void);
uint64_t hpet_period_fs(void);

#endif
