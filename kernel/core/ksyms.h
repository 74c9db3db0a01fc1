/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own symbol table, for symbolized backtraces.
 *
 * tools/gen-ksyms.sh turns `nm -n` of a first link into the .ksyms section
 * of the final link, in this layout:
 *
 *     uint64_t count;
 *     struct ksym_entry entries[count];  sorted by address
 *     char names[];                      NUL-terminated, found by offset
 */
#ifndef CAIRN_CORE_KSYMS_H
#define CAIRN_CORE_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym_entry {
    uint64_t addr;
    uint64_t name_offset; /* from the start of names[] */
};

struct ksym_table {
    const void *base; /* the section */
    size_t size;      /* its size in bytes */
};

/* Find the symbol containing addr: the one with the greatest address <= addr,
 * provided addr is below end (the end of the text). Returns the name, or NULL,
 * and the offset into the symbol. A malformed table yields NULL, never a
 * read outside it. */
const char *ksyms_lookup(const struct ksym_table *t, uint64_t addr, uint64_t end, uint64_t *offset);

/* The kernel's table (from the linker script). */
const struct ksym_table *ksyms_kernel(void);

#endif
