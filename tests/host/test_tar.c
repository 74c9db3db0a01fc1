// SPDX-License-Identifier: MIT
/*
 * Tests for the tar reader (lib/tar/tar.c). Archives are built here block
 * by block, or by the host's own tar (ustar and pax formats) at test time,
 * and always read from a heap block of exactly their size, so a read past
 * the end is an ASan report. Every malformed header the reader must refuse
 * has a case; every truncation of a good archive and every flipped byte
 * of its headers must be refused (or, past the end block, change
 * nothing), and a walk must always end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairn/errors.h>

#include "check.h"
#include "tar/tar.h"

#define MAX_MEMBERS 64

/* --- building archives ----------------------------------------------------------------- */

struct ar {
    uint8_t d[1 << 16];
    size_t n;
};

static void
octal(uint8_t *f, size_t len, uint64_t v)
{
    f[len - 1] = '\0';
    for (size_t i = len - 1; i-- > 0; v >>= 3)
        f[i] = (uint8_t)('0' + (v & 7));
}

/* The checksum of the header at h, written into its field. */
static void
fix_sum(uint8_t *h)
{
    unsigned sum = 0;

    memset(h + 148, ' ', 8);
    for (size_t i = 0; i < 512; i++)
        sum += h[i];
    octal(h + 148, 7, sum);
}

/* Appends a header (name may be 100 bytes, then without a NUL; prefix
 * NULL for none) and returns it, checksum fixed; data follows with put_data. */
static uint8_t *
put_header(struct ar *a, const char *prefix, const char *name, char type, uint64_t size)
{
    uint8_t *h = a->d + a->n;

    memset(h, 0, 512);
    memcpy(h, name, strnlen(name, 100));
    if (prefix)
        memcpy(h + 345, prefix, strnlen(prefix, 155));
    octal(h + 100, 8, 0644);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, size);
    octal(h + 136, 12, 0);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    fix_sum(h);
    a->n += 512;
    return h;
}

static void
put_data(struct ar *a, const void *p, size_t n)
{
    memcpy(a->d + a->n, p, n);
    a->n += n;
    while (a->n % 512)
        a->d[a->n++] = 0;
}

static void
put_file(struct ar *a, const char *name, const char *text)
{
    put_header(a, NULL, name, '0', strlen(text));
    put_data(a, text, strlen(text));
}

/* A pax header of type ('x' or 'g') holding the records in text. */
static void
put_pax(struct ar *a, char type, const char *text)
{
    put_header(a, NULL, "PaxHeader/x", type, strlen(text));
    put_data(a, text, strlen(text));
}

static void
put_end(struct ar *a)
{
    memset(a->d + a->n, 0, 1024);
    a->n += 1024;
}

/* --- reading them ------------------------------------------------------------------------ */

struct walk {
    int result; /* the last tar_iter_next result: 0 or an error */
    int count;
    struct tar_member m[MAX_MEMBERS];
};

/* Walks n bytes copied into an exactly-sized heap block. */
static void
walk(const void *image, size_t n, struct walk *w)
{
    uint8_t *copy = malloc(n ? n : 1);
    struct tar_iter it;
    int r;

    memcpy(copy, image, n);
    w->count = 0;
    tar_iter_init(&it, copy, n);
    while ((r = tar_iter_next(&it, &w->m[w->count < MAX_MEMBERS ? w->count : 0])) == 1) {
        w->count++;
        CHECK(w->count <= MAX_MEMBERS);
        if (w->count > MAX_MEMBERS)
            break;
    }
    w->result = r;
    /* Ended stays ended, failed stays failed. */
    CHECK(tar_iter_next(&it, &w->m[0]) == (r == 1 ? 1 : r));
    free(copy);
}

static int
walk_result(const struct ar *a)
{
    struct walk w;

    walk(a->d, a->n, &w);
    return w.result;
}

/* --- good archives -------------------------------------------------------------------------- */

