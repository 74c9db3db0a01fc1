/* SPDX-License-Identifier: MIT */
/*
 * The terminal line discipline: the state machine between the bytes a
 * person types (from a serial line or a keyboard) and the bytes a program
 * reads, with no system calls, no allocation and no clock, so that the
 * console server runs it and the host test and fuzzer run the very same
 * file.
 *
 * Bytes go in one at a time (termline_feed). Each gives back the echo,
 * what the screen should show, and event bits: something became readable,
 * ^C was typed, or the byte could not be taken yet. What a reader gets
 * comes out of termline_read from the input queue.
 *
 * Canonical mode (TERMLINE_CANON) edits one line and queues it whole when
 * it ends:
 *   - printable bytes (0x20..0x7e, and 0x80..0xff taken as one column
 *     each) are inserted at the cursor; a full line (TERMLINE_LINE_MAX - 1
 *     bytes, room kept for the '\n') takes no more and beeps (BEL);
 *   - CR or LF ends the line, queued with a '\n' (an LF right after the
 *     CR that ended a line is the second half of a CR LF pair, dropped);
 *   - backspace (^H) and DEL erase before the cursor, Delete (ESC [ 3 ~)
 *     at it; ^U kills the whole line, ^K from the cursor to the end, ^W
 *     the word before the cursor (blanks, then non-blanks);
 *   - left and right (ESC [ D, ESC [ C; also ^B and ^F) move the cursor,
 *     ^A and ^E (or Home and End: ESC [ H, ESC [ F, ESC [ 1 ~, ESC [ 4 ~
 *     and their ESC O forms) to the start and the end;
 *   - up and down (ESC [ A, ESC [ B) walk the history, the last
 *     TERMLINE_HISTORY lines (empty lines and a line equal to the one
 *     before are not kept); the line being typed comes back below the
 *     newest;
 *   - ^D at the start of an empty line queues an end of file (a read
 *     returns 0); on a line with bytes it queues them as they are, with
 *     no '\n' (a read returns them at once);
 *   - other control bytes, and escape sequences not listed, are dropped
 *     (a control byte with a beep; an unknown sequence silently).
 * Raw mode (no TERMLINE_CANON) queues every byte as it comes.
 * TERMLINE_SIGINT, in either mode, makes ^C an event instead of a byte:
 * the line being edited and everything queued are discarded (POSIX's
 * behaviour without NOFLSH) and termline_feed reports TERMLINE_EV_INTR.
 * TERMLINE_ECHO, in either mode, gives echo; without it the echo is
 * always empty.
 *
 * The echo: the bytes typed, and for editing the cursor motions of a
 * VT100/ANSI terminal: "\b" or ESC [ n D left, ESC [ n C right, ESC [ K
 * to erase to the end of the row, "\b \b" to rub out the last byte, BEL
 * for a refusal, "\r\n" for a line's end and "^C\r\n" for an interrupt.
 * The screen row then shows the line with the cursor where the line's is
 * (the host test and fuzzer check this with a small terminal model). Only
 * a line that fits on one row of the screen is drawn right: cursor
 * motions do not cross a wrapped row.
 *
 * The queue (TERMLINE_QUEUE bytes) holds lines not yet read. A read
 * returns bytes up to the end of the oldest queued line (one line per
 * read, or part of one if the caller's buffer is smaller), an end of file
 * as 0, and in raw mode whatever raw bytes are queued. Nothing typed is
 * lost for lack of room: a byte that needs room the queue does not have
 * (a line's end, ^D, a byte in raw mode) is refused with
 * TERMLINE_EV_FULL and nothing changes; the caller keeps it and feeds it
 * again once a reader has made room. (A byte refused because the line is
 * full is different: it beeps and is dropped, as terminals do.)
 *
 * Changing the mode: leaving canonical mode queues the line being edited
 * as raw bytes (if there is room, else it stays and is edited on when
 * canonical mode comes back); bytes queued in raw mode stay readable in
 * canonical mode, as one chunk.
 */
#ifndef CAIRN_LIB_TERMLINE_H
#define CAIRN_LIB_TERMLINE_H

#include <stddef.h>
#include <stdint.h>

