// SPDX-License-Identifier: MIT
/*
 * Framebuffer text console: a grid of character cells drawn on the boot
 * framebuffer, with a cursor, line wrap and scrolling.
 *
 * RGB framebuffers get glyphs from a bitmap font (common/font.h),
 * one font pixel per screen pixel, in the fg and bg colours converted once
 * to the framebuffer's pixel format. EGA text mode stores the character and
 * an attribute byte in each cell and lets the hardware draw it.
 *
 * Scrolling moves the whole text area up by one text row with a single
 * memmove and clears the last row. Glyphs are not redrawn: under an emulator
 * each framebuffer access is slow, and one block move is far cheaper than
 * rows * cols glyph draws.
 *
 * No floating point or vector registers (the kernel has none), no allocation,
 * no locks: see fbcon.h.
 */
#include <stdbool.h>

#include "common/string.h"
#include "console/fbcon.h"

/* The 16 VGA text colours, in attribute order. */
static const uint32_t vga_palette[16] = {
    0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
    0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

/* Scale an 8-bit colour component to a channel of `size` bits, rounding. */
static uint32_t
channel_scale(uint32_t c8, unsigned size)
{
    uint32_t max = (1u << size) - 1;

    return (c8 * max + 127) / 255;
}

static uint32_t
fbcon_pixel(const struct fbcon *c, uint32_t rgb)
{
    uint32_t r = channel_scale(rgb >> 16 & 0xff, c->red_size);
    uint32_t g = channel_scale(rgb >> 8 & 0xff, c->green_size);
    uint32_t b = channel_scale(rgb & 0xff, c->blue_size);

    return r << c->red_pos | g << c->green_pos | b << c->blue_pos;
}

/* The index of the VGA colour nearest to rgb among the first n. */
static unsigned
vga_nearest(uint32_t rgb, unsigned n)
{
    unsigned best = 0;
    uint32_t best_dist = UINT32_MAX;

    for (unsigned i = 0; i < n; i++) {
        int dr = (int)(rgb >> 16 & 0xff) - (int)(vga_palette[i] >> 16 & 0xff);
        int dg = (int)(rgb >> 8 & 0xff) - (int)(vga_palette[i] >> 8 & 0xff);
        int db = (int)(rgb & 0xff) - (int)(vga_palette[i] & 0xff);
        uint32_t dist = (uint32_t)(dr * dr + dg * dg + db * db);

        if (dist < best_dist) {
            best_dist = dist;
            best = i;
        }
    }
    return best;
}

/*
 * Store one pixel. Byte order is little-endian, as the channel positions
 * assume. __builtin_memcpy of a constant size compiles to a single move
 * (the kernel is -ffreestanding, so plain memcpy would be a call) and is
 * free of alignment assumptions.
 */
static inline void
pixel_store(uint8_t *p, unsigned bytes_pp, uint32_t v)
{
    if (bytes_pp == 4) {
        __builtin_memcpy(p, &v, 4);
    } else if (bytes_pp == 3) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)(v >> 16);
    } else {
        uint16_t v16 = (uint16_t)v;

        __builtin_memcpy(p, &v16, 2);
    }
}

static inline void
ega_store(uint8_t *p, uint16_t cell)
{
    __builtin_memcpy(p, &cell, 2);
}

/*
 * EGA text mode draws with the adapter's own code page 437 font, which agrees
 * with Latin-1 only on ASCII; the rest shows as '?' rather than as a wrong
 * letter.
 */
static uint16_t
ega_cell(const struct fbcon *c, unsigned char ch)
{
    return (uint16_t)((ch < 0x80 ? ch : '?') | c->attr << 8);
}

/*
 * Fill `lines` pixel lines from line y with the background colour, `npix`
 * pixels from the left edge. The first line is built pixel by pixel (or with
 * memset when every byte of the pixel is the same, as for black), the rest
 * are copies of it.
 */
static void
rgb_fill_lines(struct fbcon *c, size_t y, size_t lines, size_t npix)
{
    uint8_t *first = c->base + y * c->pitch;
    size_t nbytes = npix * c->bytes_pp;
    uint32_t v = c->bg;
    uint8_t b0 = (uint8_t)v;
    bool uniform = true;

    if (lines == 0)
        return;
    for (unsigned i = 1; i < c->bytes_pp; i++)
        uniform = uniform && (uint8_t)(v >> (8 * i)) == b0;
    if (uniform) {
        memset(first, b0, nbytes);
    } else {
        for (size_t x = 0; x < npix; x++)
            pixel_store(first + x * c->bytes_pp, c->bytes_pp, v);
    }
    for (size_t i = 1; i < lines; i++)
        memcpy(first + i * c->pitch, first, nbytes);
}

static void
ega_fill_rows(struct fbcon *c, size_t row, size_t nrows)
{
    uint16_t blank = ega_cell(c, ' ');

    for (size_t r = row; r < row + nrows; r++)
        for (size_t x = 0; x < c->cols; x++)
            ega_store(c->base + r * c->pitch + x * 2, blank);
}

static void
fbcon_draw(struct fbcon *c, unsigned col, unsigned row, unsigned char ch)
{
    const struct font *f = c->font;
    const uint8_t *glyph;
    uint8_t *line;

    if (c->type == BOOT_FB_EGA_TEXT) {
        ega_store(c->base + (size_t)row * c->pitch + (size_t)col * 2, ega_cell(c, ch));
        return;
    }
    glyph = font_glyph(f, ch);
    line = c->base + (size_t)row * c->cell_h * c->pitch + (size_t)col * c->cell_w * c->bytes_pp;
    for (unsigned y = 0; y < c->cell_h; y++) {
        for (unsigned x = 0; x < c->cell_w; x++) {
            bool on = glyph[x >> 3] & (0x80 >> (x & 7));

            pixel_store(line + (size_t)x * c->bytes_pp, c->bytes_pp, on ? c->fg : c->bg);
        }
        glyph += f->bytes_per_row;
        line += c->pitch;
    }
}

