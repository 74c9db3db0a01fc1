// SPDX-License-Identifier: MIT
/*
 * Memory and string functions for the kernel, libc and the host tests (see
 * string.h for why these names must exist and how host tests reach them).
 *
 * memcpy, memmove and memset move eight bytes at a time once the destination
 * is aligned, but only when the source shares its alignment: x86 tolerates
 * misaligned loads, UBSan in the host tests does not, and the common cases
 * (page copies, struct copies) are mutually aligned anyway. Everything else
 * is a plain byte loop. No SSE: the kernel is built -mgeneral-regs-only,
 * and this one source serves it and user space alike.
 *
 * gcc may recognise a copy, fill or length loop and replace it with a call
 * to memcpy, memset or strlen, which inside that very function would
 * recurse forever. STRING_NO_LIBCALL switches that transformation off for
 * every function here.
 */
#include <stdint.h>

#include "common/string.h"

/* The definitions below carry the names themselves (common/names.h). */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlcpy

#define STRING_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* A word that may alias any object, so word copies obey the aliasing rules. */
typedef uint64_t __attribute__((may_alias)) string_word;

#define WORD_SIZE sizeof(string_word)
#define WORD_MASK (WORD_SIZE - 1)

static inline int
string_mutually_aligned(const void *a, const void *b)
{
    return (((uintptr_t)a ^ (uintptr_t)b) & WORD_MASK) == 0;
}

/*
 * Copies n bytes from s up to d, lowest first: memcpy, and memmove when d
 * lies below s (every word is loaded before the store that could overlap
 * it).
 */
STRING_NO_LIBCALL static inline void
string_copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    if (n >= WORD_SIZE && string_mutually_aligned(d, s)) {
        while ((uintptr_t)d & WORD_MASK) {
            *d++ = *s++;
            n--;
        }
        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            *(string_word *)d = *(const string_word *)s;
            d += WORD_SIZE;
            s += WORD_SIZE;
        }
    }
    while (n--)
        *d++ = *s++;
}

STRING_NO_LIBCALL void *
COMMON_NAME(memcpy)(void *restrict dst, const void *restrict src, size_t n)
{
    string_copy_forward(dst, src, n);
    return dst;
}

/* Forward whenever dst lies below src (see string_copy_forward), else from the end. */
STRING_NO_LIBCALL void *
COMMON_NAME(memmove)(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if ((uintptr_t)d < (uintptr_t)s) {
        string_copy_forward(d, s, n);
        return dst;
    }

    d += n;
    s += n;
    if (n >= WORD_SIZE && string_mutually_aligned(d, s)) {
        while ((uintptr_t)d & WORD_MASK) {
            *--d = *--s;
            n--;
        }
        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            d -= WORD_SIZE;
            s -= WORD_SIZE;
            *(string_word *)d = *(const string_word *)s;
        }
    }
    while (n--)
        *--d = *--s;
    return dst;
}

STRING_NO_LIBCALL void *
COMMON_NAME(memset)(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char byte = (unsigned char)c;

    if (n >= WORD_SIZE) {
        /* 0x0101...01 times the byte fills every lane with it. */
        string_word pattern = (string_word)byte * 0x0101010101010101ull;

        while ((uintptr_t)d & WORD_MASK) {
            *d++ = byte;
            n--;
        }
        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            *(string_word *)d = pattern;
            d += WORD_SIZE;
        }
    }
    while (n--)
        *d++ = byte;
    return dst;
}

STRING_NO_LIBCALL int
COMMON_NAME(memcmp)(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

STRING_NO_LIBCALL size_t
COMMON_NAME(strlen)(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

STRING_NO_LIBCALL size_t
COMMON_NAME(strnlen)(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* Comparisons treat characters as unsigned char, as C requires. */
STRING_NO_LIBCALL int
COMMON_NAME(strcmp)(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return (*x > *y) - (*x < *y);
}

STRING_NO_LIBCALL int
COMMON_NAME(strncmp)(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n; n--, x++, y++) {
        if (*x != *y || *x == 0)
            return (*x > *y) - (*x < *y);
    }
    return 0;
}

/* Searching for '\0' finds the terminator, as C requires. */
STRING_NO_LIBCALL char *
COMMON_NAME(strchr)(const char *s, int c)
{
    char ch = (char)c;

    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (*s == 0)
            return NULL;
    }
}

STRING_NO_LIBCALL size_t
COMMON_NAME(strlcpy)(char *restrict dst, const char *restrict src, size_t size)
{
    size_t len = COMMON_NAME(strlen)(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;

        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
        dst[n] = 0;
    }
    return len;
}
