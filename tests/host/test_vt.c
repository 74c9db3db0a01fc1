// SPDX-License-Identifier: MIT
/*
 * Host tests for the framebuffer console (drivers/fb): the terminal's
 * escape sequences on the grid (vt.c), compared cell by cell, and the
 * drawing of the grid (draw.c) into a buffer standing for the screen,
 * compared pixel by pixel with the font's glyphs.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "draw.h"
#include "vt.h"

static struct vt v;
static struct draw d;

static void
put(const char *s)
{
    vt_write(&v, (const uint8_t *)s, strlen(s));
}

/* Row y of the grid as text, trailing blanks dropped. */
static const char *
row(uint32_t y)
{
    static char text[VT_COLS_MAX + 1];
    uint32_t n = 0;

    for (uint32_t x = 0; x < v.cols; x++)
        text[n++] = (char)vt_cell(&v, x, y)->ch;
    while (n && text[n - 1] == ' ')
        n--;
    text[n] = '\0';
    return text;
}

TEST(text_goes_at_the_cursor_and_wraps_only_when_more_comes)
{
    vt_init(&v, 10, 3);
    put("hello");
    CHECK(strcmp(row(0), "hello") == 0 && v.cx == 5 && v.cy == 0);
    put("\r\n0123456789");
    CHECK(strcmp(row(1), "0123456789") == 0 && v.cx == 10 && v.cy == 1);
    put("\r\n");
    CHECK(v.cx == 0 && v.cy == 2 && strcmp(row(2), "") == 0); /* no blank row from the wrap */
    put("abcdefghijk");
    CHECK(strcmp(row(2), "") != 0 && v.cy == 2 && v.scrolled == 1);
    CHECK(strcmp(row(0), "0123456789") == 0 && strcmp(row(1), "abcdefghij") == 0 &&
          strcmp(row(2), "k") == 0);
    CHECK(vt_check(&v) == 0);
}

TEST(line_feed_scrolls_at_the_bottom_and_keeps_the_column)
{
    vt_init(&v, 8, 2);
    put("ab\ncd\nef");
    CHECK(strcmp(row(0), "  cd") == 0 && strcmp(row(1), "    ef") == 0);
    CHECK(v.scrolled == 1 && v.cy == 1 && v.cx == 6);
}

TEST(backspace_tab_and_carriage_return_move_the_cursor)
{
    vt_init(&v, 20, 2);
    put("ab\b\bX\tY\r>");
    CHECK(strcmp(row(0), ">b      Y") == 0);
    put("\r\b\b");
    CHECK(v.cx == 0);
    put("\t\t\t\t");
    CHECK(v.cx == 19);
}

TEST(the_line_editors_sequences_move_and_erase)
{
    vt_init(&v, 20, 3);
    put("abcdef\x1b[3D");
    CHECK(v.cx == 3);
    put("\x1b[K");
    CHECK(strcmp(row(0), "abc") == 0);
    put("\x1b[2C");
    CHECK(v.cx == 5);
    put("\x1b[D");
    CHECK(v.cx == 4);
    put("\x1b[99C");
    CHECK(v.cx == 19);
    put("\x1b[99D");
    CHECK(v.cx == 0);
    put("\b \b"); /* at column 0: the blank is drawn, the cursor comes back */
    CHECK(v.cx == 0);
}

TEST(cursor_position_and_erase_in_display)
{
    vt_init(&v, 10, 4);
    put("1111111111222222222233333333334444444444");
    put("\x1b[2;3H");
    CHECK(v.cy == 1 && v.cx == 2);
    put("\x1b[J");
    CHECK(strcmp(row(0), "1111111111") == 0 && strcmp(row(1), "22") == 0 &&
          strcmp(row(2), "") == 0 && strcmp(row(3), "") == 0);
    put("\x1b[H");
    CHECK(v.cx == 0 && v.cy == 0);
    put("\x1b[1;5H\x1b[1K");
    CHECK(strcmp(row(0), "     11111") == 0);
    put("\x1b[2K");
    CHECK(strcmp(row(0), "") == 0);
    put("x\x1b[2J");
    CHECK(strcmp(row(0), "") == 0 && strcmp(row(1), "") == 0 && v.cx == 5);
    put("\x1b[99;99H");
    CHECK(v.cx == 9 && v.cy == 3);
    put("\x1b[0;0f");
    CHECK(v.cx == 0 && v.cy == 0);
    put("\x1b[3G\x1b[2d");
    CHECK(v.cx == 2 && v.cy == 1);
    put("\x1b[5A\x1b[9B");
    CHECK(v.cy == 3);
}