TEST(reads_members_in_order_with_their_data)
{
    struct ar a = {0};
    struct walk w;

    put_file(&a, "hello", "hello, world\n");
    put_header(&a, NULL, "dir", '5', 0);
    put_header(&a, NULL, "empty", '\0', 0);
    put_file(&a, "dir/two", "2");
    put_header(&a, NULL, "link", '2', 0);
    put_end(&a);
    walk(a.d, a.n, &w);
    CHECK(w.result == 0);
    CHECK(w.count == 5);
    CHECK(strcmp(w.m[0].name, "hello") == 0 && w.m[0].type == '0' && w.m[0].size == 13);
    CHECK(w.m[0].offset == 512 && memcmp(a.d + w.m[0].offset, "hello, world\n", 13) == 0);
    CHECK(w.m[0].mode == 0644);
    CHECK(strcmp(w.m[1].name, "dir") == 0 && w.m[1].type == '5' && w.m[1].size == 0);
    CHECK(strcmp(w.m[2].name, "empty") == 0 && w.m[2].type == '0');
    CHECK(strcmp(w.m[3].name, "dir/two") == 0 && w.m[3].offset == 5 * 512);
    CHECK(strcmp(w.m[4].name, "link") == 0 && w.m[4].type == '2');
}

TEST(names_fill_their_fields_exactly)
{
    char name[101], prefix[156], joined[TAR_NAME_MAX + 1];
    struct ar a = {0};
    struct walk w;

    memset(name, 'n', 100);
    name[100] = '\0';
    memset(prefix, 'p', 155);
    prefix[155] = '\0';
    put_header(&a, NULL, name, '0', 0);   /* 100 bytes, no NUL in the field */
    put_header(&a, prefix, name, '0', 0); /* 155 + '/' + 100 = 256 */
    put_header(&a, prefix, "x", '0', 0);
    put_end(&a);
    walk(a.d, a.n, &w);
    CHECK(w.result == 0 && w.count == 3);
    CHECK(strcmp(w.m[0].name, name) == 0);
    snprintf(joined, sizeof(joined), "%s/%s", prefix, name);
    CHECK(strlen(w.m[1].name) == TAR_NAME_MAX && strcmp(w.m[1].name, joined) == 0);
    CHECK(strlen(w.m[2].name) == 157);
}

TEST(pax_path_and_size_apply_to_the_next_member_only)
{
    char path[TAR_NAME_MAX + 1], rec[400];
    struct ar a = {0};
    struct walk w;
    uint8_t *h;

    memset(path, 'q', TAR_NAME_MAX);
    path[TAR_NAME_MAX] = '\0';
    snprintf(rec, sizeof(rec), "%d path=%s\n", (int)(strlen(path) + 10), path);
    put_pax(&a, 'x', rec);
    put_file(&a, "short", "abc");
    put_pax(&a, 'x', "12 size=700\n19 comment=ignored\n30 mtime=1700000000.123456789\n");
    h = put_header(&a, NULL, "big", '0', 0); /* the header's size is overridden */
    (void)h;
    memset(a.d + a.n, 'z', 1024);
    a.n += 1024;
    put_pax(&a, 'g', "18 comment=global\n");
    put_file(&a, "after", "x");
    put_pax(&a, 'x', "8 path=\n"); /* an empty value cancels: the header's name */
    put_file(&a, "plain", "y");
    put_end(&a);
    walk(a.d, a.n, &w);
    CHECK(w.result == 0 && w.count == 4);
    CHECK(strcmp(w.m[0].name, path) == 0 && w.m[0].size == 3);
    CHECK(strcmp(w.m[1].name, "big") == 0 && w.m[1].size == 700);
    CHECK(strcmp(w.m[2].name, "after") == 0 && w.m[2].size == 1);
    CHECK(strcmp(w.m[3].name, "plain") == 0);
}

TEST(the_end_is_one_zero_block_and_what_follows_a_second_is_ignored)
{
    struct ar a = {0};

    put_file(&a, "f", "data");
    memset(a.d + a.n, 0, 512);
    a.n += 512;
    CHECK(walk_result(&a) == 0); /* a lone zero block at the image's end */
    memset(a.d + a.n, 0, 512);
    a.n += 512;
    memset(a.d + a.n, 0xab, 700); /* after two zero blocks: anything */
    a.n += 700;
    CHECK(walk_result(&a) == 0);
}

