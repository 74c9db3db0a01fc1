// SPDX-License-Identifier: MIT
/*
 * Host tests of libc's environment (libc/env.c), built as libc_getenv,
 * libc_setenv and libc_unsetenv over libc_environ (see test_env.mk):
 * POSIX semantics over an environment the test sets.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

char **libc_environ;
char *libc_getenv(const char *name);
int libc_setenv(const char *name, const char *value, int overwrite);
int libc_unsetenv(const char *name);

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

static size_t
env_entries(void)
{
    size_t n = 0;

    while (libc_environ && libc_environ[n])
        n++;
    return n;
}

TEST(setenv_adds_and_replaces_without_touching_the_start_array)
{
    static char *start[] = {"A=1", "B=2", NULL};

    libc_environ = start;
    CHECK(libc_setenv("C", "3", 1) == 0);
    CHECK(strcmp(libc_getenv("C"), "3") == 0);
    CHECK(strcmp(libc_getenv("A"), "1") == 0);
    CHECK(libc_environ != start); /* copied before the change */
    CHECK(start[2] == NULL);      /* the start array is as it was */
    CHECK(libc_setenv("A", "one", 1) == 0);
    CHECK(strcmp(libc_getenv("A"), "one") == 0);
    CHECK(strcmp(start[0], "A=1") == 0);
    CHECK(libc_setenv("B", "two", 0) == 0); /* no overwrite: stays */
    CHECK(strcmp(libc_getenv("B"), "2") == 0);
    /* A NULL value is left out: the host declares it nonnull. */
    CHECK(libc_setenv("D", "", 0) == 0);
    CHECK(strcmp(libc_getenv("D"), "") == 0);
    CHECK(env_entries() == 4);
    /* Removing the variables frees their strings (the leak checker sees
     * it): the next test replaces environ, and strings of a replaced
     * array are never freed. */
    CHECK(libc_unsetenv("A") == 0 && libc_unsetenv("C") == 0 && libc_unsetenv("D") == 0);
    CHECK(env_entries() == 1);
}

TEST(setenv_replaces_every_entry_of_a_name_once)
{
    static char *start[] = {"X=1", "Y=2", "X=3", NULL};

    libc_environ = start;
    CHECK(libc_setenv("X", "new", 1) == 0);
    CHECK(strcmp(libc_getenv("X"), "new") == 0);
    CHECK(env_entries() == 2);
    CHECK(libc_unsetenv("X") == 0);
    CHECK(libc_getenv("X") == NULL);
    CHECK(strcmp(libc_getenv("Y"), "2") == 0);
}

TEST(setenv_and_unsetenv_refuse_bad_names)
{
    static char *start[] = {"A=1", NULL};

    libc_environ = start;
    errno = 0;
    CHECK(libc_setenv("", "x", 1) == -1 && errno == EINVAL);
    errno = 0;
    CHECK(libc_setenv("A=B", "x", 1) == -1 && errno == EINVAL);
    errno = 0;
    CHECK(libc_unsetenv("") == -1 && errno == EINVAL);
    errno = 0;
    CHECK(libc_unsetenv("A=") == -1 && errno == EINVAL);
    CHECK(libc_environ == start); /* nothing changed */
}

TEST(unsetenv_of_a_missing_name_changes_nothing)
{
    static char *start[] = {"A=1", NULL};

    libc_environ = start;
    CHECK(libc_unsetenv("B") == 0);
    CHECK(libc_environ == start);
    CHECK(libc_unsetenv("A") == 0);
    CHECK(libc_getenv("A") == NULL && env_entries() == 0);
}

TEST(many_variables_grow_the_array_and_keep_their_values)
{
    static char *start[] = {NULL};
    char name[16], value[16];

    libc_environ = start;
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof(name), "V%d", i);
        snprintf(value, sizeof(value), "%d", i * 7);
        CHECK(libc_setenv(name, value, 1) == 0);
    }
    CHECK(env_entries() == 500);
    for (int i = 0; i < 500; i += 2) {
        snprintf(name, sizeof(name), "V%d", i);
        CHECK(libc_unsetenv(name) == 0);
    }
    CHECK(env_entries() == 250);
    for (int i = 0; i < 500; i++) {
        snprintf(name, sizeof(name), "V%d", i);
        snprintf(value, sizeof(value), "%d", i * 7);
        CHECK(i % 2 ? libc_getenv(name) && strcmp(libc_getenv(name), value) == 0
                    : libc_getenv(name) == NULL);
    }
    for (int i = 1; i < 500; i += 2) {
        snprintf(name, sizeof(name), "V%d", i);
        CHECK(libc_unsetenv(name) == 0);
    }
    CHECK(env_entries() == 0);
}

int
main(void)
{
    RUN(getenv_finds_the_value_after_the_first_name_equals);
    RUN(getenv_gives_empty_values_and_values_holding_equals);
    RUN(getenv_matches_whole_names_only);
    RUN(getenv_refuses_empty_names_and_names_with_equals);
    RUN(getenv_without_an_environment_finds_nothing);
    RUN(setenv_adds_and_replaces_without_touching_the_start_array);
    RUN(setenv_replaces_every_entry_of_a_name_once);
    RUN(setenv_and_unsetenv_refuse_bad_names);
    RUN(unsetenv_of_a_missing_name_changes_nothing);
    RUN(many_variables_grow_the_array_and_keep_their_values);
    return check_exit();
}
