// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for lib/acpi (acpi_tables.h): the RSDP, table headers, the
 * FADT and the \_S5_ scan over bytes that come from firmware.
 *
 * The input: a flags byte, then the bytes, copied to a buffer of exactly
 * their size (ASan reports a read past it). Checksums would stop nearly
 * every mutated input at once, so flags bit 0 makes the table checksum
 * right (byte 9, when there is a header), bit 1 the RSDP's two, and bit 2
 * writes "FACP" over the signature so the FADT reader runs often.
 *
 * Promises checked: a table accepted has a length from the header's to
 * the bytes given; a FADT read has a revision 1..6, a PM1a control block
 * at a nonzero port with all its PM1_CNT_LEN ports below 0x10000, a PM1b
 * block likewise or none, and a reset register only 8 bits wide in I/O
 * (below 0x10000) or memory space; \_S5_ found gives sleep types up to 7;
 * every refusal says why.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/acpi_tables.h"
#include "cairn/errors.h"
#include "common/bytes.h"
#include "fuzz.h"

static void
seal(uint8_t *t, size_t len, size_t at)
{
    t[at] = 0;
    t[at] = (uint8_t)(0x100 - bytes_sum8(t, len));
}

static void
check_s5(const uint8_t *aml, size_t len)
{
    struct acpi_s5 s5 = {0xee, 0xee};
    const char *why = NULL;
    int r = acpi_s5_find(aml, len, &s5, &why);

    if (r == 0)
        FUZZ_CHECK(s5.slp_typa <= 7 && s5.slp_typb <= 7);
    else
        FUZZ_CHECK((r == -CAIRN_EINVAL || r == -CAIRN_ENOENT) && why);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t flags, *p;
    size_t len;
    uint64_t root;
    bool xsdt;
    uint32_t tlen;
    const char *why = NULL;
    struct acpi_fadt f;

    if (size < 1)
        return 0;
    flags = data[0];
    len = size - 1;
    p = malloc(len ? len : 1);
    memcpy(p, data + 1, len);
    if ((flags & 4) && len >= 4)
        memcpy(p, "FACP", 4);
    if ((flags & 2) && len >= 36) {
        seal(p, 20, 8);
        seal(p, 36, 32);
    }
    if ((flags & 1) && len >= ACPI_HEADER_LEN)
        seal(p, len < bytes_rd32(p + 4) ? len : bytes_rd32(p + 4), 9);

    if (acpi_rsdp_root(p, len, &root, &xsdt, &why) == 0)
        FUZZ_CHECK(root != 0);
    else
        FUZZ_CHECK(why);

    why = NULL;
    if (acpi_table_check(p, len, NULL, &tlen, &why) == 0) {
        FUZZ_CHECK(tlen >= ACPI_HEADER_LEN && tlen <= len);
        (void)acpi_root_count(tlen, flags & 8);
        for (uint32_t i = 0; i < acpi_root_count(tlen, flags & 8) && i < 64; i++)
            (void)acpi_root_entry(p, flags & 8, i);
        if (memcmp(p, "FACP", 4) == 0) {
            why = NULL;
            if (acpi_fadt_read(p, tlen, &f, &why) == 0) {
                FUZZ_CHECK(f.revision >= 1 && f.revision <= 6);
                FUZZ_CHECK(f.pm1_cnt_len >= 2);
                FUZZ_CHECK(f.pm1a_cnt.space == ACPI_SPACE_IO && f.pm1a_cnt.address != 0);
                FUZZ_CHECK(f.pm1a_cnt.address + f.pm1_cnt_len <= 0x10000);
                FUZZ_CHECK(f.pm1b_cnt.address == 0 ||
                           (f.pm1b_cnt.space == ACPI_SPACE_IO &&
                            f.pm1b_cnt.address + f.pm1_cnt_len <= 0x10000));
                if (f.has_reset)
                    FUZZ_CHECK(f.reset.bit_width == 8 &&
                               ((f.reset.space == ACPI_SPACE_IO && f.reset.address <= 0xffff) ||
                                f.reset.space == ACPI_SPACE_MEMORY));
            } else {
                FUZZ_CHECK(why);
            }
        }
        check_s5(p + ACPI_HEADER_LEN, tlen - ACPI_HEADER_LEN);
    } else {
        FUZZ_CHECK(why);
    }
    check_s5(p, len);
    free(p);
    return 0;
}
