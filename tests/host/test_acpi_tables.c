// SPDX-License-Identifier: MIT
/*
 * Host test of lib/acpi (acpi_tables.h): tables built here byte by byte,
 * good ones as QEMU and real firmware lay them out, and bad ones: wrong
 * checksums, lengths past the end of what is mapped, FADT revisions out of
 * range, truncated AML, and \_S5_ packages with each constant encoding.
 * Every table is put at the end of an exact-size heap buffer, so ASan
 * sees a read one byte past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>
#include <common/bytes.h>

#include "acpi/acpi_tables.h"
#include "check.h"

/* Sets the checksum byte of a table of len bytes so the sum is 0. */
static void
fix_sum(uint8_t *t, size_t len, size_t at)
{
    t[at] = 0;
    t[at] = (uint8_t)(0x100 - bytes_sum8(t, len));
}

static void
header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memset(t, 0, len);
    memcpy(t, sig, 4);
    bytes_wr32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "CAIRN ", 6);
    fix_sum(t, len, 9);
}

/* A copy of len bytes in a buffer of exactly that size. */
static uint8_t *
exact(const uint8_t *src, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);

    memcpy(p, src, len);
    return p;
}

static void
gas(uint8_t *at, uint8_t space, uint8_t width, uint64_t addr)
{
    at[0] = space;
    at[1] = width;
    at[2] = 0;
    at[3] = 1;
    bytes_wr64(at + 4, addr);
}

/* A FADT of revision rev and len bytes laid out like QEMU's i440fx one:
 * PM1a_CNT at port 0x604, and (reset) the reset register 0xcf9 = 6. */
static void
make_fadt(uint8_t *t, uint32_t len, uint8_t rev, bool reset)
{
    header(t, "FACP", len, rev);
    bytes_wr32(t + 40, 0x7fe0000);
    bytes_wr32(t + 64, 0x604);
    t[89] = 2;
    if (len >= 129 && reset) {
        bytes_wr32(t + 112, ACPI_FADT_RESET_REG_SUP);
        gas(t + 116, ACPI_SPACE_IO, 8, 0xcf9);
        t[128] = 6;
    }
    fix_sum(t, len, 9);
}

TEST(rsdp_v1_gives_the_rsdt)
{
    uint8_t r[20] = "RSD PTR ";
    uint64_t root = 0;
    bool xsdt = true;

    bytes_wr32(r + 16, 0x7fe1000);
    fix_sum(r, 20, 8);
    uint8_t *p = exact(r, 20);
    CHECK(acpi_rsdp_root(p, 20, &root, &xsdt, NULL) == 0);
    CHECK(root == 0x7fe1000 && !xsdt);
    p[8]++;
    CHECK(acpi_rsdp_root(p, 20, &root, &xsdt, NULL) == -CAIRN_EINVAL);
    CHECK(acpi_rsdp_root(p, 19, &root, &xsdt, NULL) == -CAIRN_EINVAL);
    free(p);
}

TEST(rsdp_v2_prefers_the_xsdt_and_checks_its_extended_sum)
{
    uint8_t r[36] = "RSD PTR ";
    uint64_t root = 0;
    bool xsdt = false;
    const char *why = NULL;

    r[15] = 2;
    bytes_wr32(r + 16, 0x1000);
    fix_sum(r, 20, 8);
    bytes_wr32(r + 20, 36);
    bytes_wr64(r + 24, 0x123456789000ull);
    fix_sum(r, 36, 32);
    uint8_t *p = exact(r, 36);
    CHECK(acpi_rsdp_root(p, 36, &root, &xsdt, NULL) == 0);
    CHECK(root == 0x123456789000ull && xsdt);
    /* Its length past what was copied. */
    CHECK(acpi_rsdp_root(p, 30, &root, &xsdt, &why) == -CAIRN_EINVAL && why);
    bytes_wr32(p + 20, 37);
    CHECK(acpi_rsdp_root(p, 36, &root, &xsdt, NULL) == -CAIRN_EINVAL);
    bytes_wr32(p + 20, 36);
    p[30] ^= 1; /* the extended checksum alone breaks */
    CHECK(acpi_rsdp_root(p, 36, &root, &xsdt, NULL) == -CAIRN_EINVAL);
    free(p);
}

