/* SPDX-License-Identifier: MIT */
/* rmdir: removes each empty directory; a failure is reported, the rest
 * are still removed, and the status is then 1. */
#include <errno.h>
#include <unistd.h>

#include <util/util.h>

static const char rmdir_usage[] = "Usage: rmdir DIRECTORY...\nRemove the empty directories.\n";

int
main(int argc, char **argv)
{
    struct util_opts opts;
    int status = 0;

    util_init("rmdir", rmdir_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index == argc)
        util_usage_error(1, "missing operand");
    for (int i = opts.index; i < argc; i++) {
        if (rmdir(argv[i]) < 0)
            status |= util_error(argv[i], errno);
    }
    util_exit(status);
}
