// SPDX-License-Identifier: MIT
/*
 * psf2c: turn a PC Screen Font (PSF1 or PSF2) into C source for the kernel.
 *
 *     gzip -dc FONT.psf.gz | build/tools/psf2c > build/gen/font.c
 *
 * The kernel cannot read font files or decompress gzip, so the build bakes one
 * font in. The output defines `console_font` (see common/font.h): the
 * glyph bitmaps exactly as the file stores them, plus a 256-entry table from
 * Latin-1 code points to glyph indices built from the font's Unicode table.
 *
 * Input is untrusted in the sense that a damaged or wrong file must never
 * produce a font that makes the kernel read out of bounds. So every size is
 * checked before it is used, sizes are bounded (a console font is small),
 * arithmetic on header fields is done in 64 bits, and every map entry written
 * out is below glyph_count. Any problem ends the program with a message on
 * stderr and exit status 1, and nothing but the partial output (which the
 * build discards) is written.
 *
 * File formats (all integers little-endian):
 *   PSF1: 36 04, mode, charsize; 256 glyphs (512 with mode bit 0x01) of
 *         charsize bytes, 8 pixels wide; a Unicode table when mode has 0x02
 *         or 0x04: per glyph, 16-bit code points ended by FFFF, where FFFE
 *         starts combining sequences.
 *   PSF2: 72 b5 4a 86, version 0, headersize, flags, length, charsize,
 *         height, width; glyphs at headersize; a Unicode table when flags
 *         bit 0 is set: per glyph, UTF-8 code points ended by byte FF, where
 *         byte FE starts combining sequences.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT       (16u << 20) /* far more than any console font */
#define MAX_DIM         64          /* pixels, each way */
#define MAX_GLYPHS      65536
#define PSF1_MODE512    0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODEHASSEQ 0x04
#define PSF1_HDR_SIZE   4
#define PSF2_HDR_SIZE   32
#define PSF2_HAS_TABLE  0x01
#define NO_GLYPH        UINT32_MAX

struct psf {
    const char *format; /* "PSF1" or "PSF2", for the output's comment */
    uint32_t width, height, bytes_per_row, glyph_count;
    const uint8_t *glyphs;
    bool has_table;
    uint32_t map[256]; /* NO_GLYPH where the Unicode table names no glyph */
};

static void psf_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void
psf_die(const char *fmt, ...)
{
    va_list ap;

    fputs("psf2c: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static uint32_t
read_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Read all of stdin; a stream larger than MAX_INPUT is not a console font. */
static uint8_t *
input_read(size_t *len_out)
{
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);

    if (!buf)
        psf_die("out of memory");
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, stdin);

        len += n;
        if (len > MAX_INPUT)
            psf_die("input larger than %u bytes: not a console font", MAX_INPUT);
        if (n == 0)
            break;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                psf_die("out of memory");
        }
    }
    if (ferror(stdin))
        psf_die("reading standard input failed");
    *len_out = len;
    return buf;
}

/* The first glyph a code point is listed for wins, as in the Linux console. */
static void
psf_map_add(struct psf *f, uint32_t cp, uint32_t glyph)
{
    if (cp < 256 && f->map[cp] == NO_GLYPH)
        f->map[cp] = glyph;
}

static void
psf_check_dims(uint32_t width, uint32_t height, uint32_t count)
{
    if (width == 0 || height == 0 || width > MAX_DIM || height > MAX_DIM)
        psf_die("glyph size %ux%u is outside 1..%u", width, height, MAX_DIM);
    if (count == 0 || count > MAX_GLYPHS)
        psf_die("glyph count %u is outside 1..%u", count, MAX_GLYPHS);
}

static void
psf1_parse_table(struct psf *f, const uint8_t *p, size_t len)
{
    size_t off = 0;

    for (uint32_t g = 0; g < f->glyph_count; g++) {
        bool in_seq = false;

        for (;;) {
            uint16_t v;

            if (len - off < 2)
                psf_die("unicode table truncated at glyph %u of %u", g, f->glyph_count);
            v = (uint16_t)(p[off] | p[off + 1] << 8);
            off += 2;
            if (v == 0xffff)
                break;
            if (v == 0xfffe)
                in_seq = true; /* combining sequences map no single code point */
            else if (!in_seq)
                psf_map_add(f, v, g);
        }
    }
    if (off != len)
        psf_die("%zu bytes of garbage after the unicode table", len - off);
}

