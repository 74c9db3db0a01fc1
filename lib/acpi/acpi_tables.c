// SPDX-License-Identifier: MIT
/*
 * ACPI tables for power management (acpi_tables.h): the RSDP, the root
 * table, the FADT and \_S5_ in AML.
 *
 * Invariant of every function here: no byte outside [p, p + len) of what
 * the caller gave is read, whatever the bytes say; a length or offset
 * taken from the bytes is checked against len before it is used. A
 * refusal sets *why (a static string) and returns a negative code.
 */
#include <string.h>

#include <cairn/errors.h>
#include <common/bytes.h>

#include "acpi_tables.h"

#define RSDP_V1_LEN  20u
#define RSDP_V2_LEN  36u
#define RSDP_REV     15
#define RSDP_RSDT    16
#define RSDP_LENGTH  20
#define RSDP_XSDT    24
#define SDT_LENGTH   4
#define SDT_REVISION 8

/* FADT fields (5.2.9, table 5.9). */
#define FADT_DSDT         40u
#define FADT_PM1A_CNT     64u
#define FADT_PM1B_CNT     68u
#define FADT_PM1_CNT_LEN  89u
#define FADT_FLAGS        112u
#define FADT_V1_LEN       116u /* ACPI 1.0: up to and including Flags */
#define FADT_RESET_REG    116u
#define FADT_RESET_VALUE  128u
#define FADT_X_DSDT       140u
#define FADT_X_PM1A_CNT   172u
#define FADT_X_PM1B_CNT   184u
#define FADT_REVISION_MAX 6u

/* AML (20.2). */
#define AML_ZERO          0x00
#define AML_ONE           0x01
#define AML_NAME_OP       0x08
#define AML_BYTE_PREFIX   0x0a
#define AML_WORD_PREFIX   0x0b
#define AML_DWORD_PREFIX  0x0c
#define AML_QWORD_PREFIX  0x0e
#define AML_PACKAGE_OP    0x12
#define AML_ROOT_CHAR     '\\'
#define AML_PARENT_PREFIX '^'

static int
refuse(const char **why, const char *reason, int err)
{
    if (why)
        *why = reason;
    return err;
}

int
acpi_rsdp_root(const uint8_t *rsdp, size_t len, uint64_t *root, bool *xsdt, const char **why)
{
    uint32_t full;

    if (len < RSDP_V1_LEN || memcmp(rsdp, "RSD PTR ", 8) != 0)
        return refuse(why, "no RSDP signature", -CAIRN_EINVAL);
    if (bytes_sum8(rsdp, RSDP_V1_LEN) != 0)
        return refuse(why, "bad RSDP checksum", -CAIRN_EINVAL);
    *xsdt = false;
    *root = bytes_rd32(rsdp + RSDP_RSDT);
    if (rsdp[RSDP_REV] >= 2) {
        if (len < RSDP_V2_LEN)
            return refuse(why, "RSDP of revision 2 shorter than 36 bytes", -CAIRN_EINVAL);
        full = bytes_rd32(rsdp + RSDP_LENGTH);
        if (full < RSDP_V2_LEN || full > len)
            return refuse(why, "RSDP length out of bounds", -CAIRN_EINVAL);
        if (bytes_sum8(rsdp, full) != 0)
            return refuse(why, "bad RSDP extended checksum", -CAIRN_EINVAL);
        if (bytes_rd64(rsdp + RSDP_XSDT) != 0) {
            *root = bytes_rd64(rsdp + RSDP_XSDT);
            *xsdt = true;
        }
    }
    if (*root == 0)
        return refuse(why, "RSDP names no root table", -CAIRN_EINVAL);
    return 0;
}

int
acpi_table_check(const uint8_t *t, size_t avail, const char *sig, uint32_t *len, const char **why)
{
    uint32_t n;

    if (avail < ACPI_HEADER_LEN)
        return refuse(why, "table header past the end", -CAIRN_EINVAL);
    if (sig && memcmp(t, sig, 4) != 0)
        return refuse(why, "wrong table signature", -CAIRN_EINVAL);
    n = bytes_rd32(t + SDT_LENGTH);
    if (n < ACPI_HEADER_LEN || n > ACPI_TABLE_MAX_LEN)
        return refuse(why, "table length out of bounds", -CAIRN_EINVAL);
    if (n > avail)
        return refuse(why, "table length past the end", -CAIRN_EINVAL);
    if (bytes_sum8(t, n) != 0)
        return refuse(why, "bad table checksum", -CAIRN_EINVAL);
    *len = n;
    return 0;
}

