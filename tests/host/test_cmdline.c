// SPDX-License-Identifier: MIT
/* Host tests of kernel command line parsing. */
#include <string.h>

#include "check.h"
#include "core/cmdline.h"

TEST(bare_and_valued_keys_are_found)
{
    char v[16];

    CHECK(cmdline_find("/boot/cairn.elf log=debug test", "test", v, sizeof(v)));
    CHECK(strcmp(v, "") == 0);
    CHECK(cmdline_find("/boot/cairn.elf log=debug test", "log", v, sizeof(v)));
    CHECK(strcmp(v, "debug") == 0);
    CHECK(cmdline_find("test=frame_", "test", v, sizeof(v)));
    CHECK(strcmp(v, "frame_") == 0);
}

TEST(prefixes_and_substrings_do_not_match)
{
    CHECK(!cmdline_find("testing=1 mytest", "test", NULL, 0));
    CHECK(!cmdline_find("logx=debug", "log", NULL, 0));
    CHECK(!cmdline_find("", "log", NULL, 0));
    CHECK(!cmdline_find("log", "", NULL, 0));
}

TEST(last_occurrence_wins_and_values_truncate)
{
    char v[4];

    CHECK(cmdline_find("log=info \t log=warn", "log", v, sizeof(v)));
    CHECK(strcmp(v, "war") == 0); /* truncated to fit, terminated */
    CHECK(cmdline_find("crash=", "crash", v, sizeof(v)));
    CHECK(strcmp(v, "") == 0);
}

TEST(kernel_copy_is_bounded)
{
    char long_line[600];

    memset(long_line, 'a', sizeof(long_line) - 1);
    long_line[sizeof(long_line) - 1] = '\0';
    cmdline_set(long_line);
    CHECK(strlen(cmdline_get()) == 255);
    cmdline_set("log=error test");
    CHECK(cmdline_has("test"));
    CHECK(!cmdline_has("crash"));
}

int
main(void)
{
    RUN(bare_and_valued_keys_are_found);
    RUN(prefixes_and_substrings_do_not_match);
    RUN(last_occurrence_wins_and_values_truncate);
    RUN(kernel_copy_is_bounded);
    return check_exit();
}
