/* SPDX-License-Identifier: MIT */
/*
 * ISO C and POSIX <stdlib.h>, as much as exists: the environment. Later
 * issues grow it (allocation, conversions, exit).
 */
#ifndef CAIRN_LIBC_STDLIB_H
#define CAIRN_LIBC_STDLIB_H

#include <stddef.h>

/* The value of the environment variable name (the text after "name=" in
 * the first entry of environ that starts so), or NULL when there is none,
 * when name is empty or holds '=', or when there is no environment. The
 * string is the environment's own: do not change it. */
char *getenv(const char *name);

#endif
