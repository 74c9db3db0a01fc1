// SPDX-License-Identifier: MIT
/*
 * Host tests of the AHCI driver's pure ATA code (drivers/ahci/ata.c):
 * IDENTIFY DEVICE answers as QEMU's disk gives them and as other disks
 * might (4096-byte logical sectors, no 48-bit addressing, no write cache),
 * answers refused (a bad checksum, not ATA, no LBA, no sectors, a sector
 * size the protocol cannot serve, too short), the model string's byte
 * order and its junk; the command FIS's bytes at the ends of LBA48; the
 * PRDT's splitting at 4 MiB and its refusals (odd lengths, too few PRDs,
 * addresses past 4 GiB for a 32-bit HBA); and random answers that must be
 * refused or give a disk within the promised bounds.
 */
#include <string.h>

#include <cairn/errors.h>

#include "ata.h"
#include "check.h"

static uint8_t id[ATA_IDENTIFY_BYTES];

static void
put(unsigned w, uint16_t v)
{
    id[2 * w] = (uint8_t)v;
    id[2 * w + 1] = (uint8_t)(v >> 8);
}

/* Words 27-46 from s, two characters a word, the first in the high byte,
 * blank-padded. */
static void
put_model(const char *s)
{
    char m[40];

    memset(m, ' ', sizeof(m));
    memcpy(m, s, strlen(s) < 40 ? strlen(s) : 40);
    for (unsigned i = 0; i < 20; i++)
        put(27 + i, (uint16_t)((uint8_t)m[2 * i] << 8 | (uint8_t)m[2 * i + 1]));
}

/* Sets the integrity word so that the bytes sum to 0. */
static void
seal(void)
{
    uint8_t sum = 0;

    put(255, 0x00a5);
    for (unsigned i = 0; i < ATA_IDENTIFY_BYTES - 1; i++)
        sum = (uint8_t)(sum + id[i]);
    id[511] = (uint8_t)-sum;
}

/* A disk like QEMU's ide-hd of sectors sectors. */
static void
qemu_disk(uint64_t sectors)
{
    memset(id, 0, sizeof(id));
    put(0, 0x0040);
    put(49, 0x0b00); /* LBA, DMA, IORDY */
    put(60, (uint16_t)(sectors > 0x0fffffff ? 0xffff : sectors));
    put(61, (uint16_t)(sectors > 0x0fffffff ? 0x0fff : sectors >> 16));
    put(76, 0x0120); /* NCQ */
    put(82, 0x4021); /* write cache supported */
    put(83, 0x7400); /* 48-bit, FLUSH CACHE, FLUSH CACHE EXT */
    put(84, 0x4000);
    put(85, 0x4021); /* write cache enabled */
    put(86, 0x3400);
    put(87, 0x4000);
    for (unsigned i = 0; i < 4; i++)
        put(100 + i, (uint16_t)(sectors >> (16 * i)));
    put_model("QEMU HARDDISK");
    seal();
}

static int
parse(struct ata_identity *out, char *why, size_t why_len)
{
    return ata_identify_parse(id, sizeof(id), out, why, why_len);
}

TEST(qemu_identify_gives_size_model_and_flush)
{
    struct ata_identity d;
    char why[80];

    qemu_disk(131072);
    CHECK(parse(&d, why, sizeof(why)) == 0);
    CHECK(d.sectors == 131072);
    CHECK(d.sector_size == 512);
    CHECK(d.lba48 == 1);
    CHECK(d.ncq == 1);
    CHECK(d.write_cache == 1);
    CHECK(d.flush == ATA_FLUSH_EXT);
    CHECK(strcmp(d.model, "QEMU HARDDISK") == 0);
    CHECK(why[0] == 0);
}

TEST(capacity_past_28_bits_comes_from_the_lba48_words)
{
    struct ata_identity d;

    qemu_disk(0x123456789aull);
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(d.sectors == 0x123456789aull);
}

TEST(without_lba48_the_28_bit_capacity_is_read)
{
    struct ata_identity d;

    qemu_disk(4096);
    put(83, 0x5000); /* no 48-bit: FLUSH CACHE only */
    put(86, 0x1000);
    for (unsigned i = 0; i < 4; i++)
        put(100 + i, 0);
    seal();
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(d.lba48 == 0);
    CHECK(d.sectors == 4096);
    CHECK(d.flush == ATA_FLUSH_28);
}

TEST(lba48_supported_but_disabled_is_not_lba48)
{
    struct ata_identity d;

    qemu_disk(8192);
    put(86, 0x3000);
    seal();
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(d.lba48 == 0);
    CHECK(d.sectors == 8192);
}