/* Move every text row up by one and blank the last; the cursor stays put. */
static void
fbcon_scroll(struct fbcon *c)
{
    size_t row_bytes = (size_t)c->cell_h * c->pitch;

    memmove(c->base, c->base + row_bytes, (c->rows - 1) * row_bytes);
    if (c->type == BOOT_FB_EGA_TEXT)
        ega_fill_rows(c, c->rows - 1, 1);
    else
        rgb_fill_lines(c, (size_t)(c->rows - 1) * c->cell_h, c->cell_h,
                       (size_t)c->cols * c->cell_w);
}

static void
fbcon_newline(struct fbcon *c)
{
    c->cx = 0;
    if (c->cy + 1 < c->rows)
        c->cy++;
    else
        fbcon_scroll(c);
}

/* Check an RGB framebuffer and its font; fill in the geometry of n on success. */
static int
rgb_validate(struct fbcon *n, const struct boot_fb *fb, const struct font *font)
{
    const uint8_t pos[3] = {fb->red_pos, fb->green_pos, fb->blue_pos};
    const uint8_t size[3] = {fb->red_size, fb->green_size, fb->blue_size};

    if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
        return -1;
    for (int i = 0; i < 3; i++)
        if (size[i] == 0 || size[i] > 16 || pos[i] + size[i] > fb->bpp)
            return -1;
    if (!font || !font->glyphs || font->width == 0 || font->height == 0 ||
        font->bytes_per_row != (font->width + 7) / 8 || font->glyph_count == 0)
        return -1;
    n->bytes_pp = fb->bpp / 8;
    if ((uint64_t)fb->width * n->bytes_pp > fb->pitch)
        return -1;
    n->font = font;
    n->cell_w = font->width;
    n->cell_h = font->height;
    n->cols = fb->width / font->width;
    n->rows = fb->height / font->height;
    n->red_pos = fb->red_pos;
    n->red_size = fb->red_size;
    n->green_pos = fb->green_pos;
    n->green_size = fb->green_size;
    n->blue_pos = fb->blue_pos;
    n->blue_size = fb->blue_size;
    return 0;
}

/*
 * A console whose init failed has cols == 0, and every call on it does
 * nothing, so a caller may keep writing to it without checking.
 */
int
fbcon_init(struct fbcon *c, const struct boot_fb *fb, void *mapped, const struct font *font)
{
    struct fbcon n = {0};

    *c = n;
    if (!mapped)
        return -1;
    switch (fb->type) {
    case BOOT_FB_RGB:
        if (rgb_validate(&n, fb, font) < 0)
            return -1;
        break;
    case BOOT_FB_EGA_TEXT:
        if ((uint64_t)fb->width * 2 > fb->pitch)
            return -1;
        n.cell_w = n.cell_h = 1;
        n.cols = fb->width;
        n.rows = fb->height;
        break;
    default:
        return -1;
    }
    if (n.cols == 0 || n.rows == 0)
        return -1; /* zero sizes, or smaller than one glyph */

    n.base = mapped;
    n.type = fb->type;
    n.pitch = fb->pitch;
    n.width = fb->width;
    n.height = fb->height;
    *c = n;
    fbcon_set_color(c, FBCON_DEFAULT_FG, FBCON_DEFAULT_BG);
    fbcon_clear(c);
    return 0;
}

void
fbcon_set_color(struct fbcon *c, uint32_t fg_rgb, uint32_t bg_rgb)
{
    if (c->type == BOOT_FB_EGA_TEXT) {
        c->attr = (uint8_t)(vga_nearest(bg_rgb, 8) << 4 | vga_nearest(fg_rgb, 16));
    } else {
        c->fg = fbcon_pixel(c, fg_rgb);
        c->bg = fbcon_pixel(c, bg_rgb);
    }
}

void
fbcon_clear(struct fbcon *c)
{
    if (c->cols == 0)
        return;
    if (c->type == BOOT_FB_EGA_TEXT)
        ega_fill_rows(c, 0, c->rows);
    else
        rgb_fill_lines(c, 0, c->height, c->width);
    c->cx = c->cy = 0;
}

void
fbcon_putc(struct fbcon *c, char ch)
{
    unsigned char uc = (unsigned char)ch;

    if (c->cols == 0)
        return;
    switch (uc) {
    case '\n':
        fbcon_newline(c);
        return;
    case '\r':
        c->cx = 0;
        return;
    case '\t':
        c->cx = (c->cx / 8 + 1) * 8;
        if (c->cx > c->cols)
            c->cx = c->cols;
        return;
    case '\b':
        if (c->cx > 0)
            c->cx--;
        return;
    }
    if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0))
        return; /* C0 and C1 controls, DEL: nothing to draw */
    if (c->cx == c->cols)
        fbcon_newline(c);
    fbcon_draw(c, c->cx, c->cy, uc);
    c->cx++;
}

void
fbcon_write(struct fbcon *c, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fbcon_putc(c, s[i]);
}

unsigned
fbcon_cols(const struct fbcon *c)
{
    return c->cols;
}

unsigned
fbcon_rows(const struct fbcon *c)
{
    return c->rows;
}
