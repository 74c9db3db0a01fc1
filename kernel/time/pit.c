// SPDX-License-Identifier: MIT
/*
 * 8254 PIT channel 0 counting down from 65536 in rate-generator mode. Its
 * output (IRQ 0) is masked at the I/O APIC unless a test routes it.
 */
#include "time/pit.h"
#include "arch/x86_64/cpu.h"

#define PIT_CH0            0x40
#define PIT_CMD            0x43
#define CMD_CH0_LOHI_MODE2 0x34
#define CMD_CH0_LOHI_MODE0 0x30
#define CMD_CH0_LATCH      0x00

static uint16_t last_count;
static uint64_t total_ticks;

void
pit_init(void)
{
    outb(PIT_CMD, CMD_CH0_LOHI_MODE2);
    outb(PIT_CH0, 0);
    outb(PIT_CH0, 0); /* reload 0 means 65536 */
    last_count = 0;
    total_ticks = 0;
}

static uint16_t
pit_read_count(void)
{
    uint8_t lo, hi;

    outb(PIT_CMD, CMD_CH0_LATCH);
    lo = inb(PIT_CH0);
    hi = inb(PIT_CH0);
    return (uint16_t)(lo | (hi << 8));
}

uint64_t
pit_read_ns(void)
{
    uint16_t count = pit_read_count();

    /* The counter counts down; the elapsed ticks are the difference mod 2^16. */
    total_ticks += (uint16_t)(last_count - count);
    last_count = count;
    return total_ticks * 1000000000ull / PIT_HZ;
}

void
pit_oneshot(uint64_t ns)
{
    uint64_t ticks = ns * PIT_HZ / 1000000000ull;

    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffff)
        ticks = 0xffff;
    outb(PIT_CMD, CMD_CH0_LOHI_MODE0);
    outb(PIT_CH0, ticks & 0xff);
    outb(PIT_CH0, ticks >> 8);
}