TEST(table_check_refuses_bad_sums_signatures_and_lengths)
{
    uint8_t t[64];
    uint32_t len = 0;
    const char *why = NULL;

    header(t, "XSDT", 52, 1);
    bytes_wr64(t + 36, 0x1000);
    bytes_wr64(t + 44, 0x2000);
    fix_sum(t, 52, 9);
    uint8_t *p = exact(t, 52);
    CHECK(acpi_table_check(p, 52, "XSDT", &len, NULL) == 0 && len == 52);
    CHECK(acpi_table_check(p, 52, NULL, &len, NULL) == 0);
    CHECK(acpi_root_count(len, true) == 2);
    CHECK(acpi_root_entry(p, true, 1) == 0x2000);
    CHECK(acpi_table_check(p, 52, "RSDT", &len, NULL) == -CAIRN_EINVAL);
    /* Its length past what is mapped; a header that is not all there. */
    CHECK(acpi_table_check(p, 51, "XSDT", &len, &why) == -CAIRN_EINVAL && why);
    CHECK(acpi_table_check(p, 35, "XSDT", &len, NULL) == -CAIRN_EINVAL);
    p[40] ^= 0x80;
    CHECK(acpi_table_check(p, 52, "XSDT", &len, NULL) == -CAIRN_EINVAL);
    p[40] ^= 0x80;
    /* A length below the header's, and a huge one. */
    bytes_wr32(p + 4, 35);
    fix_sum(p, 35, 9);
    CHECK(acpi_table_check(p, 52, "XSDT", &len, NULL) == -CAIRN_EINVAL);
    bytes_wr32(p + 4, 0xffffffffu);
    CHECK(acpi_table_check(p, 52, "XSDT", &len, NULL) == -CAIRN_EINVAL);
    free(p);
}

TEST(fadt_of_each_revision_gives_pm1_and_dsdt)
{
    static const struct {
        uint8_t rev;
        uint32_t len;
    } cases[] = {{1, 116}, {2, 129}, {3, 244}, {4, 244}, {5, 268}, {6, 276}};
    uint8_t t[276];
    struct acpi_fadt f;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        make_fadt(t, cases[i].len, cases[i].rev, true);
        uint8_t *p = exact(t, cases[i].len);
        CHECK(acpi_fadt_read(p, cases[i].len, &f, NULL) == 0);
        CHECK(f.revision == cases[i].rev);
        CHECK(f.pm1a_cnt.space == ACPI_SPACE_IO && f.pm1a_cnt.address == 0x604);
        CHECK(f.pm1b_cnt.address == 0);
        CHECK(f.pm1_cnt_len == 2);
        CHECK(f.dsdt == 0x7fe0000);
        /* Revision 1 has no reset register even if the bytes are there. */
        CHECK(f.has_reset == (cases[i].rev >= 2));
        if (f.has_reset)
            CHECK(f.reset.space == ACPI_SPACE_IO && f.reset.address == 0xcf9 && f.reset_value == 6);
        free(p);
    }
}

TEST(fadt_extended_fields_win_when_set)
{
    uint8_t t[244];
    struct acpi_fadt f;

    make_fadt(t, 244, 4, false);
    bytes_wr64(t + 140, 0x100000000ull);
    gas(t + 172, ACPI_SPACE_IO, 16, 0xb004);
    gas(t + 184, ACPI_SPACE_IO, 16, 0xb104);
    fix_sum(t, 244, 9);
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == 0);
    CHECK(f.dsdt == 0x100000000ull);
    CHECK(f.pm1a_cnt.address == 0xb004 && f.pm1b_cnt.address == 0xb104);
    CHECK(!f.has_reset);
    /* A PM1 block in memory space is refused: only ports are written. */
    gas(t + 172, ACPI_SPACE_MEMORY, 16, 0xfed00000);
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == -CAIRN_EINVAL);
}

TEST(fadt_refuses_bad_revisions_short_tables_and_no_pm1)
{
    uint8_t t[244];
    struct acpi_fadt f;
    const char *why = NULL;

    make_fadt(t, 244, 0, true);
    CHECK(acpi_fadt_read(t, 244, &f, &why) == -CAIRN_EINVAL && why);
    make_fadt(t, 244, 7, true);
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == -CAIRN_EINVAL);
    make_fadt(t, 115, 1, false);
    CHECK(acpi_fadt_read(t, 115, &f, NULL) == -CAIRN_EINVAL);
    make_fadt(t, 244, 3, true);
    bytes_wr32(t + 64, 0);
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == -CAIRN_EINVAL);
    make_fadt(t, 244, 3, true);
    t[89] = 1;
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == -CAIRN_EINVAL);
    make_fadt(t, 244, 3, true);
    bytes_wr32(t + 64, 0xffff);
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == -CAIRN_EINVAL);
    make_fadt(t, 244, 5, true);
    bytes_wr32(t + 112, ACPI_FADT_HW_REDUCED_ACPI);
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == -CAIRN_EINVAL);
}

