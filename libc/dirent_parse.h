/* SPDX-License-Identifier: MIT */
/*
 * The parser of a PROTO_IO_READDIR reply (include/proto/io.h): pure code
 * over the bytes received, built into libc and, with sanitizers, into the
 * host test and the host fuzzer (tests/host/test_dirent.c,
 * tests/fuzz/fuzz_dirent.c). A server's reply is untrusted: every field is
 * checked against the bytes actually received.
 */
#ifndef CAIRN_LIBC_DIRENT_PARSE_H
#define CAIRN_LIBC_DIRENT_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* The fixed part of struct proto_dirent: ino, reclen, type, namelen. */
#define DIRENT_HEADER_SIZE 12

struct dirent_entry {
    uint64_t ino;
    uint8_t type;
    uint8_t namelen;
    const char *name; /* namelen bytes inside the buffer, a 0 after them */
};

/*
 * Checks a whole reply: count entries in buf's len bytes, laid out as the
 * protocol says (each at an 8-byte aligned offset, the first at 0, the
 * next reclen bytes on; reclen a multiple of 8 that holds the header, the
 * name and its 0; namelen 1..PROTO_NAME_MAX; the name without '/' or 0
 * and neither "." nor ".."; a type PROTO_DT_*; every entry inside len).
 * Bytes after the last entry are allowed (padding). 0, or -1 when any
 * entry is bad: then none of the reply may be used.
 */
int dirent_check_reply(const void *buf, size_t len, uint64_t count);

/*
 * The entry at *off of a reply that dirent_check_reply accepted: fills
 * *e and moves *off to the next entry. 0, or -1 if *off is not the start
 * of a valid entry (it checks again, so a caller's mistake reads nothing
 * outside buf).
 */
int dirent_next(const void *buf, size_t len, size_t *off, struct dirent_entry *e);

#endif