/* Modes: the same bits as include/proto/io.h's PROTO_TTY_*. */
#define TERMLINE_CANON  1u
#define TERMLINE_ECHO   2u
#define TERMLINE_SIGINT 4u
#define TERMLINE_MODES  7u

#define TERMLINE_LINE_MAX 1024u /* one line with its '\n' */
#define TERMLINE_QUEUE    4096u /* bytes waiting to be read; a power of two */
#define TERMLINE_RECORDS  64u   /* lines and ends of file waiting; a power of two */
#define TERMLINE_HISTORY  16u   /* lines kept for up and down */

/* The most echo one byte can give: a whole line redrawn, with cursor motions. */
#define TERMLINE_ECHO_MAX (TERMLINE_LINE_MAX + 32u)

/* termline_feed's result bits. */
#define TERMLINE_EV_READABLE 1u /* termline_read has something (more) to give */
#define TERMLINE_EV_INTR     2u /* ^C: interrupt the foreground process group */
#define TERMLINE_EV_FULL     4u /* not taken (no room in the queue): feed it again later */

/* termline_read: nothing to read yet. */
#define TERMLINE_NOTHING (-1L)

struct termline_record {
    uint32_t end; /* the queue position just past its last byte */
    uint32_t eof; /* an end of file (no bytes of its own) */
};

/* All the state; the caller owns it (no allocation), and only termline.c
 * touches its fields. */
struct termline {
    uint32_t mode;

    /* The line being edited: line[0 .. len), the cursor at 0 .. len. */
    char line[TERMLINE_LINE_MAX];
    uint32_t len, cursor;

    /* An escape sequence being read: state, bytes seen, first parameter. */
    uint8_t esc, esc_bytes;
    uint8_t after_cr; /* the last byte was a CR that ended a line */
    uint32_t esc_param;

    /* History: a ring of the last lines, newest at hist_next - 1. browse
     * is how far back the line shown is (0: the one being typed, kept in
     * saved while browsing). */
    char hist[TERMLINE_HISTORY][TERMLINE_LINE_MAX];
    uint16_t hist_len[TERMLINE_HISTORY];
    uint32_t hist_count, hist_next, browse;
    char saved[TERMLINE_LINE_MAX];
    uint32_t saved_len;

    /* The queue: bytes at positions tail .. head (free-running, modulo
     * TERMLINE_QUEUE), and the records (lines, ends of file) that cut them,
     * rec_tail .. rec_head. Records cover a prefix of the bytes; bytes
     * after the last record were typed in raw mode. */
    char queue[TERMLINE_QUEUE];
    uint32_t head, tail;
    struct termline_record rec[TERMLINE_RECORDS];
    uint32_t rec_head, rec_tail;
};

/* Starts empty, in the given TERMLINE_* mode. */
void termline_init(struct termline *t, uint32_t mode);

/* Changes the mode (bits outside TERMLINE_MODES are ignored); returns
 * TERMLINE_EV_READABLE if that made something readable. */
unsigned termline_set_mode(struct termline *t, uint32_t mode);

uint32_t termline_mode(const struct termline *t);

/*
 * Takes one input byte. echo (at least TERMLINE_ECHO_MAX bytes) receives
 * what to show, *echo_len its length. Returns TERMLINE_EV_* bits; with
 * TERMLINE_EV_FULL, the byte was not taken, nothing changed and the echo
 * is empty.
 */
unsigned termline_feed(struct termline *t, uint8_t c, char *echo, size_t *echo_len);

/* Is there anything for termline_read (bytes or an end of file)? */
int termline_readable(const struct termline *t);

/*
 * Takes at most cap bytes (cap >= 1) of the oldest queued input: up to
 * the end of the oldest line, or the raw bytes. Returns how many, 0 for
 * an end of file (taken: the next read goes on after it), or
 * TERMLINE_NOTHING.
 */
long termline_read(struct termline *t, char *buf, size_t cap);

/* Discards the line being edited and everything queued. */
void termline_flush(struct termline *t);

/* The line being edited and its cursor, for tests and redrawing. */
const char *termline_line(const struct termline *t, uint32_t *len, uint32_t *cursor);

#endif
