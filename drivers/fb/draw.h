/* SPDX-License-Identifier: MIT */
/*
 * Drawing a terminal's grid (vt.h) on a linear RGB framebuffer with a
 * bitmap font (common/font.h): pure code over memory the caller mapped,
 * host-tested on a buffer (tests/host/test_vt.c).
 *
 * The drawer keeps a copy of what it last drew in each cell (shown[]), so
 * draw_sync redraws only the cells whose character, colours or cursor
 * changed, and a scroll of the grid becomes one move of the pixels, not a
 * redraw of every glyph.
 *
 * Invariants: after draw_init succeeded, cols * font width <= width and
 * rows * font height <= height, so no call writes outside
 * [base, base + pitch * height); shown[] is what the pixels of each cell
 * show, or a cell no grid can hold (flags 0xff) where that is unknown.
 */
#ifndef CAIRN_DRIVERS_FB_DRAW_H
#define CAIRN_DRIVERS_FB_DRAW_H

#include <stdint.h>

#include "common/font.h"
#include "vt.h"

/* The framebuffer, as include/cairn/bootinfo.h describes it. */
struct draw_geometry {
    uint32_t pitch, width, height;
    uint8_t bpp;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct draw {
    uint8_t *base;
    uint32_t pitch, width, height, bytes_pp;
    const struct font *font;
    uint32_t cols, rows;
    uint32_t palette[16]; /* the VGA colours as pixel values */
    struct vt_cell shown[VT_ROWS_MAX * VT_COLS_MAX];
};

/* Sets d up over the framebuffer mapped at base and clears it. 0, or -1
 * when it cannot draw there (depth other than 16, 24 or 32 bpp, channels
 * outside the pixel, a pitch shorter than a line, smaller than a glyph). */
int draw_init(struct draw *d, const struct draw_geometry *g, void *base, const struct font *font);

/* Makes the pixels show v (whose size must be d's cols x rows): takes
 * v->scrolled, moves the pixels up that far, redraws the cells that
 * differ, and the cursor. */
void draw_sync(struct draw *d, struct vt *v);

#endif
