// SPDX-License-Identifier: MIT
/*
 * The string functions of <string.h> that only user space needs; the ones
 * the kernel shares (mem*, strlen, strcmp, strchr ...) are common/string.c.
 * Each follows C11 7.24 and POSIX; the host test compares them with the
 * host's C library.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/sys.h>

void *
memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (; n; n--, p++) {
        if (*p == (unsigned char)c)
            return (void *)p;
    }
    return NULL;
}

char *
strrchr(const char *s, int c)
{
    const char *last = NULL;

    do {
        if (*s == (char)c)
            last = s;
    } while (*s++);
    return (char *)last;
}

char *
stpcpy(char *restrict dst, const char *restrict src)
{
    while ((*dst = *src++))
        dst++;
    return dst;
}

char *
strcpy(char *restrict dst, const char *restrict src)
{
    stpcpy(dst, src);
    return dst;
}

/* As the standard says: at most n bytes, NUL-padded to n, and not
 * terminated when src has n or more. */
char *
strncpy(char *restrict dst, const char *restrict src, size_t n)
{
    size_t i = 0;

    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = 0;
    return dst;
}

char *
strcat(char *restrict dst, const char *restrict src)
{
    stpcpy(dst + strlen(dst), src);
    return dst;
}

char *
strncat(char *restrict dst, const char *restrict src, size_t n)
{
    char *d = dst + strlen(dst);

    for (; n && *src; n--)
        *d++ = *src++;
    *d = 0;
    return dst;
}

/* Whether c is in set; the set's NUL does not count. */
static int
in_set(const char *set, char c)
{
    for (; *set; set++) {
        if (*set == c)
            return 1;
    }
    return 0;
}

size_t
strspn(const char *s, const char *accept)
{
    size_t n = 0;

    while (s[n] && in_set(accept, s[n]))
        n++;
    return n;
}

size_t
strcspn(const char *s, const char *reject)
{
    size_t n = 0;

    while (s[n] && !in_set(reject, s[n]))
        n++;
    return n;
}

char *
strpbrk(const char *s, const char *accept)
{
    s += strcspn(s, accept);
    return *s ? (char *)s : NULL;
}

/* The plain search: needles here are short (arguments, paths, lines). */
char *
strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    if (n == 0)
        return (char *)haystack;
    for (; *haystack; haystack++) {
        if (*haystack == *needle && strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    }
    return NULL;
}

char *
strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    return d ? memcpy(d, s, n) : NULL;
}

char *
strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *d = malloc(n + 1);

    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *
strtok_r(char *restrict s, const char *restrict delim, char **restrict save)
{
    char *end;

    if (!s)
        s = *save;
    s += strspn(s, delim);
    if (!*s) {
        *save = s;
        return NULL;
    }
    end = s + strcspn(s, delim);
    if (*end)
        *end++ = 0;
    *save = end;
    return s;
}

/* strtok's place between calls is per thread, as most C libraries keep it. */
char *
strtok(char *restrict s, const char *restrict delim)
{
    static __thread char *save;

    return strtok_r(s, delim, &save);
}

/* Only the "C" locale: bytes compare as unsigned char, as strcmp does. */
int
strcoll(const char *a, const char *b)
{
    return strcmp(a, b);
}

/* The message of a Cairn error code (<errno.h>), positive or negative. */
char *
strerror(int err)
{
    return (char *)cairn_strerror(err);
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
strncasecmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        int d = lower((unsigned char)*a) - lower((unsigned char)*b);

        if (d || !*a)
            return d;
    }
    return 0;
}

int
strcasecmp(const char *a, const char *b)
{
    return strncasecmp(a, b, SIZE_MAX);
}
