// SPDX-License-Identifier: MIT
/*
 * Host tests of libc's getenv (libc/stdlib.c), built as libc_getenv over
 * libc_environ (see test_getenv.mk): POSIX semantics over an environment
 * the test sets.
 */
#include <stddef.h>
#include <string.h>

#include "check.h"

char **libc_environ;
char *libc_getenv(const char *name);

static char *env[] = {
    "HOME=/", "EMPTY=", "EQ=1=2", "PATH=/bin:/sbin", "HOME=/second", "NOEQUALS", "=novalue", NULL,
};

TEST(getenv_finds_the_value_after_the_first_name_equals)
{
    libc_environ = env;
    CHECK(strcmp(libc_getenv("HOME"), "/") == 0);
    CHECK(strcmp(libc_getenv("PATH"), "/bin:/sbin") == 0);
    CHECK(libc_getenv("HOME") == env[0] + 5);
}

TEST(getenv_gives_empty_values_and_values_holding_equals)
{
    libc_environ = env;
    CHECK(strcmp(libc_getenv("EMPTY"), "") == 0);
    CHECK(strcmp(libc_getenv("EQ"), "1=2") == 0);
}

TEST(getenv_matches_whole_names_only)
{
    libc_environ = env;
    CHECK(libc_getenv("HOM") == NULL);
    CHECK(libc_getenv("HOMEX") == NULL);
    CHECK(libc_getenv("NOEQUALS") == NULL); /* an entry without '=' is no variable */
    CHECK(libc_getenv("NOPE") == NULL);
}

TEST(getenv_refuses_empty_names_and_names_with_equals)
{
    libc_environ = env;
    CHECK(libc_getenv("") == NULL);
    CHECK(libc_getenv("HOME=") == NULL);
    CHECK(libc_getenv("EQ=1") == NULL);
    /* getenv(NULL) is left out: the host's declaration calls it
     * undefined (nonnull), and the compiler drops libc's check here. */
}

TEST(getenv_without_an_environment_finds_nothing)
{
    static char *none[] = {NULL};

    libc_environ = NULL;
    CHECK(libc_getenv("HOME") == NULL);
    libc_environ = none;
    CHECK(libc_getenv("HOME") == NULL);
}

int
main(void)
{
    RUN(getenv_finds_the_value_after_the_first_name_equals);
    RUN(getenv_gives_empty_values_and_values_holding_equals);
    RUN(getenv_matches_whole_names_only);
    RUN(getenv_refuses_empty_names_and_names_with_equals);
    RUN(getenv_without_an_environment_finds_nothing);
    return check_exit();
}