TEST(find_returns_the_last_member_of_a_name)
{
    struct tar_member m;
    struct ar a = {0};

    put_file(&a, "a", "first");
    put_file(&a, "b", "bee");
    put_file(&a, "a", "second!");
    put_end(&a);
    CHECK(tar_find(a.d, a.n, "a", &m) == 0 && m.size == 7 &&
          memcmp(a.d + m.offset, "second!", 7) == 0);
    CHECK(tar_find(a.d, a.n, "b", &m) == 0 && m.size == 3);
    CHECK(tar_find(a.d, a.n, "c", &m) == -CAIRN_ENOENT);
    CHECK(tar_find(a.d, a.n, "", &m) == -CAIRN_ENOENT);
    /* A broken header after the member: the archive is refused whole. */
    a.n -= 1024;
    put_file(&a, "c", "x");
    a.d[a.n - 1024 + 5] ^= 1;
    put_end(&a);
    CHECK(tar_find(a.d, a.n, "a", &m) == -CAIRN_EINVAL);
}

/* --- malformed headers ------------------------------------------------------------------------ */

/* One archive with one file, changed by fn, then must be refused. */
static int
refused_after(void (*fn)(struct ar *, uint8_t *))
{
    struct ar a = {0};
    uint8_t *h = put_header(&a, NULL, "file", '0', 5);

    put_data(&a, "12345", 5);
    put_end(&a);
    fn(&a, h);
    return walk_result(&a) == -CAIRN_EINVAL;
}

#define MALFORMED(name, body)                       \
    static void name##_fn(struct ar *a, uint8_t *h) \
    {                                               \
        (void)a;                                    \
        (void)h;                                    \
        body;                                       \
    }
MALFORMED(bad_checksum, h[0] ^= 1)
MALFORMED(checksum_empty, memset(h + 148, 0, 8))
MALFORMED(checksum_not_octal, (h[148] = '9', fix_sum(h), h[148] = '9'))
MALFORMED(size_not_octal, (h[124 + 10] = '8', fix_sum(h)))
MALFORMED(size_junk_after_number, (h[124 + 11] = 'x', fix_sum(h)))
MALFORMED(size_base256, (h[124] = 0x80, fix_sum(h)))
MALFORMED(size_past_the_image, (octal(h + 124, 12, 077777777777ull), fix_sum(h)))
MALFORMED(size_past_the_end_block, (octal(h + 124, 12, 1536 + 1), fix_sum(h)))
MALFORMED(mode_not_octal, (h[100] = 'z', fix_sum(h)))
MALFORMED(uid_junk, (h[108 + 7] = '-', fix_sum(h)))
MALFORMED(mtime_junk, (h[136 + 3] = 'a', fix_sum(h)))
MALFORMED(devmajor_junk, (h[329] = 'q', fix_sum(h)))
MALFORMED(bad_magic, (h[257] = 'U', fix_sum(h)))
MALFORMED(gnu_magic, (memcpy(h + 257, "ustar  ", 8), fix_sum(h)))
MALFORMED(bad_version, (h[263] = '0', h[264] = '1', fix_sum(h)))
MALFORMED(empty_name, (memset(h, 0, 100), fix_sum(h)))
MALFORMED(empty_name_with_prefix, (memset(h, 0, 100), memcpy(h + 345, "p", 1), fix_sum(h)))
MALFORMED(gnu_long_name, (h[156] = 'L', fix_sum(h)))
MALFORMED(gnu_long_link, (h[156] = 'K', fix_sum(h)))
MALFORMED(gnu_sparse, (h[156] = 'S', fix_sum(h)))
MALFORMED(vendor_type, (h[156] = 'A', fix_sum(h)))
MALFORMED(symlink_with_data, (h[156] = '2', fix_sum(h)))
MALFORMED(directory_with_data, (h[156] = '5', fix_sum(h)))
MALFORMED(junk_after_the_zero_block, memset(a->d + a->n - 512, 1, 1))
MALFORMED(half_a_second_zero_block, a->n -= 256)
MALFORMED(no_end_block, a->n -= 1024)
MALFORMED(empty_image, a->n = 0)

