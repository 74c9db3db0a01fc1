// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the framebuffer console (drivers/fb): the terminal's
 * escape-sequence interpreter and grid (vt.c) and the drawing of the grid
 * (draw.c) on a screen buffer of exactly the size the geometry says, so
 * ASan sees any pixel drawn outside it. The input: two bytes for the grid's
 * columns (1..40) and rows (1..20), then what a program writes, drawn
 * after every 64 bytes and at the end. Checks, beyond "no crash":
 *   - vt_check (the invariants in vt.h) after every byte;
 *   - after each drawing, that the drawer shows exactly the grid: every
 *     cell's character and colours, the cursor where the grid has it, and
 *     no scroll left to take.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "fuzz.h"
#include "vt.h"

static struct vt v;
static struct draw d;

static void
check_drawn(void)
{
    uint32_t cx = v.cx < v.cols ? v.cx : v.cols - 1;

    draw_sync(&d, &v);
    FUZZ_CHECK(v.scrolled == 0);
    for (uint32_t y = 0; y < v.rows; y++) {
        for (uint32_t x = 0; x < v.cols; x++) {
            const struct vt_cell *want = vt_cell(&v, x, y), *have = &d.shown[y * v.cols + x];
            int cursor = v.cursor_on && x == cx && y == v.cy;

            FUZZ_CHECK(want->ch == have->ch && want->fg == have->fg && want->bg == have->bg);
            FUZZ_CHECK(have->flags == (cursor ? VT_CELL_CURSOR : 0));
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct draw_geometry g;
    uint8_t *screen;

    if (size < 2)
        return 0;
    g = (struct draw_geometry){0, 0, 0, 32, 16, 8, 8, 8, 0, 8};
    g.width = (data[0] % 40 + 1) * console_font.width;
    g.height = (data[1] % 20 + 1) * console_font.height;
    g.pitch = g.width * 4;
    screen = malloc((size_t)g.pitch * g.height);
    FUZZ_CHECK(screen && draw_init(&d, &g, screen, &console_font) == 0);
    FUZZ_CHECK(d.cols == data[0] % 40u + 1 && d.rows == data[1] % 20u + 1);
    vt_init(&v, d.cols, d.rows);
    for (size_t i = 2; i < size; i++) {
        vt_write(&v, &data[i], 1);
        FUZZ_CHECK(vt_check(&v) == 0);
        if (i % 64 == 0)
            check_drawn();
    }
    check_drawn();
    free(screen);
    return 0;
}
