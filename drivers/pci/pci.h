/* SPDX-License-Identifier: MIT */
/*
 * The PCI bus server's pieces (docs/pci.md): cfg.c reaches configuration
 * space through the legacy ports, pcienum.c walks the buses, main.c
 * serves include/proto/pci.h. One thread does everything, so no access
 * to the ports is ever interleaved with another.
 */
#ifndef CAIRN_DRIVERS_PCI_PCI_H
#define CAIRN_DRIVERS_PCI_PCI_H

#include <stdint.h>

#include "pcienum.h"

/* The most functions recorded; more are counted and left out. */
#define PCI_DEVICES_MAX 256u

/* Configuration space through ECAM: 4 KiB per function. */
#define PCI_CONFIG_SIZE_ECAM 4096u

/* One access of width 1, 2 or 4 bytes at off (a multiple of width, below
 * pci_cfg_size()) of the function at addr (PROTO_PCI_ADDRESS). The caller
 * checks. */
uint32_t pci_cfg_read(uint32_t addr, uint32_t off, uint32_t width);
void pci_cfg_write(uint32_t addr, uint32_t off, uint32_t width, uint32_t value);

/* From now on, reach configuration space through the ECAM mapped at base,
 * which decodes buses bus_first to bus_last. */
void pci_cfg_use_ecam(volatile uint8_t *base, uint32_t bus_first, uint32_t bus_last);

/* The bytes of a function's configuration space: 256, or 4096 with ECAM. */
uint32_t pci_cfg_size(void);

/* The same accesses as the walk's struct pci_access. */
extern const struct pci_access pci_config_access;

#endif
