/* SPDX-License-Identifier: MIT */
/*
 * cat: each file in turn to standard output, standard input for `-` or
 * no file at all. A file that cannot be opened or read is reported and
 * skipped; the status is then 1, after the rest have been written.
 */
#include <util/util.h>

static const char cat_usage[] = "Usage: cat [FILE]...\n"
                                "Write each FILE, or standard input for - or none, to standard "
                                "output.\n";

static int
cat_one(const char *path)
{
    int fd = util_open_read(path);
    int status;

    if (fd < 0)
        return 1;
    status = util_copy_out(fd, path);
    util_close_read(fd);
    return status;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    int status = 0;

    util_init("cat", cat_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index == argc)
        status = cat_one("-");
    for (int i = opts.index; i < argc; i++)
        status |= cat_one(argv[i]);
    util_exit(status);
}
