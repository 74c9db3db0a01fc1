// SPDX-License-Identifier: MIT
/*
 * Cairn's C library (libc/, renamed to cl_* by libc_prefix.h) against the
 * host's on many inputs: character classes, the strtol family, qsort and
 * bsearch, integer arithmetic; and the allocator on its own, on a page
 * source that counts what it hands out, so that the tests can see memory
 * go back, catch overlapping blocks, and provoke its corruption checks.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"

/* --- what the code under test takes from the rest of the C library --- */

__thread int cl_errno;

/* Cairn's mutex is a futex word; here every one of them (the allocator
 * has one) is the host's mutex, which sleeps instead of spinning on a busy
 * machine. */
struct cl_mutex;
static pthread_mutex_t host_mutex = PTHREAD_MUTEX_INITIALIZER;

int
cl_pthread_mutex_lock(struct cl_mutex *m)
{
    (void)m;
    return pthread_mutex_lock(&host_mutex);
}

int
cl_pthread_mutex_unlock(struct cl_mutex *m)
{
    (void)m;
    return pthread_mutex_unlock(&host_mutex);
}

static long pages_out;             /* bytes handed out and not given back */
static long pages_fail_after = -1; /* that many more requests succeed, then they fail */
static jmp_buf die_jump;
static const char *die_why;

void *
malloc_pages_get(size_t bytes)
{
    void *p;

    CHECK(bytes % 4096 == 0);
    if (pages_fail_after == 0)
        return NULL;
    if (pages_fail_after > 0)
        pages_fail_after--;
    p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    __atomic_add_fetch(&pages_out, (long)bytes, __ATOMIC_RELAXED);
    return p;
}

void
malloc_pages_put(void *p, size_t bytes)
{
    __atomic_sub_fetch(&pages_out, (long)bytes, __ATOMIC_RELAXED);
    CHECK(munmap(p, bytes) == 0);
}

_Noreturn void
malloc_die(const char *why, const void *p)
{
    (void)p;
    die_why = why;
    /* Called with the heap's lock held: the test goes on using the heap. */
    pthread_mutex_unlock(&host_mutex);
    longjmp(die_jump, 1);
}

/* --- the functions under test --- */

#define CL_CLASSES(X)                                                                        \
    X(isalnum)                                                                               \
    X(isalpha)                                                                               \
    X(isblank)                                                                               \
    X(iscntrl)                                                                               \
    X(isdigit)                                                                               \
    X(isgraph)                                                                               \
    X(islower) X(isprint) X(ispunct) X(isspace) X(isupper) X(isxdigit) X(isascii) X(tolower) \
        X(toupper)
#define CL_DECLARE(name) int cl_##name(int c);
CL_CLASSES(CL_DECLARE)

long cl_strtol(const char *s, char **end, int base);
unsigned long cl_strtoul(const char *s, char **end, int base);
long long cl_strtoll(const char *s, char **end, int base);
unsigned long long cl_strtoull(const char *s, char **end, int base);
int cl_atoi(const char *s);
long cl_atol(const char *s);
void cl_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *cl_bsearch(const void *key, const void *base, size_t n, size_t size,
                 int (*cmp)(const void *, const void *));
int cl_abs(int x);
long cl_labs(long x);
div_t cl_div(int num, int den);
ldiv_t cl_ldiv(long num, long den);
void *cl_malloc(size_t size);
void *cl_calloc(size_t count, size_t size);
void *cl_realloc(void *p, size_t size);
void cl_free(void *p);
int cl_posix_memalign(void **out, size_t alignment, size_t size);
void *cl_aligned_alloc(size_t alignment, size_t size);

void *cl_memchr(const void *s, int c, size_t n);
char *cl_strrchr(const char *s, int c);
char *cl_strcpy(char *dst, const char *src);
char *cl_stpcpy(char *dst, const char *src);
char *cl_strncpy(char *dst, const char *src, size_t n);
char *cl_strcat(char *dst, const char *src);
char *cl_strncat(char *dst, const char *src, size_t n);
size_t cl_strspn(const char *s, const char *accept);
size_t cl_strcspn(const char *s, const char *reject);
char *cl_strpbrk(const char *s, const char *accept);
char *cl_strstr(const char *haystack, const char *needle);
char *cl_strdup(const char *s);
char *cl_strndup(const char *s, size_t max);
char *cl_strtok_r(char *s, const char *delim, char **save);
int cl_strcasecmp(const char *a, const char *b);
int cl_strncasecmp(const char *a, const char *b, size_t n);
char *cl_strerror(int err);

