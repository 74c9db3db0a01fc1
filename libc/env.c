// SPDX-License-Identifier: MIT
/*
 * The environment (<stdlib.h>): getenv, setenv and unsetenv over environ
 * (libc/start.c), POSIX semantics. The environment is searched in order,
 * so of two entries with one name the first wins, as in other C
 * libraries; setenv and unsetenv change every entry of the name.
 *
 * environ starts as the array of the start block, which is not ours to
 * change. The first change copies it into env_array on the heap; from
 * then on environ == env_array, and env_owned[i] says whether entry i is
 * a string this file allocated (and so frees when it is replaced or
 * removed). A program that sets environ itself gets the same treatment:
 * when environ is not env_array, the next change copies it again and
 * owns none of its strings. A failed allocation leaves the environment
 * as it was (ENOMEM).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char **env_array; /* what environ is after our first change */
static char *env_owned;  /* per entry of env_array: 1 if we allocated the string */
static size_t env_cap;   /* entries env_array and env_owned have room for, NULL included */

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

static size_t
env_count(void)
{
    size_t n = 0;

    while (environ && environ[n])
        n++;
    return n;
}

/* Makes environ our own array with room for extra more entries (and the
 * NULL). 0, or -1 with nothing changed. Strings we allocated for an
 * array the program has since replaced are left alone (it may still use
 * them). */
static int
env_own(size_t extra)
{
    size_t n = env_count(), cap;
    int ours = environ && environ == env_array;
    char **arr;
    char *owned;

    if (ours && n + extra + 1 <= env_cap)
        return 0;
    cap = (n + extra + 1) * 2;
    arr = malloc(cap * sizeof(*arr));
    owned = malloc(cap);
    if (!arr || !owned) {
        free(arr);
        free(owned);
        return -1;
    }
    memset(owned, 0, cap);
    if (n)
        memcpy(arr, environ, n * sizeof(*arr));
    arr[n] = NULL;
    if (ours)
        memcpy(owned, env_owned, n);
    free(env_array);
    free(env_owned);
    env_array = arr;
    env_owned = owned;
    env_cap = cap;
    environ = arr;
    return 0;
}

/* Removes every entry at or after index from named len bytes long. */
static void
env_remove_from(size_t from, const char *name, size_t len)
{
    size_t out = from;

    for (size_t i = from; environ[i]; i++) {
        if (strncmp(environ[i], name, len) == 0 && environ[i][len] == '=') {
            if (env_owned[i])
                free(environ[i]);
            continue;
        }
        environ[out] = environ[i];
        env_owned[out] = env_owned[i];
        out++;
    }
    environ[out] = NULL;
}

int
setenv(const char *name, const char *value, int overwrite)
{
    size_t len, vlen, i;
    char *entry;

    if (!name || !*name || strchr(name, '=')) {
        errno = EINVAL;
        return -1;
    }
    if (!value)
        value = "";
    if (getenv(name) && !overwrite)
        return 0;
    len = strlen(name);
    vlen = strlen(value);
    entry = malloc(len + vlen + 2);
    if (!entry || env_own(1) < 0) {
        free(entry);
        errno = ENOMEM;
        return -1;
    }
    memcpy(entry, name, len);
    entry[len] = '=';
    memcpy(entry + len + 1, value, vlen + 1);
    for (i = 0; environ[i]; i++) {
        if (strncmp(environ[i], name, len) == 0 && environ[i][len] == '=')
            break;
    }
    if (environ[i]) {
        if (env_owned[i])
            free(environ[i]);
        env_remove_from(i + 1, name, len);
    } else {
        environ[i + 1] = NULL;
    }
    environ[i] = entry;
    env_owned[i] = 1;
    return 0;
}

int
unsetenv(const char *name)
{
    if (!name || !*name || strchr(name, '=')) {
        errno = EINVAL;
        return -1;
    }
    if (!getenv(name))
        return 0;
    if (env_own(0) < 0) {
        errno = ENOMEM;
        return -1;
    }
    env_remove_from(0, name, strlen(name));
    return 0;
}
