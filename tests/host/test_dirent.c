/* SPDX-License-Identifier: MIT */
/*
 * The PROTO_IO_READDIR reply parser (libc/dirent_parse.c) on replies
 * built entry by entry in heap blocks of exactly their size, so a read
 * past a reply is an ASan failure: good replies give back every entry,
 * each malformed field is refused, every truncation of a good reply is
 * refused, and every flipped bit is refused or still gives entries inside
 * the reply.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "libc/dirent_parse.h"
#include "proto/io.h"

struct reply {
    uint8_t bytes[8192];
    size_t len;
};

/* Appends an entry; reclen 0 means the right one, namelen -1 the name's
 * length. Returns the entry's offset. */
static size_t
put(struct reply *r, uint64_t ino, uint8_t type, const char *name, uint16_t reclen, int namelen)
{
    size_t at = r->len, nl = strlen(name);
    uint16_t rl = reclen ? reclen : (uint16_t)((DIRENT_HEADER_SIZE + nl + 1 + 7) & ~7u);

    memset(r->bytes + at, 0, rl > DIRENT_HEADER_SIZE + nl + 1 ? rl : DIRENT_HEADER_SIZE + nl + 1);
    memcpy(r->bytes + at, &ino, 8);
    memcpy(r->bytes + at + 8, &rl, 2);
    r->bytes[at + 10] = type;
    r->bytes[at + 11] = (uint8_t)(namelen < 0 ? (int)nl : namelen);
    memcpy(r->bytes + at + DIRENT_HEADER_SIZE, name, nl);
    r->len = at + (rl > DIRENT_HEADER_SIZE + nl + 1 ? rl : DIRENT_HEADER_SIZE + nl + 1);
    return at;
}

/* The reply in a block of exactly len bytes (free it). */
static uint8_t *
exact(const struct reply *r, size_t len)
{
    uint8_t *p = malloc(len ? len : 1);

    memcpy(p, r->bytes, len);
    return p;
}

static int
check(const struct reply *r, size_t len, uint64_t count)
{
    uint8_t *p = exact(r, len);
    int rc = dirent_check_reply(p, len, count);

    free(p);
    return rc;
}

static void
good_reply(struct reply *r)
{
    r->len = 0;
    put(r, 11, PROTO_DT_REG, "a", 0, -1);
    put(r, 22, PROTO_DT_DIR, "subdir", 0, -1);
    put(r, 33, PROTO_DT_FIFO, "a-rather-longer-name.txt", 0, -1);
}

TEST(a_good_reply_gives_back_every_entry)
{
    struct reply r;
    struct dirent_entry e;
    size_t off = 0;
    uint8_t *p;

    good_reply(&r);
    p = exact(&r, r.len);
    CHECK(dirent_check_reply(p, r.len, 3) == 0);
    CHECK(dirent_next(p, r.len, &off, &e) == 0);
    CHECK(e.ino == 11 && e.type == PROTO_DT_REG && e.namelen == 1 && strcmp(e.name, "a") == 0);
    CHECK(off == 16);
    CHECK(dirent_next(p, r.len, &off, &e) == 0);
    CHECK(e.ino == 22 && e.type == PROTO_DT_DIR && strcmp(e.name, "subdir") == 0);
    CHECK(dirent_next(p, r.len, &off, &e) == 0);
    CHECK(e.ino == 33 && e.type == PROTO_DT_FIFO &&
          strcmp(e.name, "a-rather-longer-name.txt") == 0);
    CHECK(off == r.len);
    CHECK(dirent_next(p, r.len, &off, &e) < 0);
    /* Fewer entries than are there is fine; an empty reply too. */
    CHECK(dirent_check_reply(p, r.len, 2) == 0);
    CHECK(dirent_check_reply(p, 0, 0) == 0);
    free(p);
}

TEST(the_longest_name_and_padding_are_accepted)
{
    struct reply r = {.len = 0};
    char name[256];
    struct dirent_entry e;
    size_t off = 0;
    uint8_t *p;

    memset(name, 'n', 255);
    name[255] = '\0';
    put(&r, 1, PROTO_DT_CHR, name, 0, -1);
    put(&r, 2, PROTO_DT_REG, "b", 64, -1);
    r.len += 24; /* trailing padding */
    memset(r.bytes + r.len - 24, 0xee, 24);
    p = exact(&r, r.len);
    CHECK(dirent_check_reply(p, r.len, 2) == 0);
    CHECK(dirent_next(p, r.len, &off, &e) == 0 && e.namelen == 255 && strlen(e.name) == 255);
    CHECK(dirent_next(p, r.len, &off, &e) == 0 && strcmp(e.name, "b") == 0 && off == 272 + 64);
    free(p);
}

