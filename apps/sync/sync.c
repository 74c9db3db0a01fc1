/* SPDX-License-Identifier: MIT */
/*
 * sync [FILE...]: with no operand, every mounted file system's cached
 * writes go to its disk (sync(2), which returns when they are there);
 * with operands, each file's (fsync), and an error for one that cannot be
 * opened or synced.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <util/util.h>

static const char sync_usage[] = "Usage: sync [FILE]...\n"
                                 "Write cached data to the disks: every file system's, or the "
                                 "FILEs'.\n";

int
main(int argc, char **argv)
{
    struct util_opts opts;
    int status = 0;

    util_init("sync", sync_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index == argc)
        sync();
    for (int i = opts.index; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);

        if (fd < 0 || fsync(fd) < 0)
            status = util_error(argv[i], errno);
        if (fd >= 0)
            close(fd);
    }
    util_exit(status);
}
