// SPDX-License-Identifier: MIT
/*
 * Tests for the terminal line discipline (lib/termline/termline.c).
 *
 * Table-like cases type a string of bytes and compare the exact echo and
 * the exact lines a reader gets; each also runs the echo through a model
 * of a terminal row (termscreen.h) and checks the row shows the line
 * being edited with the cursor in its place. Then: the queue filling up
 * (a byte refused, taken once a read made room, nothing lost), reads in
 * small pieces, mode changes, and a long random run of keystrokes checked
 * against an independent model of the editing rules (the line, the cursor,
 * the history and every line read), with the screen model after every key.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "termline/termline.h"
#include "termscreen.h"

#define ALL (TERMLINE_CANON | TERMLINE_ECHO | TERMLINE_SIGINT)

static struct termline tl;
static struct screen scr;
static char echo_all[65536];
static size_t echo_all_len;

/* Types s (n bytes); returns the OR of the events; the echo is appended
 * to echo_all and shown on scr. */
static unsigned
type_n(const char *s, size_t n)
{
    unsigned ev = 0;
    char echo[TERMLINE_ECHO_MAX];
    size_t len;

    for (size_t i = 0; i < n; i++) {
        ev |= termline_feed(&tl, (uint8_t)s[i], echo, &len);
        CHECK(len <= TERMLINE_ECHO_MAX);
        if (echo_all_len + len <= sizeof(echo_all)) {
            memcpy(echo_all + echo_all_len, echo, len);
            echo_all_len += len;
        }
        screen_write(&scr, echo, len);
    }
    return ev;
}

static unsigned
type(const char *s)
{
    return type_n(s, strlen(s));
}

static void
start(uint32_t mode)
{
    termline_init(&tl, mode);
    screen_init(&scr);
    echo_all_len = 0;
}

static int
echo_is(const char *want)
{
    size_t n = strlen(want);
    int ok = echo_all_len == n && memcmp(echo_all, want, n) == 0;

    if (!ok)
        printf("  echo was \"%.*s\" (%zu bytes), wanted \"%s\"\n", (int)echo_all_len, echo_all,
               echo_all_len, want);
    echo_all_len = 0;
    return ok;
}

/* The next read gives exactly want (cap: the buffer offered). */
static int
reads(const char *want, size_t cap)
{
    char buf[TERMLINE_QUEUE + 1];
    long n = termline_read(&tl, buf, cap);

    if (n < 0 || (size_t)n != strlen(want) || memcmp(buf, want, (size_t)n) != 0) {
        printf("  read gave %ld \"%.*s\", wanted \"%s\"\n", n, n > 0 ? (int)n : 0, buf, want);
        return 0;
    }
    return 1;
}

/* The line being edited is want, with the cursor at cursor, and the
 * screen row (from column start) shows just that. */
static int
editing(const char *want, uint32_t cursor, uint32_t start_col)
{
    uint32_t len, cur;
    const char *line = termline_line(&tl, &len, &cur);

    return len == strlen(want) && memcmp(line, want, len) == 0 && cur == cursor &&
           screen_shows(&scr, start_col, want, len, cursor);
}

/* --- canonical mode, case by case ------------------------------------------------------ */

TEST(typed_bytes_become_a_line_with_their_echo)
{
    start(ALL);
    CHECK(!termline_readable(&tl));
    CHECK(termline_read(&tl, (char[4]){0}, 4) == TERMLINE_NOTHING);
    CHECK(type("hello") == 0);
    CHECK(editing("hello", 5, 0));
    CHECK(!termline_readable(&tl));
    CHECK(type("\r") == TERMLINE_EV_READABLE);
    CHECK(echo_is("hello\r\n"));
    CHECK(scr.lastlen == 5 && memcmp(scr.last, "hello", 5) == 0);
    CHECK(reads("hello\n", 100));
    CHECK(termline_read(&tl, (char[4]){0}, 4) == TERMLINE_NOTHING);
}

