// SPDX-License-Identifier: MIT
/*
 * The framebuffer console's terminal: escape sequences over a grid of
 * cells (vt.h has what is understood and the invariants).
 *
 * A byte is interpreted by the state it finds: in VT_GROUND it is drawn
 * or is a control; ESC leads to VT_ESC, `[` then to VT_CSI, which gathers
 * numeric parameters until a final byte (0x40-0x7e) acts. A parameter
 * that overflows is clamped, one past VT_PARAMS is dropped, so nothing a
 * program writes can take the state outside its bounds, and every cursor
 * motion is clamped to the grid.
 */
#include <string.h>

#include "vt.h"

static struct vt_cell
vt_blank(const struct vt *v)
{
    /* Erasing paints the current background, as xterm does. */
    return (struct vt_cell){' ', VT_DEFAULT_FG, v->reverse ? v->fg : v->bg, 0};
}

/* Blanks count cells from cell index first. */
static void
vt_erase(struct vt *v, size_t first, size_t count)
{
    struct vt_cell b = vt_blank(v);

    for (size_t i = 0; i < count; i++)
        v->cells[first + i] = b;
}

void
vt_init(struct vt *v, uint32_t cols, uint32_t rows)
{
    memset(v, 0, sizeof(*v));
    v->cols = cols < 1 ? 1 : cols > VT_COLS_MAX ? VT_COLS_MAX : cols;
    v->rows = rows < 1 ? 1 : rows > VT_ROWS_MAX ? VT_ROWS_MAX : rows;
    v->fg = VT_DEFAULT_FG;
    v->bg = VT_DEFAULT_BG;
    v->cursor_on = 1;
    vt_erase(v, 0, (size_t)v->cols * v->rows);
}

/* Down one row, scrolling the grid up at the bottom. */
static void
vt_linefeed(struct vt *v)
{
    size_t row = v->cols;

    if (v->cy + 1 < v->rows) {
        v->cy++;
        return;
    }
    memmove(v->cells, v->cells + row, (v->rows - 1) * row * sizeof(v->cells[0]));
    vt_erase(v, (v->rows - 1) * row, row);
    if (v->scrolled < v->rows)
        v->scrolled++;
}

static void
vt_put(struct vt *v, uint8_t ch)
{
    struct vt_cell *c;

    if (v->cx >= v->cols) {
        v->cx = 0;
        vt_linefeed(v);
    }
    c = &v->cells[(size_t)v->cy * v->cols + v->cx];
    c->ch = ch;
    c->fg = v->reverse ? v->bg : v->fg;
    c->bg = v->reverse ? v->fg : v->bg;
    c->flags = 0;
    if (v->bold && c->fg < 8 && !v->reverse)
        c->fg += 8;
    v->cx++;
}

/* Parameter i, or def when absent or 0 (VT100: 0 means the default). */
static uint32_t
vt_param(const struct vt *v, uint32_t i, uint32_t def)
{
    return i < v->nparams && v->params[i] ? v->params[i] : def;
}

static uint32_t
clamp_sub(uint32_t a, uint32_t b)
{
    return a > b ? a - b : 0;
}

static uint32_t
clamp_add(uint32_t a, uint32_t b, uint32_t max)
{
    return a + b > max ? max : a + b;
}

static void
vt_sgr(struct vt *v)
{
    if (v->nparams == 0) {
        v->fg = VT_DEFAULT_FG;
        v->bg = VT_DEFAULT_BG;
        v->bold = v->reverse = 0;
        return;
    }
    for (uint32_t i = 0; i < v->nparams; i++) {
        uint32_t p = v->params[i];

        if (p == 0) {
            v->fg = VT_DEFAULT_FG;
            v->bg = VT_DEFAULT_BG;
            v->bold = v->reverse = 0;
        } else if (p == 1) {
            v->bold = 1;
        } else if (p == 22) {
            v->bold = 0;
        } else if (p == 7) {
            v->reverse = 1;
        } else if (p == 27) {
            v->reverse = 0;
        } else if (p >= 30 && p <= 37) {
            v->fg = (uint8_t)(p - 30);
        } else if (p == 39) {
            v->fg = VT_DEFAULT_FG;
        } else if (p >= 40 && p <= 47) {
            v->bg = (uint8_t)(p - 40);
        } else if (p == 49) {
            v->bg = VT_DEFAULT_BG;
        } else if (p >= 90 && p <= 97) {
            v->fg = (uint8_t)(p - 90 + 8);
        } else if (p >= 100 && p <= 107) {
            v->bg = (uint8_t)(p - 100 + 8);
        }
    }
}

