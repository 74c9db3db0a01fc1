/* SPDX-License-Identifier: MIT */
/*
 * A bitmap console font, as tools/psf2c generates it from a PSF1 or PSF2 file
 * at build time (build/gen/font.c defines console_font): shared by the
 * kernel's console and the framebuffer driver (drivers/fb), which both link
 * the generated font.
 *
 * Invariants the generator guarantees and the console relies on:
 *   - 1 <= width, height <= 64, bytes_per_row == (width + 7) / 8;
 *   - glyphs holds glyph_count * height * bytes_per_row bytes, glyph after
 *     glyph, rows top-down, the most significant bit of a byte the leftmost
 *     pixel, pad bits at the right of each row zero-or-ignored;
 *   - every map[] entry is < glyph_count, so a Latin-1 byte always names a
 *     glyph: unmapped code points show the font's '?'.
 */
#ifndef CAIRN_COMMON_FONT_H
#define CAIRN_COMMON_FONT_H

#include <stddef.h>
#include <stdint.h>

struct font {
    uint32_t width, height; /* pixels */
    uint32_t bytes_per_row; /* (width + 7) / 8 */
    uint32_t glyph_count;
    const uint8_t *glyphs; /* glyph_count * height * bytes_per_row bytes */
    uint16_t map[256];     /* Latin-1 code point -> glyph index */
};

extern const struct font console_font;

/* The bitmap of the glyph that shows Latin-1 character ch. */
static inline const uint8_t *
font_glyph(const struct font *f, unsigned char ch)
{
    uint32_t idx = f->map[ch];

    if (idx >= f->glyph_count) /* cannot happen with a generated font; stay in bounds anyway */
        idx = 0;
    return f->glyphs + (size_t)idx * f->height * f->bytes_per_row;
}

#endif
