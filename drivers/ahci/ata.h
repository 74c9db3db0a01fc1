/* SPDX-License-Identifier: MIT */
/*
 * The ATA side of the AHCI driver as pure code (docs/storage.md, "AHCI"):
 * what a disk's IDENTIFY DEVICE answer means, and the bytes of the
 * commands the driver hands the HBA (the host-to-device register FIS of
 * SATA and the command table's physical region descriptors, AHCI 1.3.1
 * 4.2.3). No hardware, no allocation: built into the driver and into a
 * host test and fuzzer (a device's answer is input like any other).
 *
 * Invariants: ata_identify_parse fills *id only when it returns 0, and
 * then sectors >= 1, sector_size is 512 or 4096 and model is 0-terminated
 * printable ASCII; ata_fis_* and ata_prdt_fill never write past the sizes
 * they are given and refuse (return < 0) what the device could not take.
 */
#ifndef CAIRN_DRIVERS_AHCI_ATA_H
#define CAIRN_DRIVERS_AHCI_ATA_H

#include <stddef.h>
#include <stdint.h>

/* ATA commands (ATA8-ACS). */
#define ATA_CMD_IDENTIFY        0xecu
#define ATA_CMD_READ_DMA_EXT    0x25u
#define ATA_CMD_WRITE_DMA_EXT   0x35u
#define ATA_CMD_FLUSH_CACHE     0xe7u
#define ATA_CMD_FLUSH_CACHE_EXT 0xeau

/* The most sectors one READ/WRITE DMA EXT moves: a count of 0 means 65536. */
#define ATA_LBA48_COUNT_MAX 65536u
/* The first sector LBA48 cannot address. */
#define ATA_LBA48_LIMIT     (1ull << 48)

/* The register FIS a command is (SATA 3.x 10.5.6): 20 bytes, 5 dwords. */
#define ATA_FIS_H2D_TYPE 0x27u
#define ATA_FIS_H2D_LEN  20u

/* Bytes of an IDENTIFY DEVICE answer: 256 words. */
#define ATA_IDENTIFY_BYTES 512u

/* The model string (words 27-46): 40 characters and the 0. */
#define ATA_MODEL_MAX 41u

/* How a disk flushes its write cache. */
enum ata_flush {
    ATA_FLUSH_NONE = 0, /* no cache to flush, or no command for it: FLUSH is a no-op */
    ATA_FLUSH_28,       /* FLUSH CACHE */
    ATA_FLUSH_EXT,      /* FLUSH CACHE EXT */
};

/* What the driver takes from an IDENTIFY DEVICE answer. */
struct ata_identity {
    uint64_t sectors;     /* addressable logical sectors (LBA48's, or LBA28's when that is all) */
    uint32_t sector_size; /* bytes per logical sector: 512 or 4096 */
    uint8_t lba48;        /* the 48-bit command set is supported and enabled */
    uint8_t ncq;          /* native command queuing is supported (not used) */
    uint8_t write_cache;  /* a volatile write cache is enabled */
    uint8_t flush;        /* enum ata_flush */
    char model[ATA_MODEL_MAX]; /* words 27-46 in their byte order, trailing blanks cut */
};

/*
 * Reads a 512-byte IDENTIFY DEVICE answer (the words little-endian, as
 * the device puts them in memory). Returns 0 and fills *id, or -CAIRN_EIO
 * with the reason in why (why_len bytes, 0-terminated, if why is given):
 * not an ATA device, no LBA, a bad integrity word, no sectors, a logical
 * sector size the block protocol has no room for.
 */
int ata_identify_parse(const uint8_t *buf, size_t len, struct ata_identity *id, char *why,
                       size_t why_len);

/*
 * Writes the 20-byte host-to-device register FIS of command cmd at lba
 * for count sectors (LBA48 form: the 48-bit address, count 1..65536 with
 * 65536 as 0; cmd's that take no address get lba 0, count 0). Returns 0,
 * or -CAIRN_EINVAL for a count out of range or an lba + count past 2^48.
 */
int ata_fis_h2d(uint8_t fis[ATA_FIS_H2D_LEN], uint8_t cmd, uint64_t lba, uint32_t count);

/* One physical region descriptor (AHCI 4.2.3.3): 16 bytes. */
struct ata_prd {
    uint32_t dba;  /* data base address, bit 0 zero (word aligned) */
    uint32_t dbau; /* its upper 32 bits */
    uint32_t reserved;
    uint32_t dbc; /* bits 21:0 byte count - 1 (odd: an even count); bit 31 interrupt */
};
_Static_assert(sizeof(struct ata_prd) == 16, "the PRD is the HBA's layout");

/* The most bytes one PRD moves: 4 MiB. */
#define ATA_PRD_MAX_BYTES (4u << 20)

/*
 * Describes len bytes of physically contiguous memory at phys in at most
 * max PRDs (each at most ATA_PRD_MAX_BYTES); addr32 when the HBA reaches
 * only 32-bit addresses. Returns the number of PRDs written, or
 * -CAIRN_EINVAL (len 0 or odd, phys odd, more PRDs needed than max, an
 * address the HBA cannot reach).
 */
int ata_prdt_fill(struct ata_prd *prdt, unsigned max, uint64_t phys, uint64_t len, int addr32);

#endif
