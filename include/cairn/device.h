/* SPDX-License-Identifier: MIT */
/*
 * Device access from user space: interrupt lines, I/O ports and physical
 * memory (docs/ipc.md, "Interrupts and device access"; the calls are in
 * docs/syscalls.md). Shared by the kernel and libc.
 *
 * Three kinds of resource stand for what a driver may touch, each a range
 * [base, base + size):
 *   - CAIRN_OBJ_IRQ_RANGE: global system interrupts (GSIs, the I/O APIC's
 *     input numbering); irq_create makes an irq object for one line of it;
 *   - CAIRN_OBJ_IOPORT: I/O ports; ioport_enable lets a process use them
 *     with in/out directly (the TSS I/O permission bitmap);
 *   - CAIRN_OBJ_PHYS_RANGE: physical addresses; memobj_create_dev makes a
 *     memory object over device memory inside it, memobj_create_dma one
 *     over fresh contiguous RAM whose address memobj_phys tells.
 * resource_create carves a sub-range out of any of them, never a wider one.
 * The kernel gives init one root of each (include/cairn/init.h).
 *
 * Plain integer constants and fixed-width structs, sizes checked at
 * compile time.
 */
#ifndef CAIRN_DEVICE_H
#define CAIRN_DEVICE_H

#include <stdint.h>

/* irq_create flags. */
#define CAIRN_IRQ_ISA        1u /* line is an ISA IRQ (0-15): the MADT picks the GSI and mode */
#define CAIRN_IRQ_LEVEL      2u /* a GSI: level-triggered (else edge) */
#define CAIRN_IRQ_ACTIVE_LOW 4u /* a GSI: active low (else active high) */
#define CAIRN_IRQ_MSI        8u /* a message-signalled interrupt: any free MSI slot of the range */

/* Lines an irq range can hold: GSIs 0 .. CAIRN_IRQ_LINES - 1. */
#define CAIRN_IRQ_LINES 192u

/*
 * Message-signalled interrupts: the lines CAIRN_IRQ_MSI_BASE ..
 * CAIRN_IRQ_MSI_BASE + CAIRN_IRQ_MSI_COUNT - 1 of an irq range are MSI
 * slots, each one CPU vector. irq_create with CAIRN_IRQ_MSI (and line 0)
 * takes the first free slot inside the range; irq_msi then tells what the
 * driver writes into its device's MSI or MSI-X capability.
 */
#define CAIRN_IRQ_MSI_BASE  CAIRN_IRQ_LINES
#define CAIRN_IRQ_MSI_COUNT 16u

/* What irq_msi reports: the device writes data (32 bits) to address. */
struct cairn_irq_msi {
    uint64_t address; /* the MSI address (message address register) */
    uint32_t data;    /* the MSI data (message data register) */
    uint32_t slot;    /* the line in the irq range: CAIRN_IRQ_MSI_BASE + k */
};

/* I/O ports: 0 .. CAIRN_IOPORT_COUNT - 1. */
#define CAIRN_IOPORT_COUNT 0x10000u

/* memobj_create_dev cache modes (how the memory is mapped). */
#define CAIRN_CACHE_UC 0u /* uncached: registers */
#define CAIRN_CACHE_WC 1u /* write-combining: framebuffers */
#define CAIRN_CACHE_WB 2u /* write-back: firmware tables in ACPI memory */

/* memobj_create_dma flags. */
#define CAIRN_DMA_32BIT 1u /* every byte below 4 GiB, for devices with 32-bit addresses */

/* The largest DMA memory object: 4 MiB (one buddy block). */
#define CAIRN_DMA_MAX_SIZE 0x400000u

_Static_assert(sizeof(struct cairn_irq_msi) == 16, "cairn_irq_msi is ABI");

#endif
