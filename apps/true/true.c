/* SPDX-License-Identifier: MIT */
/* true: nothing, successfully (status 0); `--help` alone prints the usage. */
#include <string.h>

#include <util/util.h>

static const char true_usage[] = "Usage: true\nExit with status 0.\n";

int
main(int argc, char **argv)
{
    util_init("true", true_usage);
    if (argc == 2 && strcmp(argv[1], "--help") == 0)
        util_outs(true_usage);
    util_exit(0);
}
