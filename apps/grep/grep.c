/* SPDX-License-Identifier: MIT */
/*
 * grep: the lines of each file (or of standard input) that match a
 * pattern. The pattern is a fixed string (-F) or a simple regular
 * expression, a subset of POSIX's basic ones:
 *   c       a byte, literally (also every byte below that is not special)
 *   \c      c, literally (so \. \* \[ \\ \^ \$)
 *   .       any byte
 *   [abc] [a-z] [^a-z]   a set of bytes; ']' first is literal, '-' first
 *           or last is literal
 *   x*      any number of x, for any of the above
 *   ^ $     the start of the line (as the first byte of the pattern) and
 *           its end (as the last); anywhere else they are literal, and so
 *           is a '*' with nothing before it
 * Lines are bytes, so NUL and other binary bytes match like any other.
 * Matching simulates the pattern as a finite automaton, one set of
 * states per byte of the line, so a line of n bytes costs at most
 * n * (pattern length) steps whatever the pattern: no backtracking, no
 * blow-up.
 *
 * -i ignores case (ASCII), -v selects the lines that do not match, -n
 * puts the line number before each line, -c prints only the count. With
 * more than one file each line (or count) starts with the file's name and
 * a colon. Status: 0 when a line was selected, 1 when none was, 2 on an
 * error (a bad pattern or option, a file that cannot be read).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <util/util.h>

static const char grep_usage[] = "Usage: grep [-icnvF] PATTERN [FILE]...\n"
                                 "Print the lines of each FILE (or standard input) matching "
                                 "PATTERN,\na simple regular expression (. * ^ $ [...] \\).\n"
                                 "  -i  ignore case\n"
                                 "  -v  select the lines that do not match\n"
                                 "  -n  number the lines\n"
                                 "  -c  print only the number of lines selected\n"
                                 "  -F  PATTERN is a fixed string\n";

/* One position of the pattern: the bytes it takes, and whether it may
 * repeat (x*). */
struct grep_atom {
    uint8_t set[32];
    bool star;
};

struct grep_pattern {
    struct grep_atom *atoms;
    size_t count;
    bool anchor_start, anchor_end;
    bool *cur, *next; /* count + 1 states each */
};

static void
grep_set_add(struct grep_atom *a, unsigned char c, bool fold)
{
    a->set[c / 8] |= (uint8_t)(1u << (c % 8));
    if (fold && c >= 'a' && c <= 'z')
        grep_set_add(a, (unsigned char)(c - 'a' + 'A'), false);
    if (fold && c >= 'A' && c <= 'Z')
        grep_set_add(a, (unsigned char)(c - 'A' + 'a'), false);
}

static bool
grep_set_has(const struct grep_atom *a, unsigned char c)
{
    return a->set[c / 8] & (1u << (c % 8));
}

/* Parses a bracket expression starting after its '['; the index after its
 * ']', or 0 when it is not closed. */
static size_t
grep_bracket(const char *p, size_t i, size_t len, struct grep_atom *a, bool fold)
{
    bool negate = false;
    size_t first;

    if (i < len && p[i] == '^') {
        negate = true;
        i++;
    }
    first = i;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c == ']' && i > first)
            break;
        if (i + 2 < len && p[i + 1] == '-' && p[i + 2] != ']') {
            unsigned char hi = (unsigned char)p[i + 2];

            for (unsigned x = c; x <= hi; x++)
                grep_set_add(a, (unsigned char)x, fold);
            i += 2;
        } else {
            grep_set_add(a, c, fold);
        }
    }
    if (i >= len)
        return 0;
    if (negate) {
        for (size_t k = 0; k < sizeof(a->set); k++)
            a->set[k] = (uint8_t)~a->set[k];
    }
    return i + 1;
}

