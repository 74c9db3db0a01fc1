// SPDX-License-Identifier: MIT
/*
 * Tests for the font converter tools/psf2c, run as a program: each case
 * writes a crafted PSF1 or PSF2 file to a temporary directory, feeds it to
 * build/tools/psf2c (or $PSF2C) on stdin and looks at the exit status, the
 * message on stderr, and for good fonts the generated C.
 *
 * The table at the bottom lists the cases: good fonts with what their map
 * must say, and malformed fonts that must be refused with exit status 1.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* A growing byte buffer for building font files. */
struct buf {
    uint8_t d[1 << 16];
    size_t n;
};

struct result {
    int status;    /* exit status of psf2c, or -1 if it did not exit normally */
    char err[512]; /* its stderr */
    char *out;     /* its stdout, malloc'd */
};

static const char *psf2c_path = "build/tools/psf2c";
static char tmpdir[] = "/tmp/test_psf2c.XXXXXX";

static void
put8(struct buf *b, unsigned v)
{
    b->d[b->n++] = (uint8_t)v;
}

static void
put16(struct buf *b, unsigned v)
{
    put8(b, v & 0xff);
    put8(b, v >> 8 & 0xff);
}

static void
put32(struct buf *b, uint32_t v)
{
    put16(b, v & 0xffff);
    put16(b, v >> 16);
}