TEST(malformed_entries_are_refused)
{
    struct reply r;
    size_t at;

    /* reclen: 0, not a multiple of 8, too small for the name, past the end. */
    r.len = 0, put(&r, 1, 1, "abc", 0, -1), memset(r.bytes + 8, 0, 2);
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 1, "abc", 20, -1);
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 1, "abcdef", 16, -1), r.len = 24;
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 1, "abc", 0, -1);
    r.bytes[8] = 24;
    CHECK(check(&r, r.len, 1) < 0);
    /* namelen: 0, longer than the name (no 0 after it), shorter (a 0 inside). */
    r.len = 0, put(&r, 1, 1, "abc", 0, 0);
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 1, "abcdefghijk", 24, 12);
    memset(r.bytes + DIRENT_HEADER_SIZE, 'x', 12);
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 1, "abc", 0, 2);
    CHECK(check(&r, r.len, 1) < 0);
    /* Names: with '/', with NUL inside, "." and "..". */
    r.len = 0, put(&r, 1, 1, "a/b", 0, -1);
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, at = put(&r, 1, 1, "a_b", 0, -1), r.bytes[at + DIRENT_HEADER_SIZE + 1] = 0;
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 2, ".", 0, -1);
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 2, "..", 0, -1);
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 2, "...", 0, -1);
    CHECK(check(&r, r.len, 1) == 0);
    /* Types outside PROTO_DT_*. */
    r.len = 0, put(&r, 1, 0, "t", 0, -1);
    CHECK(check(&r, r.len, 1) < 0);
    r.len = 0, put(&r, 1, 5, "t", 0, -1);
    CHECK(check(&r, r.len, 1) < 0);
    /* More entries claimed than sent, and absurd counts. */
    good_reply(&r);
    CHECK(check(&r, r.len, 4) < 0);
    CHECK(check(&r, r.len, UINT64_MAX) < 0);
    CHECK(check(&r, 11, 1) < 0);
    CHECK(check(&r, 0, 1) < 0);
}

TEST(dirent_next_refuses_a_misaligned_or_outside_offset)
{
    struct reply r;
    struct dirent_entry e;
    size_t off;
    uint8_t *p;

    good_reply(&r);
    p = exact(&r, r.len);
    for (off = 1; off < 8; off++) {
        size_t o = off;

        CHECK(dirent_next(p, r.len, &o, &e) < 0 && o == off);
    }
    off = r.len + 8;
    CHECK(dirent_next(p, r.len, &off, &e) < 0);
    off = (size_t)-8;
    CHECK(dirent_next(p, r.len, &off, &e) < 0);
    free(p);
}

TEST(every_truncation_of_a_good_reply_is_refused)
{
    struct reply r;

    good_reply(&r);
    for (size_t len = 0; len < r.len; len++)
        CHECK(check(&r, len, 3) < 0);
    CHECK(check(&r, r.len, 3) == 0);
}

TEST(every_flipped_bit_is_refused_or_stays_inside_the_reply)
{
    struct reply r, f;

    good_reply(&r);
    for (size_t bit = 0; bit < r.len * 8; bit++) {
        uint8_t *p;

        f = r;
        f.bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        p = exact(&f, f.len);
        if (dirent_check_reply(p, f.len, 3) == 0) {
            struct dirent_entry e;
            size_t off = 0;

            for (int i = 0; i < 3; i++) {
                CHECK(dirent_next(p, f.len, &off, &e) == 0);
                CHECK(off <= f.len && strlen(e.name) == e.namelen);
            }
        }
        free(p);
    }
}

int
main(void)
{
    RUN(a_good_reply_gives_back_every_entry);
    RUN(the_longest_name_and_padding_are_accepted);
    RUN(malformed_entries_are_refused);
    RUN(dirent_next_refuses_a_misaligned_or_outside_offset);
    RUN(every_truncation_of_a_good_reply_is_refused);
    RUN(every_flipped_bit_is_refused_or_stays_inside_the_reply);
    return check_exit();
}