TEST(malformed_headers_are_refused)
{
    static const struct {
        const char *name;
        void (*fn)(struct ar *, uint8_t *);
    } cases[] = {
#define C(n) {#n, n##_fn}
        C(bad_checksum),
        C(checksum_empty),
        C(checksum_not_octal),
        C(size_not_octal),
        C(size_junk_after_number),
        C(size_base256),
        C(size_past_the_image),
        C(size_past_the_end_block),
        C(mode_not_octal),
        C(uid_junk),
        C(mtime_junk),
        C(devmajor_junk),
        C(bad_magic),
        C(gnu_magic),
        C(bad_version),
        C(empty_name),
        C(empty_name_with_prefix),
        C(gnu_long_name),
        C(gnu_long_link),
        C(gnu_sparse),
        C(vendor_type),
        C(symlink_with_data),
        C(directory_with_data),
        C(junk_after_the_zero_block),
        C(half_a_second_zero_block),
        C(no_end_block),
        C(empty_image),
#undef C
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!refused_after(cases[i].fn)) {
            CHECK(!cases[i].name);
            printf("  case %s was accepted\n", cases[i].name);
        }
    }
}

/* An archive of one pax 'x' (or 'g') header with text, then a file. */
static int
pax_result(char type, const char *text)
{
    struct ar a = {0};

    put_pax(&a, type, text);
    put_file(&a, "f", "data");
    put_end(&a);
    return walk_result(&a);
}

TEST(malformed_pax_records_are_refused)
{
    static const char *bad[] = {
        "",                                  /* no records at all is fine: see below */
        "12 size=700",                       /* no newline */
        "13 size=700\n",                     /* the length is one too many */
        "11 size=700\n",                     /* one too few */
        "99 size=700\n",                     /* past the data */
        "12size=7000\n",                     /* no space */
        " 12 size=700\n",                    /* no length */
        "5 a=b\n",                           /* one short: no newline at its end */
        "10 sizeX70\n",                      /* no '=' */
        "8 =abcd\n",                         /* an empty key */
        "12 size=7x0\n",                     /* not a number */
        "32 size=99999999999999999999999\n", /* overflows */
        "12 size=-70\n",
        "21 GNU.sparse.size=1\n",
        "11 path=a\0b\n",
        "0 \n",
        "12 size=700\nxx", /* junk after the last record */
        "18446744073709551617 x=y\n",
    };
    char path[TAR_NAME_MAX + 20];

    CHECK(pax_result('x', bad[0]) == 0); /* an empty extended header is allowed */
    for (size_t i = 1; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (pax_result('x', bad[i]) != -CAIRN_EINVAL) {
            CHECK(!"a malformed pax record was accepted");
            printf("  record %zu was accepted\n", i);
        }
    }
    /* A path one byte too long for a member's name. */
    memset(path, 0, sizeof(path));
    snprintf(path, sizeof(path), "%d path=", TAR_NAME_MAX + 1 + 12);
    memset(path + strlen(path), 'a', TAR_NAME_MAX + 1);
    strcat(path, "\n");
    CHECK(pax_result('x', path) == -CAIRN_EINVAL);
    /* Global headers may not set a path or a size. */
    CHECK(pax_result('g', "10 path=g\n") == -CAIRN_EINVAL);
    CHECK(pax_result('g', "10 size=1\n") == -CAIRN_EINVAL);
    CHECK(pax_result('g', "10 uid=10\n") == 0);
}