TEST(cr_and_lf_each_end_a_line_and_cr_lf_is_one_end)
{
    start(ALL);
    type("a\rb\nc\r\nd\n\re\r\r");
    CHECK(reads("a\n", 100));
    CHECK(reads("b\n", 100));
    CHECK(reads("c\n", 100));
    CHECK(reads("d\n", 100));
    CHECK(reads("\n", 100)); /* LF then CR: two ends */
    CHECK(reads("e\n", 100));
    CHECK(reads("\n", 100));
    CHECK(!termline_readable(&tl));
}

TEST(backspace_and_del_rub_out_before_the_cursor)
{
    start(ALL);
    type("abc\b\x7f");
    CHECK(editing("a", 1, 0));
    CHECK(echo_is("abc\b \b\b \b"));
    type("\x7f\x7f\b"); /* more than there is: nothing happens */
    CHECK(editing("", 0, 0));
    CHECK(echo_is("\b \b"));
    type("xyz\x1b[D\x1b[D\x7f");
    CHECK(editing("yz", 0, 0));
    CHECK(echo_is("xyz\b\b\byz\x1b[K\x1b[2D"));
    type("\r");
    CHECK(reads("yz\n", 100));
}

TEST(arrows_move_the_cursor_and_bytes_are_inserted_there)
{
    start(ALL);
    type("ac\x1b[Db");
    CHECK(editing("abc", 2, 0));
    CHECK(echo_is("ac\bbc\b"));
    type("\x1b[D\x1b[D\x1b[D\x1b[D"); /* one too many: stays at 0 */
    CHECK(editing("abc", 0, 0));
    type("_\x1b[C\x1b[C\x1b[C\x1b[C!");
    CHECK(editing("_abc!", 5, 0));
    type("\x1bOD\x1bOD?"); /* the ESC O forms too */
    CHECK(editing("_ab?c!", 4, 0));
    type("\r");
    CHECK(reads("_ab?c!\n", 100));
}

TEST(ctrl_a_and_ctrl_e_go_to_the_start_and_the_end)
{
    start(ALL);
    type("bc\x01");
    CHECK(editing("bc", 0, 0));
    CHECK(echo_is("bc\x1b[2D"));
    type("a\x05");
    CHECK(editing("abc", 3, 0));
    CHECK(echo_is("abc\x1b[2D\x1b[2C"));
    type("\x1b[H1\x1b[F2\x1b[1~3\x1b[4~4\x1bOH5\x1bOF6\x02\x02\x06");
    CHECK(editing("531abc246", 8, 0));
    type("\n");
    CHECK(reads("531abc246\n", 100));
}

TEST(ctrl_u_kills_the_line_and_ctrl_k_the_rest_of_it)
{
    start(ALL);
    type("abc\x15");
    CHECK(editing("", 0, 0));
    CHECK(echo_is("abc\x1b[3D\x1b[K"));
    type("hello world\x01\x1b[C\x1b[C\x0b");
    CHECK(editing("he", 2, 0));
    CHECK(echo_is("hello world\x1b[11D\x1b[1C\x1b[1C\x1b[K"));
    type("\x15x\r");
    CHECK(reads("x\n", 100));
}

TEST(ctrl_w_erases_the_word_before_the_cursor)
{
    start(ALL);
    type("foo bar  \x17");
    CHECK(editing("foo ", 4, 0));
    CHECK(echo_is("foo bar  \x1b[5D\x1b[K"));
    type("\x17\x17"); /* foo, then nothing left */
    CHECK(editing("", 0, 0));
    type("one two three\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x17");
    CHECK(editing("one  three", 4, 0));
    type("\r");
    CHECK(reads("one  three\n", 100));
}

