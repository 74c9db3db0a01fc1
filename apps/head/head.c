/* SPDX-License-Identifier: MIT */
/*
 * head: the first N lines (10 unless -n says) of each file or of standard
 * input (`-` or none). With several files, each starts with a header
 * `==> NAME <==`, and a blank line separates them. A last line without a
 * newline is written as it is. Reading stops after the Nth line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <util/util.h>

static const char head_usage[] = "Usage: head [-n N] [FILE]...\n"
                                 "Print the first N lines (10) of each FILE (or standard input).\n"
                                 "  -n N  the number of lines\n";

static int
head_one(const char *path, uint64_t n)
{
    int fd = util_open_read(path);
    struct util_lines lines;
    char *line;
    size_t len;
    int r = 0;

    if (fd < 0)
        return 1;
    util_lines_init(&lines, fd);
    for (uint64_t i = 0; i < n && (r = util_lines_next(&lines, &line, &len)) > 0; i++)
        util_out(line, len);
    if (r < 0)
        util_error(path, errno);
    util_lines_fini(&lines);
    util_close_read(fd);
    return r < 0;
}

/* The `==> NAME <==` line before a file's lines when there are several
 * (names of any length: util_printf would cut them). */
static void
head_header(const char *path, bool after_another)
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

    util_init("head", head_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "n:")) != -1) {
        if (!util_parse_u64(opts.arg, &n))
            util_usage_error(1, "invalid number of lines '%s'", opts.arg);
    }
    if (opts.index == argc)
        util_exit(head_one("-", n));
    for (int i = opts.index; i < argc; i++) {
        if (argc - opts.index > 1)
            head_header(argv[i], i > opts.index);
        status |= head_one(argv[i], n);
    }
    util_exit(status);
}
