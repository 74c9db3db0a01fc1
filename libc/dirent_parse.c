/* SPDX-License-Identifier: MIT */
/*
 * Parsing PROTO_IO_READDIR replies (dirent_parse.h). No allocation, no
 * system calls; reads only inside [buf, buf + len). Multi-byte fields are
 * read byte by byte (little-endian, as x86-64 lays them out), so a
 * misaligned buffer is read correctly too.
 */
#include "dirent_parse.h"

#include <proto/io.h>

static uint64_t
dirent_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

int
dirent_next(const void *buf, size_t len, size_t *off, struct dirent_entry *e)
{
    const uint8_t *b = buf;
    size_t at = *off, reclen;
    const uint8_t *name;

    if (at % 8 != 0 || at > len || len - at < DIRENT_HEADER_SIZE)
        return -1;
    reclen = (size_t)dirent_le(b + at + 8, 2);
    e->ino = dirent_le(b + at, 8);
    e->type = b[at + 10];
    e->namelen = b[at + 11];
    if (reclen % 8 != 0 || reclen > len - at)
        return -1;
    if (e->namelen == 0 || reclen < DIRENT_HEADER_SIZE + (size_t)e->namelen + 1)
        return -1;
    if (e->type < PROTO_DT_REG || e->type > PROTO_DT_FIFO)
        return -1;
    name = b + at + DIRENT_HEADER_SIZE;
    if (name[e->namelen] != 0)
        return -1;
    for (unsigned i = 0; i < e->namelen; i++) {
        if (name[i] == 0 || name[i] == '/')
            return -1;
    }
    if (name[0] == '.' && (e->namelen == 1 || (e->namelen == 2 && name[1] == '.')))
        return -1;
    e->name = (const char *)name;
    *off = at + reclen;
    return 0;
}

int
dirent_check_reply(const void *buf, size_t len, uint64_t count)
{
    size_t off = 0;
    struct dirent_entry e;

    /* Each entry takes at least 16 bytes, so a count past len / 16 is a
     * lie that need not be walked. */
    if (count > len / 16)
        return -1;
    for (uint64_t i = 0; i < count; i++) {
        if (dirent_next(buf, len, &off, &e) < 0)
            return -1;
    }
    return 0;
}
