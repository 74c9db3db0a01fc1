// SPDX-License-Identifier: MIT
/*
 * The ATA side of the AHCI driver as pure code (ata.h): IDENTIFY DEVICE
 * read defensively (the answer is the device's, and a broken or hostile
 * device must not make the driver read past it or serve a size it never
 * promised), the register FIS of a command and the PRDT that points the
 * HBA at memory. Word numbers are ATA8-ACS's, bits named where they are
 * used.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>

#include "ata.h"

/* Word w of the answer (little-endian in memory). */
static uint16_t
id_word(const uint8_t *buf, unsigned w)
{
    return (uint16_t)(buf[2 * w] | buf[2 * w + 1] << 8);
}

/* A word of the command-set and feature words (76, 82-87) means something
 * only when it is neither 0 nor all ones; 83, 84 and 87 also carry 01 in
 * bits 15:14. */
static int
id_valid(uint16_t v)
{
    return v != 0 && v != 0xffffu;
}

static int
id_valid_marked(uint16_t v)
{
    return id_valid(v) && (v & 0xc000u) == 0x4000u;
}

static int
refuse(char *why, size_t why_len, const char *reason)
{
    size_t n = 0;

    if (why && why_len) {
        for (; reason[n] && n + 1 < why_len; n++)
            why[n] = reason[n];
        why[n] = 0;
    }
    return -CAIRN_EIO;
}

/* Words 27-46: two characters a word, the first in the high byte. Anything
 * but printable ASCII becomes '?', blanks at both ends are cut. */
static void
id_model(const uint8_t *buf, char model[ATA_MODEL_MAX])
{
    size_t n = 0, start = 0;

    for (unsigned w = 27; w <= 46; w++) {
        uint16_t v = id_word(buf, w);
        char c[2] = {(char)(v >> 8), (char)(v & 0xff)};

        for (int i = 0; i < 2; i++)
            model[n++] = c[i] >= 0x20 && c[i] < 0x7f ? c[i] : '?';
    }
    while (n > 0 && model[n - 1] == ' ')
        n--;
    while (start < n && model[start] == ' ')
        start++;
    memmove(model, model + start, n - start);
    model[n - start] = 0;
}

