/* SPDX-License-Identifier: MIT */
/*
 * Memory and string functions, one definition (common/string.c) for the
 * kernel, libc and the host tests; libc's <string.h> is this header.
 *
 * The kernel links no C library, and gcc emits calls to memcpy, memset,
 * memmove and memcmp on its own (struct copies, large initialisers), so
 * those exact names must exist in the kernel image. In a host test the
 * names carry the common_ prefix (common/names.h); strlcpy is the exception
 * there: older glibc lacks it, so on the host it always means
 * common_strlcpy.
 */
#ifndef CAIRN_COMMON_STRING_H
#define CAIRN_COMMON_STRING_H

#include <stddef.h>

#include "common/names.h"

#ifdef HOST_TEST
#include <string.h> /* the host's: no -I directory holds a string.h of ours */
#endif

void *COMMON_NAME(memcpy)(void *restrict dst, const void *restrict src, size_t n);
void *COMMON_NAME(memmove)(void *dst, const void *src, size_t n);
void *COMMON_NAME(memset)(void *dst, int c, size_t n);
int COMMON_NAME(memcmp)(const void *a, const void *b, size_t n);
size_t COMMON_NAME(strlen)(const char *s);
size_t COMMON_NAME(strnlen)(const char *s, size_t max);
int COMMON_NAME(strcmp)(const char *a, const char *b);
int COMMON_NAME(strncmp)(const char *a, const char *b, size_t n);
char *COMMON_NAME(strchr)(const char *s, int c);

/*
 * Copies at most size - 1 bytes of src and always NUL-terminates when
 * size > 0. Returns strlen(src), so a result >= size means truncation.
 */
size_t COMMON_NAME(strlcpy)(char *restrict dst, const char *restrict src, size_t size);

#ifdef HOST_TEST
#define strlcpy common_strlcpy
#endif

#ifdef CAIRN_KERNEL
/*
 * The kernel alone: -ffreestanding turns off gcc's knowledge of these
 * functions, and routing the kernel's calls through the builtins gives it
 * back (small constant-size copies become a few moves; anything else still
 * calls the functions above). Turning gcc's builtins back on wholesale
 * (-fbuiltin) instead makes an IPC round trip a tenth slower, and would let
 * gcc call functions the kernel lacks (calloc for malloc and memset). User
 * code calls the functions themselves: <string.h> has no macros in the way
 * of &memcpy or of a program's own declarations.
 */
#define memcpy(d, s, n)  __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n)  __builtin_memset((d), (c), (n))
#define memcmp(a, b, n)  __builtin_memcmp((a), (b), (n))
#endif

#endif