TEST(colours_bold_reverse_and_reset)
{
    vt_init(&v, 10, 2);
    put("a\x1b[31mb\x1b[1;44mc\x1b[0md\x1b[7me\x1b[27;92;103mf\x1b[39;49mg\x1b[mh");
    CHECK(vt_cell(&v, 0, 0)->fg == VT_DEFAULT_FG && vt_cell(&v, 0, 0)->bg == VT_DEFAULT_BG);
    CHECK(vt_cell(&v, 1, 0)->fg == 1 && vt_cell(&v, 1, 0)->bg == 0);
    CHECK(vt_cell(&v, 2, 0)->fg == 9 && vt_cell(&v, 2, 0)->bg == 4); /* bold red is bright */
    CHECK(vt_cell(&v, 3, 0)->fg == 7 && vt_cell(&v, 3, 0)->bg == 0);
    CHECK(vt_cell(&v, 4, 0)->fg == 0 && vt_cell(&v, 4, 0)->bg == 7);
    CHECK(vt_cell(&v, 5, 0)->fg == 10 && vt_cell(&v, 5, 0)->bg == 11);
    CHECK(vt_cell(&v, 6, 0)->fg == 7 && vt_cell(&v, 6, 0)->bg == 0);
    CHECK(vt_cell(&v, 7, 0)->fg == 7 && vt_cell(&v, 7, 0)->ch == 'h');
    /* erasing paints the background in use */
    put("\x1b[41m\x1b[2K");
    CHECK(vt_cell(&v, 0, 0)->bg == 1 && vt_cell(&v, 9, 0)->bg == 1);
}

TEST(unknown_and_broken_sequences_are_swallowed)
{
    vt_init(&v, 20, 2);
    put("a\x1b[?1049hb\x1b[1 "
        "qc\x1b(Bd\x1b]0;title\x07\x1b]2;t\x1b\\\x1b[12;34;56;78;90;12;34;56;78;90;1mE\x1b["
        "99999999999Cf");
    CHECK(strcmp(row(0), "abcdE              f") == 0 && v.cx == 20);
    put("\r\x1b[3\x18x\x1b[\x1ay");
    CHECK(strcmp(row(0), "xycdE              f") == 0);
    put("\r\x1b[2\rC"); /* a control inside a sequence acts, the sequence goes on */
    CHECK(v.cx == 2);
    put("\x1b[?25l");
    CHECK(!v.cursor_on);
    put("\x1b[?25h\x07\x7f\x85");
    CHECK(v.cursor_on && v.cx == 2);
    put("\x1b"
        "c");
    CHECK(strcmp(row(0), "") == 0 && v.cx == 0);
}

TEST(random_bytes_keep_the_invariants)
{
    uint64_t seed = 0x1234567;

    vt_init(&v, 13, 5);
    for (int i = 0; i < 200000; i++) {
        static const char pool[] = "\x1b[;?0123456789ABCDHJKmfGdhlc\r\n\b\t x\x18";
        uint64_t r = check_xorshift64(&seed);
        uint8_t b = r & 0x100 ? (uint8_t)pool[(r >> 16) % (sizeof(pool) - 1)] : (uint8_t)r;

        vt_write(&v, &b, 1);
        if (vt_check(&v) != 0) {
            CHECK(vt_check(&v) == 0);
            return;
        }
    }
}

/* --- drawing ------------------------------------------------------------------------------ */

static const struct draw_geometry geo32 = {640 * 4 + 64, 640, 400, 32, 16, 8, 8, 8, 0, 8};

/* The pixel at x, y of a 32 bpp buffer. */
static uint32_t
pixel(const uint8_t *fb, uint32_t x, uint32_t y)
{
    uint32_t p;

    memcpy(&p, fb + (size_t)y * geo32.pitch + (size_t)x * 4, 4);
    return p;
}

/* Does cell (col, row) show ch in fg on bg? */
static int
cell_shows(const uint8_t *fb, uint32_t col, uint32_t r, unsigned char ch, uint32_t fg, uint32_t bg)
{
    const struct font *f = &console_font;
    const uint8_t *g = font_glyph(f, ch);

    for (uint32_t y = 0; y < f->height; y++)
        for (uint32_t x = 0; x < f->width; x++) {
            int on = g[y * f->bytes_per_row + (x >> 3)] & (0x80 >> (x & 7));

            if (pixel(fb, col * f->width + x, r * f->height + y) != (on ? fg : bg))
                return 0;
        }
    return 1;
}