TEST(delete_erases_at_the_cursor)
{
    start(ALL);
    type("abc\x01\x1b[3~");
    CHECK(editing("bc", 0, 0));
    type("\x05\x1b[3~"); /* at the end: nothing */
    CHECK(editing("bc", 2, 0));
    type("\r");
    CHECK(reads("bc\n", 100));
}

TEST(up_and_down_walk_the_history_and_keep_the_typed_line)
{
    start(ALL);
    type("one\rtwo\rtwo\r\r");
    CHECK(reads("one\n", 100) && reads("two\n", 100) && reads("two\n", 100) && reads("\n", 100));
    echo_all_len = 0;
    type("x\x1b[A");
    CHECK(editing("two", 3, 0)); /* a repeated line and an empty one are not kept */
    CHECK(echo_is("x\btwo\x1b[K"));
    type("\x1b[A");
    CHECK(editing("one", 3, 0));
    CHECK(scr.bells == 0);
    type("\x1b[A");
    CHECK(scr.bells == 1 && editing("one", 3, 0));
    type("\x1b[B");
    CHECK(editing("two", 3, 0));
    type("\x1b[B");
    CHECK(editing("x", 1, 0));
    type("\x1b[B");
    CHECK(scr.bells == 2 && editing("x", 1, 0));
    type("\x1b[A\x1b[A!\r"); /* an edited old line is a new line */
    CHECK(reads("one!\n", 100));
    type("\x1b[A");
    CHECK(editing("one!", 4, 0));
}

TEST(history_keeps_the_last_lines_only)
{
    char line[16];

    start(ALL);
    for (unsigned i = 0; i < TERMLINE_HISTORY + 5; i++) {
        snprintf(line, sizeof(line), "l%u\r", i);
        type(line);
        snprintf(line, sizeof(line), "l%u\n", i);
        CHECK(reads(line, 100));
    }
    for (unsigned i = 0; i < TERMLINE_HISTORY; i++)
        type("\x1b[A");
    CHECK(editing("l5", 2, 0));
    CHECK(scr.bells == 0);
    type("\x1b[A");
    CHECK(scr.bells == 1);
}

TEST(ctrl_c_interrupts_and_discards_the_line_and_the_queue)
{
    start(ALL);
    type("queued\r");
    echo_all_len = 0;
    CHECK(type("abc\x03") == TERMLINE_EV_INTR);
    CHECK(echo_is("abc^C\r\n"));
    CHECK(editing("", 0, 0));
    CHECK(!termline_readable(&tl));
    /* without TERMLINE_SIGINT, ^C is a control byte like any other */
    termline_set_mode(&tl, TERMLINE_CANON | TERMLINE_ECHO);
    CHECK(type("a\x03") == 0);
    CHECK(echo_is("a\a"));
    CHECK(editing("a", 1, 0));
}

TEST(ctrl_d_is_end_of_file_on_an_empty_line_and_sends_a_partial_one)
{
    start(ALL);
    CHECK(type("\x04") == TERMLINE_EV_READABLE);
    CHECK(echo_is(""));
    CHECK(reads("", 100)); /* 0: the end of the file */
    CHECK(termline_read(&tl, (char[4]){0}, 4) == TERMLINE_NOTHING);
    type("abc\x1b[D\x04");
    CHECK(reads("abc", 100));
    CHECK(echo_is("abc\b\x1b[1C")); /* the cursor goes to the end, where typing goes on */
    type("de\r");
    CHECK(editing("", 0, 0));
    CHECK(scr.lastlen == 5 && memcmp(scr.last, "abcde", 5) == 0);
    CHECK(reads("de\n", 100));
    type("\x04\x04x\x04");
    CHECK(reads("", 100) && reads("", 100) && reads("x", 100));
    CHECK(!termline_readable(&tl));
}

