/* SPDX-License-Identifier: MIT */
/*
 * Memory and string primitives. The kernel links no libc, and gcc emits calls
 * to memcpy, memset, memmove and memcmp on its own (struct copies, large
 * initialisers), so those exact names must exist in the kernel image.
 *
 * Host tests link the host libc, which owns these names. There the kernel's
 * versions are built as kstr_memcpy, kstr_memset, ... (string.c renames them
 * under HOST_TEST) and other pure code compiled for the host keeps calling
 * libc, which the sanitizers understand. strlcpy is the exception: older
 * glibc lacks it, so on the host it always means kstr_strlcpy.
 */
#ifndef CAIRN_LIB_STRING_H
#define CAIRN_LIB_STRING_H

#include <stddef.h>

#ifdef HOST_TEST
#include <string.h> /* -Ikernel does not shadow it: this file is lib/string.h */
#define KSTRING(name) kstr_##name
#else
#define KSTRING(name) name
#endif

void *KSTRING(memcpy)(void *restrict dst, const void *restrict src, size_t n);
void *KSTRING(memmove)(void *dst, const void *src, size_t n);
void *KSTRING(memset)(void *dst, int c, size_t n);
int KSTRING(memcmp)(const void *a, const void *b, size_t n);
size_t KSTRING(strlen)(const char *s);
size_t KSTRING(strnlen)(const char *s, size_t max);
int KSTRING(strcmp)(const char *a, const char *b);
int KSTRING(strncmp)(const char *a, const char *b, size_t n);
char *KSTRING(strchr)(const char *s, int c);

/*
 * Copies at most size - 1 bytes of src and always NUL-terminates when
 * size > 0. Returns strlen(src), so a result >= size means truncation.
 */
size_t KSTRING(strlcpy)(char *restrict dst, const char *restrict src, size_t size);

#ifdef HOST_TEST
#define strlcpy kstr_strlcpy
#else
/*
 * -ffreestanding turns off gcc's knowledge of these functions. Routing calls
 * through the builtins gives it back: small constant-size copies become a few
 * moves, everything else still calls the functions above.
 */
#define memcpy(d, s, n)  __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n)  __builtin_memset((d), (c), (n))
#define memcmp(a, b, n)  __builtin_memcmp((a), (b), (n))
#endif

#endif
