/* SPDX-License-Identifier: MIT */
/*
 * General utilities (C11 7.22): memory allocation (libc/malloc.c), number
 * conversion (libc/strtol.c, libc/strtod.c), sorting and searching (libc/qsort.c),
 * integer arithmetic (libc/stdlib.c), the environment (libc/env.c),
 * ending the process (libc/exit.c).
 * Errors set errno (<errno.h>).
 */
#ifndef CAIRN_LIBC_STDLIB_H
#define CAIRN_LIBC_STDLIB_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int quot, rem;
} div_t;
typedef struct {
    long quot, rem;
} ldiv_t;
typedef struct {
    long long quot, rem;
} lldiv_t;

/*
 * Memory. malloc(0) returns a unique pointer that free takes. Every block
 * is aligned to 16 bytes (max_align_t). NULL with errno ENOMEM when the
 * process's memory quota or address space is spent. free of anything that
 * did not come from these functions, or freeing twice, ends the process
 * with a message (a corrupted heap must not go on).
 */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
/* alignment a power of two and a multiple of sizeof(void *): 0 or EINVAL
 * or ENOMEM (as a result, not in errno). */
int posix_memalign(void **out, size_t alignment, size_t size);
/* alignment a power of two; NULL and EINVAL otherwise. */
void *aligned_alloc(size_t alignment, size_t size);

long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
/* Text to floating point, correctly rounded (libc/strtod.c has the
 * syntax): ERANGE with an infinity on overflow, and with the subnormal or
 * zero rounding gives when the value is tiny and inexact, as glibc does.
 * strtold gives the x87 80-bit long double. */
double strtod(const char *restrict s, char **restrict end);
float strtof(const char *restrict s, char **restrict end);
long double strtold(const char *restrict s, char **restrict end);
double atof(const char *s);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

/* Random numbers for keys and nonces (libc/random.c): a ChaCha20
 * generator of this process with fast key erasure (<cairn/chacha20.h>),
 * seeded and reseeded from getentropy. arc4random_uniform(n) is uniform
 * in 0..n-1 (no modulo bias; 0 for n < 2). They cannot fail: without an
 * entropy server they end the process (abort) rather than hand out
 * predictable numbers. */
uint32_t arc4random(void);
void arc4random_buf(void *buf, size_t n);
uint32_t arc4random_uniform(uint32_t upper_bound);

int abs(int x);
long labs(long x);
long long llabs(long long x);
div_t div(int num, int den);
ldiv_t ldiv(long num, long den);
lldiv_t lldiv(long long num, long long den);

/* Ending the process (libc/exit.c). exit runs the atexit functions, last
 * registered first, then ends every thread with status; _Exit skips them;
 * abort ends the process with status 134 (128 + SIGABRT) at once. atexit
 * takes 32 functions and returns -1 past that. */
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
int atexit(void (*fn)(void));
_Noreturn void exit(int status);
_Noreturn void _Exit(int status);
_Noreturn void abort(void);

/* The value of the environment variable name (the text after "name=" in
 * the first entry of environ that starts so), or NULL when there is none,
 * when name is empty or holds '=', or when there is no environment. The
 * string is the environment's own: do not change it. */
char *getenv(const char *name);
/* Sets name to value ("" for NULL), replacing an entry of that name only
 * when overwrite is non-zero; unsetenv removes every entry of name. Both
 * return 0, or -1 and errno: EINVAL for an empty name or one holding '=',
 * ENOMEM. A change copies the environment onto the heap first (environ
 * then points there), so pointers from getenv stay valid until the
 * variable they came from is set again or removed. */
int setenv(const char *name, const char *value, int overwrite);
int unsetenv(const char *name);

#endif
