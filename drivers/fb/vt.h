/* SPDX-License-Identifier: MIT */
/*
 * The framebuffer console's terminal: a grid of character cells and the
 * VT100/ANSI escape sequences that change it, as pure code (no system
 * calls, no allocation: the grid is a fixed array in the struct), host-
 * tested (tests/host/test_vt.c) and fuzzed (tests/fuzz/fuzz_vt.c). What
 * is on the screen is drawn from the grid by draw.c.
 *
 * Understood (what lib/termline's echo and simple programs send):
 *   - printable bytes 0x20-0x7e and 0xa0-0xff (Latin-1) at the cursor,
 *     wrapping at the right edge (the wrap waits for the next printable
 *     byte, so a full row then "\r\n" leaves no blank row);
 *   - \r, \n (down one row, scrolling at the bottom; the column stays, as
 *     on a VT100: the console sends \r\n), \b (left, not past column 0),
 *     \t (to the next multiple of 8, at most the last column), BEL (nothing);
 *   - ESC [ n A/B/C/D (up, down, right, left; n defaults to 1), ESC [ r;c
 *     H and f (1-based, default 1;1), ESC [ n G (column), ESC [ n d (row),
 *     ESC [ n J (0 to the end, 1 to the cursor, 2 and 3 all), ESC [ n K
 *     (the same within the row), ESC [ ... m (0 reset, 1 bold (bright),
 *     22 normal, 7 reverse, 27 not, 30-37 and 90-97 foreground, 39 its
 *     default, 40-47 and 100-107 background, 49 its default), ESC [ ? 25 h
 *     and l (show, hide the cursor), ESC c (reset);
 *   - anything else is consumed and ignored: other CSI sequences whole,
 *     other ESC sequences (ESC ( B and its kind to their final byte, ESC ]
 *     to BEL or ESC \), C0 and C1 controls; CAN and SUB end a sequence.
 *
 * Invariants (checked by vt_check and the fuzzer after every byte):
 *   1 <= cols <= VT_COLS_MAX, 1 <= rows <= VT_ROWS_MAX; 0 <= cy < rows,
 *   0 <= cx <= cols (cx == cols only while a wrap is pending); every
 *   cell's colours < 16; at most VT_PARAMS parameters, each <= VT_PARAM_MAX.
 */
#ifndef CAIRN_DRIVERS_FB_VT_H
#define CAIRN_DRIVERS_FB_VT_H

#include <stddef.h>
#include <stdint.h>

#define VT_COLS_MAX  256u
#define VT_ROWS_MAX  128u
#define VT_PARAMS    8u
#define VT_PARAM_MAX 9999u

#define VT_DEFAULT_FG 7u /* light grey */
#define VT_DEFAULT_BG 0u /* black */

/* One character cell. Colours are indices into the 16 VGA colours. */
struct vt_cell {
    uint8_t ch;
    uint8_t fg, bg;
    uint8_t flags; /* VT_CELL_* (the drawing side's) */
};

#define VT_CELL_CURSOR 1u /* draw.c: the cursor is shown in this cell */

enum vt_state {
    VT_GROUND,
    VT_ESC,       /* after ESC */
    VT_CSI,       /* after ESC [ : parameters */
    VT_IGNORE,    /* a CSI sequence that is consumed without effect */
    VT_ESC_INTER, /* ESC and intermediates (ESC ( B): to the final byte */
    VT_OSC,       /* ESC ] ...: an operating system command, to BEL or ESC \ */
};

struct vt {
    uint32_t cols, rows;
    uint32_t cx, cy;
    uint8_t fg, bg; /* the colours of what is written next */
    uint8_t bold, reverse;
    uint8_t cursor_on; /* ESC [ ? 25 h / l */
    uint8_t state;     /* enum vt_state */
    uint8_t private_;  /* the CSI began with '?' (or another of < = > ?) */
    uint32_t nparams;
    uint32_t params[VT_PARAMS];
    uint32_t scrolled; /* rows scrolled up since the drawer last took it */
    struct vt_cell cells[VT_ROWS_MAX * VT_COLS_MAX]; /* row after row, cols apart */
};

/* A terminal of cols x rows (clamped to 1..the maxima), blank, the cursor
 * at the top left. */
void vt_init(struct vt *v, uint32_t cols, uint32_t rows);

/* Interprets len bytes. */
void vt_write(struct vt *v, const uint8_t *data, size_t len);

/* The cell at column x, row y (both inside the grid). */
static inline const struct vt_cell *
vt_cell(const struct vt *v, uint32_t x, uint32_t y)
{
    return &v->cells[(size_t)y * v->cols + x];
}

/* 0 if the invariants above hold, else the number of the first broken one. */
int vt_check(const struct vt *v);

#endif
