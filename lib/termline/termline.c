// SPDX-License-Identifier: MIT
/*
 * The terminal line discipline (termline.h says what it does).
 *
 * Invariants, kept by every function here and checked by the host fuzzer:
 *   - cursor <= len <= TERMLINE_LINE_MAX - 1 (room for the '\n');
 *   - tail <= head <= tail + TERMLINE_QUEUE (modulo 2^32), and the records
 *     rec_tail .. rec_head, at most TERMLINE_RECORDS, have ends in order
 *     within tail .. head; a record that is not an end of file holds at
 *     least one unread byte (it is dropped when its last byte is read);
 *   - browse <= hist_count <= TERMLINE_HISTORY;
 *   - every echo is at most TERMLINE_ECHO_MAX bytes: the longest is a
 *     history line redrawn (a motion of at most 8 bytes, the line, ESC [ K).
 * A byte that cannot be taken is refused before anything changes
 * (validate, then commit), so TERMLINE_EV_FULL leaves the state as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "termline.h"

#define CTRL(c) ((c)&0x1f)
#define ESC     0x1b
#define DEL     0x7f
#define BEL     0x07

/* Escape-sequence states. */
enum {
    ESC_NONE,
    ESC_SEEN, /* ESC */
    ESC_CSI,  /* ESC [ and parameters */
    ESC_SS3,  /* ESC O */
};

/* A sequence longer than this is abandoned (its remaining bytes dropped
 * until its final byte); a parameter is capped. */
#define ESC_MAX_BYTES 16
#define ESC_PARAM_MAX 9999

/* The echo being built for one byte; every append is bounded. */
struct out {
    char *buf;
    size_t len;
    int on;
};

