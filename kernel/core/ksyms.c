// SPDX-License-Identifier: MIT
/*
 * Symbol lookup for backtraces. The table is trusted only as far as it is
 * checked: the count must fit the section and every name must end inside
 * it, because this runs in panic paths, where a second fault would hide
 * the first.
 */
#include "core/ksyms.h"

const char *
ksyms_lookup(const struct ksym_table *t, uint64_t addr, uint64_t end, uint64_t *offset)
{
    const uint8_t *base = t->base;
    const struct ksym_entry *entries;
    const char *names;
    size_t names_size;
    uint64_t count;
    size_t lo, hi;

    if (!base || t->size < sizeof(uint64_t) || addr >= end)
        return NULL;
    count = *(const uint64_t *)base;
    if (count == 0 || count > (t->size - sizeof(uint64_t)) / sizeof(struct ksym_entry))
        return NULL;
    entries = (const struct ksym_entry *)(base + sizeof(uint64_t));
    names = (const char *)(entries + count);
    names_size = t->size - sizeof(uint64_t) - count * sizeof(struct ksym_entry);
    if (addr < entries[0].addr)
        return NULL;

    /* Binary search for the last entry with entries[i].addr <= addr. */
    lo = 0;
    hi = count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (entries[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (entries[lo].name_offset >= names_size)
        return NULL;
    for (size_t i = entries[lo].name_offset; names[i] != '\0'; i++) {
        if (i + 1 >= names_size)
            return NULL;
    }
    if (offset)
        *offset = addr - entries[lo].addr;
    return names + entries[lo].name_offset;
}

#ifndef HOST_TEST
extern const uint8_t _ksyms_start[], _ksyms_end[];

const struct ksym_table *
ksyms_kernel(void)
{
    static struct ksym_table table;

    table.base = _ksyms_start;
    table.size = (size_t)(_ksyms_end - _ksyms_start);
    return &table;
}
#endif
