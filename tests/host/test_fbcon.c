// SPDX-License-Identifier: MIT
/*
 * Host tests for the framebuffer console (kernel/console/fbcon.c) and the
 * font the build generates from Lat15-Terminus16 (build/gen/font.c).
 *
 * Every framebuffer is malloc'd at exactly pitch * height bytes, so ASan
 * reports any write past its end. Pitches carry padding, filled with a
 * canary, to catch writes that use width where pitch belongs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/font.h"
#include "console/fbcon.h"

#define CANARY 0x5a

struct tfb {
    struct boot_fb fb;
    uint8_t *mem;
    size_t size;
    struct fbcon con;
};

/* An RGB framebuffer of the usual layouts: x8r8g8b8, r8g8b8, r5g6b5. */
static struct boot_fb
rgb_fb(unsigned bpp, uint32_t width, uint32_t height, uint32_t pad)
{
    struct boot_fb fb = {
        .type = BOOT_FB_RGB,
        .addr = 0xfd000000,
        .pitch = width * (bpp / 8) + pad,
        .width = width,
        .height = height,
        .bpp = (uint8_t)bpp,
    };

    if (bpp == 16) {
        fb.red_pos = 11, fb.red_size = 5;
        fb.green_pos = 5, fb.green_size = 6;
        fb.blue_pos = 0, fb.blue_size = 5;
    } else {
        fb.red_pos = 16, fb.red_size = 8;
        fb.green_pos = 8, fb.green_size = 8;
        fb.blue_pos = 0, fb.blue_size = 8;
    }
    return fb;
}

static struct boot_fb
ega_fb(uint32_t cols, uint32_t rows, uint32_t pitch)
{
    struct boot_fb fb = {
        .type = BOOT_FB_EGA_TEXT,
        .addr = 0xb8000,
        .pitch = pitch,
        .width = cols,
        .height = rows,
        .bpp = 16,
    };

    return fb;
}

/* Allocate the memory for t->fb, fill it with the canary and init the console. */
static int
tfb_open(struct tfb *t, const struct boot_fb *fb)
{
    t->fb = *fb;
    t->size = (size_t)fb->pitch * fb->height;
    t->mem = malloc(t->size ? t->size : 1);
    memset(t->mem, CANARY, t->size);
    return fbcon_init(&t->con, &t->fb, t->mem, &console_font);
}

static void
tfb_close(struct tfb *t)
{
    free(t->mem);
    t->mem = NULL;
}

static unsigned
tfb_bpp(const struct tfb *t)
{
    return t->fb.bpp / 8;
}

