// SPDX-License-Identifier: MIT
/*
 * HPET main counter (IA-PC HPET specification 1.0a). Only the counter is
 * used; the comparators stay off. A 32-bit counter wraps in ~5 minutes at
 * 14 MHz, so it is extended to 64 bits in software by noticing wraps; the
 * reference clock is only read in busy loops, so no wrap goes unseen.
 */
#include "time/hpet.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "lib/log.h"
#include "mm/vm.h"

#define HPET_CAPS     0x000
#define HPET_CONFIG   0x010
#define HPET_COUNTER  0x0f0
#define CAPS_64BIT    (1ull << 13)
#define CONFIG_ENABLE 1ull
#define MAX_PERIOD_FS 100000000ull /* the spec's upper bound: 100 ns */

static volatile uint8_t *hpet_base;
static uint64_t period_fs;
static uint64_t ns_mult; /* ns = counter * ns_mult >> 32 */
static bool counter_64bit;
static uint32_t last_low;
static uint64_t high_bits;

bool
hpet_init(uint64_t phys)
{
    uint64_t caps;

    hpet_base = vm_map_device(phys, PAGE_SIZE, PTE_CACHE_UC);
    if (!hpet_base)
        return false;
    caps = mmio_read64(hpet_base + HPET_CAPS);
    period_fs = caps >> 32;
    if (period_fs == 0 || period_fs > MAX_PERIOD_FS) {
        log_warn("hpet: counter period %lu fs is out of range; not used", period_fs);
        hpet_base = NULL;
        return false;
    }
    counter_64bit = caps & CAPS_64BIT;
    /* period_fs <= 10^8, so this fits in 64 bits; no 128-bit division. */
    ns_mult = (period_fs << 32) / 1000000;
    mmio_write64(hpet_base + HPET_CONFIG, mmio_read64(hpet_base + HPET_CONFIG) | CONFIG_ENABLE);
    log_info("hpet: %lu kHz, %s counter", (uint64_t)(1000000000000ull / period_fs),
             counter_64bit ? "64-bit" : "32-bit");
    return true;
}

static uint64_t
hpet_read_counter(void)
{
    uint32_t low;

    if (counter_64bit)
        return mmio_read64(hpet_base + HPET_COUNTER);
    low = mmio_read32(hpet_base + HPET_COUNTER);
    if (low < last_low)
        high_bits += 1ull << 32;
    last_low = low;
    return high_bits | low;
}

uint64_t
hpet_read_ns(void)
{
    return (uint64_t)(((unsigned __int128)hpet_read_counter() * ns_mult) >> 32);
}

uint64_t
hpet_period_fs(void)
{
    return period_fs;
}