static void
psf1_parse(struct psf *f, const uint8_t *buf, size_t len)
{
    uint8_t mode = buf[2], charsize = buf[3];
    uint64_t glyph_bytes;

    if (mode & ~(PSF1_MODE512 | PSF1_MODEHASTAB | PSF1_MODEHASSEQ))
        psf_die("PSF1 mode 0x%02x has unknown bits", mode);
    f->format = "PSF1";
    f->width = 8;
    f->height = charsize;
    f->bytes_per_row = 1;
    f->glyph_count = (mode & PSF1_MODE512) ? 512 : 256;
    psf_check_dims(f->width, f->height, f->glyph_count);

    glyph_bytes = (uint64_t)f->glyph_count * charsize;
    if (len - PSF1_HDR_SIZE < glyph_bytes)
        psf_die("glyph data truncated: %zu of %llu bytes", len - PSF1_HDR_SIZE,
                (unsigned long long)glyph_bytes);
    f->glyphs = buf + PSF1_HDR_SIZE;

    f->has_table = mode & (PSF1_MODEHASTAB | PSF1_MODEHASSEQ);
    if (f->has_table)
        psf1_parse_table(f, f->glyphs + glyph_bytes, len - PSF1_HDR_SIZE - glyph_bytes);
    /* Without a table, bytes after the glyphs are tolerated: nothing reads them. */
}

/*
 * Decode one UTF-8 character at p[*off] (len bytes in all). Overlong forms,
 * surrogates and values past U+10FFFF are errors, as is a sequence cut short.
 */