TEST(fadt_reset_register_of_another_width_is_left_unused)
{
    uint8_t t[244];
    struct acpi_fadt f;

    make_fadt(t, 244, 3, true);
    t[117] = 16;
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == 0 && !f.has_reset);
    make_fadt(t, 244, 3, true);
    gas(t + 116, 2 /* PCI configuration space */, 8, 0xcf9);
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == 0 && !f.has_reset);
    make_fadt(t, 244, 3, true);
    gas(t + 116, ACPI_SPACE_MEMORY, 8, 0xfee00000);
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == 0 && f.has_reset &&
          f.reset.space == ACPI_SPACE_MEMORY);
    make_fadt(t, 244, 3, true);
    bytes_wr32(t + 112, 0); /* not supported, though described */
    CHECK(acpi_fadt_read(t, 244, &f, NULL) == 0 && !f.has_reset);
}

/* AML: something before, then `Name (_S5_, Package (n) { elems })`, then
 * something after. The AML is copied to an exact buffer of its length. */
static int
s5_of(const uint8_t *elems, size_t elen, uint8_t count, size_t cut, struct acpi_s5 *s5)
{
    uint8_t aml[128];
    size_t n = 0;
    int r;

    static const uint8_t before[] = {0x10, 0x09, '\\', '_', 'S', 'B', '_', 0x5b, 0x80};
    memcpy(aml, before, sizeof(before));
    n += sizeof(before);
    aml[n++] = 0x08; /* NameOp */
    memcpy(aml + n, "_S5_", 4);
    n += 4;
    aml[n++] = 0x12;
    aml[n++] = (uint8_t)(2 + elen); /* PkgLength: itself, NumElements, the elements */
    aml[n++] = count;
    memcpy(aml + n, elems, elen);
    n += elen;
    aml[n++] = 0x14; /* a MethodOp after it */
    if (cut)
        n = cut;
    uint8_t *p = exact(aml, n);
    r = acpi_s5_find(p, n, s5, NULL);
    free(p);
    return r;
}

TEST(s5_with_each_constant_encoding)
{
    struct acpi_s5 s5;
    static const uint8_t zeros[] = {0x00, 0x00, 0x00, 0x00};             /* QEMU */
    static const uint8_t bytes[] = {0x0a, 0x07, 0x0a, 0x05, 0x00, 0x00}; /* BytePrefix */
    static const uint8_t words[] = {0x0b, 0x05, 0x00, 0x0b, 0x06, 0x00};
    static const uint8_t dwords[] = {0x0c, 0x03, 0, 0, 0, 0x0c, 0x04, 0, 0, 0};
    static const uint8_t qwords[] = {0x0e, 2, 0, 0, 0, 0, 0, 0, 0, 0x01};
    static const uint8_t one[] = {0x01};

    CHECK(s5_of(zeros, sizeof(zeros), 4, 0, &s5) == 0 && s5.slp_typa == 0 && s5.slp_typb == 0);
    CHECK(s5_of(bytes, sizeof(bytes), 4, 0, &s5) == 0 && s5.slp_typa == 7 && s5.slp_typb == 5);
    CHECK(s5_of(words, sizeof(words), 2, 0, &s5) == 0 && s5.slp_typa == 5 && s5.slp_typb == 6);
    CHECK(s5_of(dwords, sizeof(dwords), 2, 0, &s5) == 0 && s5.slp_typa == 3 && s5.slp_typb == 4);
    CHECK(s5_of(qwords, sizeof(qwords), 2, 0, &s5) == 0 && s5.slp_typa == 2 && s5.slp_typb == 1);
    /* One element gives both. */
    CHECK(s5_of(one, sizeof(one), 1, 0, &s5) == 0 && s5.slp_typa == 1 && s5.slp_typb == 1);
}