/* The final byte of a CSI sequence. */
static void
vt_csi(struct vt *v, uint8_t final)
{
    size_t at = (size_t)v->cy * v->cols, total = (size_t)v->cols * v->rows;
    uint32_t n = vt_param(v, 0, 1), cx = v->cx < v->cols ? v->cx : v->cols - 1;

    if (v->private_) {
        if ((final == 'h' || final == 'l') && vt_param(v, 0, 0) == 25)
            v->cursor_on = final == 'h';
        return;
    }
    switch (final) {
    case 'A':
        v->cy = clamp_sub(v->cy, n);
        break;
    case 'B':
        v->cy = clamp_add(v->cy, n, v->rows - 1);
        break;
    case 'C':
        v->cx = clamp_add(cx, n, v->cols - 1);
        break;
    case 'D':
        v->cx = clamp_sub(cx, n);
        break;
    case 'G':
        v->cx = (n > v->cols ? v->cols : n) - 1;
        break;
    case 'd':
        v->cy = (n > v->rows ? v->rows : n) - 1;
        break;
    case 'H':
    case 'f': {
        uint32_t r = vt_param(v, 0, 1), c = vt_param(v, 1, 1);

        v->cy = (r > v->rows ? v->rows : r) - 1;
        v->cx = (c > v->cols ? v->cols : c) - 1;
        break;
    }
    case 'J':
        switch (vt_param(v, 0, 0)) {
        case 0:
            vt_erase(v, at + cx, total - at - cx);
            break;
        case 1:
            vt_erase(v, 0, at + cx + 1);
            break;
        case 2:
        case 3:
            vt_erase(v, 0, total);
            break;
        }
        break;
    case 'K':
        switch (vt_param(v, 0, 0)) {
        case 0:
            vt_erase(v, at + cx, v->cols - cx);
            break;
        case 1:
            vt_erase(v, at, cx + 1);
            break;
        case 2:
            vt_erase(v, at, v->cols);
            break;
        }
        break;
    case 'm':
        vt_sgr(v);
        break;
    }
}

static void
vt_byte(struct vt *v, uint8_t b)
{
    if (b == 0x18 || b == 0x1a) { /* CAN, SUB: a sequence ends unfinished */
        v->state = VT_GROUND;
        return;
    }
    if (b == 0x1b) {
        v->state = VT_ESC;
        return;
    }
    switch (v->state) {
    case VT_ESC:
        if (b == '[') {
            v->state = VT_CSI;
            v->nparams = 0;
            v->private_ = 0;
            memset(v->params, 0, sizeof(v->params));
            return;
        }
        if (b == ']') {
            v->state = VT_OSC;
            return;
        }
        if (b >= 0x20 && b <= 0x2f) {
            v->state = VT_ESC_INTER; /* ESC ( B and its kind: to their final byte */
            return;
        }
        v->state = VT_GROUND;
        if (b == 'c')
            vt_init(v, v->cols, v->rows);
        return; /* another two-byte sequence: consumed */
    case VT_ESC_INTER:
        if (b >= 0x30 && b <= 0x7e)
            v->state = VT_GROUND;
        else if (b < 0x20 || b > 0x7e)
            v->state = VT_GROUND; /* not a sequence after all */
        return;
    case VT_OSC:
        if (b == 0x07)
            v->state = VT_GROUND; /* BEL ends it (as does ESC \, through VT_ESC) */
        return;
    case VT_CSI:
    case VT_IGNORE:
        if (b >= '0' && b <= '9') {
            if (v->nparams == 0)
                v->nparams = 1;
            if (v->nparams <= VT_PARAMS) {
                uint32_t *p = &v->params[v->nparams - 1];

                *p = *p * 10 + (b - '0');
                if (*p > VT_PARAM_MAX)
                    *p = VT_PARAM_MAX;
            }
        } else if (b == ';') {
            if (v->nparams == 0)
                v->nparams = 1;
            if (v->nparams < VT_PARAMS + 1)
                v->nparams++;
        } else if (b >= '<' && b <= '?') {
            v->private_ = 1;
        } else if (b >= 0x20 && b <= 0x2f) {
            v->state = VT_IGNORE; /* intermediates: sequences not understood here */
        } else if (b >= 0x40 && b <= 0x7e) {
            if (v->nparams > VT_PARAMS)
                v->nparams = VT_PARAMS;
            if (v->state == VT_CSI)
                vt_csi(v, b);
            v->state = VT_GROUND;
            v->nparams = 0;
        } else if (b < 0x20) {
            /* a control inside a sequence acts at once, as on a VT100 */
            uint8_t saved = v->state;

            v->state = VT_GROUND;
            vt_byte(v, b);
            v->state = saved;
        } else {
            v->state = VT_GROUND; /* not part of any sequence: drop it */
        }
        return;
    }
    switch (b) {
    case '\r':
        v->cx = 0;
        return;
    case '\n':
    case 0x0b: /* VT */
    case 0x0c: /* FF */
        if (v->cx >= v->cols)
            v->cx = v->cols - 1; /* a pending wrap is undone by a line feed */
        vt_linefeed(v);
        return;
    case '\b':
        if (v->cx >= v->cols)
            v->cx = v->cols - 1;
        if (v->cx > 0)
            v->cx--;
        return;
    case '\t':
        if (v->cx < v->cols)
            v->cx = (v->cx / 8 + 1) * 8;
        if (v->cx > v->cols - 1)
            v->cx = v->cols - 1;
        return;
    }
    if ((b >= 0x20 && b < 0x7f) || b >= 0xa0)
        vt_put(v, b);
    /* other C0 controls, DEL and the C1 controls: nothing */
}

void
vt_write(struct vt *v, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        vt_byte(v, data[i]);
}

int
vt_check(const struct vt *v)
{
    if (v->cols < 1 || v->cols > VT_COLS_MAX || v->rows < 1 || v->rows > VT_ROWS_MAX)
        return 1;
    if (v->cy >= v->rows || v->cx > v->cols)
        return 2;
    if (v->nparams > VT_PARAMS + 1 || v->state > VT_OSC)
        return 3;
    for (uint32_t i = 0; i < VT_PARAMS; i++)
        if (v->params[i] > VT_PARAM_MAX)
            return 4;
    for (size_t i = 0; i < (size_t)v->cols * v->rows; i++)
        if (v->cells[i].fg >= 16 || v->cells[i].bg >= 16)
            return 5;
    if (v->fg >= 16 || v->bg >= 16 || v->scrolled > v->rows)
        return 6;
    return 0;
}
