/* SPDX-License-Identifier: MIT */
/*
 * A reader of POSIX tar archives (ustar, with pax extended headers) held
 * in memory: the initfs, whose members programs are started from. Pure C,
 * no system calls: the same file is built into user programs and, with
 * sanitizers, into the host tests and the host fuzzer.
 *
 * The bytes are untrusted. Every header is checked before any of it is
 * used: the checksum, the "ustar\0" "00" magic, every numeric field (octal
 * digits, optional leading spaces, ended by NUL or space or the field's
 * end, no overflow), names bounded by their fields, a known type, data
 * that lies wholly inside the image. Anything else gives -CAIRN_EINVAL;
 * nothing is ever read outside [image, image + size), and every step moves
 * forward by at least one 512-byte block, so a walk always ends.
 *
 * What is accepted:
 *   - types '0' (and the old '\0', reported as '0') and '7' with data; '1'
 *     to '6' (links, devices, directories, fifos) only with size 0;
 *   - pax 'x' headers: the records "LEN KEY=VALUE\n" are checked; `path`
 *     and `size` apply to the next member (an empty value cancels them),
 *     GNU.sparse.* is refused, every other key (comment, mtime ...) is
 *     ignored; two 'x' headers in a row, or one with no member after it,
 *     are refused;
 *   - pax 'g' headers: checked and skipped; one that sets path or size
 *     is refused, as such a global setting makes no sense for a file set;
 *   - the end: a zero block, which the image may end right after; if more
 *     follows, the next block must be zero too, and the rest is ignored.
 * Refused: GNU archives ("ustar  " magic, 'L'/'K' long names, base-256
 * numbers), other types, names longer than TAR_NAME_MAX.
 */
#ifndef CAIRN_LIB_TAR_H
#define CAIRN_LIB_TAR_H

#include <stdint.h>

#define TAR_BLOCK    512
/* The longest name: a 155-byte prefix, '/', a 100-byte name. */
#define TAR_NAME_MAX 256

struct tar_member {
    char name[TAR_NAME_MAX + 1]; /* prefix "/" name (or the pax path), NUL-terminated */
    char type;                   /* '0' a file, '1' ... '7' as ustar */
    uint32_t mode;               /* permission bits, at most 07777 */
    uint64_t offset;             /* of the data, from the start of the image */
    uint64_t size;               /* of the data */
};

/* A walk over an archive's members. Fields are private to tar.c. */
struct tar_iter {
    const uint8_t *image;
    uint64_t size;
    uint64_t pos; /* the next header's offset */
    int state;    /* 0 walking, 1 ended, or the error, -CAIRN_EINVAL */
};

/* Start a walk over the size bytes at image. */
void tar_iter_init(struct tar_iter *it, const void *image, uint64_t size);

/*
 * The next member into *m: returns 1, or 0 at the end of the archive, or
 * -CAIRN_EINVAL for a malformed archive (*m then undefined). Once it has
 * returned 0 or an error, it returns the same again.
 */
int tar_iter_next(struct tar_iter *it, struct tar_member *m);

/*
 * The member called name into *m. The whole archive is walked, so a
 * malformed archive is refused whichever member is asked for; of two
 * members with the same name, the last counts (as `tar -x` leaves it).
 * Returns 0, -CAIRN_ENOENT, or -CAIRN_EINVAL.
 */
int tar_find(const void *image, uint64_t size, const char *name, struct tar_member *m);

#endif