/* Cairn's error numbers differ from the host's. */
#define CL_EINVAL 1
#define CL_ENOMEM 2
#define CL_ERANGE 7

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
    return check_xorshift64(&rng_state);
}

TEST(ctype_matches_the_host_for_every_byte_and_eof)
{
    for (int c = -1; c < 256; c++) {
#define CL_COMPARE(name) CHECK(!!cl_##name(c) == !!name(c) || (#name[0] == 't'));
        CL_CLASSES(CL_COMPARE)
        CHECK(cl_tolower(c) == tolower(c));
        CHECK(cl_toupper(c) == toupper(c));
    }
    /* Outside unsigned char and EOF: no class, no table read. */
    CHECK(!cl_isalpha(1000) && !cl_isspace(-200) && cl_toupper(-5) == -5);
}

/* Compare all four conversions of s in base with the host's. */
static void
compare_strto(const char *s, int base)
{
    char *end_host, *end_cl;
    int err_host, err_cl;

    errno = 0, cl_errno = 0;
    long a = strtol(s, &end_host, base);
    err_host = errno;
    long b = cl_strtol(s, &end_cl, base);
    err_cl = cl_errno;
    CHECK(a == b);
    CHECK(end_host == end_cl);
    CHECK((err_host == ERANGE) == (err_cl == CL_ERANGE));

    errno = 0, cl_errno = 0;
    unsigned long ua = strtoul(s, &end_host, base);
    err_host = errno;
    unsigned long ub = cl_strtoul(s, &end_cl, base);
    err_cl = cl_errno;
    CHECK(ua == ub);
    CHECK(end_host == end_cl);
    CHECK((err_host == ERANGE) == (err_cl == CL_ERANGE));

    CHECK(strtoll(s, NULL, base) == cl_strtoll(s, NULL, base));
    CHECK(strtoull(s, NULL, base) == cl_strtoull(s, NULL, base));
}

TEST(strtol_family_matches_the_host)
{
    static const char *fixed[] = {
        "",
        "0",
        "-0",
        "+",
        "-",
        "  \t\n\v\f\r42",
        "0x",
        "0X1f",
        "0xg",
        "-0x10",
        "010",
        "08",
        "0b101",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "-18446744073709551615",
        "-18446744073709551616",
        "99999999999999999999999999999",
        "zzzzzzzzzzzzzz",
        "  +7fffffffffffffff",
        "123abc",
        "1 2",
        "--5",
        "+-5",
    };
    static const int bases[] = {0, 2, 8, 10, 16, 36};
    static const char alphabet[] = " \t+-0123456789abcdefxXzZ";
    char buf[40];

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        for (size_t j = 0; j < sizeof(bases) / sizeof(bases[0]); j++)
            compare_strto(fixed[i], bases[j]);
    }
    for (int i = 0; i < 200000; i++) {
        size_t len = rng() % 30;
        int base = rng() % 4 ? bases[rng() % 6] : (int)(2 + rng() % 35);

        for (size_t k = 0; k < len; k++)
            buf[k] = alphabet[rng() % (sizeof(alphabet) - 1)];
        buf[len] = 0;
        compare_strto(buf, base);
    }
    /* A base outside 2..36: EINVAL and 0, as the host does. */
    cl_errno = 0;
    CHECK(cl_strtol("10", NULL, 1) == 0 && cl_errno == CL_EINVAL);
    cl_errno = 0;
    CHECK(cl_strtoul("10", NULL, 37) == 0 && cl_errno == CL_EINVAL);
    CHECK(cl_atoi("  -123x") == -123 && cl_atol("77") == 77);
}

static unsigned long compares;

static int
cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    compares++;
    return (x > y) - (x < y);
}

/* A 24-byte element: sorted by key, payload along for the ride. */
struct item {
    int key;
    int serial;
    long payload[2];
};

