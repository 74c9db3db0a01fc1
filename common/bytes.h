/* SPDX-License-Identifier: MIT */
/*
 * Little-endian integers at any byte address: the fields of firmware tables
 * (ACPI), of the boot loader's information (Multiboot2), of ELF files and of
 * archives, read from (and, for the tests that build such images, written
 * to) bytes that carry no alignment guarantee; and the 8-bit sum by which
 * ACPI checks its tables.
 *
 * Each byte is read or written on its own, so no access is ever misaligned
 * (UBSan's alignment check passes) and the result does not depend on the
 * CPU's byte order; gcc turns each function into one load or store on
 * x86_64. The caller checks that all 2, 4 or 8 bytes lie inside its buffer.
 */
#ifndef CAIRN_COMMON_BYTES_H
#define CAIRN_COMMON_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t
bytes_rd16(const void *at)
{
    const uint8_t *p = at;

    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t
bytes_rd32(const void *at)
{
    const uint8_t *p = at;

    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t
bytes_rd64(const void *at)
{
    const uint8_t *p = at;

    return (uint64_t)bytes_rd32(p) | (uint64_t)bytes_rd32(p + 4) << 32;
}

static inline void
bytes_wr16(void *at, uint16_t v)
{
    uint8_t *p = at;

    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void
bytes_wr32(void *at, uint32_t v)
{
    uint8_t *p = at;

    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void
bytes_wr64(void *at, uint64_t v)
{
    uint8_t *p = at;

    bytes_wr32(p, (uint32_t)v);
    bytes_wr32(p + 4, (uint32_t)(v >> 32));
}

/* The sum of the len bytes at `at`, modulo 256: an ACPI table or RSDP is intact when it is 0. */
static inline uint8_t
bytes_sum8(const void *at, size_t len)
{
    const uint8_t *p = at;
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

#endif