static uint32_t
tfb_pixel(const struct tfb *t, unsigned x, unsigned y)
{
    const uint8_t *p = t->mem + (size_t)y * t->fb.pitch + (size_t)x * tfb_bpp(t);
    uint32_t v = 0;

    for (unsigned i = 0; i < tfb_bpp(t); i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static uint16_t
tfb_cell(const struct tfb *t, unsigned col, unsigned row)
{
    const uint8_t *p = t->mem + (size_t)row * t->fb.pitch + (size_t)col * 2;

    return (uint16_t)(p[0] | p[1] << 8);
}

/* Is text cell (col, row) exactly glyph ch of the font in colours fg on bg? */
static bool
cell_shows(const struct tfb *t, unsigned col, unsigned row, unsigned char ch, uint32_t fg,
           uint32_t bg)
{
    const struct font *f = &console_font;
    const uint8_t *g = font_glyph(f, ch);

    for (unsigned y = 0; y < f->height; y++) {
        for (unsigned x = 0; x < f->width; x++) {
            bool on = g[y * f->bytes_per_row + x / 8] & (0x80 >> (x % 8));
            uint32_t px = tfb_pixel(t, col * f->width + x, row * f->height + y);

            if (px != (on ? fg : bg))
                return false;
        }
    }
    return true;
}

static bool
cell_is_blank(const struct tfb *t, unsigned col, unsigned row, uint32_t bg)
{
    return cell_shows(t, col, row, ' ', bg, bg);
}

static bool
glyph_is_empty(unsigned char ch)
{
    const uint8_t *g = font_glyph(&console_font, ch);

    for (unsigned i = 0; i < console_font.height * console_font.bytes_per_row; i++)
        if (g[i])
            return false;
    return true;
}

static bool
glyphs_equal(unsigned char a, unsigned char b)
{
    size_t n = (size_t)console_font.height * console_font.bytes_per_row;

    return memcmp(font_glyph(&console_font, a), font_glyph(&console_font, b), n) == 0;
}

static void
put_str(struct tfb *t, const char *s)
{
    fbcon_write(&t->con, s, strlen(s));
}

TEST(font_is_terminus_8x16_with_256_glyphs)
{
    CHECK(console_font.width == 8);
    CHECK(console_font.height == 16);
    CHECK(console_font.bytes_per_row == 1);
    CHECK(console_font.glyph_count == 256);
    CHECK(!glyph_is_empty('A'));
    CHECK(!glyphs_equal('A', 'B'));
    CHECK(glyph_is_empty(' '));
    for (unsigned i = 0; i < 256; i++)
        CHECK(console_font.map[i] < console_font.glyph_count);
}

TEST(font_maps_latin1_through_its_unicode_table)
{
    CHECK(!glyph_is_empty(0xe9)); /* e acute */
    CHECK(!glyphs_equal(0xe9, 'e'));
    CHECK(!glyphs_equal(0xe9, '?'));
    CHECK(console_font.map[0x80] == console_font.map['?']); /* C1 control: not in the table */
}

TEST(init_reports_geometry_and_clears_to_black)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 83, 69, 12); /* 10x4 cells, with margins */

    CHECK(tfb_open(&t, &fb) == 0);
    CHECK(fbcon_cols(&t.con) == 10);
    CHECK(fbcon_rows(&t.con) == 4);
    CHECK(t.con.cx == 0 && t.con.cy == 0);
    for (unsigned y = 0; y < 69; y++) {
        for (unsigned x = 0; x < 83; x++)
            CHECK(tfb_pixel(&t, x, y) == 0);
        for (unsigned i = 83 * 4; i < fb.pitch; i++)
            CHECK(t.mem[y * fb.pitch + i] == CANARY);
    }
    tfb_close(&t);
}

TEST(glyph_at_origin_matches_font_bit_for_bit_32bpp)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 80, 48, 0);

    CHECK(tfb_open(&t, &fb) == 0);
    fbcon_set_color(&t.con, 0x123456, 0xabcdef);
    fbcon_putc(&t.con, 'A');
    CHECK(cell_shows(&t, 0, 0, 'A', 0x123456, 0xabcdef));
    CHECK(!cell_shows(&t, 0, 0, 'B', 0x123456, 0xabcdef));
    CHECK(cell_is_blank(&t, 1, 0, 0)); /* the neighbour keeps the cleared black */
    CHECK(t.con.cx == 1 && t.con.cy == 0);
    tfb_close(&t);
}

TEST(colour_follows_the_channel_positions_bgr)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 16, 16, 0);

    fb.red_pos = 0;
    fb.blue_pos = 16;
    CHECK(tfb_open(&t, &fb) == 0);
    fbcon_set_color(&t.con, 0xff0000, 0x0000ff);
    fbcon_putc(&t.con, 'A');
    CHECK(cell_shows(&t, 0, 0, 'A', 0x0000ff, 0xff0000));
    tfb_close(&t);
}

TEST(pixels_pack_into_24bpp)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(24, 19, 17, 3); /* pitch 60: not a multiple of 4 */

    CHECK(tfb_open(&t, &fb) == 0);
    CHECK(fbcon_cols(&t.con) == 2 && fbcon_rows(&t.con) == 1);
    fbcon_set_color(&t.con, 0xc0ffee, 0x102030);
    fbcon_write(&t.con, "AM", 2);
    CHECK(cell_shows(&t, 0, 0, 'A', 0xc0ffee, 0x102030));
    CHECK(cell_shows(&t, 1, 0, 'M', 0xc0ffee, 0x102030));
    CHECK(tfb_pixel(&t, 16, 0) == 0); /* the right margin is untouched */
    for (unsigned y = 0; y < 17; y++)
        for (unsigned i = 19 * 3; i < fb.pitch; i++)
            CHECK(t.mem[y * fb.pitch + i] == CANARY);
    tfb_close(&t);
}

