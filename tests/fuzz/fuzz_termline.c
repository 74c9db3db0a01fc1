// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the terminal line discipline (lib/termline/termline.c):
 * whatever bytes a person or a line noise sends, and whatever a reader
 * and the mode changes do between them.
 *
 * The input: the first byte is the starting mode (its low three bits);
 * then each byte is typed, except 0xff, which takes the next byte as an
 * operation: 0xff again types 0xff; a byte below 0x80 reads with a buffer
 * of (byte + 1) * 8 bytes; 0x80 + m sets the mode to m (low three bits).
 * Checks, beyond "no crash", after every step:
 *   - the invariants at the top of termline.c (cursor, line length, the
 *     queue and its records in order, the history);
 *   - the echo never longer than TERMLINE_ECHO_MAX, and with
 *     TERMLINE_EV_FULL empty, with the state unchanged;
 *   - a read never longer than asked, never past a line's '\n', and
 *     TERMLINE_NOTHING exactly when termline_readable says so;
 *   - in canonical mode with echo, a model terminal row (termscreen.h)
 *     fed the echo shows the line being edited with the cursor in its
 *     place (from the last line's end on; after a mode change it starts
 *     checking again at the next line).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "termline/termline.h"
#include "termscreen.h"

static struct termline tl;
static struct screen scr;

/* What a refused byte must leave as it was (the whole struct would cost
 * a 23 KiB copy per byte). */
struct snapshot {
    uint32_t mode, len, cursor, head, tail, rec_head, rec_tail, browse, hist_count;
    uint32_t esc_param;
    uint8_t esc, esc_bytes, after_cr;
    char line[TERMLINE_LINE_MAX];
};

static void
snapshot_take(struct snapshot *s, const struct termline *t)
{
    memset(s, 0, sizeof(*s));
    s->mode = t->mode;
    s->len = t->len;
    s->cursor = t->cursor;
    s->head = t->head;
    s->tail = t->tail;
    s->rec_head = t->rec_head;
    s->rec_tail = t->rec_tail;
    s->browse = t->browse;
    s->hist_count = t->hist_count;
    s->esc_param = t->esc_param;
    s->esc = t->esc;
    s->esc_bytes = t->esc_bytes;
    s->after_cr = t->after_cr;
    memcpy(s->line, t->line, t->len);
}

static void
check_invariants(const struct termline *t)
{
    uint32_t prev;

    FUZZ_CHECK(t->cursor <= t->len && t->len <= TERMLINE_LINE_MAX - 1);
    FUZZ_CHECK(t->head - t->tail <= TERMLINE_QUEUE);
    FUZZ_CHECK(t->rec_head - t->rec_tail <= TERMLINE_RECORDS);
    prev = t->tail;
    for (uint32_t i = t->rec_tail; i != t->rec_head; i++) {
        const struct termline_record *r = &t->rec[i % TERMLINE_RECORDS];

        FUZZ_CHECK(r->end - t->tail <= t->head - t->tail); /* within the queue */
        FUZZ_CHECK(r->end - t->tail >= prev - t->tail);    /* in order */
        if (!r->eof)
            FUZZ_CHECK(r->end != prev); /* a line holds an unread byte */
        prev = r->end;
    }
    FUZZ_CHECK(t->browse <= t->hist_count && t->hist_count <= TERMLINE_HISTORY);
    FUZZ_CHECK(t->mode == (t->mode & TERMLINE_MODES));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size, 0};
    char echo[TERMLINE_ECHO_MAX], buf[2048];
    uint32_t start_col = 0, len, cursor;
    int synced;

    termline_init(&tl, fuzz_u8(&in));
    screen_init(&scr);
    synced = 1;
    while (!fuzz_done(&in)) {
        uint8_t c = fuzz_u8(&in);

        if (c == 0xff) {
            uint8_t op = fuzz_u8(&in);

            if (op < 0x80) {
                size_t cap = ((size_t)op + 1) * 8;
                int readable = termline_readable(&tl);
                /* what a read must give: up to the oldest record's end, or
                 * every raw byte; 0 for an end of file */
                uint32_t avail = tl.rec_head != tl.rec_tail
                                     ? tl.rec[tl.rec_tail % TERMLINE_RECORDS].end - tl.tail
                                     : tl.head - tl.tail;
                long n = termline_read(&tl, buf, cap);

                FUZZ_CHECK((n == TERMLINE_NOTHING) == !readable);
                if (readable)
                    FUZZ_CHECK((size_t)n == (avail < cap ? avail : cap));
                check_invariants(&tl);
                continue;
            }
            if (op != 0xff) {
                termline_set_mode(&tl, op & 7u);
                check_invariants(&tl);
                synced = 0;
                continue;
            }
        }

        /* A byte can be refused only for lack of room: keep the state to compare. */
        int tight = TERMLINE_QUEUE - (tl.head - tl.tail) <= TERMLINE_LINE_MAX ||
                    tl.rec_head - tl.rec_tail == TERMLINE_RECORDS;
        struct snapshot before, after;
        if (tight)
            snapshot_take(&before, &tl);
        size_t echo_len = 12345;
        unsigned ev = termline_feed(&tl, c, echo, &echo_len);

        FUZZ_CHECK(echo_len <= TERMLINE_ECHO_MAX);
        FUZZ_CHECK((ev & ~(TERMLINE_EV_READABLE | TERMLINE_EV_INTR | TERMLINE_EV_FULL)) == 0);
        if (ev & TERMLINE_EV_FULL) {
            FUZZ_CHECK(tight && echo_len == 0);
            snapshot_take(&after, &tl);
            FUZZ_CHECK(memcmp(&before, &after, sizeof(after)) == 0);
            continue;
        }
        if (ev & TERMLINE_EV_READABLE)
            FUZZ_CHECK(termline_readable(&tl));
        if (ev & TERMLINE_EV_INTR)
            FUZZ_CHECK(!termline_readable(&tl) && tl.len == 0);
        check_invariants(&tl);
        if (!(tl.mode & TERMLINE_ECHO))
            FUZZ_CHECK(echo_len == 0);
        if ((tl.mode & (TERMLINE_CANON | TERMLINE_ECHO)) != (TERMLINE_CANON | TERMLINE_ECHO)) {
            synced = 0;
            continue;
        }
        screen_write(&scr, echo, echo_len);
        FUZZ_CHECK(!scr.bad || !synced);
        if (echo_len >= 2 && echo[echo_len - 2] == '\r' && echo[echo_len - 1] == '\n') {
            /* a line's end or ^C: a fresh row from here on */
            screen_init(&scr);
            start_col = 0;
            synced = 1;
            continue;
        }
        if (!synced)
            continue;
        if (c == 0x04 && (ev & TERMLINE_EV_READABLE)) {
            start_col = scr.col; /* ^D: the next line goes on after this one */
            if (start_col > SCREEN_COLS / 2) {
                screen_init(&scr); /* the line is empty: start a fresh row */
                start_col = 0;
            }
        }
        const char *line = termline_line(&tl, &len, &cursor);
        FUZZ_CHECK(screen_shows(&scr, start_col, line, len, cursor));
    }
    return 0;
}
