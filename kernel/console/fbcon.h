/* SPDX-License-Identifier: MIT */
/*
 * A text console on the boot loader's framebuffer: either a linear RGB
 * framebuffer (UEFI, or a VBE mode under BIOS), on which glyphs of a bitmap
 * font are drawn, or EGA text mode (16-bit character/attribute cells).
 *
 * The console owns no memory: the struct lives where the caller puts it
 * (usually a static) and draws into framebuffer memory the caller has mapped.
 * It takes no locks; the caller serialises all calls on one console.
 *
 * Invariants after a successful fbcon_init():
 *   - cols >= 1 and rows >= 1, and every cell lies inside the framebuffer,
 *     so no call ever writes outside [mapped, mapped + pitch * height);
 *   - 0 <= cy < rows and 0 <= cx <= cols; cx == cols means the last column
 *     was just written and the line wraps when the next character arrives,
 *     so a line of exactly cols characters followed by '\n' leaves no blank
 *     line behind;
 *   - pixels right of the last text column and below the last text row are
 *     cleared by fbcon_clear() only, and never drawn on.
 */
#ifndef CAIRN_CONSOLE_FBCON_H
#define CAIRN_CONSOLE_FBCON_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"
#include "common/font.h"

/* The colours a console starts with: VGA light grey on black. */
#define FBCON_DEFAULT_FG 0xaaaaaa
#define FBCON_DEFAULT_BG 0x000000

/* All fields are guarded by the caller's console lock. */
struct fbcon {
    uint8_t *base;          /* the mapped framebuffer */
    uint32_t type;          /* BOOT_FB_RGB or BOOT_FB_EGA_TEXT */
    uint32_t pitch;         /* bytes from one pixel line (or text row) to the next */
    uint32_t width, height; /* pixels (RGB) or cells (EGA) */
    unsigned bytes_pp;      /* RGB: 2, 3 or 4 */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
    const struct font *font; /* RGB only */
    unsigned cell_w, cell_h; /* pixels per character cell (1x1 for EGA) */
    unsigned cols, rows;     /* text cells on the screen */
    unsigned cx, cy;         /* cursor: next cell to write; see the invariants above */
    uint32_t fg, bg;         /* RGB: pixel values in the framebuffer's format */
    uint8_t attr;            /* EGA: attribute byte, background << 4 | foreground */
};

/*
 * Set up c to draw on fb, whose memory the caller mapped at `mapped`, with
 * `font` (needed for RGB, ignored for EGA text). Clears the screen to black
 * and puts the cursor at the top left. Returns 0, or -1 when the framebuffer
 * cannot hold a console: no framebuffer, an unsupported depth (RGB takes 32,
 * 24 and 16 bpp), zero or too-small sizes, a pitch shorter than a line, or
 * colour channels that do not fit the pixel. c is left unusable then.
 */
int fbcon_init(struct fbcon *c, const struct boot_fb *fb, void *mapped, const struct font *font);

/*
 * Write one Latin-1 character at the cursor. Handles '\n' (to the start of
 * the next line: the kernel log has no separate carriage return), '\r', '\t'
 * (to the next multiple of 8, at most to the right edge), and '\b' (one cell
 * left, not past column 0, erasing nothing: write "\b \b" to erase). Other
 * control characters are ignored. Wraps at the right edge and scrolls at the
 * bottom.
 */
void fbcon_putc(struct fbcon *c, char ch);
void fbcon_write(struct fbcon *c, const char *s, size_t len);

/*
 * Colours for the characters written from now on, as 0xRRGGBB. In EGA text
 * mode they become the nearest of the 16 VGA colours (background: of the
 * first 8, since attribute bit 7 may mean blink).
 */
void fbcon_set_color(struct fbcon *c, uint32_t fg_rgb, uint32_t bg_rgb);

/* Fill the whole screen with the background colour; cursor to the top left. */
void fbcon_clear(struct fbcon *c);

unsigned fbcon_cols(const struct fbcon *c);
unsigned fbcon_rows(const struct fbcon *c);

#endif