TEST(pixels_pack_into_16bpp_rgb565)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(16, 24, 16, 2);

    CHECK(tfb_open(&t, &fb) == 0);
    fbcon_set_color(&t.con, 0xffffff, 0xff0000);
    fbcon_putc(&t.con, 'W');
    CHECK(cell_shows(&t, 0, 0, 'W', 0xffff, 0xf800));
    fbcon_set_color(&t.con, 0x00ff00, 0x808080); /* 128 -> 16 of 31, 32 of 63 */
    fbcon_putc(&t.con, 'W');
    CHECK(cell_shows(&t, 1, 0, 'W', 0x07e0, 16 << 11 | 32 << 5 | 16));
    tfb_close(&t);
}

TEST(newline_and_return_move_the_cursor)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 80, 64, 0);

    CHECK(tfb_open(&t, &fb) == 0);
    fbcon_set_color(&t.con, 0xffffff, 0);
    put_str(&t, "ab\ncd");
    CHECK(t.con.cx == 2 && t.con.cy == 1);
    CHECK(cell_shows(&t, 0, 1, 'c', 0xffffff, 0));
    put_str(&t, "\rX");
    CHECK(t.con.cx == 1 && t.con.cy == 1);
    CHECK(cell_shows(&t, 0, 1, 'X', 0xffffff, 0));
    CHECK(cell_shows(&t, 1, 1, 'd', 0xffffff, 0));
    tfb_close(&t);
}

TEST(long_line_wraps_at_the_right_edge)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 40, 48, 4); /* 5 cols */

    CHECK(tfb_open(&t, &fb) == 0);
    fbcon_set_color(&t.con, 0xffffff, 0);
    put_str(&t, "abcde");
    CHECK(t.con.cx == 5 && t.con.cy == 0); /* wrap is pending, not done */
    put_str(&t, "f");
    CHECK(t.con.cx == 1 && t.con.cy == 1);
    CHECK(cell_shows(&t, 4, 0, 'e', 0xffffff, 0));
    CHECK(cell_shows(&t, 0, 1, 'f', 0xffffff, 0));
    tfb_close(&t);
}

TEST(full_line_then_newline_leaves_no_blank_line)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 40, 48, 0);

    CHECK(tfb_open(&t, &fb) == 0);
    put_str(&t, "abcde\nf");
    CHECK(t.con.cx == 1 && t.con.cy == 1);
    tfb_close(&t);
}

TEST(tab_advances_to_next_multiple_of_8)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 160, 32, 0); /* 20 cols */

    CHECK(tfb_open(&t, &fb) == 0);
    put_str(&t, "abc\t");
    CHECK(t.con.cx == 8);
    put_str(&t, "\t");
    CHECK(t.con.cx == 16);
    put_str(&t, "x\t");
    CHECK(t.con.cx == 20 && t.con.cy == 0); /* stops at the edge */
    put_str(&t, "\ty");
    CHECK(t.con.cx == 1 && t.con.cy == 1);
    for (unsigned col = 3; col < 16; col++)
        CHECK(cell_is_blank(&t, col, 0, 0)); /* a tab draws nothing */
    tfb_close(&t);
}

TEST(backspace_moves_left_and_stops_at_column_zero)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 80, 32, 0);

    CHECK(tfb_open(&t, &fb) == 0);
    fbcon_set_color(&t.con, 0xffffff, 0);
    put_str(&t, "ab\bX");
    CHECK(t.con.cx == 2);
    CHECK(cell_shows(&t, 1, 0, 'X', 0xffffff, 0));
    put_str(&t, "\b\b\b\b");
    CHECK(t.con.cx == 0 && t.con.cy == 0);
    CHECK(cell_shows(&t, 0, 0, 'a', 0xffffff, 0)); /* backspace erases nothing */
    tfb_close(&t);
}

TEST(control_characters_draw_nothing)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 80, 32, 0);

    CHECK(tfb_open(&t, &fb) == 0);
    fbcon_set_color(&t.con, 0xffffff, 0);
    put_str(&t, "\x01\x1b\x7f\x85");
    CHECK(t.con.cx == 0 && t.con.cy == 0);
    CHECK(cell_is_blank(&t, 0, 0, 0));
    tfb_close(&t);
}

