// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the AHCI driver's reading of IDENTIFY DEVICE
 * (drivers/ahci/ata.c): whatever 512 bytes a disk answers (shorter inputs
 * are padded with zeros, and also given as they are, which must be
 * refused). Checks, beyond "no crash": an accepted answer gives at least
 * one sector and fewer than 2^48, a sector size of 512 or 4096, a known
 * flush method and a printable model of at most 40 characters; a refused
 * one leaves the caller's struct as it was and says why.
 */
#include <stdint.h>
#include <string.h>

#include "ata.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t buf[ATA_IDENTIFY_BYTES];
    struct ata_identity id, before;
    char why[64];
    int err;

    memset(buf, 0, sizeof(buf));
    memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
    if (size < sizeof(buf))
        FUZZ_CHECK(ata_identify_parse(data, size, &id, why, sizeof(why)) < 0);
    memset(&id, 0x5a, sizeof(id));
    before = id;
    err = ata_identify_parse(buf, sizeof(buf), &id, why, sizeof(why));
    if (err < 0) {
        FUZZ_CHECK(memcmp(&id, &before, sizeof(id)) == 0);
        FUZZ_CHECK(why[0] != 0 && strlen(why) < sizeof(why));
        return 0;
    }
    FUZZ_CHECK(err == 0);
    FUZZ_CHECK(id.sectors >= 1 && id.sectors < ATA_LBA48_LIMIT);
    FUZZ_CHECK(id.sector_size == 512 || id.sector_size == 4096);
    FUZZ_CHECK(id.flush <= ATA_FLUSH_EXT);
    FUZZ_CHECK(strlen(id.model) <= 40);
    for (const char *c = id.model; *c; c++)
        FUZZ_CHECK(*c >= 0x20 && *c < 0x7f);
    return 0;
}
