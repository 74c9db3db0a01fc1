/* SPDX-License-Identifier: MIT */
/* pwd: the working directory, an absolute path, and a newline. */
#include <errno.h>
#include <unistd.h>

#include <util/util.h>

static const char pwd_usage[] = "Usage: pwd\nPrint the working directory.\n";

int
main(int argc, char **argv)
{
    struct util_opts opts;
    char buf[4096];

    util_init("pwd", pwd_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    if (opts.index < argc)
        util_usage_error(1, "too many arguments");
    if (getcwd(buf, sizeof(buf)) == NULL)
        util_exit(util_error("getcwd", errno));
    util_outs(buf);
    util_outc('\n');
    util_exit(0);
}