TEST(scroll_moves_row_one_to_row_zero_and_clears_last_row)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 44, 50, 8); /* 5x3 cells and margins */
    const unsigned row_px = 16;
    uint8_t *before;
    size_t row_bytes = (size_t)row_px * fb.pitch;

    CHECK(tfb_open(&t, &fb) == 0);
    fbcon_set_color(&t.con, 0xffffff, 0x203040);
    put_str(&t, "AAAAA\nBBBBB\nCCCCC");
    before = malloc(row_bytes);
    memcpy(before, t.mem + row_bytes, row_bytes);
    put_str(&t, "\n");
    CHECK(t.con.cx == 0 && t.con.cy == 2);
    CHECK(memcmp(t.mem, before, row_bytes) == 0);
    for (unsigned col = 0; col < 5; col++) {
        CHECK(cell_shows(&t, col, 0, 'B', 0xffffff, 0x203040));
        CHECK(cell_shows(&t, col, 1, 'C', 0xffffff, 0x203040));
        CHECK(cell_is_blank(&t, col, 2, 0x203040));
    }
    put_str(&t, "D");
    CHECK(cell_shows(&t, 0, 2, 'D', 0xffffff, 0x203040));
    free(before);
    tfb_close(&t);
}

TEST(text_never_touches_margins_or_pitch_padding)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 45, 53, 12); /* 5x3 cells, 5 px right, 5 px below */

    CHECK(tfb_open(&t, &fb) == 0);
    memset(t.mem + 48 * fb.pitch, CANARY, 5 * fb.pitch); /* bottom margin */
    for (unsigned y = 0; y < 48; y++)
        memset(t.mem + y * fb.pitch + 40 * 4, CANARY, 5 * 4); /* right margin */
    fbcon_set_color(&t.con, 0xffffff, 0x123456);
    for (int i = 0; i < 40; i++)
        put_str(&t, "the quick brown fox\tjumps\n");
    for (unsigned y = 0; y < 53; y++) {
        unsigned from = y < 48 ? 40 * 4 : 0;

        for (unsigned i = from; i < fb.pitch; i++)
            CHECK(t.mem[y * fb.pitch + i] == CANARY);
    }
    tfb_close(&t);
}

TEST(clear_fills_with_background_and_homes_cursor)
{
    struct tfb t;
    struct boot_fb fb = rgb_fb(32, 42, 35, 4);

    CHECK(tfb_open(&t, &fb) == 0);
    put_str(&t, "hello\nworld");
    fbcon_set_color(&t.con, 0xffffff, 0x00ff00);
    fbcon_clear(&t.con);
    CHECK(t.con.cx == 0 && t.con.cy == 0);
    for (unsigned y = 0; y < 35; y++)
        for (unsigned x = 0; x < 42; x++)
            CHECK(tfb_pixel(&t, x, y) == 0x00ff00);
    for (unsigned y = 0; y < 35; y++)
        for (unsigned i = 42 * 4; i < fb.pitch; i++)
            CHECK(t.mem[y * fb.pitch + i] == CANARY);
    tfb_close(&t);
}

TEST(unusable_framebuffers_are_refused)
{
    struct boot_fb good = rgb_fb(32, 64, 32, 0);
    struct boot_fb bad[16];
    struct fbcon con;
    uint8_t mem[64 * 4 * 32];
    unsigned n = 0;
    bool untouched;

    bad[n] = good, bad[n++].type = BOOT_FB_NONE;
    bad[n] = good, bad[n++].type = 7;
    bad[n] = good, bad[n++].bpp = 8;
    bad[n] = good, bad[n++].bpp = 15;
    bad[n] = good, bad[n++].width = 0;
    bad[n] = good, bad[n++].height = 0;
    bad[n] = good, bad[n++].width = 7; /* narrower than one glyph */
    bad[n] = good, bad[n++].height = 15;
    bad[n] = good, bad[n++].pitch = 64 * 4 - 1;
    bad[n] = good, bad[n++].pitch = 0;
    bad[n] = good, bad[n++].red_size = 0;
    bad[n] = good, bad[n++].blue_pos = 28;                 /* past bit 31 */
    bad[n] = rgb_fb(16, 64, 32, 0), bad[n++].red_pos = 12; /* 5 bits at 12: past bit 15 */
    bad[n++] = ega_fb(80, 25, 159);
    bad[n++] = ega_fb(0, 25, 160);
    bad[n++] = ega_fb(80, 0, 160);

    for (unsigned i = 0; i < n; i++) {
        memset(mem, CANARY, sizeof(mem));
        CHECK(fbcon_init(&con, &bad[i], mem, &console_font) < 0);
        fbcon_write(&con, "x\n", 2); /* a refused console ignores writes */
        fbcon_clear(&con);
        untouched = true;
        for (size_t j = 0; j < sizeof(mem); j++)
            untouched = untouched && mem[j] == CANARY;
        CHECK(untouched);
    }
    CHECK(fbcon_init(&con, &good, NULL, &console_font) < 0);
    CHECK(fbcon_init(&con, &good, mem, NULL) < 0);
    CHECK(fbcon_init(&con, &good, mem, &console_font) == 0);
}

