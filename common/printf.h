/* SPDX-License-Identifier: MIT */
/*
 * Formatted output into a buffer: the one formatter (common/printf.c)
 * behind the kernel's log and console and libc's printf family, which
 * declares these two through this header. C99 snprintf semantics: the
 * return value is the length the whole output would have had, and the
 * buffer is always NUL-terminated when size > 0, so `n >= size` means
 * truncation. In a host test the names carry the common_ prefix
 * (common/names.h).
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, length modifiers hh h l ll z t
 * j, flags - 0 + space #, width and precision (also as *). Differences from
 * ISO C and glibc, on purpose:
 *   - %p of NULL prints "0x0" (glibc prints "(nil)");
 *   - %s of NULL prints "(null)", cut by the precision like any string;
 *   - anything else (%n, %f, %q, a bad length modifier) is printed literally
 *     and consumes no argument;
 *   - widths and precisions are capped at PRINTF_MAX_FIELD, so a corrupt
 *     format cannot make the kernel spin for billions of padding bytes.
 */
#ifndef CAIRN_COMMON_PRINTF_H
#define CAIRN_COMMON_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#include "common/names.h"

#define PRINTF_MAX_FIELD 4096

int COMMON_NAME(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int COMMON_NAME(snprintf)(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
