/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4, section 6.2): pure code over the caller's bytes,
 * built into sha256sum and, with sanitizers, into the host test that
 * checks it against the standard's test vectors. Feed any number of
 * util_sha256_update calls, then util_sha256_final once.
 */
#ifndef CAIRN_LIB_UTIL_SHA256_H
#define CAIRN_LIB_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define UTIL_SHA256_SIZE 32

struct util_sha256 {
    uint32_t h[8];
    uint64_t bytes;    /* message length so far */
    uint8_t block[64]; /* a partial block, `bytes % 64` long */
};

void util_sha256_init(struct util_sha256 *s);
void util_sha256_update(struct util_sha256 *s, const void *data, size_t len);
void util_sha256_final(struct util_sha256 *s, uint8_t digest[UTIL_SHA256_SIZE]);

#endif