TEST(a_disk_without_write_cache_needs_no_flush)
{
    struct ata_identity d;

    qemu_disk(100);
    put(82, 0x4001);
    put(85, 0x4001);
    seal();
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(d.write_cache == 0);
    CHECK(d.flush == ATA_FLUSH_NONE);
}

TEST(logical_sectors_of_4096_bytes_are_read_from_words_117_118)
{
    struct ata_identity d;
    char why[80];

    qemu_disk(1000);
    put(106, 0x5000);
    put(117, 2048);
    put(118, 0);
    seal();
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(d.sector_size == 4096);
    put(117, 512); /* 1024 bytes: no room for it in the protocol */
    seal();
    CHECK(parse(&d, why, sizeof(why)) == -CAIRN_EIO);
    CHECK(strstr(why, "sector size") != NULL);
    put(106, 0x9000); /* word 106 not valid: 512 */
    seal();
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(d.sector_size == 512);
}

TEST(bad_answers_are_refused_with_a_reason)
{
    struct ata_identity d;
    char why[80];

    memset(&d, 0x5a, sizeof(d));
    qemu_disk(100);
    id[200] ^= 1; /* the checksum no longer holds */
    CHECK(parse(&d, why, sizeof(why)) == -CAIRN_EIO);
    CHECK(strstr(why, "checksum") != NULL);
    CHECK(d.sectors == 0x5a5a5a5a5a5a5a5aull); /* *id untouched on a refusal */
    qemu_disk(100);
    put(0, 0x8580); /* ATAPI */
    seal();
    CHECK(parse(&d, why, sizeof(why)) == -CAIRN_EIO);
    CHECK(strstr(why, "not an ATA") != NULL);
    qemu_disk(100);
    put(49, 0x0000);
    seal();
    CHECK(parse(&d, why, sizeof(why)) == -CAIRN_EIO);
    CHECK(strstr(why, "LBA") != NULL);
    qemu_disk(0);
    CHECK(parse(&d, why, sizeof(why)) == -CAIRN_EIO);
    CHECK(strstr(why, "sectors") != NULL);
    qemu_disk(100);
    put(103, 0x0001); /* 2^48 sectors and more */
    seal();
    CHECK(parse(&d, why, sizeof(why)) == -CAIRN_EIO);
    qemu_disk(100);
    CHECK(ata_identify_parse(id, 511, &d, why, sizeof(why)) == -CAIRN_EIO);
    CHECK(ata_identify_parse(NULL, 512, &d, why, sizeof(why)) == -CAIRN_EIO);
    /* Without the 0xa5 signature the integrity word says nothing. */
    qemu_disk(100);
    put(255, 0);
    id[200] ^= 1;
    CHECK(parse(&d, NULL, 0) == 0);
}

TEST(model_junk_becomes_question_marks_and_blanks_are_cut)
{
    struct ata_identity d;

    qemu_disk(100);
    put_model("  Disk\001\377X");
    seal();
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(strcmp(d.model, "Disk??X") == 0);
    qemu_disk(100);
    put_model("0123456789012345678901234567890123456789");
    seal();
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(strcmp(d.model, "0123456789012345678901234567890123456789") == 0);
    qemu_disk(100);
    put_model("");
    seal();
    CHECK(parse(&d, NULL, 0) == 0);
    CHECK(d.model[0] == 0);
}

TEST(the_command_fis_carries_48_bit_lba_and_count)
{
    uint8_t f[ATA_FIS_H2D_LEN];
    static const uint8_t want[ATA_FIS_H2D_LEN] = {0x27, 0x80, 0x25, 0,    0xbc, 0x9a, 0x78,
                                                  0x40, 0x56, 0x34, 0x12, 0,    0x05, 0x01};

    memset(f, 0xee, sizeof(f));
    CHECK(ata_fis_h2d(f, ATA_CMD_READ_DMA_EXT, 0x123456789abcull, 0x105) == 0);
    CHECK(memcmp(f, want, sizeof(f)) == 0);
    CHECK(ata_fis_h2d(f, ATA_CMD_WRITE_DMA_EXT, 0, ATA_LBA48_COUNT_MAX) == 0);
    CHECK(f[2] == 0x35 && f[12] == 0 && f[13] == 0); /* 65536 is 0 */
    CHECK(ata_fis_h2d(f, ATA_CMD_READ_DMA_EXT, ATA_LBA48_LIMIT - 1, 1) == 0);
    CHECK(f[10] == 0xff && f[9] == 0xff && f[4] == 0xff);
    CHECK(ata_fis_h2d(f, ATA_CMD_READ_DMA_EXT, ATA_LBA48_LIMIT - 1, 2) == -CAIRN_EINVAL);
    CHECK(ata_fis_h2d(f, ATA_CMD_READ_DMA_EXT, ATA_LBA48_LIMIT, 1) == -CAIRN_EINVAL);
    CHECK(ata_fis_h2d(f, ATA_CMD_READ_DMA_EXT, 0, ATA_LBA48_COUNT_MAX + 1) == -CAIRN_EINVAL);
    CHECK(ata_fis_h2d(f, ATA_CMD_FLUSH_CACHE_EXT, 0, 0) == 0);
    CHECK(f[2] == 0xea && f[12] == 0 && f[4] == 0);
}