static uint32_t
utf8_decode(const uint8_t *p, size_t len, size_t *off, uint32_t glyph)
{
    static const uint32_t min_cp[4] = {0, 0x80, 0x800, 0x10000};
    uint8_t b = p[*off];
    unsigned extra;
    uint32_t cp;

    if (b < 0x80) {
        *off += 1;
        return b;
    } else if ((b & 0xe0) == 0xc0) {
        extra = 1;
        cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
        extra = 2;
        cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
        extra = 3;
        cp = b & 0x07;
    } else {
        psf_die("unicode table: bad UTF-8 byte 0x%02x for glyph %u", b, glyph);
    }
    if (len - *off <= extra)
        psf_die("unicode table truncated inside a UTF-8 character of glyph %u", glyph);
    for (unsigned i = 1; i <= extra; i++) {
        uint8_t c = p[*off + i];

        if ((c & 0xc0) != 0x80)
            psf_die("unicode table: bad UTF-8 continuation 0x%02x for glyph %u", c, glyph);
        cp = cp << 6 | (c & 0x3f);
    }
    if (cp < min_cp[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        psf_die("unicode table: invalid code point U+%04X for glyph %u", cp, glyph);
    *off += extra + 1;
    return cp;
}

static void
psf2_parse_table(struct psf *f, const uint8_t *p, size_t len)
{
    size_t off = 0;

    for (uint32_t g = 0; g < f->glyph_count; g++) {
        bool in_seq = false;

        for (;;) {
            uint32_t cp;

            if (off == len)
                psf_die("unicode table truncated at glyph %u of %u", g, f->glyph_count);
            if (p[off] == 0xff) {
                off++;
                break;
            }
            if (p[off] == 0xfe) {
                in_seq = true; /* combining sequences map no single code point */
                off++;
                continue;
            }
            cp = utf8_decode(p, len, &off, g);
            if (!in_seq)
                psf_map_add(f, cp, g);
        }
    }
    if (off != len)
        psf_die("%zu bytes of garbage after the unicode table", len - off);
}

static void
psf2_parse(struct psf *f, const uint8_t *buf, size_t len)
{
    uint32_t version, hdr_size, flags, charsize;
    uint64_t glyph_bytes;

    if (len < PSF2_HDR_SIZE)
        psf_die("PSF2 header truncated: %zu of %u bytes", len, PSF2_HDR_SIZE);
    version = read_le32(buf + 4);
    hdr_size = read_le32(buf + 8);
    flags = read_le32(buf + 12);
    f->glyph_count = read_le32(buf + 16);
    charsize = read_le32(buf + 20);
    f->height = read_le32(buf + 24);
    f->width = read_le32(buf + 28);
    f->format = "PSF2";

    if (version != 0)
        psf_die("PSF2 version %u is unknown", version);
    if (hdr_size < PSF2_HDR_SIZE || hdr_size > len)
        psf_die("PSF2 header size %u is outside %u..%zu", hdr_size, PSF2_HDR_SIZE, len);
    if (flags & ~(uint32_t)PSF2_HAS_TABLE)
        psf_die("PSF2 flags 0x%x have unknown bits", flags);
    psf_check_dims(f->width, f->height, f->glyph_count);
    f->bytes_per_row = (f->width + 7) / 8;
    if (charsize != f->height * f->bytes_per_row)
        psf_die("PSF2 charsize %u does not match %ux%u glyphs (%u bytes)", charsize, f->width,
                f->height, f->height * f->bytes_per_row);

    glyph_bytes = (uint64_t)f->glyph_count * charsize;
    if (len - hdr_size < glyph_bytes)
        psf_die("glyph data truncated: %zu of %llu bytes", len - hdr_size,
                (unsigned long long)glyph_bytes);
    f->glyphs = buf + hdr_size;

    f->has_table = flags & PSF2_HAS_TABLE;
    if (f->has_table)
        psf2_parse_table(f, f->glyphs + glyph_bytes, len - hdr_size - glyph_bytes);
}

static void
psf_parse(struct psf *f, const uint8_t *buf, size_t len)
{
    for (unsigned i = 0; i < 256; i++)
        f->map[i] = NO_GLYPH;
    if (len >= PSF1_HDR_SIZE && buf[0] == 0x36 && buf[1] == 0x04)
        psf1_parse(f, buf, len);
    else if (len >= 4 && buf[0] == 0x72 && buf[1] == 0xb5 && buf[2] == 0x4a && buf[3] == 0x86)
        psf2_parse(f, buf, len);
    else if (len == 0)
        psf_die("empty input: expected a PSF font (did gzip -dc fail?)");
    else
        psf_die("bad magic: not a PSF1 or PSF2 font");
}

/*
 * Complete the map. With a table, code points it does not list show the
 * font's '?' (found through the table, else glyph 0x3f, else glyph 0).
 * Without one, a font is assumed to be laid out in Latin-1 order.
 */
static unsigned
psf_map_finish(struct psf *f)
{
    uint32_t fallback = f->map['?'];
    unsigned mapped = 0;

    if (fallback == NO_GLYPH)
        fallback = '?' < f->glyph_count ? '?' : 0;
    for (uint32_t cp = 0; cp < 256; cp++) {
        if (f->map[cp] != NO_GLYPH)
            mapped++;
        else if (!f->has_table && cp < f->glyph_count)
            f->map[cp] = cp;
        else
            f->map[cp] = fallback;
    }
    return mapped;
}

static void
emit(const struct psf *f, unsigned mapped)
{
    size_t glyph_size = (size_t)f->height * f->bytes_per_row;

    printf("/*\n"
           " * Generated by tools/psf2c from a %s font; do not edit.\n"
           " * %ux%u pixels, %u glyphs, %s.\n"
           " * The glyph bitmaps are the input font's and carry its licence.\n"
           " */\n",
           f->format, f->width, f->height, f->glyph_count,
           f->has_table ? "Latin-1 mapped through its unicode table"
                        : "no unicode table (identity map)");
    if (f->has_table)
        printf("/* %u of 256 Latin-1 code points are in the table; the rest show '?'. */\n",
               mapped);
    printf("#include \"common/font.h\"\n\n");

    printf("static const uint8_t font_glyphs[%zu] = {\n", glyph_size * f->glyph_count);
    for (uint32_t g = 0; g < f->glyph_count; g++) {
        const uint8_t *p = f->glyphs + g * glyph_size;

        printf("    /* %u */\n", g);
        for (size_t i = 0; i < glyph_size; i++) {
            bool first = i % 16 == 0, last = i % 16 == 15 || i + 1 == glyph_size;

            printf("%s0x%02x,%s", first ? "    " : "", p[i], last ? "\n" : " ");
        }
    }
    printf("};\n\n");

    printf("const struct font console_font = {\n"
           "    .width = %u,\n"
           "    .height = %u,\n"
           "    .bytes_per_row = %u,\n"
           "    .glyph_count = %u,\n"
           "    .glyphs = font_glyphs,\n"
           "    .map = {\n",
           f->width, f->height, f->bytes_per_row, f->glyph_count);
    for (unsigned cp = 0; cp < 256; cp++) {
        if (cp % 8 == 0)
            printf("        /* 0x%02x */", cp);
        printf(" %u,%s", f->map[cp], cp % 8 == 7 ? "\n" : "");
    }
    printf("    },\n};\n");
}

int
main(int argc, char **argv)
{
    struct psf font;
    size_t len;
    uint8_t *buf;

    (void)argv;
    if (argc != 1) {
        fputs("usage: gzip -dc FONT.psf.gz | psf2c > font.c\n", stderr);
        return 2;
    }
    buf = input_read(&len);
    psf_parse(&font, buf, len);
    emit(&font, psf_map_finish(&font));
    if (fflush(stdout) != 0 || ferror(stdout))
        psf_die("writing standard output failed");
    free(buf);
    return 0;
}
