// SPDX-License-Identifier: MIT
/*
 * getenv (<stdlib.h>) over environ (libc/start.c), POSIX semantics. The
 * environment is searched in order, so of two entries with one name the
 * first wins, as in other C libraries.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *
getenv(const char *name)
{
    size_t len;

    if (!name || !environ || !*name || strchr(name, '='))
        return NULL;
    len = strlen(name);
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
            return *e + len + 1;
    }
    return NULL;
}