TEST(a_full_line_beeps_and_takes_no_more)
{
    char big[TERMLINE_LINE_MAX + 1];

    start(ALL);
    memset(big, 'a', TERMLINE_LINE_MAX - 1);
    type_n(big, TERMLINE_LINE_MAX - 1);
    CHECK(scr.bells == 0);
    echo_all_len = 0;
    type("b\x01z");
    CHECK(echo_is("\a\x1b[1023D\a"));
    CHECK(scr.bells == 2);
    type("\x05\x7fy\r");
    big[TERMLINE_LINE_MAX - 2] = 'y';
    big[TERMLINE_LINE_MAX - 1] = '\n';
    big[TERMLINE_LINE_MAX] = 0;
    CHECK(reads(big, sizeof(big)));
}

TEST(other_control_bytes_beep_and_unknown_sequences_vanish)
{
    start(ALL);
    type("a\tb\x12\x1b[5~\x1b[99;99R\x1bxc\x1b[1;5C\x1b[123456789012345678901234567890D");
    CHECK(editing("abc", 3, 0));
    CHECK(scr.bells == 2);
    /* a control byte cuts a sequence short and is taken for itself */
    type("\x1b[\r");
    CHECK(reads("abc\n", 100));
    type("\x1b\x1b[Dz");
    CHECK(editing("z", 1, 0));
}

TEST(a_read_takes_one_line_in_pieces_as_small_as_asked)
{
    start(ALL);
    type("hello\rworld\r");
    CHECK(reads("he", 2));
    CHECK(reads("ll", 2));
    CHECK(reads("o\n", 2));
    CHECK(reads("world\n", 100));
    CHECK(!termline_readable(&tl));
}

TEST(echo_off_edits_without_a_word)
{
    start(TERMLINE_CANON | TERMLINE_SIGINT);
    type("sec\x03rex\x7ft\x1b[A\x1b[D\x15pw\r\x04\a");
    CHECK(echo_all_len == 0);
    CHECK(reads("pw\n", 100));
    CHECK(reads("", 100));
}

/* --- the queue and the modes ---------------------------------------------------------------- */

TEST(a_full_queue_refuses_a_byte_until_a_read_makes_room)
{
    char line[32];
    unsigned lines = 0;
    size_t len;

    start(ALL);
    /* records run out first: 64 lines of 16 bytes */
    for (;;) {
        snprintf(line, sizeof(line), "line %09u", lines);
        type(line);
        if (type("\r") & TERMLINE_EV_FULL)
            break;
        lines++;
        CHECK(lines <= TERMLINE_RECORDS);
        if (lines > TERMLINE_RECORDS)
            break;
    }
    CHECK(lines == TERMLINE_RECORDS);
    CHECK(editing(line, 14, 0)); /* the refused CR changed nothing */
    CHECK(reads("line 000000000\n", 100));
    CHECK(type("\r") == TERMLINE_EV_READABLE);
    for (unsigned i = 1; i <= lines; i++) {
        snprintf(line, sizeof(line), "line %09u\n", i);
        CHECK(reads(line, 100));
    }
    CHECK(!termline_readable(&tl));

    /* then bytes: long lines fill the 4096 bytes */
    char big[1000];
    memset(big, 'x', sizeof(big));
    for (lines = 0; lines < 4; lines++) {
        type_n(big, sizeof(big));
        CHECK(type("\r") == TERMLINE_EV_READABLE);
    }
    type_n(big, 100);
    CHECK(type("\r") == TERMLINE_EV_FULL); /* 96 bytes left, 101 needed */
    CHECK(type("\x04") == TERMLINE_EV_FULL);
    char buf[TERMLINE_QUEUE];
    CHECK(termline_read(&tl, buf, 5) == 5);
    CHECK(type("\r") == TERMLINE_EV_FULL); /* 97 */
    CHECK(termline_read(&tl, buf, 5) == 5);
    CHECK(type("\r") == TERMLINE_EV_READABLE);
    CHECK(termline_read(&tl, buf, sizeof(buf)) == 991);
    for (int i = 0; i < 3; i++)
        CHECK(termline_read(&tl, buf, sizeof(buf)) == 1001);
    CHECK(termline_read(&tl, buf, sizeof(buf)) == 101);

    /* in raw mode, each byte */
    termline_set_mode(&tl, 0);
    for (unsigned i = 0; i < TERMLINE_QUEUE; i++)
        CHECK(termline_feed(&tl, 'r', buf, &len) == TERMLINE_EV_READABLE);
    CHECK(termline_feed(&tl, 's', buf, &len) == TERMLINE_EV_FULL && len == 0);
    CHECK(termline_read(&tl, buf, 1) == 1);
    CHECK(termline_feed(&tl, 's', buf, &len) == TERMLINE_EV_READABLE);
    CHECK(termline_read(&tl, buf, 2000) == 2000);
    CHECK(termline_read(&tl, buf, sizeof(buf)) == TERMLINE_QUEUE - 2000);
    CHECK(buf[TERMLINE_QUEUE - 2001] == 's' && buf[0] == 'r');
    /* ^C always gets through, and empties the queue */
    termline_set_mode(&tl, TERMLINE_SIGINT);
    for (unsigned i = 0; i < TERMLINE_QUEUE; i++)
        termline_feed(&tl, 'r', buf, &len);
    CHECK(termline_feed(&tl, 3, buf, &len) == TERMLINE_EV_INTR && len == 0);
    CHECK(!termline_readable(&tl));
}