TEST(extended_headers_must_lead_to_a_member)
{
    struct ar a = {0};

    put_pax(&a, 'x', "10 uid=10\n");
    put_pax(&a, 'x', "10 uid=10\n");
    put_file(&a, "f", "data");
    put_end(&a);
    CHECK(walk_result(&a) == -CAIRN_EINVAL); /* two in a row */

    memset(&a, 0, sizeof(a));
    put_pax(&a, 'x', "10 uid=10\n");
    put_pax(&a, 'g', "10 uid=10\n");
    put_file(&a, "f", "data");
    put_end(&a);
    CHECK(walk_result(&a) == -CAIRN_EINVAL);

    memset(&a, 0, sizeof(a));
    put_file(&a, "f", "data");
    put_pax(&a, 'x', "10 uid=10\n");
    put_end(&a);
    CHECK(walk_result(&a) == -CAIRN_EINVAL); /* then the end */

    memset(&a, 0, sizeof(a));
    put_pax(&a, 'x', "12 size=513\n"); /* the member's data runs past the image */
    put_file(&a, "f", "data");
    CHECK(walk_result(&a) == -CAIRN_EINVAL);
}

/* --- truncation and flipped bytes ---------------------------------------------------------------- */

/* A mixed archive: pax headers, files of several sizes, a directory. */
static void
sample(struct ar *a)
{
    static char big[1500];

    memset(big, 'b', sizeof(big) - 1);
    put_pax(a, 'x', "23 path=long/path/name\n");
    put_file(a, "ignored", "first file");
    put_header(a, NULL, "dir", '5', 0);
    put_file(a, "dir/big", big);
    put_pax(a, 'g', "18 comment=global\n");
    put_file(a, "last", "end");
    put_end(a);
}

static int
same_member(const struct tar_member *x, const struct tar_member *y)
{
    return strcmp(x->name, y->name) == 0 && x->type == y->type && x->mode == y->mode &&
           x->offset == y->offset && x->size == y->size;
}

TEST(every_truncation_is_refused_or_changes_nothing)
{
    static struct walk full, cut;
    static struct ar a;
    size_t end;

    memset(&a, 0, sizeof(a));
    sample(&a);
    walk(a.d, a.n, &full);
    CHECK(full.result == 0 && full.count == 4);
    CHECK(strcmp(full.m[0].name, "long/path/name") == 0);
    end = a.n - 1024; /* the first zero block */
    for (size_t n = 0; n < a.n; n++) {
        walk(a.d, n, &cut);
        CHECK(cut.count <= full.count);
        for (int i = 0; i < cut.count && i < full.count; i++)
            CHECK(same_member(&cut.m[i], &full.m[i]));
        if (n == end + 512) {
            CHECK(cut.result == 0 && cut.count == full.count);
        } else {
            CHECK(cut.result == -CAIRN_EINVAL);
        }
    }
}

TEST(every_flipped_header_byte_is_refused)
{
    static struct ar a;
    unsigned headers = 0;

    memset(&a, 0, sizeof(a));
    sample(&a);
    for (size_t at = 0; at + 512 <= a.n; at += 512) {
        uint8_t *h = a.d + at;

        if (memcmp(h + 257, "ustar", 6) != 0)
            continue; /* data or the end */
        headers++;
        for (size_t i = 0; i < 512; i++) {
            for (unsigned bit = 1; bit < 256; bit <<= 1) {
                h[i] ^= (uint8_t)bit;
                /* A flip in the checksum field may leave the same number
                 * (a NUL for a space after the digits): the header then
                 * reads the same. */
                if (walk_result(&a) != -CAIRN_EINVAL && !(i >= 148 && i < 156)) {
                    CHECK(!"a flipped header byte was accepted");
                    printf("  header at %zu byte %zu bit %u\n", at, i, bit);
                }
                h[i] ^= (uint8_t)bit;
            }
        }
    }
    CHECK(headers == 6);
    CHECK(walk_result(&a) == 0);
}

/* --- archives made by the host's tar ----------------------------------------------------------------- */

static char tmpdir[] = "/tmp/test_tar.XXXXXX";

static void
write_file(const char *rel, const char *text)
{
    char path[1024];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Reads the whole file into an exactly-sized block. */
static uint8_t *
read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p;
    long len;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    p = malloc(len > 0 ? (size_t)len : 1);
    *n = fread(p, 1, (size_t)len, f);
    fclose(f);
    return p;
}