static int
cmp_item(const void *a, const void *b)
{
    const struct item *x = a, *y = b;

    return (x->key > y->key) - (x->key < y->key);
}

/* 3-byte elements exercise the byte-wise swap. */
static int
cmp_3(const void *a, const void *b)
{
    return memcmp(a, b, 3);
}

static void
fill(int *v, size_t n, int pattern)
{
    for (size_t i = 0; i < n; i++) {
        switch (pattern) {
        case 0:
            v[i] = (int)rng();
            break;
        case 1:
            v[i] = (int)i;
            break;
        case 2:
            v[i] = (int)(n - i);
            break;
        case 3:
            v[i] = 7;
            break;
        case 4:
            v[i] = (int)(rng() % 4);
            break;
        default:
            v[i] = (int)(i < n / 2 ? i : n - i);
            break; /* organ pipe */
        }
    }
}

TEST(qsort_sorts_like_the_host_in_n_log_n)
{
    static const size_t sizes[] = {0, 1, 2, 3, 5, 12, 13, 50, 257, 1000, 4099};
    int *a = malloc(100000 * sizeof(int)), *b = malloc(100000 * sizeof(int));

    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        for (int pattern = 0; pattern < 6; pattern++) {
            size_t n = sizes[s];

            fill(a, n, pattern);
            memcpy(b, a, n * sizeof(int));
            qsort(b, n, sizeof(int), cmp_int);
            cl_qsort(a, n, sizeof(int), cmp_int);
            CHECK(memcmp(a, b, n * sizeof(int)) == 0);
        }
    }
    /* No pattern costs more than a small multiple of n log2 n compares. */
    for (int pattern = 0; pattern < 6; pattern++) {
        size_t n = 100000;

        fill(a, n, pattern);
        compares = 0;
        cl_qsort(a, n, sizeof(int), cmp_int);
        CHECK(compares < 4 * n * 17);
        for (size_t i = 1; i < n; i++)
            CHECK(a[i - 1] <= a[i]);
    }
    free(a);
    free(b);
}

TEST(qsort_moves_whole_elements_of_any_size)
{
    struct item items[500];
    unsigned char bytes[3 * 300], sorted[3 * 300];
    long serial_sum = 0;

    for (int i = 0; i < 500; i++) {
        items[i] = (struct item){(int)(rng() % 50), i, {i * 3L, -i * 7L}};
        serial_sum += i;
    }
    cl_qsort(items, 500, sizeof(items[0]), cmp_item);
    for (int i = 0; i < 500; i++) {
        CHECK(i == 0 || items[i - 1].key <= items[i].key);
        CHECK(items[i].payload[0] == items[i].serial * 3L);
        CHECK(items[i].payload[1] == -items[i].serial * 7L);
        serial_sum -= items[i].serial;
    }
    CHECK(serial_sum == 0); /* a permutation (with the sum and the payload checks) */
    for (size_t i = 0; i < sizeof(bytes); i++)
        bytes[i] = (unsigned char)rng();
    memcpy(sorted, bytes, sizeof(bytes));
    qsort(sorted, 300, 3, cmp_3);
    cl_qsort(bytes, 300, 3, cmp_3);
    CHECK(memcmp(bytes, sorted, sizeof(bytes)) == 0);
}

TEST(bsearch_finds_each_element_and_nothing_else)
{
    int v[1001];

    for (int i = 0; i < 1001; i++)
        v[i] = 2 * i;
    for (size_t n = 0; n <= 1001; n += (n < 20 ? 1 : 97)) {
        for (int key = -1; key <= 2 * (int)n; key++) {
            int *hit = cl_bsearch(&key, v, n, sizeof(int), cmp_int);

            if (key >= 0 && key % 2 == 0 && key / 2 < (int)n)
                CHECK(hit == &v[key / 2]);
            else
                CHECK(hit == NULL);
        }
    }
}

