/* SPDX-License-Identifier: MIT */
/*
 * Memory and string functions (C11 7.24, POSIX). memcpy, memmove, memset,
 * memcmp, strlen, strnlen, strcmp, strncmp, strchr and strlcpy are
 * declared and defined once for the kernel, libc and the host tests in
 * common/string.h and common/string.c; the rest are libc's own
 * (libc/string.c). strcasecmp and strncasecmp, <strings.h> in POSIX, are
 * here too.
 *
 * strlcpy copies at most size - 1 bytes, always NUL-terminates when
 * size > 0, and returns strlen(src): a result >= size means truncation.
 */
#ifndef CAIRN_LIBC_STRING_H
#define CAIRN_LIBC_STRING_H

#include <common/string.h>

void *memchr(const void *s, int c, size_t n);
char *strrchr(const char *s, int c);
char *strcpy(char *restrict dst, const char *restrict src);
/* strcpy returning the end of dst (its NUL). */
char *stpcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *strcat(char *restrict dst, const char *restrict src);
char *strncat(char *restrict dst, const char *restrict src, size_t n);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strstr(const char *haystack, const char *needle);
/* Copies on the heap (free them); NULL and ENOMEM when there is none. */
char *strdup(const char *s);
char *strndup(const char *s, size_t max);
char *strtok(char *restrict s, const char *restrict delim);
char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save);
int strcoll(const char *a, const char *b);
/* The message for a Cairn error code (<errno.h>); never NULL. */
char *strerror(int err);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);

#endif