static void
out_bytes(struct out *o, const char *s, size_t n)
{
    if (!o->on)
        return;
    if (n > TERMLINE_ECHO_MAX - o->len)
        n = TERMLINE_ECHO_MAX - o->len; /* never reached (see the top): a bound, not a path */
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void
out_str(struct out *o, const char *s)
{
    out_bytes(o, s, strlen(s));
}

/* ESC [ n <final>, n in decimal. */
static void
out_csi(struct out *o, uint32_t n, char final)
{
    char b[16];
    size_t i = sizeof(b);

    b[--i] = final;
    do {
        b[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    b[--i] = '[';
    b[--i] = ESC;
    out_bytes(o, b + i, sizeof(b) - i);
}

static void
out_left(struct out *o, uint32_t n)
{
    if (n == 1)
        out_str(o, "\b");
    else if (n > 1)
        out_csi(o, n, 'D');
}

static void
out_right(struct out *o, uint32_t n)
{
    if (n)
        out_csi(o, n, 'C');
}

static void
out_bell(struct out *o)
{
    out_str(o, "\a");
}

/* --- the queue ------------------------------------------------------------------------- */

static uint32_t
queue_room(const struct termline *t)
{
    return TERMLINE_QUEUE - (t->head - t->tail);
}

static uint32_t
rec_room(const struct termline *t)
{
    return TERMLINE_RECORDS - (t->rec_head - t->rec_tail);
}

/* The caller checked the room. */
static void
queue_put(struct termline *t, const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        t->queue[(t->head + i) % TERMLINE_QUEUE] = s[i];
    t->head += n;
}

/* Bytes after the last record: typed in raw mode (or the line queued on
 * leaving canonical mode). */
static uint32_t
queue_open_bytes(const struct termline *t)
{
    uint32_t start = t->tail;

    if (t->rec_head != t->rec_tail)
        start = t->rec[(t->rec_head - 1) % TERMLINE_RECORDS].end;
    return t->head - start;
}

static void
rec_push(struct termline *t, uint32_t eof)
{
    struct termline_record *r = &t->rec[t->rec_head % TERMLINE_RECORDS];

    r->end = t->head;
    r->eof = eof;
    t->rec_head++;
}

int
termline_readable(const struct termline *t)
{
    return t->rec_head != t->rec_tail || t->head != t->tail;
}

long
termline_read(struct termline *t, char *buf, size_t cap)
{
    const struct termline_record *r = NULL;
    uint32_t avail, n;

    if (!termline_readable(t))
        return TERMLINE_NOTHING;
    if (cap == 0)
        return 0;
    if (t->rec_head != t->rec_tail) {
        r = &t->rec[t->rec_tail % TERMLINE_RECORDS];
        avail = r->end - t->tail;
        if (avail == 0) { /* only an end of file is ever empty */
            t->rec_tail++;
            return 0;
        }
    } else {
        avail = t->head - t->tail;
    }
    n = cap < avail ? (uint32_t)cap : avail;
    for (uint32_t i = 0; i < n; i++)
        buf[i] = t->queue[(t->tail + i) % TERMLINE_QUEUE];
    t->tail += n;
    if (r && t->tail == r->end && !r->eof)
        t->rec_tail++;
    return (long)n;
}

/* --- the line and the history ----------------------------------------------------------- */

static void
line_reset(struct termline *t)
{
    t->len = 0;
    t->cursor = 0;
    t->browse = 0;
    t->esc = ESC_NONE;
}

/* Redraws from the cursor (at from on the screen) to the end, erases what
 * is left of the old line, and puts the screen's cursor back at t->cursor. */
static void
line_redraw_from(struct termline *t, struct out *o, uint32_t from)
{
    out_bytes(o, t->line + from, t->len - from);
    out_str(o, "\x1b[K");
    out_left(o, t->len - t->cursor);
}

/* Removes line[from .. to), the cursor being at to (a rub-out, ^W); the
 * cursor goes to from. */
static void
line_erase(struct termline *t, struct out *o, uint32_t from, uint32_t to)
{
    uint32_t n = to - from;
    int at_end = to == t->len;

    if (n == 0)
        return;
    memmove(t->line + from, t->line + to, t->len - to);
    t->len -= n;
    t->cursor = from;
    if (at_end && n == 1) {
        out_str(o, "\b \b"); /* the common rub-out, in the form every terminal knows */
        return;
    }
    out_left(o, n);
    line_redraw_from(t, o, from);
}

/* Replaces the whole line with s (a history entry or the saved line). */
static void
line_replace(struct termline *t, struct out *o, const char *s, uint32_t n)
{
    out_left(o, t->cursor);
    memcpy(t->line, s, n);
    t->len = n;
    t->cursor = n;
    out_bytes(o, s, n);
    out_str(o, "\x1b[K");
}

static void
line_insert(struct termline *t, struct out *o, char c)
{
    if (t->len >= TERMLINE_LINE_MAX - 1) {
        out_bell(o);
        return;
    }
    memmove(t->line + t->cursor + 1, t->line + t->cursor, t->len - t->cursor);
    t->line[t->cursor] = c;
    t->len++;
    out_bytes(o, t->line + t->cursor, t->len - t->cursor);
    t->cursor++;
    out_left(o, t->len - t->cursor);
}

static void
cursor_to(struct termline *t, struct out *o, uint32_t to)
{
    if (to < t->cursor)
        out_left(o, t->cursor - to);
    else
        out_right(o, to - t->cursor);
    t->cursor = to;
}

static uint32_t
word_start(const struct termline *t)
{
    uint32_t i = t->cursor;

    while (i > 0 && t->line[i - 1] == ' ')
        i--;
    while (i > 0 && t->line[i - 1] != ' ')
        i--;
    return i;
}

/* The k-th newest history entry, k = 1 .. hist_count. */
static uint32_t
hist_slot(const struct termline *t, uint32_t k)
{
    return (t->hist_next + TERMLINE_HISTORY - k) % TERMLINE_HISTORY;
}

static void
hist_add(struct termline *t)
{
    uint32_t slot;

    if (t->len == 0)
        return;
    if (t->hist_count) {
        slot = hist_slot(t, 1);
        if (t->hist_len[slot] == t->len && memcmp(t->hist[slot], t->line, t->len) == 0)
            return;
    }
    slot = t->hist_next;
    memcpy(t->hist[slot], t->line, t->len);
    t->hist_len[slot] = (uint16_t)t->len;
    t->hist_next = (t->hist_next + 1) % TERMLINE_HISTORY;
    if (t->hist_count < TERMLINE_HISTORY)
        t->hist_count++;
}

static void
hist_up(struct termline *t, struct out *o)
{
    uint32_t slot;

    if (t->browse >= t->hist_count) {
        out_bell(o);
        return;
    }
    if (t->browse == 0) {
        memcpy(t->saved, t->line, t->len);
        t->saved_len = t->len;
    }
    t->browse++;
    slot = hist_slot(t, t->browse);
    line_replace(t, o, t->hist[slot], t->hist_len[slot]);
}

static void
hist_down(struct termline *t, struct out *o)
{
    uint32_t slot;

    if (t->browse == 0) {
        out_bell(o);
        return;
    }
    t->browse--;
    if (t->browse == 0) {
        line_replace(t, o, t->saved, t->saved_len);
        return;
    }
    slot = hist_slot(t, t->browse);
    line_replace(t, o, t->hist[slot], t->hist_len[slot]);
}

/* --- canonical input --------------------------------------------------------------------- */

/* The end of an escape sequence: what it asks for. */
static void
esc_dispatch(struct termline *t, struct out *o, uint8_t final)
{
    uint32_t p = t->esc_param;

    switch (final) {
    case 'A':
        hist_up(t, o);
        break;
    case 'B':
        hist_down(t, o);
        break;
    case 'C':
        if (t->cursor < t->len)
            cursor_to(t, o, t->cursor + 1);
        break;
    case 'D':
        if (t->cursor > 0)
            cursor_to(t, o, t->cursor - 1);
        break;
    case 'H':
        cursor_to(t, o, 0);
        break;
    case 'F':
        cursor_to(t, o, t->len);
        break;
    case '~':
        if (t->esc != ESC_CSI)
            break;
        if (p == 1 || p == 7)
            cursor_to(t, o, 0);
        else if (p == 4 || p == 8)
            cursor_to(t, o, t->len);
        else if (p == 3 && t->cursor < t->len) {
            memmove(t->line + t->cursor, t->line + t->cursor + 1, t->len - t->cursor - 1);
            t->len--;
            line_redraw_from(t, o, t->cursor);
        }
        break;
    default:
        break; /* a sequence we do not know: dropped */
    }
}

/* A byte inside an escape sequence; returns 1 if it was taken as part of
 * one, 0 if it ends the sequence and must be handled as a byte of its own. */
static int
esc_step(struct termline *t, struct out *o, uint8_t c)
{
    if (c < 0x20 || c >= 0x7f) {
        /* a control byte (or DEL, or a high byte) cuts the sequence off */
        t->esc = ESC_NONE;
        return 0;
    }
    if (t->esc == ESC_SEEN) {
        t->esc_bytes = 1;
        t->esc_param = 0;
        if (c == '[')
            t->esc = ESC_CSI;
        else if (c == 'O')
            t->esc = ESC_SS3;
        else
            t->esc = ESC_NONE; /* ESC x: an Alt chord we give no meaning: dropped */
        return 1;
    }
    if (t->esc_bytes < ESC_MAX_BYTES + 1)
        t->esc_bytes++; /* saturates: past the bound, the sequence means nothing */
    if (t->esc == ESC_CSI && c <= 0x3f) { /* parameters and intermediates */
        if (c >= '0' && c <= '9' && t->esc_param <= ESC_PARAM_MAX)
            t->esc_param = t->esc_param * 10 + (uint32_t)(c - '0');
        return 1;
    }
    if (t->esc_bytes <= ESC_MAX_BYTES)
        esc_dispatch(t, o, c);
    t->esc = ESC_NONE;
    return 1;
}

/* Does the queue have the room byte c needs in canonical mode (a line's
 * end or ^D: the line and a record)? */
static int
canon_fits(const struct termline *t, uint8_t c)
{
    uint32_t need;

    if (c == '\r' || (c == '\n' && !t->after_cr))
        need = t->len + 1;
    else if (c == CTRL('D'))
        need = t->len;
    else
        return 1;
    return queue_room(t) >= need && rec_room(t) >= 1;
}

/* A line's end (CR or LF) or ^D: queue the line (canon_fits said it fits). */
static void
canon_submit(struct termline *t, struct out *o, int newline)
{
    queue_put(t, t->line, t->len);
    if (newline)
        queue_put(t, "\n", 1);
    rec_push(t, t->len == 0 && !newline);
    if (newline) {
        hist_add(t);
        out_str(o, "\r\n");
    } else {
        out_right(o, t->len - t->cursor); /* the next line is typed after this one */
    }
    line_reset(t);
}

static unsigned
canon_feed(struct termline *t, struct out *o, uint8_t c)
{
    if (t->esc != ESC_NONE && esc_step(t, o, c))
        return 0;
    if (c == '\n' && t->after_cr)
        return 0; /* the LF of a CR LF pair */
    switch (c) {
    case '\r':
    case '\n':
        canon_submit(t, o, 1);
        return TERMLINE_EV_READABLE;
    case CTRL('D'):
        canon_submit(t, o, 0);
        return TERMLINE_EV_READABLE;
    case '\b':
    case DEL:
        if (t->cursor > 0)
            line_erase(t, o, t->cursor - 1, t->cursor);
        return 0;
    case CTRL('U'):
        out_left(o, t->cursor);
        out_str(o, "\x1b[K");
        t->len = 0;
        t->cursor = 0;
        return 0;
    case CTRL('K'):
        t->len = t->cursor;
        out_str(o, "\x1b[K");
        return 0;
    case CTRL('W'):
        line_erase(t, o, word_start(t), t->cursor);
        return 0;
    case CTRL('A'):
        cursor_to(t, o, 0);
        return 0;
    case CTRL('E'):
        cursor_to(t, o, t->len);
        return 0;
    case CTRL('B'):
        if (t->cursor > 0)
            cursor_to(t, o, t->cursor - 1);
        return 0;
    case CTRL('F'):
        if (t->cursor < t->len)
            cursor_to(t, o, t->cursor + 1);
        return 0;
    case ESC:
        t->esc = ESC_SEEN;
        return 0;
    default:
        if (c < 0x20)
            out_bell(o); /* a control byte with no meaning here */
        else
            line_insert(t, o, (char)c);
        return 0;
    }
}

/* --- the public calls ---------------------------------------------------------------------- */

void
termline_init(struct termline *t, uint32_t mode)
{
    memset(t, 0, sizeof(*t));
    t->mode = mode & TERMLINE_MODES;
}

uint32_t
termline_mode(const struct termline *t)
{
    return t->mode;
}

unsigned
termline_set_mode(struct termline *t, uint32_t mode)
{
    unsigned ev = 0;

    mode &= TERMLINE_MODES;
    if ((t->mode & TERMLINE_CANON) && !(mode & TERMLINE_CANON) && t->len &&
        queue_room(t) >= t->len) {
        queue_put(t, t->line, t->len);
        t->len = 0;
        t->cursor = 0;
        ev = TERMLINE_EV_READABLE;
    }
    if (!(t->mode & TERMLINE_CANON) && (mode & TERMLINE_CANON) && queue_open_bytes(t) &&
        rec_room(t) >= 1)
        rec_push(t, 0); /* raw bytes stay one chunk, not the start of the next line */
    t->esc = ESC_NONE;
    t->browse = 0;
    t->after_cr = 0;
    t->mode = mode;
    return ev;
}

void
termline_flush(struct termline *t)
{
    line_reset(t);
    t->tail = t->head;
    t->rec_tail = t->rec_head;
    t->after_cr = 0;
}

unsigned
termline_feed(struct termline *t, uint8_t c, char *echo, size_t *echo_len)
{
    struct out o = {echo, 0, (t->mode & TERMLINE_ECHO) != 0};
    unsigned ev;

    *echo_len = 0;
    if (c == CTRL('C') && (t->mode & TERMLINE_SIGINT)) {
        termline_flush(t);
        out_str(&o, "^C\r\n");
        *echo_len = o.len;
        return TERMLINE_EV_INTR;
    }
    if (!(t->mode & TERMLINE_CANON)) {
        if (queue_room(t) < 1)
            return TERMLINE_EV_FULL;
        t->after_cr = 0;
        queue_put(t, (const char *)&c, 1);
        out_bytes(&o, (const char *)&c, 1);
        *echo_len = o.len;
        return TERMLINE_EV_READABLE;
    }
    if (!canon_fits(t, c))
        return TERMLINE_EV_FULL; /* before anything changes */
    ev = canon_feed(t, &o, c);
    t->after_cr = c == '\r' && (ev & TERMLINE_EV_READABLE);
    *echo_len = o.len;
    return ev;
}

const char *
termline_line(const struct termline *t, uint32_t *len, uint32_t *cursor)
{
    *len = t->len;
    *cursor = t->cursor;
    return t->line;
}