TEST(abs_and_div_match_the_host)
{
    static const int ints[] = {0, 1, -1, 7, -7, INT_MAX, INT_MIN + 1, 13, -13};
    static const int dens[] = {1, -1, 2, -2, 3, -3, 7, INT_MAX};

    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        CHECK(cl_abs(ints[i]) == abs(ints[i]));
        CHECK(cl_labs(ints[i] * 1000000000L) == labs(ints[i] * 1000000000L));
        for (size_t j = 0; j < sizeof(dens) / sizeof(dens[0]); j++) {
            div_t x = cl_div(ints[i], dens[j]), y = div(ints[i], dens[j]);
            ldiv_t lx = cl_ldiv(ints[i], dens[j]), ly = ldiv(ints[i], dens[j]);

            CHECK(x.quot == y.quot && x.rem == y.rem);
            CHECK(lx.quot == ly.quot && lx.rem == ly.rem);
        }
    }
    CHECK(cl_abs(INT_MIN) == INT_MIN);
}

/* A random string of up to max - 1 bytes from a small alphabet, so that
 * searches find things. */
static void
random_string(char *buf, size_t max)
{
    static const char alphabet[] = "abcAB .,";
    size_t len = rng() % max;

    for (size_t i = 0; i < len; i++)
        buf[i] = alphabet[rng() % (sizeof(alphabet) - 1)];
    buf[len] = 0;
}

static int
sign(int x)
{
    return (x > 0) - (x < 0);
}

TEST(string_searches_match_the_host)
{
    char s[40], t[8];

    for (int i = 0; i < 100000; i++) {
        int c = "abcAB .,x"[rng() % 9];

        random_string(s, sizeof(s));
        random_string(t, sizeof(t));
        CHECK(cl_memchr(s, c, strlen(s)) == memchr(s, c, strlen(s)));
        CHECK(cl_strrchr(s, c) == strrchr(s, c));
        CHECK(cl_strrchr(s, 0) == strrchr(s, 0));
        CHECK(cl_strspn(s, t) == strspn(s, t));
        CHECK(cl_strcspn(s, t) == strcspn(s, t));
        CHECK(cl_strpbrk(s, t) == strpbrk(s, t));
        CHECK(cl_strstr(s, t) == strstr(s, t));
        CHECK(sign(cl_strcasecmp(s, t)) == sign(strcasecmp(s, t)));
        CHECK(sign(cl_strncasecmp(s, t, i % 5)) == sign(strncasecmp(s, t, i % 5)));
    }
}

TEST(string_copies_match_the_host)
{
    char s[40], a[100], b[100];

    for (int i = 0; i < 50000; i++) {
        size_t n = rng() % 45;

        random_string(s, sizeof(s));
        memset(a, 'z', sizeof(a)), memset(b, 'z', sizeof(b));
        CHECK(cl_strncpy(a, s, n) == a);
        strncpy(b, s, n);
        CHECK(memcmp(a, b, sizeof(a)) == 0);
        strcpy(a, "pre"), strcpy(b, "pre");
        CHECK(cl_strncat(a, s, n) == a);
        strncat(b, s, n);
        CHECK(strcmp(a, b) == 0);
        CHECK(cl_strcat(a, s) == a && strcmp(a, strcat(b, s)) == 0);
        CHECK(cl_strcpy(a, s) == a && strcmp(a, s) == 0);
        CHECK(cl_stpcpy(a, s) == a + strlen(s));
        char *d = cl_strdup(s), *e = cl_strndup(s, n);
        CHECK(d && strcmp(d, s) == 0);
        CHECK(e && strncmp(e, s, n) == 0 && strlen(e) == strnlen(s, n));
        cl_free(d);
        cl_free(e);
    }
}

TEST(strtok_r_splits_like_the_host)
{
    char s[40], a[40], b[40], delim[4];

    for (int i = 0; i < 20000; i++) {
        char *sa, *sb, *ta, *tb;

        random_string(s, sizeof(s));
        random_string(delim, sizeof(delim));
        strcpy(a, s), strcpy(b, s);
        ta = cl_strtok_r(a, delim, &sa);
        tb = strtok_r(b, delim, &sb);
        for (;;) {
            CHECK((ta == NULL) == (tb == NULL));
            if (!ta || !tb)
                break;
            CHECK(ta - a == tb - b && strcmp(ta, tb) == 0);
            ta = cl_strtok_r(NULL, delim, &sa);
            tb = strtok_r(NULL, delim, &sb);
        }
    }
    CHECK(strcmp(cl_strerror(-CL_ENOMEM), "out of memory") == 0);
    CHECK(strcmp(cl_strerror(9999), "unknown error") == 0);
}

