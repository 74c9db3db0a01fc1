/* SPDX-License-Identifier: MIT */
/*
 * The ACPI tables power management needs, as pure code over bytes the
 * caller hands in: the RSDP, the root table (RSDT or XSDT), the FADT and
 * the `\_S5_` object of the DSDT's AML (docs/power.md).
 *
 * Firmware tables are input, not truth. Every function reads only inside
 * [bytes, bytes + len) of what it was given, checks a table's signature,
 * its length (at least the header, at most what the caller has mapped) and
 * its checksum before it reads a field, and refuses (a negative CAIRN_E*
 * code, and a reason in *why when why is not NULL) rather than guess.
 * Nothing allocates, logs or keeps state, so init (which reads the FADT to
 * grant its ports), the power server, the host test and the host fuzzer
 * build the same source.
 *
 * ACPI 6.5: 5.2.5 (RSDP), 5.2.6 (table header), 5.2.7-8 (RSDT, XSDT),
 * 5.2.9 (FADT), 5.2.3.2 (generic address), 7.4.2 (\_Sx), 20.2 (AML).
 */
#ifndef CAIRN_LIB_ACPI_TABLES_H
#define CAIRN_LIB_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_HEADER_LEN    36u        /* every system description table's header */
#define ACPI_TABLE_MAX_LEN (1u << 20) /* a longer table is taken to be corrupt */

/* Generic address structure address spaces. */
#define ACPI_SPACE_MEMORY 0u
#define ACPI_SPACE_IO     1u

/* FADT Flags bits. */
#define ACPI_FADT_RESET_REG_SUP   (1u << 10)
#define ACPI_FADT_HW_REDUCED_ACPI (1u << 20)

/* PM1 control register bits (4.8.3.2.1). */
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK  (7u << 10)
#define ACPI_PM1_SLP_EN        (1u << 13)

struct acpi_gas {
    uint8_t space; /* ACPI_SPACE_* */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address; /* 0: not there */
};

/* What power management reads from a FADT. */
struct acpi_fadt {
    uint8_t revision;         /* 1..6 */
    uint32_t length;          /* the table's checked length */
    uint32_t flags;           /* ACPI_FADT_* */
    uint64_t dsdt;            /* physical address of the DSDT (X_DSDT when set) */
    struct acpi_gas pm1a_cnt; /* always ACPI_SPACE_IO with a nonzero address */
    struct acpi_gas pm1b_cnt; /* address 0 when there is none */
    uint8_t pm1_cnt_len;      /* ports of each PM1 control block: 2 or more */
    bool has_reset;           /* the reset register is there and supported */
    struct acpi_gas reset;    /* ACPI_SPACE_IO or _MEMORY, 8 bits wide */
    uint8_t reset_value;
};

/* The sleep types of \_S5_, soft off: what goes into SLP_TYP of PM1a_CNT
 * and PM1b_CNT (0..7). */
struct acpi_s5 {
    uint8_t slp_typa;
    uint8_t slp_typb;
};

/*
 * The root table the RSDP (len bytes, 20 or more) points at: its checksum
 * over the first 20 bytes, and from revision 2 its length (at most len)
 * and extended checksum. *root is the XSDT's address (*xsdt true) when it
 * has one, else the RSDT's. 0, or -CAIRN_EINVAL.
 */
int acpi_rsdp_root(const uint8_t *rsdp, size_t len, uint64_t *root, bool *xsdt, const char **why);

/*
 * Checks the table at t, of which avail bytes are readable: the signature
 * sig (4 bytes; NULL: any), a length from ACPI_HEADER_LEN to
 * min(avail, ACPI_TABLE_MAX_LEN), a byte sum of 0. 0 with *len, or
 * -CAIRN_EINVAL.
 */
int acpi_table_check(const uint8_t *t, size_t avail, const char *sig, uint32_t *len,
                     const char **why);

/* How many entries a checked root table of len bytes holds (4-byte
 * addresses in the RSDT, 8 in the XSDT), and entry i's address. */
uint32_t acpi_root_count(uint32_t len, bool xsdt);
uint64_t acpi_root_entry(const uint8_t *root, bool xsdt, uint32_t i);

/*
 * Reads a FADT that acpi_table_check has passed (len bytes, signature
 * "FACP"): revision 1 to 6, PM1a_CNT in I/O space (the X_ fields when the
 * table is long enough and they are set), a PM1_CNT_LEN of 2 or more, the
 * DSDT's address, and the reset register when the flags say it is
 * supported and it is 8 bits wide in I/O or memory space. A
 * hardware-reduced FADT (no PM1 blocks) is refused. 0, or -CAIRN_EINVAL.
 */
int acpi_fadt_read(const uint8_t *t, uint32_t len, struct acpi_fadt *out, const char **why);

/*
 * Finds `Name (_S5_, Package () { SLP_TYPa, SLP_TYPb, ... })` in the AML
 * of len bytes (a DSDT's or an SSDT's body, after its header): a bounded
 * scan for the name right after NameOp (with or without a root `\` or
 * parent `^` prefixes), then the package's length, element count and its
 * first two elements, each Zero, One, or a Byte, Word, DWord or QWord
 * constant no larger than 7. One element gives both types. 0 with *out,
 * -CAIRN_ENOENT when no such name is there, -CAIRN_EINVAL when it is
 * there but is not a package of such constants or runs past the end.
 */
int acpi_s5_find(const uint8_t *aml, size_t len, struct acpi_s5 *out, const char **why);

#endif
