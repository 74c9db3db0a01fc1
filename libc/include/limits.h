/* SPDX-License-Identifier: MIT */
/*
 * Limits of the integer types (C11 7.10) and the POSIX limits Cairn's
 * C library keeps to. x86_64, LP64: char is signed, int 32 bits, long and
 * pointers 64. gcc's own <limits.h> would look for this one with
 * #include_next, so the C library provides it whole.
 */
#ifndef CAIRN_LIBC_LIMITS_H
#define CAIRN_LIBC_LIMITS_H

#define CHAR_BIT   8
#define SCHAR_MIN  (-128)
#define SCHAR_MAX  127
#define UCHAR_MAX  255
#define CHAR_MIN   SCHAR_MIN
#define CHAR_MAX   SCHAR_MAX
#define MB_LEN_MAX 4
#define SHRT_MIN   (-32768)
#define SHRT_MAX   32767
#define USHRT_MAX  65535
#define INT_MIN    (-INT_MAX - 1)
#define INT_MAX    2147483647
#define UINT_MAX   4294967295u
#define LONG_MIN   (-LONG_MAX - 1l)
#define LONG_MAX   9223372036854775807l
#define ULONG_MAX  18446744073709551615ul
#define LLONG_MIN  (-LLONG_MAX - 1ll)
#define LLONG_MAX  9223372036854775807ll
#define ULLONG_MAX 18446744073709551615ull

#define SSIZE_MAX LONG_MAX

/* The longest path (with its NUL) and file name the C library handles. */
#define PATH_MAX 4096
#define NAME_MAX 255

#endif
