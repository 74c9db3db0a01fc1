/* SPDX-License-Identifier: MIT */
/* false: nothing, unsuccessfully (status 1); `--help` alone prints the
 * usage and exits 0, as every utility's --help does. */
#include <string.h>

#include <util/util.h>

static const char false_usage[] = "Usage: false\nExit with status 1.\n";

int
main(int argc, char **argv)
{
    util_init("false", false_usage);
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        util_outs(false_usage);
        util_exit(0);
    }
    util_exit(1);
}