TEST(raw_mode_passes_every_byte_through)
{
    char buf[16];

    start(TERMLINE_ECHO);
    CHECK(type_n("a\x03\r\x7f\x1b[A\x04\0", 9) == TERMLINE_EV_READABLE);
    CHECK(echo_all_len == 9 && memcmp(echo_all, "a\x03\r\x7f\x1b[A\x04\0", 9) == 0);
    CHECK(termline_read(&tl, buf, sizeof(buf)) == 9);
    CHECK(memcmp(buf, "a\x03\r\x7f\x1b[A\x04\0", 9) == 0);
    echo_all_len = 0;
    termline_set_mode(&tl, TERMLINE_SIGINT);
    CHECK(type("ab") == TERMLINE_EV_READABLE);
    CHECK(type("\x03") == TERMLINE_EV_INTR);
    CHECK(!termline_readable(&tl));
    CHECK(echo_is("")); /* no echo asked */
}

TEST(changing_the_mode_keeps_what_was_typed)
{
    start(ALL);
    type("done\rhalf");
    CHECK(termline_set_mode(&tl, TERMLINE_ECHO) == TERMLINE_EV_READABLE);
    CHECK(termline_mode(&tl) == TERMLINE_ECHO);
    type("xy");
    CHECK(reads("done\n", 100));
    CHECK(reads("halfxy", 100)); /* the half line, then raw bytes */
    type("zz");
    CHECK(termline_set_mode(&tl, ALL | 0x100) == 0);
    CHECK(termline_mode(&tl) == ALL);
    type("cd\r");
    CHECK(reads("zz", 100)); /* raw bytes are not the start of the next line */
    CHECK(reads("cd\n", 100));
    /* an escape sequence cut by a mode change does not eat later bytes */
    type("\x1b[");
    termline_set_mode(&tl, ALL);
    type("D\r");
    CHECK(reads("D\n", 100));
}

/* --- a random run against a model of the rules -------------------------------------------- */

enum key {
    K_CHAR,
    K_BS,
    K_DEL,
    K_LEFT,
    K_RIGHT,
    K_HOME,
    K_END,
    K_UP,
    K_DOWN,
    K_KILL,
    K_KILL_END,
    K_WORD,
    K_DELETE,
    K_ENTER,
    K_EOF,
    K_INTR,
    K_COUNT
};

/* The model: the rules of termline.h written out plainly. out holds
 * what a reader should get, from rd (read so far) to outlen; eof[] the
 * positions in out of the ends of file not yet read. */