uint32_t
acpi_root_count(uint32_t len, bool xsdt)
{
    return len < ACPI_HEADER_LEN ? 0 : (len - ACPI_HEADER_LEN) / (xsdt ? 8u : 4u);
}

uint64_t
acpi_root_entry(const uint8_t *root, bool xsdt, uint32_t i)
{
    const uint8_t *at = root + ACPI_HEADER_LEN;

    return xsdt ? bytes_rd64(at + 8u * i) : bytes_rd32(at + 4u * i);
}

static void
gas_read(const uint8_t *at, struct acpi_gas *g)
{
    g->space = at[0];
    g->bit_width = at[1];
    g->bit_offset = at[2];
    g->access_size = at[3];
    g->address = bytes_rd64(at + 4);
}

/* A PM1 control block: the X_ field when the table has it and it is set,
 * else the 32-bit port. 0 with *g (address 0: none), or -CAIRN_EINVAL. */
static int
fadt_pm1_cnt(const uint8_t *t, uint32_t len, uint32_t legacy, uint32_t ext, uint32_t cnt_len,
             struct acpi_gas *g, const char **why)
{
    memset(g, 0, sizeof(*g));
    if (t[SDT_REVISION] >= 2 && len >= ext + 12 && bytes_rd64(t + ext + 4) != 0) {
        gas_read(t + ext, g);
        if (g->space != ACPI_SPACE_IO)
            return refuse(why, "PM1 control block not in I/O space", -CAIRN_EINVAL);
    } else {
        g->space = ACPI_SPACE_IO;
        g->bit_width = (uint8_t)(cnt_len * 8);
        g->address = bytes_rd32(t + legacy);
    }
    if (g->address != 0 && g->address + cnt_len > 0x10000)
        return refuse(why, "PM1 control block past the last port", -CAIRN_EINVAL);
    return 0;
}

int
acpi_fadt_read(const uint8_t *t, uint32_t len, struct acpi_fadt *out, const char **why)
{
    int err;

    memset(out, 0, sizeof(*out));
    if (len < FADT_V1_LEN)
        return refuse(why, "FADT shorter than ACPI 1.0's", -CAIRN_EINVAL);
    out->revision = t[SDT_REVISION];
    if (out->revision < 1 || out->revision > FADT_REVISION_MAX)
        return refuse(why, "FADT revision not 1 to 6", -CAIRN_EINVAL);
    out->length = len;
    out->flags = bytes_rd32(t + FADT_FLAGS);
    if (out->flags & ACPI_FADT_HW_REDUCED_ACPI)
        return refuse(why, "hardware-reduced ACPI: no PM1 control block", -CAIRN_EINVAL);
    out->dsdt = bytes_rd32(t + FADT_DSDT);
    if (out->revision >= 2 && len >= FADT_X_DSDT + 8 && bytes_rd64(t + FADT_X_DSDT) != 0)
        out->dsdt = bytes_rd64(t + FADT_X_DSDT);
    out->pm1_cnt_len = t[FADT_PM1_CNT_LEN];
    if (out->pm1_cnt_len < 2)
        return refuse(why, "PM1_CNT_LEN below 2", -CAIRN_EINVAL);
    err =
        fadt_pm1_cnt(t, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT, out->pm1_cnt_len, &out->pm1a_cnt, why);
    if (err < 0)
        return err;
    if (out->pm1a_cnt.address == 0)
        return refuse(why, "no PM1a control block", -CAIRN_EINVAL);
    err =
        fadt_pm1_cnt(t, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT, out->pm1_cnt_len, &out->pm1b_cnt, why);
    if (err < 0)
        return err;
    /* The reset register came with ACPI 2.0 (and 1.0b's revision 2). A
     * register of another width or space is left unused, not refused:
     * power-off does not need it. */
    if (out->revision >= 2 && len >= FADT_RESET_VALUE + 1 &&
        (out->flags & ACPI_FADT_RESET_REG_SUP)) {
        gas_read(t + FADT_RESET_REG, &out->reset);
        out->reset_value = t[FADT_RESET_VALUE];
        out->has_reset = out->reset.address != 0 && out->reset.bit_width == 8 &&
                         out->reset.bit_offset == 0 &&
                         ((out->reset.space == ACPI_SPACE_IO && out->reset.address <= 0xffff) ||
                          out->reset.space == ACPI_SPACE_MEMORY);
    }
    return 0;
}

