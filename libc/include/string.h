/* SPDX-License-Identifier: MIT */
/*
 * Memory and string functions. The definitions are the kernel's own
 * (kernel/lib/string.c, pure code compiled a second time for user space), so
 * these declarations must match kernel/lib/string.h.
 *
 * strlcpy copies at most size - 1 bytes, always NUL-terminates when
 * size > 0, and returns strlen(src): a result >= size means truncation.
 */
#ifndef CAIRN_LIBC_STRING_H
#define CAIRN_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

/*
 * User code is built -ffreestanding, which hides what these functions do
 * from gcc. The builtins give it back (small constant copies become moves);
 * anything else still calls the functions above.
 */
#define memcpy(d, s, n)  __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n)  __builtin_memset((d), (c), (n))
#define memcmp(a, b, n)  __builtin_memcmp((a), (b), (n))
#define strlen(s)        __builtin_strlen((s))

#endif