struct model {
    char line[TERMLINE_LINE_MAX];
    uint32_t len, cur;
    char hist[TERMLINE_HISTORY][TERMLINE_LINE_MAX]; /* oldest first */
    uint32_t hlen[TERMLINE_HISTORY], hcount, browse;
    char saved[TERMLINE_LINE_MAX];
    uint32_t savedlen;
    char out[TERMLINE_QUEUE * 4];
    size_t outlen, rd;
    size_t eof[TERMLINE_RECORDS];
    unsigned neof;
};

static struct model m;

static void
model_set(const char *s, uint32_t n)
{
    memmove(m.line, s, n);
    m.len = m.cur = n;
}

static void
model_key(enum key k, char c)
{
    uint32_t i;

    switch (k) {
    case K_CHAR:
        if (m.len < TERMLINE_LINE_MAX - 1) {
            memmove(m.line + m.cur + 1, m.line + m.cur, m.len - m.cur);
            m.line[m.cur++] = c;
            m.len++;
        }
        break;
    case K_BS:
    case K_DEL:
        if (m.cur) {
            memmove(m.line + m.cur - 1, m.line + m.cur, m.len - m.cur);
            m.cur--;
            m.len--;
        }
        break;
    case K_DELETE:
        if (m.cur < m.len) {
            memmove(m.line + m.cur, m.line + m.cur + 1, m.len - m.cur - 1);
            m.len--;
        }
        break;
    case K_LEFT:
        m.cur -= m.cur > 0;
        break;
    case K_RIGHT:
        m.cur += m.cur < m.len;
        break;
    case K_HOME:
        m.cur = 0;
        break;
    case K_END:
        m.cur = m.len;
        break;
    case K_KILL:
        m.len = m.cur = 0;
        break;
    case K_KILL_END:
        m.len = m.cur;
        break;
    case K_WORD:
        i = m.cur;
        while (i && m.line[i - 1] == ' ')
            i--;
        while (i && m.line[i - 1] != ' ')
            i--;
        memmove(m.line + i, m.line + m.cur, m.len - m.cur);
        m.len -= m.cur - i;
        m.cur = i;
        break;
    case K_UP:
        if (m.browse < m.hcount) {
            if (!m.browse) {
                memcpy(m.saved, m.line, m.len);
                m.savedlen = m.len;
            }
            m.browse++;
            model_set(m.hist[m.hcount - m.browse], m.hlen[m.hcount - m.browse]);
        }
        break;
    case K_DOWN:
        if (m.browse) {
            m.browse--;
            if (m.browse)
                model_set(m.hist[m.hcount - m.browse], m.hlen[m.hcount - m.browse]);
            else
                model_set(m.saved, m.savedlen);
        }
        break;
    case K_ENTER:
        memcpy(m.out + m.outlen, m.line, m.len);
        m.outlen += m.len;
        m.out[m.outlen++] = '\n';
        if (m.len && !(m.hcount && m.hlen[m.hcount - 1] == m.len &&
                       memcmp(m.hist[m.hcount - 1], m.line, m.len) == 0)) {
            if (m.hcount == TERMLINE_HISTORY) {
                memmove(m.hist, m.hist[1], sizeof(m.hist[0]) * (TERMLINE_HISTORY - 1));
                memmove(m.hlen, m.hlen + 1, sizeof(m.hlen[0]) * (TERMLINE_HISTORY - 1));
                m.hcount--;
            }
            memcpy(m.hist[m.hcount], m.line, m.len);
            m.hlen[m.hcount++] = m.len;
        }
        m.len = m.cur = m.browse = 0;
        break;
    case K_EOF:
        if (m.len == 0)
            m.eof[m.neof++] = m.outlen;
        memcpy(m.out + m.outlen, m.line, m.len);
        m.outlen += m.len;
        m.len = m.cur = m.browse = 0;
        break;
    case K_INTR:
        m.len = m.cur = m.browse = 0;
        m.outlen = m.rd; /* what was not read yet is gone */
        m.neof = 0;
        break;
    case K_COUNT:
        break;
    }
}