/* One package element at aml[*at], below end: Zero, One or an integer
 * constant up to 7. 0, or -CAIRN_EINVAL. */
static int
aml_small_int(const uint8_t *aml, size_t end, size_t *at, uint8_t *v, const char **why)
{
    size_t width;
    uint64_t value = 0;
    uint8_t op;

    if (*at >= end)
        return refuse(why, "_S5_ package ends early", -CAIRN_EINVAL);
    op = aml[(*at)++];
    switch (op) {
    case AML_ZERO:
    case AML_ONE:
        *v = op;
        return 0;
    case AML_BYTE_PREFIX:
        width = 1;
        break;
    case AML_WORD_PREFIX:
        width = 2;
        break;
    case AML_DWORD_PREFIX:
        width = 4;
        break;
    case AML_QWORD_PREFIX:
        width = 8;
        break;
    default:
        return refuse(why, "_S5_ element is not an integer constant", -CAIRN_EINVAL);
    }
    if (end - *at < width)
        return refuse(why, "_S5_ constant runs past the package", -CAIRN_EINVAL);
    for (size_t i = 0; i < width; i++)
        value |= (uint64_t)aml[*at + i] << (8 * i);
    *at += width;
    if (value > 7)
        return refuse(why, "_S5_ sleep type above 7", -CAIRN_EINVAL);
    *v = (uint8_t)value;
    return 0;
}

/* The package after the name at aml[at] (at < len): 0 with *out, or
 * -CAIRN_EINVAL. */
static int
aml_s5_package(const uint8_t *aml, size_t len, size_t at, struct acpi_s5 *out, const char **why)
{
    size_t start, end, pkg_len, follow;
    uint8_t lead, count;
    int err;

    if (aml[at++] != AML_PACKAGE_OP)
        return refuse(why, "_S5_ is not a package", -CAIRN_EINVAL);
    if (at >= len)
        return refuse(why, "_S5_ package length past the end", -CAIRN_EINVAL);
    /* PkgLength: the lead byte's top two bits count the bytes that follow;
     * with none, its low six bits are the length, else its low four bits
     * and then each following byte, eight bits at a time. The length
     * counts itself, from its first byte. */
    start = at;
    lead = aml[at++];
    follow = lead >> 6;
    if (len - at < follow)
        return refuse(why, "_S5_ package length past the end", -CAIRN_EINVAL);
    if (follow == 0) {
        pkg_len = lead & 0x3f;
    } else {
        if (lead & 0x30)
            return refuse(why, "_S5_ package length malformed", -CAIRN_EINVAL);
        pkg_len = lead & 0x0f;
        for (size_t i = 0; i < follow; i++)
            pkg_len |= (size_t)aml[at + i] << (4 + 8 * i);
        at += follow;
    }
    if (pkg_len > len - start || pkg_len < at - start + 1)
        return refuse(why, "_S5_ package length past the end", -CAIRN_EINVAL);
    end = start + pkg_len;
    count = aml[at++];
    if (count == 0)
        return refuse(why, "_S5_ package is empty", -CAIRN_EINVAL);
    if ((err = aml_small_int(aml, end, &at, &out->slp_typa, why)) < 0)
        return err;
    out->slp_typb = out->slp_typa;
    if (count >= 2 && (err = aml_small_int(aml, end, &at, &out->slp_typb, why)) < 0)
        return err;
    return 0;
}

int
acpi_s5_find(const uint8_t *aml, size_t len, struct acpi_s5 *out, const char **why)
{
    for (size_t i = 1; len >= 5 && i <= len - 5; i++) {
        size_t p = i;

        if (memcmp(aml + i, "_S5_", 4) != 0)
            continue;
        /* A definition: NameOp, then the name with its prefixes. */
        while (p > 0 && (aml[p - 1] == AML_ROOT_CHAR || aml[p - 1] == AML_PARENT_PREFIX))
            p--;
        if (p == 0 || aml[p - 1] != AML_NAME_OP)
            continue; /* a reference to it, or bytes that happen to spell it */
        return aml_s5_package(aml, len, i + 4, out, why);
    }
    return refuse(why, "no _S5_ object", -CAIRN_ENOENT);
}
