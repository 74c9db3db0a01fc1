/* SPDX-License-Identifier: MIT */
/*
 * touch: creates each file that does not exist (empty, mode 0644), by
 * opening it with O_CREAT. An existing file is left as it is: there is no
 * call to set a file's times (utimensat) yet, so its time does not change.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <util/util.h>

static const char touch_usage[] = "Usage: touch FILE...\n"
                                  "Create each FILE that does not exist, empty.\n";

int
main(int argc, char **argv)
{
    struct util_opts opts;
    int status = 0;

    util_init("touch", touch_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index == argc)
        util_usage_error(1, "missing file operand");
    for (int i = opts.index; i < argc; i++) {
        int fd = open(argv[i], O_WRONLY | O_CREAT, 0644);

        if (fd < 0)
            status |= util_error(argv[i], errno);
        else
            close(fd);
    }
    util_exit(status);
}