TEST(ega_text_cells_hold_char_and_attribute)
{
    struct tfb t;
    struct boot_fb fb = ega_fb(80, 25, 168); /* padded rows, to see pitch is used */

    CHECK(tfb_open(&t, &fb) == 0);
    CHECK(fbcon_cols(&t.con) == 80 && fbcon_rows(&t.con) == 25);
    CHECK(tfb_cell(&t, 0, 0) == (0x07 << 8 | ' ')); /* cleared in light grey on black */
    CHECK(tfb_cell(&t, 79, 24) == (0x07 << 8 | ' '));
    CHECK(t.mem[160] == CANARY);
    put_str(&t, "A\nb");
    CHECK(tfb_cell(&t, 0, 0) == (0x07 << 8 | 'A'));
    CHECK(tfb_cell(&t, 0, 1) == (0x07 << 8 | 'b'));
    fbcon_set_color(&t.con, 0xffff55, 0x0000aa); /* yellow on blue */
    put_str(&t, "c");
    CHECK(tfb_cell(&t, 1, 1) == (0x1e << 8 | 'c'));
    fbcon_set_color(&t.con, 0x101010, 0xffffff); /* bright background: no blink bit */
    put_str(&t, "d\xe9");
    CHECK(tfb_cell(&t, 2, 1) == (0x70 << 8 | 'd'));
    CHECK(tfb_cell(&t, 3, 1) == (0x70 << 8 | '?')); /* no Latin-1 in code page 437 order */
    fbcon_set_color(&t.con, 0xf0f0f0, 0x000000);
    put_str(&t, "e");
    CHECK(tfb_cell(&t, 4, 1) == (0x0f << 8 | 'e'));
    tfb_close(&t);
}

TEST(ega_text_scrolls_and_clears_last_row)
{
    struct tfb t;
    struct boot_fb fb = ega_fb(4, 3, 10);

    CHECK(tfb_open(&t, &fb) == 0);
    put_str(&t, "abcd\nefgh\nijkl");
    fbcon_set_color(&t.con, 0xaaaaaa, 0x0000aa);
    put_str(&t, "mn");
    CHECK(t.con.cx == 2 && t.con.cy == 2);
    CHECK(tfb_cell(&t, 0, 0) == (0x07 << 8 | 'e'));
    CHECK(tfb_cell(&t, 3, 1) == (0x07 << 8 | 'l'));
    CHECK(tfb_cell(&t, 0, 2) == (0x17 << 8 | 'm'));
    CHECK(tfb_cell(&t, 2, 2) == (0x17 << 8 | ' '));
    CHECK(tfb_cell(&t, 3, 2) == (0x17 << 8 | ' '));
    for (unsigned row = 0; row < 3; row++)
        CHECK(t.mem[row * 10 + 8] == CANARY && t.mem[row * 10 + 9] == CANARY);
    tfb_close(&t);
}

int
main(void)
{
    RUN(font_is_terminus_8x16_with_256_glyphs);
    RUN(font_maps_latin1_through_its_unicode_table);
    RUN(init_reports_geometry_and_clears_to_black);
    RUN(glyph_at_origin_matches_font_bit_for_bit_32bpp);
    RUN(colour_follows_the_channel_positions_bgr);
    RUN(pixels_pack_into_24bpp);
    RUN(pixels_pack_into_16bpp_rgb565);
    RUN(newline_and_return_move_the_cursor);
    RUN(long_line_wraps_at_the_right_edge);
    RUN(full_line_then_newline_leaves_no_blank_line);
    RUN(tab_advances_to_next_multiple_of_8);
    RUN(backspace_moves_left_and_stops_at_column_zero);
    RUN(control_characters_draw_nothing);
    RUN(scroll_moves_row_one_to_row_zero_and_clears_last_row);
    RUN(text_never_touches_margins_or_pitch_padding);
    RUN(clear_fills_with_background_and_homes_cursor);
    RUN(unusable_framebuffers_are_refused);
    RUN(ega_text_cells_hold_char_and_attribute);
    RUN(ega_text_scrolls_and_clears_last_row);
    return check_exit();
}
