/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (one per CPU, xAPIC MMIO) and its timer, and the I/O APICs
 * that route device interrupts. The legacy 8259 PICs are remapped out of
 * the exception range and masked for good.
 */
#ifndef CAIRN_ARCH_X86_64_APIC_H
#define CAIRN_ARCH_X86_64_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "acpi/acpi.h"

/* Map the local APIC at phys and enable it on this CPU (spurious vector,
 * task priority 0). */
void lapic_init(uint64_t phys);
void lapic_init_cpu(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/* Send a fixed interrupt to this CPU (used by tests). */
void lapic_self_ipi(uint8_t vector);

/*
 * Inter-processor interrupts (xAPIC: apic_id 0-254, physical destination).
 * Each waits, bounded, until the local APIC has accepted the IPI, and may
 * be called with interrupts on or off. Acceptance is not delivery: the
 * target may take the interrupt later.
 */
/* A fixed interrupt on vector, to one CPU. */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/* A fixed interrupt on vector, to every CPU but this one. */
void lapic_broadcast_ipi(uint8_t vector);
/* An NMI to every CPU but this one, whatever their interrupt flag (the
 * panic path stops the others with it). */
void lapic_broadcast_nmi(void);
/* INIT (reset into wait-for-SIPI) and STARTUP (start in real mode at
 * page << 12) for bringing up CPUs. Return 0, or -1 if the APIC never
 * accepted the IPI. */
int lapic_send_init(uint32_t apic_id);
int lapic_send_sipi(uint32_t apic_id, uint8_t page);

/*
 * The timer. lapic_timer_calibrate measures its input frequency against
 * the reference clock (once, on the bootstrap CPU, after clock_init).
 * lapic_timer_start puts this CPU's timer in one-shot mode on VEC_TIMER,
 * TSC-deadline where the CPU has it, unarmed. lapic_timer_arm arms it to
 * interrupt once, delta_ns from now (never sooner, as far as the measured
 * frequency is right; 0 means at once), replacing what was armed; call it
 * with interrupts off, for deltas up to about a minute.
 */
void lapic_timer_calibrate(void);
void lapic_timer_start(void);
void lapic_timer_arm(uint64_t delta_ns);
uint64_t lapic_timer_hz(void); /* measured input frequency (after the divider) */
bool lapic_timer_is_tsc_deadline(void);

void pic_disable(void);

/* I/O APICs from the MADT: all pins masked at start. */
void ioapic_init(const struct acpi_info *ai);
/* Route an ISA IRQ (after MADT overrides) or a GSI to vector on the CPU
 * with APIC id dest, and unmask it. Returns 0 or -1 if no I/O APIC has it. */
int ioapic_route_isa(uint8_t irq, uint8_t vector, uint32_t dest);
int ioapic_route_gsi(uint32_t gsi, uint8_t vector, uint32_t dest, bool level, bool active_low);
int ioapic_mask_gsi(uint32_t gsi);
unsigned ioapic_pin_count(void);
/* Program a GSI's entry in full, masked or not (ioapic_route_gsi is this
 * unmasked). Returns 0 or -1 if no I/O APIC has the GSI. */
int ioapic_configure_gsi(uint32_t gsi, uint8_t vector, uint32_t dest, bool level, bool active_low,
                         bool masked);
/* Set or clear only the mask bit of a GSI programmed before. 0 or -1. */
int ioapic_set_masked(uint32_t gsi, bool masked);
/* 1 if the GSI's entry is masked, 0 if not, -1 if no I/O APIC has it. */
int ioapic_gsi_masked(uint32_t gsi);
bool ioapic_has_gsi(uint32_t gsi);
/* One past the highest GSI of any I/O APIC (0 without one). */
uint32_t ioapic_gsi_limit(void);

#endif