TEST(drawing_shows_the_grid_the_cursor_and_scrolls)
{
    size_t size = (size_t)geo32.pitch * geo32.height;
    uint8_t *fb = malloc(size);

    memset(fb, 0x5a, size);
    CHECK(draw_init(&d, &geo32, fb, &console_font) == 0);
    CHECK(d.cols == 640 / console_font.width && d.rows == 400 / console_font.height);
    vt_init(&v, d.cols, d.rows);
    put("hi\x1b[31mR");
    draw_sync(&d, &v);
    CHECK(cell_shows(fb, 0, 0, 'h', 0xaaaaaa, 0));
    CHECK(cell_shows(fb, 1, 0, 'i', 0xaaaaaa, 0));
    CHECK(cell_shows(fb, 2, 0, 'R', 0xaa0000, 0));
    CHECK(cell_shows(fb, 3, 0, ' ', 0, 0xaaaaaa)); /* the cursor: colours swapped */
    CHECK(pixel(fb, 639, 399) == 0);               /* cleared at the start */
    /* a scroll moves the pixels; the new bottom row is drawn */
    for (uint32_t i = 0; i < d.rows; i++)
        put("\r\n");
    put("z");
    draw_sync(&d, &v);
    CHECK(v.scrolled == 0);
    CHECK(cell_shows(fb, 0, 0, ' ', 0xaaaaaa, 0));
    CHECK(cell_shows(fb, 0, d.rows - 1, 'z', 0xaa0000, 0));
    CHECK(cell_shows(fb, 1, d.rows - 1, ' ', 0, 0xaaaaaa));
    put("\x1b[?25l");
    draw_sync(&d, &v);
    CHECK(cell_shows(fb, 1, d.rows - 1, ' ', 0xaaaaaa, 0));
    /* nothing outside the pitch's line is touched */
    for (uint32_t y = 0; y < geo32.height; y++)
        CHECK(fb[(size_t)y * geo32.pitch + 640 * 4] == 0x5a);
    free(fb);
}

TEST(drawing_refuses_what_it_cannot_draw_on)
{
    uint8_t fb[64];
    struct draw_geometry g = geo32;

    g.bpp = 8;
    CHECK(draw_init(&d, &g, fb, &console_font) < 0);
    g = geo32;
    g.pitch = 100;
    CHECK(draw_init(&d, &g, fb, &console_font) < 0);
    g = geo32;
    g.red_pos = 30;
    CHECK(draw_init(&d, &g, fb, &console_font) < 0);
    g = geo32;
    g.height = 3;
    CHECK(draw_init(&d, &g, fb, &console_font) < 0);
    CHECK(draw_init(&d, &geo32, NULL, &console_font) < 0);
}

TEST(drawing_in_16_bits_packs_the_channels)
{
    static const struct draw_geometry g16 = {64 * 2, 64, 32, 16, 11, 5, 5, 6, 0, 5};
    static uint8_t fb[64 * 2 * 32];
    uint16_t p;

    CHECK(draw_init(&d, &g16, fb, &console_font) == 0);
    vt_init(&v, d.cols, d.rows);
    put("\x1b[97;41m\x1b[2J\x1b[?25l");
    draw_sync(&d, &v);
    memcpy(&p, fb, 2);
    CHECK(p == (0x15 << 11)); /* 0xaa red in 5 bits: 21 */
}

int
main(void)
{
    RUN(text_goes_at_the_cursor_and_wraps_only_when_more_comes);
    RUN(line_feed_scrolls_at_the_bottom_and_keeps_the_column);
    RUN(backspace_tab_and_carriage_return_move_the_cursor);
    RUN(the_line_editors_sequences_move_and_erase);
    RUN(cursor_position_and_erase_in_display);
    RUN(colours_bold_reverse_and_reset);
    RUN(unknown_and_broken_sequences_are_swallowed);
    RUN(random_bytes_keep_the_invariants);
    RUN(drawing_shows_the_grid_the_cursor_and_scrolls);
    RUN(drawing_refuses_what_it_cannot_draw_on);
    RUN(drawing_in_16_bits_packs_the_channels);
    return check_exit();
}
