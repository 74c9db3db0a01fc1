// SPDX-License-Identifier: MIT
/*
 * I/O APICs: each owns a contiguous range of global system interrupts
 * (GSIs) starting at its gsi_base. ISA IRQs map to GSIs identically unless
 * the MADT has an interrupt source override (e.g. the PIT's IRQ 0 on GSI 2).
 *
 * Lock order: ioapic_lock is a leaf.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "mm/vm.h"

#define IOREGSEL         0x00
#define IOWIN            0x10
#define IOAPIC_VER       0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))

#define RED_MASKED     (1u << 16)
#define RED_LEVEL      (1u << 15)
#define RED_ACTIVE_LOW (1u << 13)

/* MPS INTI flags in MADT overrides. */
#define INTI_POLARITY_MASK 0x3
#define INTI_ACTIVE_LOW    0x3
#define INTI_TRIGGER_MASK  0xc
#define INTI_LEVEL         0xc

struct ioapic {
    volatile uint8_t *base; /* [I] */
    uint32_t gsi_base;      /* [I] */
    unsigned pins;          /* [I] */
};

static struct spinlock ioapic_lock = SPINLOCK_INIT;
static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned ioapic_count;
static const struct acpi_info *acpi;

static uint32_t
ioapic_read_locked(struct ioapic *io, uint32_t reg)
{
    spin_assert_held(&ioapic_lock);
    mmio_write32(io->base + IOREGSEL, reg);
    return mmio_read32(io->base + IOWIN);
}

static void
ioapic_write_locked(struct ioapic *io, uint32_t reg, uint32_t v)
{
    spin_assert_held(&ioapic_lock);
    mmio_write32(io->base + IOREGSEL, reg);
    mmio_write32(io->base + IOWIN, v);
}

void
ioapic_init(const struct acpi_info *ai)
{
    acpi = ai;
    for (unsigned i = 0; i < ai->ioapic_count && ioapic_count < ACPI_MAX_IOAPICS; i++) {
        struct ioapic *io = &ioapics[ioapic_count];

        io->base = vm_map_device(ai->ioapics[i].addr, PAGE_SIZE, PTE_CACHE_UC);
        if (!io->base)
            continue;
        io->gsi_base = ai->ioapics[i].gsi_base;
        /* One CPU runs this early in boot, but the registers are read and
         * written as everywhere else: under the lock. */
        spin_lock(&ioapic_lock);
        io->pins = ((ioapic_read_locked(io, IOAPIC_VER) >> 16) & 0xff) + 1;
        for (unsigned pin = 0; pin < io->pins; pin++) {
            ioapic_write_locked(io, IOAPIC_REDTBL(pin) + 1, 0);
            ioapic_write_locked(io, IOAPIC_REDTBL(pin), RED_MASKED);
        }
        spin_unlock(&ioapic_lock);
        log_info("ioapic: id %u, GSIs %u-%u", ai->ioapics[i].id, io->gsi_base,
                 io->gsi_base + io->pins - 1);
        ioapic_count++;
    }
    if (ioapic_count == 0)
        log_warn("ioapic: none usable; device interrupts are unavailable");
}

static struct ioapic *
ioapic_for_gsi(uint32_t gsi, unsigned *pin)
{
    for (unsigned i = 0; i < ioapic_count; i++) {
        if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].pins) {
            *pin = gsi - ioapics[i].gsi_base;
            return &ioapics[i];
        }
    }
    return NULL;
}

int
ioapic_configure_gsi(uint32_t gsi, uint8_t vector, uint32_t dest, bool level, bool active_low,
                     bool masked)
{
    unsigned pin;
    struct ioapic *io = ioapic_for_gsi(gsi, &pin);
    uint32_t low = vector;
    bool irq;

    if (!io)
        return -1;
    if (level)
        low |= RED_LEVEL;
    if (active_low)
        low |= RED_ACTIVE_LOW;
    if (masked)
        low |= RED_MASKED;
    irq = irq_save();
    spin_lock(&ioapic_lock);
    ioapic_write_locked(io, IOAPIC_REDTBL(pin), RED_MASKED);
    ioapic_write_locked(io, IOAPIC_REDTBL(pin) + 1, dest << 24);
    ioapic_write_locked(io, IOAPIC_REDTBL(pin), low);
    spin_unlock(&ioapic_lock);
    irq_restore(irq);
    return 0;
}

int
ioapic_route_gsi(uint32_t gsi, uint8_t vector, uint32_t dest, bool level, bool active_low)
{
    return ioapic_configure_gsi(gsi, vector, dest, level, active_low, false);
}

int
ioapic_route_isa(uint8_t irq, uint8_t vector, uint32_t dest)
{
    uint16_t flags = 0;
    uint32_t gsi = acpi ? acpi_irq_to_gsi(acpi, irq, &flags) : irq;

    /* ISA defaults are edge-triggered, active high; overrides may differ. */
    return ioapic_route_gsi(gsi, vector, dest, (flags & INTI_TRIGGER_MASK) == INTI_LEVEL,
                            (flags & INTI_POLARITY_MASK) == INTI_ACTIVE_LOW);
}

int
ioapic_mask_gsi(uint32_t gsi)
{
    unsigned pin;
    struct ioapic *io = ioapic_for_gsi(gsi, &pin);
    bool irq;

    if (!io)
        return -1;
    irq = irq_save();
    spin_lock(&ioapic_lock);
    ioapic_write_locked(io, IOAPIC_REDTBL(pin), RED_MASKED);
    spin_unlock(&ioapic_lock);
    irq_restore(irq);
    return 0;
}

unsigned
ioapic_pin_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < ioapic_count; i++)
        n += ioapics[i].pins;
    return n;
}

int
ioapic_set_masked(uint32_t gsi, bool masked)
{
    unsigned pin;
    struct ioapic *io = ioapic_for_gsi(gsi, &pin);
    uint32_t low;
    bool irq;

    if (!io)
        return -1;
    irq = irq_save();
    spin_lock(&ioapic_lock);
    low = ioapic_read_locked(io, IOAPIC_REDTBL(pin));
    low = masked ? low | RED_MASKED : low & ~RED_MASKED;
    ioapic_write_locked(io, IOAPIC_REDTBL(pin), low);
    spin_unlock(&ioapic_lock);
    irq_restore(irq);
    return 0;
}

int
ioapic_gsi_masked(uint32_t gsi)
{
    unsigned pin;
    struct ioapic *io = ioapic_for_gsi(gsi, &pin);
    uint32_t low;
    bool irq;

    if (!io)
        return -1;
    irq = irq_save();
    spin_lock(&ioapic_lock);
    low = ioapic_read_locked(io, IOAPIC_REDTBL(pin));
    spin_unlock(&ioapic_lock);
    irq_restore(irq);
    return (low & RED_MASKED) != 0;
}

bool
ioapic_has_gsi(uint32_t gsi)
{
    unsigned pin;

    return ioapic_for_gsi(gsi, &pin) != NULL;
}

uint32_t
ioapic_gsi_limit(void)
{
    uint32_t n = 0;

    for (unsigned i = 0; i < ioapic_count; i++) {
        if (ioapics[i].gsi_base + ioapics[i].pins > n)
            n = ioapics[i].gsi_base + ioapics[i].pins;
    }
    return n;
}