/* --- the allocator --- */

struct slot {
    unsigned char *p;
    size_t size;
    unsigned char tag;
};

static size_t
random_size(void)
{
    switch (rng() % 8) {
    case 0:
        return rng() % 17;
    case 1:
        return 4000 + rng() % 200000;
    case 2:
        return 2000 + rng() % 2000;
    default:
        return rng() % 600;
    }
}

static int
slot_intact(const struct slot *s)
{
    for (size_t i = 0; i < s->size; i++) {
        if (s->p[i] != (unsigned char)(s->tag + i))
            return 0;
    }
    return 1;
}

static void
slot_fill(struct slot *s)
{
    for (size_t i = 0; i < s->size; i++)
        s->p[i] = (unsigned char)(s->tag + i);
}

TEST(malloc_blocks_hold_their_bytes_and_memory_goes_back)
{
    static struct slot slots[800];
    long before = pages_out;
    int ok = 1;

    for (int op = 0; op < 60000; op++) {
        struct slot *s = &slots[rng() % 800];

        if (s->p) {
            ok &= slot_intact(s);
            if (rng() % 3 == 0) {
                size_t n = random_size(), keep = n < s->size ? n : s->size;
                unsigned char *q = cl_realloc(s->p, n ? n : 1);

                CHECK(q != NULL);
                s->p = q;
                s->size = keep; /* what realloc kept; refill to the new size */
                ok &= slot_intact(s);
                s->size = n ? n : 1;
                slot_fill(s);
                continue;
            }
            cl_free(s->p);
            s->p = NULL;
            continue;
        }
        s->size = random_size();
        s->tag = (unsigned char)rng();
        if (rng() % 4) {
            s->p = cl_malloc(s->size);
        } else {
            s->p = cl_calloc(1, s->size);
            for (size_t i = 0; s->p && i < s->size; i++)
                ok &= s->p[i] == 0;
        }
        CHECK(s->p != NULL && (uintptr_t)s->p % 16 == 0);
        slot_fill(s);
    }
    CHECK(ok); /* no block was overwritten by another */
    for (int i = 0; i < 800; i++) {
        if (slots[i].p) {
            CHECK(slot_intact(&slots[i]));
            cl_free(slots[i].p);
            slots[i].p = NULL;
        }
    }
    /* Only the one run per class kept for reuse stays out (26 * 64 KiB). */
    CHECK(pages_out - before <= 26 * 64 * 1024);
}

TEST(calloc_zeroes_and_refuses_an_overflowing_product)
{
    unsigned char *p = cl_malloc(100);

    memset(p, 0xaa, 100);
    cl_free(p);
    p = cl_calloc(10, 10); /* very likely the same chunk, dirty */
    for (int i = 0; i < 100; i++)
        CHECK(p[i] == 0);
    cl_free(p);
    cl_errno = 0;
    CHECK(cl_calloc(SIZE_MAX / 2, 3) == NULL && cl_errno == CL_ENOMEM);
    cl_errno = 0;
    CHECK(cl_malloc(SIZE_MAX - 100) == NULL && cl_errno == CL_ENOMEM);
}

TEST(malloc_reports_when_the_system_has_no_memory)
{
    long before = pages_out;
    void *keep[3];

    /* A large block needs pages of its own: refused, nothing changes. */
    pages_fail_after = 0;
    cl_errno = 0;
    CHECK(cl_malloc(100000) == NULL && cl_errno == CL_ENOMEM);
    pages_fail_after = -1;
    for (int i = 0; i < 3; i++)
        keep[i] = cl_malloc(100000);
    for (int i = 0; i < 3; i++)
        cl_free(keep[i]);
    CHECK(pages_out == before);
}