TEST(s5_refuses_values_above_seven_and_other_objects)
{
    struct acpi_s5 s5;
    static const uint8_t big[] = {0x0a, 0x08, 0x00};
    static const uint8_t wbig[] = {0x0b, 0x00, 0x01, 0x00};
    static const uint8_t ones[] = {0xff, 0x00};
    static const uint8_t string[] = {0x0d, 'a', 0x00, 0x00};

    CHECK(s5_of(big, sizeof(big), 2, 0, &s5) == -CAIRN_EINVAL);
    CHECK(s5_of(wbig, sizeof(wbig), 2, 0, &s5) == -CAIRN_EINVAL);
    CHECK(s5_of(ones, sizeof(ones), 2, 0, &s5) == -CAIRN_EINVAL);
    CHECK(s5_of(string, sizeof(string), 2, 0, &s5) == -CAIRN_EINVAL);
    CHECK(s5_of(big, 0, 0, 0, &s5) == -CAIRN_EINVAL); /* an empty package */
}

TEST(s5_truncated_anywhere_is_refused_never_read_past)
{
    struct acpi_s5 s5;
    static const uint8_t words[] = {0x0b, 0x05, 0x00, 0x0b, 0x06, 0x00};
    /* 9 bytes before, NameOp, the name, PackageOp, PkgLength, count. */
    size_t full = 9 + 1 + 4 + 3 + sizeof(words);

    for (size_t cut = 1; cut < full; cut++) {
        int r = s5_of(words, sizeof(words), 2, cut, &s5);

        CHECK(r == -CAIRN_EINVAL || r == -CAIRN_ENOENT);
    }
    CHECK(s5_of(words, sizeof(words), 2, full, &s5) == 0);
}

TEST(s5_package_length_is_bounded_by_the_aml)
{
    uint8_t aml[] = {0x08, '_', 'S', '5', '_', 0x12, 0x30, 0x02, 0x0a, 0x05, 0x0a, 0x05};
    struct acpi_s5 s5;

    /* A length of 0x30 bytes in 12. */
    CHECK(acpi_s5_find(aml, sizeof(aml), &s5, NULL) == -CAIRN_EINVAL);
    /* A two-byte PkgLength (0x40 | low nibble, then the high bits). */
    uint8_t two[] = {0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0a, 0x05, 0x0a, 0x06};
    CHECK(acpi_s5_find(two, sizeof(two), &s5, NULL) == 0 && s5.slp_typa == 5 && s5.slp_typb == 6);
    two[7] = 0x01; /* 0x17 bytes: past the end */
    CHECK(acpi_s5_find(two, sizeof(two), &s5, NULL) == -CAIRN_EINVAL);
    /* A count that promises more than the package holds. */
    uint8_t short_pkg[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a, 0x05, 0x0a, 0x06};
    CHECK(acpi_s5_find(short_pkg, sizeof(short_pkg), &s5, NULL) == -CAIRN_EINVAL);
}

TEST(s5_root_prefixed_names_and_references)
{
    struct acpi_s5 s5;
    /* A reference first (in a method body), then `Name (\_S5_, ...)`. */
    uint8_t aml[] = {0x14, 0x08, '_', 'X', '_', '_',  0x00, 0xa4, '_',  'S',  '5',  '_',  0x08,
                     '\\', '_',  'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 0x05, 0x01, 0x00, 0x00};
    CHECK(acpi_s5_find(aml, sizeof(aml), &s5, NULL) == 0 && s5.slp_typa == 5 && s5.slp_typb == 1);
    /* No definition at all. */
    uint8_t none[] = {0xa4, '_', 'S', '5', '_', 0x00};
    CHECK(acpi_s5_find(none, sizeof(none), &s5, NULL) == -CAIRN_ENOENT);
    CHECK(acpi_s5_find(none, 0, &s5, NULL) == -CAIRN_ENOENT);
    CHECK(acpi_s5_find(none, 4, &s5, NULL) == -CAIRN_ENOENT);
}

int
main(void)
{
    RUN(rsdp_v1_gives_the_rsdt);
    RUN(rsdp_v2_prefers_the_xsdt_and_checks_its_extended_sum);
    RUN(table_check_refuses_bad_sums_signatures_and_lengths);
    RUN(fadt_of_each_revision_gives_pm1_and_dsdt);
    RUN(fadt_extended_fields_win_when_set);
    RUN(fadt_refuses_bad_revisions_short_tables_and_no_pm1);
    RUN(fadt_reset_register_of_another_width_is_left_unused);
    RUN(s5_with_each_constant_encoding);
    RUN(s5_refuses_values_above_seven_and_other_objects);
    RUN(s5_truncated_anywhere_is_refused_never_read_past);
    RUN(s5_package_length_is_bounded_by_the_aml);
    RUN(s5_root_prefixed_names_and_references);
    return check_exit();
}
