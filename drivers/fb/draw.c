// SPDX-License-Identifier: MIT
/*
 * Drawing the terminal's cells as glyphs (draw.h has the invariants).
 *
 * One font pixel is one screen pixel, in the cell's colours converted once
 * to the framebuffer's pixel format (the palette). The cursor is the cell
 * drawn with its colours swapped. Pixels right of the last column and
 * below the last row are cleared once and never drawn on.
 */
#include <string.h>

#include "draw.h"

/* The 16 VGA colours, in ANSI order (black, red, green, yellow, blue,
 * magenta, cyan, white, then the bright ones). */
static const uint32_t ansi_rgb[16] = {
    0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
    0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

static uint32_t
channel(uint32_t c8, unsigned size)
{
    return (c8 * ((1u << size) - 1) + 127) / 255;
}

static void
pixel_store(uint8_t *p, uint32_t bytes_pp, uint32_t v)
{
    if (bytes_pp == 4) {
        memcpy(p, &v, 4);
    } else if (bytes_pp == 3) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)(v >> 16);
    } else {
        uint16_t v16 = (uint16_t)v;

        memcpy(p, &v16, 2);
    }
}

int
draw_init(struct draw *d, const struct draw_geometry *g, void *base, const struct font *font)
{
    const uint8_t pos[3] = {g->red_pos, g->green_pos, g->blue_pos};
    const uint8_t size[3] = {g->red_size, g->green_size, g->blue_size};

    memset(d, 0, sizeof(*d));
    if (!base || (g->bpp != 16 && g->bpp != 24 && g->bpp != 32))
        return -1;
    for (int i = 0; i < 3; i++)
        if (size[i] == 0 || size[i] > 16 || pos[i] + size[i] > g->bpp)
            return -1;
    if (!font || font->width == 0 || font->height == 0 || font->glyph_count == 0 ||
        font->bytes_per_row != (font->width + 7) / 8)
        return -1;
    if ((uint64_t)g->width * (g->bpp / 8) > g->pitch || g->width < font->width ||
        g->height < font->height)
        return -1;
    d->base = base;
    d->pitch = g->pitch;
    d->width = g->width;
    d->height = g->height;
    d->bytes_pp = g->bpp / 8u;
    d->font = font;
    d->cols = g->width / font->width;
    d->rows = g->height / font->height;
    if (d->cols > VT_COLS_MAX)
        d->cols = VT_COLS_MAX;
    if (d->rows > VT_ROWS_MAX)
        d->rows = VT_ROWS_MAX;
    for (int i = 0; i < 16; i++) {
        uint32_t rgb = ansi_rgb[i];

        d->palette[i] = channel(rgb >> 16 & 0xff, g->red_size) << g->red_pos |
                        channel(rgb >> 8 & 0xff, g->green_size) << g->green_pos |
                        channel(rgb & 0xff, g->blue_size) << g->blue_pos;
    }
    /* Black is 0 in every format: the whole screen at once. */
    for (uint32_t y = 0; y < g->height; y++)
        memset(d->base + (size_t)y * d->pitch, 0, (size_t)g->width * d->bytes_pp);
    for (size_t i = 0; i < (size_t)d->cols * d->rows; i++)
        d->shown[i] = (struct vt_cell){' ', VT_DEFAULT_FG, 0, 0};
    return 0;
}

static void
draw_cell(struct draw *d, uint32_t col, uint32_t row, struct vt_cell c)
{
    const struct font *f = d->font;
    const uint8_t *glyph = font_glyph(f, c.ch);
    uint8_t *line =
        d->base + (size_t)row * f->height * d->pitch + (size_t)col * f->width * d->bytes_pp;
    uint32_t fg = d->palette[c.fg & 15], bg = d->palette[c.bg & 15];

    if (c.flags & VT_CELL_CURSOR) {
        uint32_t t = fg;

        fg = bg;
        bg = t;
    }
    for (uint32_t y = 0; y < f->height; y++) {
        for (uint32_t x = 0; x < f->width; x++) {
            int on = glyph[x >> 3] & (0x80 >> (x & 7));

            pixel_store(line + (size_t)x * d->bytes_pp, d->bytes_pp, on ? fg : bg);
        }
        glyph += f->bytes_per_row;
        line += d->pitch;
    }
}

/* Moves the text area's pixels up n rows (n < rows), and shown[] with them;
 * the rows that came free are marked unknown, to be drawn. */
static void
draw_scroll(struct draw *d, uint32_t n)
{
    size_t row_bytes = (size_t)d->font->height * d->pitch,
           line = (size_t)d->cols * d->font->width * d->bytes_pp;

    for (size_t y = 0; y < (size_t)(d->rows - n) * d->font->height; y++)
        memmove(d->base + y * d->pitch, d->base + y * d->pitch + n * row_bytes, line);
    memmove(d->shown, d->shown + (size_t)n * d->cols,
            (size_t)(d->rows - n) * d->cols * sizeof(d->shown[0]));
    for (size_t i = (size_t)(d->rows - n) * d->cols; i < (size_t)d->rows * d->cols; i++)
        d->shown[i].flags = 0xff;
}

void
draw_sync(struct draw *d, struct vt *v)
{
    uint32_t cx = v->cx < v->cols ? v->cx : v->cols - 1;

    if (v->cols != d->cols || v->rows != d->rows)
        return;
    if (v->scrolled) {
        if (v->scrolled < d->rows)
            draw_scroll(d, v->scrolled);
        else
            for (size_t i = 0; i < (size_t)d->rows * d->cols; i++)
                d->shown[i].flags = 0xff;
        v->scrolled = 0;
    }
    for (uint32_t y = 0; y < d->rows; y++) {
        for (uint32_t x = 0; x < d->cols; x++) {
            struct vt_cell want = *vt_cell(v, x, y);
            struct vt_cell *have = &d->shown[(size_t)y * d->cols + x];

            want.flags = v->cursor_on && x == cx && y == v->cy ? VT_CELL_CURSOR : 0;
            if (memcmp(&want, have, sizeof(want)) != 0) {
                draw_cell(d, x, y, want);
                *have = want;
            }
        }
    }
}