TEST(aligned_blocks_are_aligned_and_bad_alignments_refused)
{
    for (size_t align = 8; align <= (1u << 20); align <<= 1) {
        void *p = NULL;

        CHECK(cl_posix_memalign(&p, align, 100) == 0);
        CHECK(p && (uintptr_t)p % align == 0);
        memset(p, 1, 100);
        cl_free(p);
        p = cl_aligned_alloc(align, 3 * align);
        CHECK(p && (uintptr_t)p % align == 0);
        memset(p, 2, 3 * align);
        cl_free(p);
    }
    void *p = (void *)1;
    CHECK(cl_posix_memalign(&p, 24, 10) == CL_EINVAL && p == (void *)1);
    CHECK(cl_posix_memalign(&p, 4, 10) == CL_EINVAL);
    cl_errno = 0;
    CHECK(cl_aligned_alloc(3, 10) == NULL && cl_errno == CL_EINVAL);
}

TEST(realloc_keeps_the_bytes_and_zero_frees)
{
    long before = pages_out;
    unsigned char *p = cl_realloc(NULL, 10);

    for (int i = 0; i < 10; i++)
        p[i] = (unsigned char)i;
    p = cl_realloc(p, 100000);
    for (int i = 0; i < 10; i++)
        CHECK(p[i] == i);
    p = cl_realloc(p, 20); /* much smaller: moves back into a small class */
    for (int i = 0; i < 10; i++)
        CHECK(p[i] == i);
    CHECK(cl_realloc(p, 0) == NULL);
    CHECK(pages_out <= before + 64 * 1024);
}

TEST(double_free_and_stray_pointers_end_the_process)
{
    unsigned char *p = cl_malloc(40), *q = cl_malloc(40);
    long words[4] = {0, 0, 0, 0};

    cl_free(p);
    die_why = NULL;
    if (!setjmp(die_jump))
        cl_free(p);
    CHECK(die_why && strstr(die_why, "twice"));
    die_why = NULL;
    if (!setjmp(die_jump))
        cl_free(&words[2]); /* zeros before it: no block's header */
    CHECK(die_why && strstr(die_why, "not a block"));
    die_why = NULL;
    if (!setjmp(die_jump))
        cl_free(q + 8); /* not 16-byte aligned */
    CHECK(die_why != NULL);
    cl_free(q);
}

static void *
thread_churn(void *arg)
{
    uint64_t x = (uintptr_t)arg * 0x9e3779b97f4a7c15ull + 1;
    void *held[64] = {0};
    int bad = 0;

    for (int i = 0; i < 20000; i++) {
        unsigned k;
        size_t n;

        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        k = x % 64;
        n = 1 + x % 3000;
        if (held[k]) {
            unsigned char *b = held[k];

            bad |= b[0] != (unsigned char)k;
            cl_free(b);
        }
        held[k] = cl_malloc(n);
        memset(held[k], (int)k, n);
    }
    for (unsigned k = 0; k < 64; k++)
        cl_free(held[k]);
    return (void *)(uintptr_t)bad;
}

TEST(malloc_is_safe_from_several_threads)
{
    pthread_t t[4];
    uintptr_t bad = 0;

    for (uintptr_t i = 0; i < 4; i++)
        CHECK(pthread_create(&t[i], NULL, thread_churn, (void *)(i + 1)) == 0);
    for (int i = 0; i < 4; i++) {
        void *r;

        pthread_join(t[i], &r);
        bad |= (uintptr_t)r;
    }
    CHECK(bad == 0);
}

int
main(void)
{
    RUN(ctype_matches_the_host_for_every_byte_and_eof);
    RUN(strtol_family_matches_the_host);
    RUN(qsort_sorts_like_the_host_in_n_log_n);
    RUN(qsort_moves_whole_elements_of_any_size);
    RUN(bsearch_finds_each_element_and_nothing_else);
    RUN(abs_and_div_match_the_host);
    RUN(string_searches_match_the_host);
    RUN(string_copies_match_the_host);
    RUN(strtok_r_splits_like_the_host);
    RUN(malloc_blocks_hold_their_bytes_and_memory_goes_back);
    RUN(calloc_zeroes_and_refuses_an_overflowing_product);
    RUN(malloc_reports_when_the_system_has_no_memory);
    RUN(aligned_blocks_are_aligned_and_bad_alignments_refused);
    RUN(realloc_keeps_the_bytes_and_zero_frees);
    RUN(double_free_and_stray_pointers_end_the_process);
    RUN(malloc_is_safe_from_several_threads);
    return check_exit();
}
