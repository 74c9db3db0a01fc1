// SPDX-License-Identifier: MIT
/*
 * Configuration space through the legacy mechanism (PCI Local Bus 3.0,
 * 3.2.2.3.2): the address of a dword goes to CONFIG_ADDRESS at port
 * 0xcf8 as one 32-bit write, then the data moves through CONFIG_DATA at
 * 0xcfc-0xcff, a byte, a word or the dword at 0xcfc + (offset & 3).
 *
 * Port 0xcf8 is only ever written 32 bits at a time: on many chipsets
 * port 0xcf9 is the reset control register, which a byte write would
 * reach (and reset the machine), while a dword access at 0xcf8 is decoded
 * as CONFIG_ADDRESS alone. Nothing here touches 0xcf9 any other way.
 *
 * The server is one thread, so an address write and its data access are
 * never interleaved with another pair from this process; no other process
 * holds these ports (the manifest gives them to the server alone).
 *
 * Where the server was given PCIe's memory-mapped configuration space
 * (ECAM: 4 KiB per function, 1 MiB per bus, from ACPI's MCFG), every
 * access goes there instead, and a bus the ECAM does not decode reads as
 * absent (all ones) and ignores writes.
 */
#include <stddef.h>
#include <stdint.h>

#include <portio/portio.h>

#include "pci.h"

#define PCI_CONFIG_ADDRESS 0xcf8u
#define PCI_CONFIG_DATA    0xcfcu
#define PCI_CONFIG_ENABLE  0x80000000u

static volatile uint8_t *cfg_ecam;
static uint32_t cfg_ecam_first, cfg_ecam_last;

void
pci_cfg_use_ecam(volatile uint8_t *base, uint32_t bus_first, uint32_t bus_last)
{
    cfg_ecam = base;
    cfg_ecam_first = bus_first;
    cfg_ecam_last = bus_last;
}

uint32_t
pci_cfg_size(void)
{
    return cfg_ecam ? PCI_CONFIG_SIZE_ECAM : PCI_CONFIG_SIZE;
}

/* The byte at off of the function at addr in the ECAM, or NULL. */
static volatile uint8_t *
ecam_at(uint32_t addr, uint32_t off)
{
    uint32_t bus = (addr >> 8) & 0xffu;

    if (bus < cfg_ecam_first || bus > cfg_ecam_last)
        return NULL;
    return cfg_ecam + ((uint64_t)(bus - cfg_ecam_first) << 20 | (uint64_t)(addr & 0xffu) << 12 |
                       (off & 0xfffu));
}

static void
cfg_select(uint32_t addr, uint32_t off)
{
    port_out32(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (addr & 0xffffu) << 8 | (off & 0xfcu));
}

uint32_t
pci_cfg_read(uint32_t addr, uint32_t off, uint32_t width)
{
    uint16_t port = (uint16_t)(PCI_CONFIG_DATA + (off & 3u));

    if (cfg_ecam) {
        volatile uint8_t *p = ecam_at(addr, off);

        if (!p)
            return width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
        if (width == 1)
            return *p;
        if (width == 2)
            return *(volatile uint16_t *)p;
        return *(volatile uint32_t *)p;
    }
    cfg_select(addr, off);
    if (width == 1)
        return port_in8(port);
    if (width == 2)
        return port_in16(port);
    return port_in32(PCI_CONFIG_DATA);
}

void
pci_cfg_write(uint32_t addr, uint32_t off, uint32_t width, uint32_t value)
{
    uint16_t port = (uint16_t)(PCI_CONFIG_DATA + (off & 3u));

    if (cfg_ecam) {
        volatile uint8_t *p = ecam_at(addr, off);

        if (!p)
            return;
        if (width == 1)
            *p = (uint8_t)value;
        else if (width == 2)
            *(volatile uint16_t *)p = (uint16_t)value;
        else
            *(volatile uint32_t *)p = value;
        return;
    }
    cfg_select(addr, off);
    if (width == 1)
        port_out8(port, (uint8_t)value);
    else if (width == 2)
        port_out16(port, (uint16_t)value);
    else
        port_out32(PCI_CONFIG_DATA, value);
}

static uint32_t
cfg_walk_read(void *ctx, uint32_t addr, uint32_t off)
{
    (void)ctx;
    return pci_cfg_read(addr, off, 4);
}

static void
cfg_walk_write(void *ctx, uint32_t addr, uint32_t off, uint32_t value)
{
    (void)ctx;
    pci_cfg_write(addr, off, 4, value);
}

const struct pci_access pci_config_access = {NULL, cfg_walk_read, cfg_walk_write};