/* The bytes of key k (one of several encodings). */
static size_t
key_bytes(enum key k, char c, uint64_t r, char *b)
{
    static const char *const enc[K_COUNT][3] = {
        [K_BS] = {"\b", "\b", "\b"},
        [K_DEL] = {"\x7f", "\x7f", "\x7f"},
        [K_LEFT] = {"\x1b[D", "\x1bOD", "\x02"},
        [K_RIGHT] = {"\x1b[C", "\x1bOC", "\x06"},
        [K_HOME] = {"\x01", "\x1b[H", "\x1b[1~"},
        [K_END] = {"\x05", "\x1b[F", "\x1b[4~"},
        [K_UP] = {"\x1b[A", "\x1bOA", "\x1b[A"},
        [K_DOWN] = {"\x1b[B", "\x1bOB", "\x1b[B"},
        [K_KILL] = {"\x15", "\x15", "\x15"},
        [K_KILL_END] = {"\x0b", "\x0b", "\x0b"},
        [K_WORD] = {"\x17", "\x17", "\x17"},
        [K_DELETE] = {"\x1b[3~", "\x1b[3~", "\x1b[3~"},
        [K_ENTER] = {"\r", "\n", "\r\n"},
        [K_EOF] = {"\x04", "\x04", "\x04"},
        [K_INTR] = {"\x03", "\x03", "\x03"},
    };
    if (k == K_CHAR) {
        b[0] = c;
        return 1;
    }
    strcpy(b, enc[k][r % 3]);
    return strlen(b);
}

static unsigned model_complained, model_lines;

/* One read of at most cap bytes, checked against the model; returns
 * what termline_read returned. */
static long
model_read(size_t cap)
{
    char buf[TERMLINE_QUEUE];
    long n = termline_read(&tl, buf, cap);

    if (n == TERMLINE_NOTHING) {
        CHECK(m.rd == m.outlen && m.neof == 0);
        if ((m.rd != m.outlen || m.neof) && !model_complained++)
            printf("  nothing to read, the model has %zu bytes and %u ends of file\n",
                   m.outlen - m.rd, m.neof);
    } else if (n == 0) {
        CHECK(m.neof > 0 && m.eof[0] == m.rd);
        memmove(m.eof, m.eof + 1, sizeof(m.eof[0]) * --m.neof);
    } else {
        CHECK(n > 0 && (size_t)n <= cap && m.rd + (size_t)n <= m.outlen);
        CHECK(memcmp(buf, m.out + m.rd, (size_t)n) == 0);
        /* one line at most, and never across an end of file */
        CHECK(memchr(buf, '\n', (size_t)n - 1) == NULL);
        CHECK(m.neof == 0 || m.eof[0] >= m.rd + (size_t)n);
        m.rd += (size_t)n;
        model_lines += buf[n - 1] == '\n';
    }
    if (m.rd == m.outlen && m.neof == 0) { /* all read: start the buffer over */
        m.rd = m.outlen = 0;
    }
    return n;
}

