/* SPDX-License-Identifier: MIT */
/*
 * A model of one terminal row, for checking the echo of lib/termline
 * (tests/host/test_termline.c and tests/fuzz/fuzz_termline.c): it
 * applies exactly the output a line editor may send (printable bytes,
 * "\b", "\r", "\n", BEL, ESC [ n C, ESC [ n D, ESC [ K) to a row of
 * characters and a cursor, and marks anything else as bad: an unknown
 * byte or sequence, or a cursor moved left of the row's start. A test
 * then compares the row with the line the editor holds.
 *
 * "\n" keeps the finished row in last[] (what a person saw before Enter)
 * and starts an empty one.
 */
#ifndef CAIRN_TESTS_HOST_TERMSCREEN_H
#define CAIRN_TESTS_HOST_TERMSCREEN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SCREEN_COLS 8192u

struct screen {
    char row[SCREEN_COLS];
    uint32_t rowlen, col;
    char last[SCREEN_COLS];
    uint32_t lastlen;
    unsigned bells, rows;
    const char *bad; /* why the output was wrong, or NULL */
};

static inline void
screen_init(struct screen *s)
{
    memset(s, 0, sizeof(*s));
}

static inline void
screen_write(struct screen *s, const char *b, size_t n)
{
    for (size_t i = 0; i < n && !s->bad; i++) {
        uint8_t c = (uint8_t)b[i];

        if (c == 0x1b) {
            uint32_t arg = 0, digits = 0;

            if (i + 1 >= n || b[i + 1] != '[') {
                s->bad = "ESC without [";
                break;
            }
            i += 2;
            while (i < n && b[i] >= '0' && b[i] <= '9' && digits < 6) {
                arg = arg * 10 + (uint32_t)(b[i] - '0');
                digits++;
                i++;
            }
            if (i >= n) {
                s->bad = "unfinished escape sequence";
                break;
            }
            if (!digits)
                arg = 1;
            if (b[i] == 'C') {
                if (s->col + arg >= SCREEN_COLS)
                    s->bad = "cursor right off the screen";
                else
                    s->col += arg;
            } else if (b[i] == 'D') {
                if (arg > s->col)
                    s->bad = "cursor left of the row";
                else
                    s->col -= arg;
            } else if (b[i] == 'K' && !digits) {
                if (s->rowlen > s->col)
                    s->rowlen = s->col;
            } else {
                s->bad = "unknown escape sequence";
            }
        } else if (c == '\b') {
            if (s->col == 0)
                s->bad = "backspace at the row's start";
            else
                s->col--;
        } else if (c == '\r') {
            s->col = 0;
        } else if (c == '\n') {
            memcpy(s->last, s->row, s->rowlen);
            s->lastlen = s->rowlen;
            s->rowlen = 0;
            s->rows++;
        } else if (c == 0x07) {
            s->bells++;
        } else if (c < 0x20 || c == 0x7f) {
            s->bad = "control byte in the echo";
        } else {
            if (s->col >= SCREEN_COLS - 1) {
                s->bad = "row overflow";
                break;
            }
            while (s->rowlen < s->col) /* written past the end: blanks between */
                s->row[s->rowlen++] = ' ';
            s->row[s->col++] = (char)c;
            if (s->col > s->rowlen)
                s->rowlen = s->col;
        }
    }
}

/* Does the row show line[0 .. len) from column start on, and nothing
 * but blanks after it (a rub-out leaves one), with the cursor at start +
 * cursor? */
static inline int
screen_shows(const struct screen *s, uint32_t start, const char *line, uint32_t len,
             uint32_t cursor)
{
    if (s->bad || s->rowlen < start + len || memcmp(s->row + start, line, len) != 0 ||
        s->col != start + cursor)
        return 0;
    for (uint32_t i = start + len; i < s->rowlen; i++) {
        if (s->row[i] != ' ')
            return 0;
    }
    return 1;
}

#endif
