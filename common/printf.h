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
 * j, flags - 0 + space #, width and precision (also as *). Outside the
 * kernel (common/printf_float.c; the kernel has no floating point) also
 * %f %F %e %E %g %G %a %A of a double, or of a long double with L (l is
 * allowed and means nothing): the exact decimal expansion of the binary
 * value rounded half to even, the digits glibc prints, and inf, nan,
 * -0 as glibc prints them (nan keeps its sign: "-nan").
 * Differences from ISO C and glibc, on purpose:
 *   - %p of NULL prints "0x0" (glibc prints "(nil)");
 *   - %s of NULL prints "(null)", cut by the precision like any string;
 *   - anything else (%n, %q, a length modifier that does not go with its
 *     conversion such as %Ld or %hf, and %f in the kernel) is printed
 *     literally and consumes no argument;
 *   - widths and precisions are capped at PRINTF_MAX_FIELD, so a corrupt
 *     format cannot make the kernel spin for billions of padding bytes
 *     (%.5000f prints 4096 decimals);
 *   - %#g of a value that rounding carries up to 10^P (999999.5 at the
 *     default P = 6) prints "1.00000e+06" as C11 says; glibc prints
 *     "1.e+06".
 */
#ifndef CAIRN_COMMON_PRINTF_H
#define CAIRN_COMMON_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#include "common/names.h"

#define PRINTF_MAX_FIELD 4096

int COMMON_NAME(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(__printf__, 3, 0)));
int COMMON_NAME(snprintf)(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(__printf__, 3, 4)));

#ifndef CAIRN_KERNEL
/*
 * Formatted output to anywhere (libc's FILE streams): the formatter hands
 * the sink the output in pieces of up to PRINTF_SINK_CHUNK bytes, in order,
 * and returns the length of the whole. A sink embeds struct printf_sink
 * and finds itself from the pointer. Not in the kernel.
 */
#define PRINTF_SINK_CHUNK 1024

struct printf_sink {
    void (*write)(struct printf_sink *sink, const char *s, size_t len);
};

int printf_format(struct printf_sink *sink, const char *fmt, va_list ap)
    __attribute__((format(__printf__, 2, 0)));
#endif

#endif