TEST(the_prdt_splits_at_4_mib_and_refuses_what_the_hba_cannot_take)
{
    struct ata_prd p[4];

    memset(p, 0xee, sizeof(p));
    CHECK(ata_prdt_fill(p, 4, 0x12345000, 65536, 0) == 1);
    CHECK(p[0].dba == 0x12345000 && p[0].dbau == 0 && p[0].dbc == 0xffff && p[0].reserved == 0);
    CHECK(ata_prdt_fill(p, 4, 0x100000000ull, 9u << 20, 0) == 3);
    CHECK(p[0].dbau == 1 && p[0].dbc == (4u << 20) - 1);
    CHECK(p[1].dba == (4u << 20) && p[1].dbc == (4u << 20) - 1);
    CHECK(p[2].dba == (8u << 20) && p[2].dbc == (1u << 20) - 1);
    CHECK(ata_prdt_fill(p, 2, 0, 9u << 20, 0) == -CAIRN_EINVAL);
    CHECK(ata_prdt_fill(p, 4, 0x1000, 0, 0) == -CAIRN_EINVAL);
    CHECK(ata_prdt_fill(p, 4, 0x1000, 511, 0) == -CAIRN_EINVAL);
    CHECK(ata_prdt_fill(p, 4, 0x1001, 512, 0) == -CAIRN_EINVAL);
    CHECK(ata_prdt_fill(p, 4, 0xfffff000ull, 4096, 1) == 1); /* ends at 4 GiB exactly */
    CHECK(ata_prdt_fill(p, 4, 0xfffff000ull, 8192, 1) == -CAIRN_EINVAL);
    CHECK(ata_prdt_fill(p, 4, 0x100000000ull, 512, 1) == -CAIRN_EINVAL);
    CHECK(ata_prdt_fill(p, 4, UINT64_MAX - 511, 512, 0) == -CAIRN_EINVAL);
}

TEST(random_answers_are_refused_or_within_bounds)
{
    uint64_t seed = 0x1d3a7u;
    unsigned accepted = 0;

    for (unsigned n = 0; n < 200000; n++) {
        struct ata_identity d;

        if (n % 2) {
            for (unsigned i = 0; i < sizeof(id); i += 8) {
                uint64_t v = check_xorshift64(&seed);

                memcpy(id + i, &v, 8);
            }
        } else {
            /* a good answer with a few words changed */
            qemu_disk(check_xorshift64(&seed) % 100000 + 1);
            for (unsigned k = 0; k < 4; k++)
                put((unsigned)(check_xorshift64(&seed) % 256), (uint16_t)check_xorshift64(&seed));
        }
        if (ata_identify_parse(id, sizeof(id), &d, NULL, 0) != 0)
            continue;
        accepted++;
        CHECK(d.sectors >= 1 && d.sectors < ATA_LBA48_LIMIT);
        CHECK(d.sector_size == 512 || d.sector_size == 4096);
        CHECK(d.flush <= ATA_FLUSH_EXT);
        CHECK(strlen(d.model) <= 40);
        for (const char *c = d.model; *c; c++)
            CHECK(*c >= 0x20 && *c < 0x7f);
    }
    CHECK(accepted > 1000);
}

int
main(void)
{
    RUN(qemu_identify_gives_size_model_and_flush);
    RUN(capacity_past_28_bits_comes_from_the_lba48_words);
    RUN(without_lba48_the_28_bit_capacity_is_read);
    RUN(lba48_supported_but_disabled_is_not_lba48);
    RUN(a_disk_without_write_cache_needs_no_flush);
    RUN(logical_sectors_of_4096_bytes_are_read_from_words_117_118);
    RUN(bad_answers_are_refused_with_a_reason);
    RUN(model_junk_becomes_question_marks_and_blanks_are_cut);
    RUN(the_command_fis_carries_48_bit_lba_and_count);
    RUN(the_prdt_splits_at_4_mib_and_refuses_what_the_hba_cannot_take);
    RUN(random_answers_are_refused_or_within_bounds);
    return check_exit();
}
