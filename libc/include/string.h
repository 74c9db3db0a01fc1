/* SPDX-License-Identifier: MIT */
/*
 * Memory and string functions: memcpy, memmove, memset, memcmp, strlen,
 * strnlen, strcmp, strncmp, strchr and strlcpy, declared and defined once
 * for the kernel, libc and the host tests in common/string.h and
 * common/string.c; this header is that one.
 *
 * strlcpy copies at most size - 1 bytes, always NUL-terminates when
 * size > 0, and returns strlen(src): a result >= size means truncation.
 */
#ifndef CAIRN_LIBC_STRING_H
#define CAIRN_LIBC_STRING_H

#include <common/string.h>

#endif