static void
host_tar_round(const char *format)
{
    char cmd[2048], name100[101], deep[300];
    struct tar_member m;
    uint8_t *img;
    size_t n = 0;

    memset(name100, 'm', 100);
    name100[100] = '\0';
    /* A 150-byte directory, then a 100-byte name in it: ustar splits it
     * into prefix and name; pax may write a path record. */
    memset(deep, 'd', 150);
    deep[150] = '\0';
    snprintf(cmd, sizeof(cmd), "mkdir -p %s/in/%s", tmpdir, deep);
    CHECK(system(cmd) == 0);
    write_file("in/small", "small file\n");
    write_file("in/empty", "");
    snprintf(cmd, sizeof(cmd), "in/%s", name100 + 3);
    write_file(cmd, "ninety-seven\n");
    snprintf(cmd, sizeof(cmd), "in/%s/%s", deep, name100);
    write_file(cmd, "deep\n");
    snprintf(cmd, sizeof(cmd),
             "cd %s/in && tar --format=%s --owner=0 --group=0 -cf ../out.tar small empty %s %s/%s",
             tmpdir, format, name100 + 3, deep, name100);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof(cmd), "%s/out.tar", tmpdir);
    img = read_all(cmd, &n);
    CHECK(img != NULL && n >= 1024);
    if (!img)
        return;
    CHECK(tar_find(img, n, "small", &m) == 0 && m.size == 11 &&
          memcmp(img + m.offset, "small file\n", 11) == 0);
    CHECK(tar_find(img, n, "empty", &m) == 0 && m.size == 0 && m.type == '0');
    CHECK(tar_find(img, n, name100 + 3, &m) == 0 && m.size == 13);
    snprintf(cmd, sizeof(cmd), "%s/%s", deep, name100);
    CHECK(tar_find(img, n, cmd, &m) == 0 && m.size == 5 &&
          memcmp(img + m.offset, "deep\n", 5) == 0);
    CHECK(tar_find(img, n, "missing", &m) == -CAIRN_ENOENT);
    free(img);
}

TEST(archives_made_by_the_host_tar_read_back)
{
    host_tar_round("ustar");
    host_tar_round("pax");
}

TEST(gnu_format_archives_with_long_names_are_refused)
{
    char cmd[1024], name[201];
    struct tar_member m;
    uint8_t *img;
    size_t n = 0;

    memset(name, 'g', 200);
    name[200] = '\0';
    snprintf(cmd, sizeof(cmd), "in/%s", name);
    write_file(cmd, "x");
    snprintf(cmd, sizeof(cmd), "cd %s/in && tar --format=gnu -cf ../gnu.tar %s", tmpdir, name);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof(cmd), "%s/gnu.tar", tmpdir);
    img = read_all(cmd, &n);
    CHECK(img != NULL);
    if (img)
        CHECK(tar_find(img, n, name, &m) == -CAIRN_EINVAL);
    free(img);
}

int
main(void)
{
    char cmd[256];

    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(cmd, sizeof(cmd), "mkdir -p %s/in", tmpdir);
    if (system(cmd) != 0)
        return 1;
    RUN(reads_members_in_order_with_their_data);
    RUN(names_fill_their_fields_exactly);
    RUN(pax_path_and_size_apply_to_the_next_member_only);
    RUN(the_end_is_one_zero_block_and_what_follows_a_second_is_ignored);
    RUN(find_returns_the_last_member_of_a_name);
    RUN(malformed_headers_are_refused);
    RUN(malformed_pax_records_are_refused);
    RUN(extended_headers_must_lead_to_a_member);
    RUN(every_truncation_is_refused_or_changes_nothing);
    RUN(every_flipped_header_byte_is_refused);
    RUN(archives_made_by_the_host_tar_read_back);
    RUN(gnu_format_archives_with_long_names_are_refused);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        return 1;
    return check_exit();
}
