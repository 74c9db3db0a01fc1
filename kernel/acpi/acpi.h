/* SPDX-License-Identifier: MIT */
/*
 * The ACPI static tables the kernel needs, read once at boot.
 *
 * acpi_parse() starts from the RSDP the boot loader copied, follows the XSDT
 * (or the RSDT) and reads four tables: the MADT ("APIC": processors, I/O
 * APICs, interrupt overrides), the HPET table, the FADT ("FACP": SCI, PM
 * timer, RTC century, boot architecture flags) and the MCFG (where the
 * PCIe configuration space, the ECAM, is). The results are copied into a
 * struct acpi_info; nothing in it points into firmware memory. AML (the DSDT
 * and SSDTs) is never interpreted.
 *
 * Firmware tables are input, not truth: every table's length and checksum are
 * checked before any of its fields are used, a table that fails is counted
 * and never followed, and no read leaves [table, table + length). The parser
 * is pure C and reaches physical memory only through the caller's map
 * function, so the same code runs on the host against a fake memory arena.
 */
#ifndef CAIRN_ACPI_ACPI_H
#define CAIRN_ACPI_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Makes len bytes of physical memory at phys readable and returns a pointer to
 * them, or NULL if they cannot be mapped. Every pointer returned must stay
 * valid until acpi_parse() returns (the root table stays in use while the
 * tables it lists are read); acpi_parse() never asks for an unmap. It calls
 * map twice per table, once for the 36-byte header and once for the checked
 * length, and never for more than ACPI_MAX_TABLE_LEN bytes.
 */
typedef const void *(*acpi_map_fn)(uint64_t phys, size_t len);

#define ACPI_MAX_CPUS      256
#define ACPI_MAX_IOAPICS   16
#define ACPI_MAX_OVERRIDES 32
#define ACPI_MAX_TABLES    64         /* root-table entries followed; the rest are ignored */
#define ACPI_MAX_TABLE_LEN (1u << 20) /* a longer table is taken to be corrupt */

/* MPS INTI flags of an interrupt source override (ACPI 6.5, table 5.50). */
#define ACPI_POLARITY_MASK 0x3u /* 0 bus default, 1 active high, 3 active low */
#define ACPI_POLARITY_HIGH 0x1u
#define ACPI_POLARITY_LOW  0x3u
#define ACPI_TRIGGER_MASK  0xcu /* 0 bus default, 4 edge, 0xc level */
#define ACPI_TRIGGER_EDGE  0x4u
#define ACPI_TRIGGER_LEVEL 0xcu

/* FADT IAPC_BOOT_ARCH bits. */
#define ACPI_BOOT_LEGACY_DEVICES 0x1u /* ISA/LPC devices such as the RTC are present */
#define ACPI_BOOT_8042           0x2u /* a PS/2 controller is present */
#define ACPI_BOOT_NO_VGA         0x4u
#define ACPI_BOOT_NO_CMOS_RTC    0x20u

/* FADT flags bits the kernel may look at. */
#define ACPI_FADT_TMR_VAL_EXT     (1u << 8)  /* the PM timer is 32 bits wide, else 24 */
#define ACPI_FADT_HW_REDUCED_ACPI (1u << 20) /* no PM timer, no fixed hardware */

struct acpi_cpu {
    uint32_t apic_id; /* local (x2)APIC ID */
    uint32_t uid;     /* ACPI processor UID */
    bool enabled;     /* usable now; if false the processor is only online-capable */
    bool x2apic;      /* described by an x2APIC entry (type 9) */
};

struct acpi_ioapic {
    uint32_t id;
    uint32_t addr; /* physical base of its registers */
    uint32_t gsi_base;
};

/* An ISA interrupt wired to another GSI or with non-default polarity/trigger. */
struct acpi_override {
    uint8_t bus;    /* always 0 (ISA) on conforming firmware */
    uint8_t source; /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags; /* ACPI_POLARITY_* | ACPI_TRIGGER_* */
};

struct acpi_info {
    uint8_t revision; /* RSDP revision: 0 for ACPI 1.0, 2 for 2.0 and later */
    char oem_id[7];   /* from the RSDP, NUL-terminated */
    bool xsdt;        /* tables came from the XSDT, else the RSDT */

    bool has_madt;
    uint64_t lapic_addr; /* from the MADT; a type-5 address override replaces it */
    bool pcat_compat;    /* legacy 8259 PICs present (they must be masked) */
    /*
     * Processors the MADT marks enabled or online-capable, in table order,
     * each APIC ID once. Only those with .enabled set may be started;
     * cpu_enabled_count counts them.
     */
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned cpu_count;
    unsigned cpu_enabled_count;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned ioapic_count;
    struct acpi_override overrides[ACPI_MAX_OVERRIDES];
    unsigned override_count;

    bool has_hpet; /* only when its registers are in system memory */
    uint64_t hpet_addr;
    uint8_t hpet_number;
    uint16_t hpet_min_tick; /* minimum periodic tick, in counter ticks */

    bool has_fadt;
    uint16_t sci_irq;        /* as an ISA IRQ: map it with acpi_irq_to_gsi() */
    uint32_t pm_timer_port;  /* I/O port of the PM timer; 0 when there is none */
    uint8_t pm_timer_len;    /* 4 when pm_timer_port is set */
    uint8_t century;         /* CMOS index of the RTC century byte; 0 if none */
    uint16_t iapc_boot_arch; /* ACPI_BOOT_* bits; 0 when the FADT predates them */
    uint32_t fadt_flags;

    bool has_mcfg;          /* a PCIe ECAM for PCI segment 0 */
    uint64_t ecam_base;     /* physical: bus b's configuration space is at + (b << 20) */
    uint8_t ecam_bus_first; /* the buses the ECAM decodes */
    uint8_t ecam_bus_last;

    unsigned table_count; /* tables examined, the root table included */
    unsigned rejected;    /* of those, refused: bad length, checksum or mapping */
};

/*
 * Reads the tables reached from the RSDP at rsdp (rsdp_len bytes, as copied
 * by the boot loader: 20 for ACPI 1.0, 36 for 2.0+) into *out, which is
 * cleared first.
 *
 * The RSDP must have the "RSD PTR " signature and a valid checksum over its
 * first 20 bytes. For revision 2 and later the extended checksum over its
 * length field's worth of bytes (36..rsdp_len) is checked too, and the XSDT is
 * used if its address is nonzero. If the extended part is bad or the XSDT is
 * rejected, the RSDT is used instead, with a warning.
 *
 * Returns 0 if the RSDP and a root table were valid, even if some tables
 * were rejected (see out->rejected) or absent (has_madt and friends);
 * -CAIRN_EINVAL otherwise. Problems are logged with log_warn.
 */
int acpi_parse(const void *rsdp, size_t rsdp_len, acpi_map_fn map, struct acpi_info *out);

/*
 * The GSI an ISA IRQ arrives on: the override for it if the MADT has one
 * (the first, if several), else the identity. *flags_out (if not NULL)
 * receives the override's polarity and trigger flags, or 0, meaning the ISA
 * default of active-high, edge-triggered.
 */
uint32_t acpi_irq_to_gsi(const struct acpi_info *ai, uint8_t isa_irq, uint16_t *flags_out);

#endif