/* Compiles pattern p; 0, or 1 after a message. */
static int
grep_compile(struct grep_pattern *g, const char *p, bool fixed, bool fold)
{
    size_t len = strlen(p), i = 0;

    memset(g, 0, sizeof(*g));
    g->atoms = calloc(len + 1, sizeof(*g->atoms));
    g->cur = calloc(len + 2, sizeof(bool));
    g->next = calloc(len + 2, sizeof(bool));
    if (g->atoms == NULL || g->cur == NULL || g->next == NULL)
        return util_error("pattern", ENOMEM);
    if (!fixed && len > 0 && p[0] == '^') {
        g->anchor_start = true;
        i = 1;
    }
    if (!fixed && len > i && p[len - 1] == '$') {
        /* An even run of backslashes before it escapes only themselves. */
        size_t slashes = 0;

        while (len - 1 - slashes > i && p[len - 2 - slashes] == '\\')
            slashes++;
        if (slashes % 2 == 0) {
            g->anchor_end = true;
            len--;
        }
    }
    while (i < len) {
        struct grep_atom *a = &g->atoms[g->count];
        unsigned char c = (unsigned char)p[i];

        if (fixed) {
            grep_set_add(a, c, fold);
            i++;
        } else if (c == '*' && g->count > 0 && !g->atoms[g->count - 1].star) {
            g->atoms[g->count - 1].star = true;
            i++;
            continue;
        } else if (c == '.') {
            memset(a->set, 0xff, sizeof(a->set));
            i++;
        } else if (c == '[') {
            i = grep_bracket(p, i + 1, len, a, fold);
            if (i == 0)
                return util_fail("unterminated [ in the pattern");
        } else if (c == '\\') {
            if (i + 1 >= len)
                return util_fail("trailing backslash in the pattern");
            grep_set_add(a, (unsigned char)p[i + 1], fold);
            i += 2;
        } else {
            grep_set_add(a, c, fold);
            i++;
        }
        g->count++;
    }
    return 0;
}

/* Follows the states that may skip a starred atom. */
static void
grep_closure(const struct grep_pattern *g, bool *s)
{
    for (size_t i = 0; i < g->count; i++) {
        if (s[i] && g->atoms[i].star)
            s[i + 1] = true;
    }
}

static bool
grep_match(struct grep_pattern *g, const unsigned char *line, size_t len)
{
    size_t k = g->count;

    memset(g->cur, 0, k + 1);
    g->cur[0] = true;
    grep_closure(g, g->cur);
    if (g->cur[k] && !g->anchor_end)
        return true;
    for (size_t p = 0; p < len; p++) {
        bool *t;
        bool any = false;

        memset(g->next, 0, k + 1);
        for (size_t i = 0; i < k; i++) {
            if (g->cur[i] && grep_set_has(&g->atoms[i], line[p])) {
                g->next[g->atoms[i].star ? i : i + 1] = true;
                any = true;
            }
        }
        if (!g->anchor_start) {
            g->next[0] = true;
            any = true;
        }
        if (!any)
            return false;
        grep_closure(g, g->next);
        t = g->cur, g->cur = g->next, g->next = t;
        if (g->cur[k] && !g->anchor_end)
            return true;
    }
    return g->cur[k];
}

struct grep_opts {
    bool invert, number, count, names;
};

/* 1 if a line was selected, 0 if none, -1 after an error. */
static int
grep_file(struct grep_pattern *g, const struct grep_opts *o, const char *path)
{
    int fd = util_open_read(path);
    const char *name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    struct util_lines lines;
    uint64_t lineno = 0, selected = 0;
    char *line;
    size_t len;
    int r;

    if (fd < 0)
        return -1;
    util_lines_init(&lines, fd);
    while ((r = util_lines_next(&lines, &line, &len)) > 0) {
        size_t body = len > 0 && line[len - 1] == '\n' ? len - 1 : len;

        lineno++;
        if (grep_match(g, (const unsigned char *)line, body) == o->invert)
            continue;
        selected++;
        if (o->count)
            continue;
        if (o->names) {
            util_outs(name);
            util_outc(':');
        }
        if (o->number)
            util_printf("%llu:", (unsigned long long)lineno);
        util_out(line, body);
        util_outc('\n');
    }
    if (r < 0)
        util_error(path, errno);
    util_lines_fini(&lines);
    util_close_read(fd);
    if (o->count) {
        if (o->names) {
            util_outs(name);
            util_outc(':');
        }
        util_printf("%llu\n", (unsigned long long)selected);
    }
    return r < 0 ? -1 : selected > 0;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    struct grep_opts o = {0};
    struct grep_pattern g;
    bool fold = false, fixed = false, error = false, found = false;
    int c;

    util_init("grep", grep_usage);
    util_opts_init(&opts);
    opts.bad_status = 2;
    while ((c = util_getopt(&opts, argc, argv, "icnvF")) != -1) {
        fold |= c == 'i';
        o.count |= c == 'c';
        o.number |= c == 'n';
        o.invert |= c == 'v';
        fixed |= c == 'F';
    }
    if (opts.index == argc)
        util_usage_error(2, "no pattern given");
    if (grep_compile(&g, argv[opts.index++], fixed, fold) != 0)
        util_exit(2);
    o.names = argc - opts.index > 1;
    if (opts.index == argc) {
        int r = grep_file(&g, &o, "-");

        error |= r < 0;
        found |= r > 0;
    }
    for (int i = opts.index; i < argc; i++) {
        int r = grep_file(&g, &o, argv[i]);

        error |= r < 0;
        found |= r > 0;
    }
    util_exit(error ? 2 : found ? 0 : 1);
}
