/* SPDX-License-Identifier: MIT */
/*
 * Function names for addresses in a program's ELF image, for crash
 * reports (proc, docs/proc.md). Pure C over bytes the caller hands in, no
 * system calls: the same file is built into proc and, with sanitizers,
 * into a host test and a host fuzzer.
 *
 * The table is the section ".cairn.syms" that the build adds to the
 * system's programs (mk/user.mk, tools/user-syms.sh) in place of the
 * 24-byte entries of .symtab, which made the initfs too large:
 *
 *     uint32_t count;
 *     uint32_t addr[count];   each function's start (little-endian)
 *     char names[];           count NUL-terminated names, addr's order
 *
 * The bytes are untrusted. elfsym_open checks the ELF header, the
 * section and program header tables and the table itself (every offset
 * and size inside the image, no overflow, count names present) before
 * anything is used; a lookup reads only inside what was checked, and
 * names an address only when it lies in an executable PT_LOAD segment,
 * so a return address into data or the stack gets no name.
 */
#ifndef CAIRN_LIB_ELFSYM_H
#define CAIRN_LIB_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

#define ELFSYM_SECTION   ".cairn.syms"
#define ELFSYM_TEXT_MAX  8       /* executable segments remembered */
#define ELFSYM_COUNT_MAX 1000000 /* functions in one table */

struct elfsym_text {
    uint64_t start, end; /* [start, end) */
};

/* An opened image. Fields are private to elfsym.c. */
struct elfsym {
    const uint8_t *addrs; /* count little-endian uint32_t, or NULL: no table */
    const char *names;    /* count NUL-terminated names in names_len bytes */
    size_t names_len;
    uint32_t count;
    uint32_t ntext;
    struct elfsym_text text[ELFSYM_TEXT_MAX];
};

/*
 * Checks the size bytes at image and fills t. Returns 0 (a table was
 * found), -CAIRN_ENOENT (a well-formed ELF without one: lookups give
 * NULL), or -CAIRN_EINVAL (not a little-endian ELF64, or a header, table
 * or section out of bounds or malformed).
 */
int elfsym_open(struct elfsym *t, const void *image, size_t size);

/*
 * The function that contains addr: the one with the greatest start at or
 * below addr, when addr lies in an executable segment. Returns its name
 * (NUL-terminated, inside the image) and addr's offset from its start in
 * *offset, or NULL.
 */
const char *elfsym_lookup(const struct elfsym *t, uint64_t addr, uint64_t *offset);

#endif
