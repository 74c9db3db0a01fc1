// SPDX-License-Identifier: MIT
/* Host tests of the backtrace symbol lookup, including corrupt tables. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/ksyms.h"

/* Build a table: count, entries, names. Returned buffer is exactly sized. */
static void *
make_table(const uint64_t *addrs, const char *const *names, unsigned n, size_t *size)
{
    size_t names_len = 0, off = 0;
    uint8_t *buf;
    struct ksym_entry *e;
    char *strings;

    for (unsigned i = 0; i < n; i++)
        names_len += strlen(names[i]) + 1;
    *size = 8 + n * sizeof(struct ksym_entry) + names_len;
    buf = malloc(*size);
    *(uint64_t *)buf = n;
    e = (struct ksym_entry *)(buf + 8);
    strings = (char *)(e + n);
    for (unsigned i = 0; i < n; i++) {
        e[i].addr = addrs[i];
        e[i].name_offset = off;
        strcpy(strings + off, names[i]);
        off += strlen(names[i]) + 1;
    }
    return buf;
}

static const uint64_t addrs[] = {0x1000, 0x1040, 0x10a0, 0x2000};
static const char *const names[] = {"start32", "kmain", "panic", "trap_dispatch"};

TEST(lookup_finds_containing_symbol_and_offset)
{
    size_t size;
    void *buf = make_table(addrs, names, 4, &size);
    struct ksym_table t = {buf, size};
    uint64_t off = 99;

    CHECK(strcmp(ksyms_lookup(&t, 0x1000, 0x3000, &off), "start32") == 0 && off == 0);
    CHECK(strcmp(ksyms_lookup(&t, 0x1041, 0x3000, &off), "kmain") == 0 && off == 1);
    CHECK(strcmp(ksyms_lookup(&t, 0x109f, 0x3000, &off), "kmain") == 0 && off == 0x5f);
    CHECK(strcmp(ksyms_lookup(&t, 0x2fff, 0x3000, &off), "trap_dispatch") == 0);
    free(buf);
}

TEST(lookup_outside_text_finds_nothing)
{
    size_t size;
    void *buf = make_table(addrs, names, 4, &size);
    struct ksym_table t = {buf, size};

    CHECK(ksyms_lookup(&t, 0xfff, 0x3000, NULL) == NULL);
    CHECK(ksyms_lookup(&t, 0x3000, 0x3000, NULL) == NULL);
    free(buf);
}

TEST(corrupt_tables_are_not_followed)
{
    size_t size;
    uint8_t *buf = make_table(addrs, names, 4, &size);
    struct ksym_table t = {buf, size};
    struct ksym_entry *e = (struct ksym_entry *)(buf + 8);

    *(uint64_t *)buf = 1000000; /* count beyond the section */
    CHECK(ksyms_lookup(&t, 0x1000, 0x3000, NULL) == NULL);
    *(uint64_t *)buf = 4;
    e[1].name_offset = 1u << 30; /* name outside the section */
    CHECK(ksyms_lookup(&t, 0x1041, 0x3000, NULL) == NULL);
    CHECK(strcmp(ksyms_lookup(&t, 0x1001, 0x3000, NULL), "start32") == 0);
    buf[size - 1] = 'x'; /* last name loses its terminator */
    CHECK(ksyms_lookup(&t, 0x2001, 0x3000, NULL) == NULL);
    t.size = 4; /* too small for a count */
    CHECK(ksyms_lookup(&t, 0x1001, 0x3000, NULL) == NULL);
    t.base = NULL;
    CHECK(ksyms_lookup(&t, 0x1001, 0x3000, NULL) == NULL);
    free(buf);
}

TEST(empty_table_finds_nothing)
{
    size_t size;
    void *buf = make_table(addrs, names, 0, &size);
    struct ksym_table t = {buf, size};

    CHECK(ksyms_lookup(&t, 0x1000, 0x3000, NULL) == NULL);
    free(buf);
}

int
main(void)
{
    RUN(lookup_finds_containing_symbol_and_offset);
    RUN(lookup_outside_text_finds_nothing);
    RUN(corrupt_tables_are_not_followed);
    RUN(empty_table_finds_nothing);
    return check_exit();
}
