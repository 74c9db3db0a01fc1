/* SPDX-License-Identifier: MIT */
/*
 * wc: counts the lines (newlines), words (runs of bytes other than space,
 * tab, newline, vertical tab, form feed and carriage return) and bytes of
 * each file or of standard input. -l, -w, -c choose the counts (all three
 * when none is given), always printed in that order; with more than one
 * file a last line gives the totals. Numbers are right-aligned to the
 * width of the largest number printed, one space apart, so the columns
 * line up; files that cannot be read are reported and left out.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <util/util.h>

static const char wc_usage[] = "Usage: wc [-lwc] [FILE]...\n"
                               "Count lines, words and bytes of each FILE (or standard input).\n"
                               "  -l  lines\n"
                               "  -w  words\n"
                               "  -c  bytes\n";

struct wc_counts {
    uint64_t lines, words, bytes;
    const char *name; /* NULL: standard input without a name */
    bool ok;
};

static bool
wc_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int
wc_count(int fd, const char *path, struct wc_counts *c)
{
    char buf[4096];
    bool in_word = false;

    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return util_error(path, errno);
        }
        if (n == 0)
            break;
        c->bytes += (uint64_t)n;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char b = (unsigned char)buf[i];

            if (b == '\n')
                c->lines++;
            if (wc_is_space(b)) {
                in_word = false;
            } else if (!in_word) {
                in_word = true;
                c->words++;
            }
        }
    }
    c->ok = true;
    return 0;
}

static int
wc_digits(uint64_t v)
{
    int d = 1;

    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

static void
wc_print(const struct wc_counts *c, bool l, bool w, bool b, int width)
{
    const char *sep = "";

    if (l) {
        util_printf("%*llu", width, (unsigned long long)c->lines);
        sep = " ";
    }
    if (w) {
        util_printf("%s%*llu", sep, width, (unsigned long long)c->words);
        sep = " ";
    }
    if (b)
        util_printf("%s%*llu", sep, width, (unsigned long long)c->bytes);
    if (c->name) {
        util_outc(' ');
        util_outs(c->name);
    }
    util_outc('\n');
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    bool l = false, w = false, b = false;
    struct wc_counts *counts, total = {0, 0, 0, "total", true};
    int status = 0, nfiles, c, width;

    util_init("wc", wc_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "lwc")) != -1) {
        l |= c == 'l';
        w |= c == 'w';
        b |= c == 'c';
    }
    if (!l && !w && !b)
        l = w = b = true;
    nfiles = argc - opts.index;
    counts = calloc(nfiles > 0 ? (size_t)nfiles : 1, sizeof(*counts));
    if (counts == NULL)
        util_exit(util_error("memory", ENOMEM));
    if (nfiles == 0) {
        status |= wc_count(0, "-", &counts[0]);
    }
    for (int i = 0; i < nfiles; i++) {
        const char *path = argv[opts.index + i];
        int fd = util_open_read(path);

        counts[i].name = path;
        if (fd < 0) {
            status = 1;
            continue;
        }
        status |= wc_count(fd, path, &counts[i]);
        util_close_read(fd);
        total.lines += counts[i].lines;
        total.words += counts[i].words;
        total.bytes += counts[i].bytes;
    }
    /* The totals are the largest numbers when there are several files. */
    width = 1;
    for (int i = 0; i < (nfiles > 0 ? nfiles : 1); i++) {
        const struct wc_counts *k = nfiles > 1 ? &total : &counts[i];
        uint64_t top = 0;

        top = l && k->lines > top ? k->lines : top;
        top = w && k->words > top ? k->words : top;
        top = b && k->bytes > top ? k->bytes : top;
        width = wc_digits(top) > width ? wc_digits(top) : width;
    }
    for (int i = 0; i < (nfiles > 0 ? nfiles : 1); i++) {
        if (counts[i].ok)
            wc_print(&counts[i], l, w, b, width);
    }
    if (nfiles > 1)
        wc_print(&total, l, w, b, width);
    free(counts);
    util_exit(status);
}
