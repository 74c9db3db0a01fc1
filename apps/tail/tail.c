/* SPDX-License-Identifier: MIT */
/*
 * tail: the last N lines (10 unless -n says) of each file or of standard
 * input (`-` or none). With several files, each starts with a header
 * `==> NAME <==`, and a blank line separates them. A last line without a
 * newline counts as a line. The input is read whole into memory, then the
 * last N lines are found from its end: simple, and files here live in
 * memory anyway.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <util/util.h>

static const char tail_usage[] = "Usage: tail [-n N] [FILE]...\n"
                                 "Print the last N lines (10) of each FILE (or standard input).\n"
                                 "  -n N  the number of lines\n";

/* The offset where the last n lines of buf begin. */
static size_t
tail_start(const char *buf, size_t len, uint64_t n)
{
    size_t i = len;
    uint64_t seen = 0;

    if (n == 0)
        return len;
    /* A newline ending the input ends the last line; it starts none. */
    if (i > 0 && buf[i - 1] == '\n')
        i--;
    while (i > 0) {
        if (buf[i - 1] == '\n' && ++seen == n)
            return i;
        i--;
    }
    return 0;
}

static int
tail_one(const char *path, uint64_t n)
{
    int fd = util_open_read(path);
    char *buf;
    size_t len, start;

    if (fd < 0)
        return 1;
    if (util_read_all(fd, &buf, &len) < 0) {
        util_close_read(fd);
        return util_error(path, errno);
    }
    util_close_read(fd);
    start = tail_start(buf, len, n);
    util_out(buf + start, len - start);
    free(buf);
    return 0;
}

/* The `==> NAME <==` line before a file's lines when there are several
 * (names of any length: util_printf would cut them). */
static void
tail_header(const char *path, bool after_another)
{
    if (after_another)
        util_outc('\n');
    util_outs("==> ");
    util_outs(strcmp(path, "-") == 0 ? "standard input" : path);
    util_outs(" <==\n");
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    uint64_t n = 10;
    int status = 0, c;

    util_init("tail", tail_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "n:")) != -1) {
        if (!util_parse_u64(opts.arg, &n))
            util_usage_error(1, "invalid number of lines '%s'", opts.arg);
    }
    if (opts.index == argc)
        util_exit(tail_one("-", n));
    for (int i = opts.index; i < argc; i++) {
        if (argc - opts.index > 1)
            tail_header(argv[i], i > opts.index);
        status |= tail_one(argv[i], n);
    }
    util_exit(status);
}