int
ata_identify_parse(const uint8_t *buf, size_t len, struct ata_identity *id, char *why,
                   size_t why_len)
{
    struct ata_identity out;
    uint16_t w0, w49, w76, w82, w83, w85, w86, w106, w255;
    uint64_t sectors = 0;
    uint32_t size = 512;

    memset(&out, 0, sizeof(out));
    if (!buf || len < ATA_IDENTIFY_BYTES)
        return refuse(why, why_len, "IDENTIFY answer too short");
    w0 = id_word(buf, 0);
    w49 = id_word(buf, 49);
    w76 = id_word(buf, 76);
    w82 = id_word(buf, 82);
    w83 = id_word(buf, 83);
    w85 = id_word(buf, 85);
    w86 = id_word(buf, 86);
    w106 = id_word(buf, 106);
    w255 = id_word(buf, 255);
    if (w0 & 0x8000u)
        return refuse(why, why_len, "not an ATA device (word 0 bit 15)");
    /* Integrity word: signature 0xa5, and every byte of the answer sums
     * to 0 mod 256. A device without the signature states nothing. */
    if ((w255 & 0xffu) == 0xa5u) {
        uint8_t sum = 0;

        for (unsigned i = 0; i < ATA_IDENTIFY_BYTES; i++)
            sum = (uint8_t)(sum + buf[i]);
        if (sum != 0)
            return refuse(why, why_len, "IDENTIFY checksum is wrong");
    }
    if (!(w49 & 0x0200u))
        return refuse(why, why_len, "no LBA addressing (word 49 bit 9)");
    /* 48-bit addressing: supported (83 bit 10) and enabled (86 bit 10). */
    out.lba48 = id_valid_marked(w83) && (w83 & 0x0400u) && (w86 & 0x0400u);
    if (out.lba48) {
        for (unsigned i = 0; i < 4; i++)
            sectors |= (uint64_t)id_word(buf, 100 + i) << (16 * i);
        if (sectors >= ATA_LBA48_LIMIT)
            return refuse(why, why_len, "LBA48 capacity past 2^48 sectors");
    }
    if (sectors == 0)
        sectors = (uint32_t)(id_word(buf, 60) | (uint32_t)id_word(buf, 61) << 16);
    if (sectors == 0)
        return refuse(why, why_len, "no addressable sectors");
    /* Logical sector size: word 106 valid (bits 15:14 = 01) with bit 12
     * set gives it in words 117-118, as a count of 16-bit words. */
    if ((w106 & 0xc000u) == 0x4000u && (w106 & 0x1000u)) {
        uint32_t words = (uint32_t)(id_word(buf, 117) | (uint32_t)id_word(buf, 118) << 16);

        if (words != 256 && words != 2048)
            return refuse(why, why_len, "a logical sector size other than 512 or 4096 bytes");
        size = words * 2;
    }
    out.sectors = sectors;
    out.sector_size = size;
    out.ncq = id_valid(w76) && (w76 & 0x0100u);
    /* The volatile write cache: supported (82 bit 5), enabled (85 bit 5). */
    out.write_cache = id_valid(w82) && (w82 & 0x20u) && id_valid(w85) && (w85 & 0x20u);
    if (id_valid(w82) && !(w82 & 0x20u))
        out.flush = ATA_FLUSH_NONE; /* no write cache: a write that completed is on the media */
    else if (out.lba48 && (w83 & 0x2000u))
        out.flush = ATA_FLUSH_EXT;
    else
        out.flush = ATA_FLUSH_28; /* FLUSH CACHE is mandatory for ATA devices */
    id_model(buf, out.model);
    *id = out;
    if (why && why_len)
        why[0] = 0;
    return 0;
}

int
ata_fis_h2d(uint8_t fis[ATA_FIS_H2D_LEN], uint8_t cmd, uint64_t lba, uint32_t count)
{
    if (count > ATA_LBA48_COUNT_MAX || lba >= ATA_LBA48_LIMIT || count > ATA_LBA48_LIMIT - lba)
        return -CAIRN_EINVAL;
    memset(fis, 0, ATA_FIS_H2D_LEN);
    fis[0] = ATA_FIS_H2D_TYPE;
    fis[1] = 0x80; /* C: this FIS is a command (port multiplier port 0) */
    fis[2] = cmd;
    fis[4] = (uint8_t)lba;
    fis[5] = (uint8_t)(lba >> 8);
    fis[6] = (uint8_t)(lba >> 16);
    fis[7] = 0x40; /* device: LBA addressing */
    fis[8] = (uint8_t)(lba >> 24);
    fis[9] = (uint8_t)(lba >> 32);
    fis[10] = (uint8_t)(lba >> 40);
    fis[12] = (uint8_t)count; /* 65536 is 0 */
    fis[13] = (uint8_t)(count >> 8);
    return 0;
}

int
ata_prdt_fill(struct ata_prd *prdt, unsigned max, uint64_t phys, uint64_t len, int addr32)
{
    unsigned n = 0;

    if (len == 0 || (len & 1) || (phys & 1) || phys + len < phys)
        return -CAIRN_EINVAL;
    if (addr32 && phys + len > (1ull << 32))
        return -CAIRN_EINVAL;
    if ((len + ATA_PRD_MAX_BYTES - 1) / ATA_PRD_MAX_BYTES > max)
        return -CAIRN_EINVAL;
    while (len > 0) {
        uint32_t part = len > ATA_PRD_MAX_BYTES ? ATA_PRD_MAX_BYTES : (uint32_t)len;

        prdt[n].dba = (uint32_t)phys;
        prdt[n].dbau = (uint32_t)(phys >> 32);
        prdt[n].reserved = 0;
        prdt[n].dbc = part - 1;
        phys += part;
        len -= part;
        n++;
    }
    return (int)n;
}