static void
put_bytes(struct buf *b, const void *p, size_t n)
{
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

/* Glyph bytes whose values say where they are: byte i of the data is i * 7 + 1. */
static void
put_glyphs(struct buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put8(b, (unsigned)(i * 7 + 1));
}

static void
psf1_header(struct buf *b, unsigned mode, unsigned charsize)
{
    put8(b, 0x36);
    put8(b, 0x04);
    put8(b, mode);
    put8(b, charsize);
}

struct psf2_hdr {
    uint32_t version, hdr_size, flags, count, charsize, height, width;
};

/* 4 glyphs of 10x3 pixels: 2 bytes a row, 6 a glyph. */
static const struct psf2_hdr psf2_small = {0, 32, 0, 4, 6, 3, 10};

static void
psf2_header(struct buf *b, const struct psf2_hdr *h)
{
    put8(b, 0x72);
    put8(b, 0xb5);
    put8(b, 0x4a);
    put8(b, 0x86);
    put32(b, h->version);
    put32(b, h->hdr_size);
    put32(b, h->flags);
    put32(b, h->count);
    put32(b, h->charsize);
    put32(b, h->height);
    put32(b, h->width);
}

/* A PSF2 font from h with its glyph data and the given unicode table. */
static void
psf2_font(struct buf *b, const struct psf2_hdr *h, const char *table, size_t table_len)
{
    psf2_header(b, h);
    put_glyphs(b, (size_t)h->count * h->charsize);
    put_bytes(b, table, table_len);
}

/* Run psf2c on b. */
static struct result
run_psf2c(const struct buf *b)
{
    char in[64], out[64], err[64], cmd[512];
    struct result r = {.status = -1};
    FILE *f;
    long len;
    int st;

    snprintf(in, sizeof(in), "%s/in.psf", tmpdir);
    snprintf(out, sizeof(out), "%s/out.c", tmpdir);
    snprintf(err, sizeof(err), "%s/err.txt", tmpdir);
    f = fopen(in, "wb");
    fwrite(b->d, 1, b->n, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "'%s' < %s > %s 2> %s", psf2c_path, in, out, err);
    st = system(cmd);
    if (st != -1 && WIFEXITED(st))
        r.status = WEXITSTATUS(st);

    f = fopen(err, "r");
    r.err[fread(r.err, 1, sizeof(r.err) - 1, f)] = 0;
    fclose(f);
    f = fopen(out, "r");
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    r.out = calloc(1, (size_t)len + 1);
    if (fread(r.out, 1, (size_t)len, f) != (size_t)len)
        r.status = -1;
    fclose(f);
    return r;
}

/*
 * Read up to max numbers from the initialiser that follows `marker` in the
 * generated C, skipping comments, up to its closing brace. Returns the count.
 */
static size_t
parse_init(const char *src, const char *marker, unsigned long *v, size_t max)
{
    const char *p = strstr(src, marker);
    size_t n = 0;

    if (!p || !(p = strchr(p, '{')))
        return 0;
    p++;
    while (*p && *p != '}' && n < max) {
        if (p[0] == '/' && p[1] == '*') {
            p = strstr(p, "*/");
            if (!p)
                return n;
            p += 2;
        } else if (*p >= '0' && *p <= '9') {
            char *end;

            v[n++] = strtoul(p, &end, 0);
            p = end;
        } else {
            p++;
        }
    }
    return n;
}

/* Convert b, expecting success; fills map[256] and returns the output to free. */
static char *
convert_ok(const struct buf *b, unsigned long *map)
{
    struct result r = run_psf2c(b);

    CHECK(r.status == 0);
    CHECK(r.err[0] == 0);
    CHECK(strstr(r.out, "#include \"common/font.h\"") != NULL);
    CHECK(parse_init(r.out, ".map = {", map, 256) == 256);
    return r.out;
}

TEST(psf1_without_table_maps_identity)
{
    struct buf b = {.n = 0};
    unsigned long map[256], glyphs[3];
    char *out;

    psf1_header(&b, 0, 4);
    put_glyphs(&b, 256 * 4);
    out = convert_ok(&b, map);
    CHECK(strstr(out, ".width = 8,") && strstr(out, ".height = 4,"));
    CHECK(strstr(out, ".glyph_count = 256,"));
    CHECK(map['A'] == 'A' && map[0] == 0 && map[0xff] == 0xff);
    CHECK(parse_init(out, "font_glyphs[1024] =", glyphs, 3) == 3);
    CHECK(glyphs[0] == 1 && glyphs[1] == 8 && glyphs[2] == 15);
    free(out);
}

TEST(psf1_table_maps_latin1_and_falls_back_to_question_mark)
{
    struct buf b = {.n = 0};
    unsigned long map[256];
    char *out;

    psf1_header(&b, 0x03, 2); /* 512 glyphs, with a table */
    put_glyphs(&b, 512 * 2);
    for (unsigned g = 0; g < 512; g++) {
        if (g == 5) { /* 'A' and A-umlaut, then a sequence holding 'B' */
            put16(&b, 'A');
            put16(&b, 0xc4);
            put16(&b, 0xfffe);
            put16(&b, 'B');
            put16(&b, 0x308);
        } else if (g == 6) {
            put16(&b, 0x263a); /* beyond Latin-1: no map entry */
            put16(&b, '?');
        } else if (g == 7) {
            put16(&b, 'A'); /* listed again: the first glyph wins */
        }
        put16(&b, 0xffff);
    }
    out = convert_ok(&b, map);
    CHECK(strstr(out, ".glyph_count = 512,"));
    CHECK(map['A'] == 5 && map[0xc4] == 5);
    CHECK(map['?'] == 6);
    CHECK(map['B'] == 6); /* only inside a sequence */
    CHECK(map['z'] == 6 && map[0] == 6);
    free(out);
}

TEST(psf2_utf8_table_maps_latin1)
{
    /*
     * Glyph 0: 'A'. 1: e acute. 2: the euro sign, then a sequence (e and a
     * combining acute). 3: U+1F600. Octal escapes, since a hex one would
     * swallow a following letter.
     */
    static const char table[] =
        "A\377\303\251\377\342\202\254\376e\314\201\377\360\237\230\200\377";
    struct psf2_hdr h = psf2_small;
    struct buf b = {.n = 0};
    unsigned long map[256], glyphs[24];
    char *out;

    h.flags = 1;
    psf2_font(&b, &h, table, sizeof(table) - 1);
    out = convert_ok(&b, map);
    CHECK(strstr(out, ".width = 10,") && strstr(out, ".height = 3,"));
    CHECK(strstr(out, ".bytes_per_row = 2,") && strstr(out, ".glyph_count = 4,"));
    CHECK(parse_init(out, "font_glyphs[24] =", glyphs, 24) == 24);
    CHECK(glyphs[0] == 1 && glyphs[23] == ((23 * 7 + 1) & 0xff));
    CHECK(map['A'] == 0 && map[0xe9] == 1);
    CHECK(map['e'] == 0); /* no '?' in the table or font: glyph 0 */
    free(out);
}

TEST(psf2_header_size_is_honoured)
{
    struct psf2_hdr h = psf2_small;
    struct buf b = {.n = 0};
    unsigned long map[256], glyphs[1];
    char *out;

    h.hdr_size = 40;
    psf2_header(&b, &h);
    put32(&b, 0xdeadbeef);
    put32(&b, 0xdeadbeef);
    put_glyphs(&b, 24);
    out = convert_ok(&b, map);
    CHECK(parse_init(out, "font_glyphs[24] =", glyphs, 1) == 1 && glyphs[0] == 1);
    CHECK(map[0] == 0 && map[3] == 3 && map[4] == 0); /* identity, then glyph 0 */
    free(out);
}

/* Malformed fonts: each builder writes one, which psf2c must refuse. */

static void
bad_empty(struct buf *b)
{
    (void)b;
}

static void
bad_magic(struct buf *b)
{
    psf1_header(b, 0, 16);
    b->d[1] = 0x05;
    put_glyphs(b, 256 * 16);
}

static void
psf1_truncated_glyphs(struct buf *b)
{
    psf1_header(b, 0, 16);
    put_glyphs(b, 256 * 16 - 1);
}

static void
psf1_unknown_mode_bits(struct buf *b)
{
    psf1_header(b, 0x10, 16);
    put_glyphs(b, 256 * 16);
}

static void
psf1_zero_height(struct buf *b)
{
    psf1_header(b, 0, 0);
}

static void
psf1_table_misses_glyphs(struct buf *b)
{
    psf1_header(b, 0x02, 1);
    put_glyphs(b, 256);
    for (unsigned g = 0; g < 255; g++)
        put16(b, 0xffff);
}

static void
psf1_table_odd_length(struct buf *b)
{
    psf1_table_misses_glyphs(b);
    put8(b, 0xff);
}

static void
psf1_table_trailing_garbage(struct buf *b)
{
    psf1_table_misses_glyphs(b);
    put16(b, 0xffff);
    put16(b, 'x');
}

static void
psf2_truncated_header(struct buf *b)
{
    psf2_header(b, &psf2_small);
    b->n = 20;
}

static void
psf2_truncated_glyphs(struct buf *b)
{
    psf2_font(b, &psf2_small, "", 0);
    b->n--;
}

static void
psf2_bad_version(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.version = 1;
    psf2_font(b, &h, "", 0);
}

static void
psf2_header_size_too_small(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.hdr_size = 16;
    psf2_font(b, &h, "", 0);
}

static void
psf2_header_size_beyond_file(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.hdr_size = 4096;
    psf2_font(b, &h, "", 0);
}

static void
psf2_unknown_flags(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.flags = 2;
    psf2_font(b, &h, "", 0);
}

static void
psf2_zero_width(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.width = 0;
    h.charsize = 0;
    psf2_font(b, &h, "", 0);
}

static void
psf2_absurd_width(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.width = 1000;
    h.charsize = 3 * 125;
    psf2_font(b, &h, "", 0);
}

static void
psf2_absurd_glyph_count(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.count = 0xffffffff; /* count * charsize overflows 32 bits */
    psf2_header(b, &h);
    put_glyphs(b, 64);
}

static void
psf2_zero_glyphs(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.count = 0;
    psf2_font(b, &h, "", 0);
}

static void
psf2_charsize_mismatch(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.charsize = 3; /* 10 pixels wide needs 2 bytes a row */
    psf2_font(b, &h, "", 0);
}

static void
psf2_table_truncated(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.flags = 1;
    psf2_font(b, &h, "A\377B\377C\377D", 7);
}

static void
psf2_table_stray_continuation(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.flags = 1;
    psf2_font(b, &h, "\x80\xff\xff\xff\xff", 5);
}

static void
psf2_table_overlong_utf8(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.flags = 1;
    psf2_font(b, &h, "\xc1\x81\xff\xff\xff\xff", 6); /* 'A' in two bytes */
}

static void
psf2_table_cut_utf8(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.flags = 1;
    psf2_font(b, &h, "\xff\xff\xff\xe2\x82", 5);
}

static void
psf2_table_surrogate(struct buf *b)
{
    struct psf2_hdr h = psf2_small;

    h.flags = 1;
    psf2_font(b, &h, "\xed\xa0\x80\xff\xff\xff\xff", 7); /* U+D800 */
}

static const struct {
    const char *name;
    void (*build)(struct buf *);
} bad_fonts[] = {
    {"rejects_empty_input", bad_empty},
    {"rejects_bad_magic", bad_magic},
    {"rejects_psf1_truncated_glyphs", psf1_truncated_glyphs},
    {"rejects_psf1_unknown_mode_bits", psf1_unknown_mode_bits},
    {"rejects_psf1_zero_height", psf1_zero_height},
    {"rejects_psf1_table_missing_glyphs", psf1_table_misses_glyphs},
    {"rejects_psf1_table_odd_length", psf1_table_odd_length},
    {"rejects_psf1_table_trailing_garbage", psf1_table_trailing_garbage},
    {"rejects_psf2_truncated_header", psf2_truncated_header},
    {"rejects_psf2_truncated_glyphs", psf2_truncated_glyphs},
    {"rejects_psf2_bad_version", psf2_bad_version},
    {"rejects_psf2_header_size_too_small", psf2_header_size_too_small},
    {"rejects_psf2_header_size_beyond_file", psf2_header_size_beyond_file},
    {"rejects_psf2_unknown_flags", psf2_unknown_flags},
    {"rejects_psf2_zero_width", psf2_zero_width},
    {"rejects_psf2_absurd_width", psf2_absurd_width},
    {"rejects_psf2_absurd_glyph_count", psf2_absurd_glyph_count},
    {"rejects_psf2_zero_glyphs", psf2_zero_glyphs},
    {"rejects_psf2_charsize_mismatch", psf2_charsize_mismatch},
    {"rejects_psf2_table_truncated", psf2_table_truncated},
    {"rejects_psf2_table_stray_continuation", psf2_table_stray_continuation},
    {"rejects_psf2_table_overlong_utf8", psf2_table_overlong_utf8},
    {"rejects_psf2_table_cut_utf8", psf2_table_cut_utf8},
    {"rejects_psf2_table_surrogate", psf2_table_surrogate},
};

static unsigned bad_current;

/* The malformed font bad_fonts[bad_current] ends psf2c with status 1 and a message. */
static void
bad_font_is_rejected(void)
{
    struct buf *b = calloc(1, sizeof(*b));
    struct result r;

    bad_fonts[bad_current].build(b);
    r = run_psf2c(b);
    CHECK(r.status == 1);
    CHECK(strncmp(r.err, "psf2c: error: ", 14) == 0);
    CHECK(strchr(r.err, '\n') != NULL);
    free(r.out);
    free(b);
}

int
main(void)
{
    char cmd[64];

    if (getenv("PSF2C"))
        psf2c_path = getenv("PSF2C");
    if (access(psf2c_path, X_OK) != 0) {
        printf("FAIL psf2c_exists: %s is not an executable (run from the top directory)\n",
               psf2c_path);
        return 1;
    }
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }

    RUN(psf1_without_table_maps_identity);
    RUN(psf1_table_maps_latin1_and_falls_back_to_question_mark);
    RUN(psf2_utf8_table_maps_latin1);
    RUN(psf2_header_size_is_honoured);
    for (bad_current = 0; bad_current < sizeof(bad_fonts) / sizeof(bad_fonts[0]); bad_current++)
        run_test(bad_fonts[bad_current].name, bad_font_is_rejected);

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        perror("rm");
    return check_exit();
}
