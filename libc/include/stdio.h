/* SPDX-License-Identifier: MIT */
/*
 * Formatted output. snprintf and vsnprintf are the one formatter of the
 * kernel and libc (common/printf.c, declared in common/printf.h, which
 * this header includes), so the conversions and their differences from ISO C
 * are the ones common/printf.h lists: floating point as glibc prints it
 * (long double with L), no %n, NULL %s prints "(null)".
 *
 * Output goes to the kernel console through debug_write until the console
 * server exists. printf formats into a buffer on the stack and writes it
 * with one system call, so a line from one printf is never split by other
 * output; text beyond STDIO_PRINTF_MAX - 1 bytes is cut off. puts writes
 * any length (in CAIRN_DEBUG_WRITE_MAX pieces).
 *
 * printf, vprintf and puts return the number of bytes written, or a negative
 * CAIRN_E* code from debug_write. snprintf and vsnprintf follow C99.
 */
#ifndef CAIRN_LIBC_STDIO_H
#define CAIRN_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#include <common/printf.h>

#define STDIO_PRINTF_MAX 1024

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int puts(const char *s);

/* Renames a file or directory (libc/path.c; include/proto/fs.h). 0, or
 * -1 and errno. */
int rename(const char *from, const char *to);

#endif
