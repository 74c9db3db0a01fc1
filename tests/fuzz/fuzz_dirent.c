// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the PROTO_IO_READDIR reply parser (libc/dirent_parse.c),
 * which readdir runs on every reply a directory's server sends.
 *
 * Input: byte 0 the entry count the reply claims, byte 1 (mod 8) how far
 * the bytes are placed past an aligned start, the rest the reply's bytes,
 * copied so that they end exactly at the end of a heap block. Beyond "no
 * crash, no read outside the reply": when dirent_check_reply accepts,
 * dirent_next must then give exactly count entries, each inside the
 * reply, at 8-byte aligned offsets that grow, with a name of namelen
 * bytes (1..255, no '/' or NUL, not . or ..) followed by its 0, and a
 * type PROTO_DT_*; when it refuses, walking must fail at some entry.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "libc/dirent_parse.h"
#include "proto/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t count;
    size_t shift, len, off = 0;
    uint8_t *block, *buf;
    int ok;

    if (size < 2)
        return 0;
    count = data[0];
    shift = data[1] % 8;
    len = size - 2;
    block = malloc(shift + len + 1);
    if (block == NULL)
        return 0;
    buf = block + shift;
    memcpy(buf, data + 2, len);
    /* Shrink so that the reply ends at the end of the block (ASan sees a
     * read past it). */
    block = realloc(block, shift + len > 0 ? shift + len : 1);
    buf = block + shift;

    ok = dirent_check_reply(buf, len, count) == 0;
    for (uint64_t i = 0; i < count; i++) {
        struct dirent_entry e;
        size_t at = off;

        if (dirent_next(buf, len, &off, &e) < 0) {
            FUZZ_CHECK(!ok);
            break;
        }
        FUZZ_CHECK(at % 8 == 0 && off > at && off <= len && off % 8 == 0);
        FUZZ_CHECK(e.namelen >= 1);
        FUZZ_CHECK((const uint8_t *)e.name == buf + at + DIRENT_HEADER_SIZE);
        FUZZ_CHECK(at + DIRENT_HEADER_SIZE + e.namelen < off);
        FUZZ_CHECK(e.name[e.namelen] == '\0' && strlen(e.name) == e.namelen);
        FUZZ_CHECK(memchr(e.name, '/', e.namelen) == NULL);
        FUZZ_CHECK(strcmp(e.name, ".") != 0 && strcmp(e.name, "..") != 0);
        FUZZ_CHECK(e.type >= PROTO_DT_REG && e.type <= PROTO_DT_FIFO);
        if (i + 1 == count)
            FUZZ_CHECK(ok);
    }
    if (count == 0)
        FUZZ_CHECK(ok);
    free(block);
    return 0;
}