TEST(random_keystrokes_edit_as_the_rules_say_and_the_screen_follows)
{
    uint64_t seed = 0x7e4a11ce5ull;
    unsigned mismatches = 0;
    uint32_t start_col = 0;
    int last_cr = 0;

    start(ALL);
    memset(&m, 0, sizeof(m));
    for (unsigned step = 0; step < 1000000 && !mismatches; step++) {
        uint64_t r = check_xorshift64(&seed);
        enum key k = (enum key)(r % 40 < 20 ? K_CHAR : r % K_COUNT);
        uint32_t len, cur;
        char b[8];

        /* few interrupts and ends of file, or lines would rarely grow */
        if ((k == K_INTR || k == K_EOF) && (r >> 8) % 8)
            k = K_CHAR;
        char c = "abc  de/-_xyz"[(r >> 16) % 13];
        size_t n = key_bytes(k, c, r >> 24, b);
        if (last_cr && b[0] == '\n')
            b[0] = '\r'; /* CR then LF would be one CR LF pair, not two lines */
        last_cr = b[n - 1] == '\r';
        unsigned ev = type_n(b, n);

        model_key(k, c);
        if (ev & TERMLINE_EV_FULL) {
            printf("  step %u: queue full\n", step);
            mismatches++;
        }
        if (k == K_ENTER || k == K_INTR)
            start_col = 0;
        if (k == K_EOF)
            start_col = scr.col;
        if (start_col > 200) { /* ^D after ^D: a fresh row now and then */
            screen_write(&scr, "\r\n", 2);
            start_col = 0;
        }
        const char *line = termline_line(&tl, &len, &cur);
        if (len != m.len || cur != m.cur || memcmp(line, m.line, len) != 0 ||
            !screen_shows(&scr, start_col, line, len, cur)) {
            printf("  step %u key %d: line \"%.*s\" cursor %u, model \"%.*s\" cursor %u, "
                   "screen %s\n",
                   step, k, (int)len, line, cur, (int)m.len, m.line, m.cur,
                   scr.bad ? scr.bad : "ok");
            mismatches++;
        }
        /* read now and then, in pieces, as a reader would; all of it
         * before the queue could fill */
        if ((r >> 40) % 4 == 0)
            model_read(1 + (r >> 44) % 64);
        if (m.outlen - m.rd > TERMLINE_QUEUE / 2 || m.neof > TERMLINE_RECORDS / 4 ||
            (r >> 50) % 16 == 0) {
            while (model_read(TERMLINE_QUEUE) != TERMLINE_NOTHING)
                ;
        }
    }
    CHECK(mismatches == 0);
    while (model_read(TERMLINE_QUEUE) != TERMLINE_NOTHING)
        ;
    CHECK(m.rd == 0 && m.outlen == 0 && m.neof == 0);
    printf("  %u lines read, %u bells\n", model_lines, scr.bells);
    CHECK(model_lines > 20000); /* the run really ran */
}

int
main(void)
{
    RUN(typed_bytes_become_a_line_with_their_echo);
    RUN(cr_and_lf_each_end_a_line_and_cr_lf_is_one_end);
    RUN(backspace_and_del_rub_out_before_the_cursor);
    RUN(arrows_move_the_cursor_and_bytes_are_inserted_there);
    RUN(ctrl_a_and_ctrl_e_go_to_the_start_and_the_end);
    RUN(ctrl_u_kills_the_line_and_ctrl_k_the_rest_of_it);
    RUN(ctrl_w_erases_the_word_before_the_cursor);
    RUN(delete_erases_at_the_cursor);
    RUN(up_and_down_walk_the_history_and_keep_the_typed_line);
    RUN(history_keeps_the_last_lines_only);
    RUN(ctrl_c_interrupts_and_discards_the_line_and_the_queue);
    RUN(ctrl_d_is_end_of_file_on_an_empty_line_and_sends_a_partial_one);
    RUN(a_full_line_beeps_and_takes_no_more);
    RUN(other_control_bytes_beep_and_unknown_sequences_vanish);
    RUN(a_read_takes_one_line_in_pieces_as_small_as_asked);
    RUN(echo_off_edits_without_a_word);
    RUN(a_full_queue_refuses_a_byte_until_a_read_makes_room);
    RUN(raw_mode_passes_every_byte_through);
    RUN(changing_the_mode_keeps_what_was_typed);
    RUN(random_keystrokes_edit_as_the_rules_say_and_the_screen_follows);
    return check_exit();
}
