/* SPDX-License-Identifier: MIT */
/*
 * echo: its arguments, separated by one space, and a newline (none with
 * -n, which is recognised only as the first arguments, as POSIX's echo
 * without XSI does it). `--help` alone prints the usage; anywhere else it
 * is text, as any other argument starting with '-'.
 */
#include <string.h>

#include <util/util.h>

static const char echo_usage[] = "Usage: echo [-n] [STRING]...\n"
                                 "Write the strings, separated by spaces, and a newline.\n"
                                 "  -n  no newline at the end\n";

int
main(int argc, char **argv)
{
    int i = 1;
    int newline = 1;

    util_init("echo", echo_usage);
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        util_outs(echo_usage);
        util_exit(0);
    }
    while (i < argc && strcmp(argv[i], "-n") == 0) {
        newline = 0;
        i++;
    }
    for (int first = i; i < argc; i++) {
        if (i > first)
            util_outc(' ');
        util_outs(argv[i]);
    }
    if (newline)
        util_outc('\n');
    util_exit(0);
}
