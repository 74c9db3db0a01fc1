// SPDX-License-Identifier: MIT
/*
 * Cairn's strtod, strtof, strtold and atof (libc/strtod.c, renamed to cl_*
 * by libc_prefix.h) against the host's, bit for bit, with the end pointer
 * and ERANGE: hand-picked strings (the syntax's corners, the limits of
 * each type, famous hard cases), random decimal strings of every length
 * and exponent, the exact halfway points between neighbouring doubles and
 * floats and the numbers just off them, mantissas of thousands of digits,
 * and random hexadecimal floats.
 *
 * Then the streams of libc/stdio.c on the host's descriptors: random
 * sequences of reads, writes, seeks, ungetc, fgets, getline and fprintf
 * on one file through Cairn's FILE and on another through the host's,
 * which must give the same results and leave the same bytes; line
 * buffering seen through a pipe; sscanf against the host's on random
 * formats and inputs.
 */
#define _GNU_SOURCE /* the recursive mutex initializer */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "hostrun.h"

/* --- what the code under test takes from the rest of the C library --- */

__thread int cl_errno;

/* Cairn's mutexes are the host's; one recursive mutex stands for all of
 * them (a read takes stdout's lock while holding its own stream's). */
static pthread_mutex_t host_mutex = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
struct cl_mutex;

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

int
cl_pthread_mutex_trylock(struct cl_mutex *m)
{
    (void)m;
    return pthread_mutex_trylock(&host_mutex);
}

int
cl_pthread_mutex_init(struct cl_mutex *m, const void *attr)
{
    (void)m, (void)attr;
    return 0;
}

void *
cl_malloc(size_t n)
{
    return malloc(n);
}

void *
cl_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

void *
cl_realloc(void *p, size_t n)
{
    return realloc(p, n);
}

void
cl_free(void *p)
{
    free(p);
}

/* Cairn's open flags are Linux's numbers (include/proto/fs.h). */
int
cl_open(const char *path, int flags, ...)
{
    va_list ap;
    int mode;

    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
    return open(path, flags, mode);
}

int
cl_fcntl(int fd, int cmd, ...)
{
    return fcntl(fd, cmd);
}

void (*cairn_exit_flush)(void);

/* --- the functions under test --- */

double cl_strtod(const char *s, char **end);
float cl_strtof(const char *s, char **end);
long double cl_strtold(const char *s, char **end);
double cl_atof(const char *s);

#define CL_ERANGE 7 /* Cairn's error numbers differ from the host's */

typedef struct cairn_file CL_FILE;
CL_FILE *cl_fopen(const char *path, const char *mode);
CL_FILE *cl_fdopen(int fd, const char *mode);
int cl_fclose(CL_FILE *f);
int cl_fflush(CL_FILE *f);
int cl_setvbuf(CL_FILE *f, char *buf, int mode, size_t size);
size_t cl_fread(void *p, size_t size, size_t n, CL_FILE *f);
size_t cl_fwrite(const void *p, size_t size, size_t n, CL_FILE *f);
int cl_fgetc(CL_FILE *f);
int cl_ungetc(int c, CL_FILE *f);
char *cl_fgets(char *s, int n, CL_FILE *f);
ssize_t cl_getline(char **line, size_t *cap, CL_FILE *f);
int cl_fputc(int c, CL_FILE *f);
int cl_fputs(const char *s, CL_FILE *f);
int cl_fseek(CL_FILE *f, long offset, int whence);
long cl_ftell(CL_FILE *f);
void cl_rewind(CL_FILE *f);
int cl_feof(CL_FILE *f);
int cl_ferror(CL_FILE *f);
int cl_fprintf(CL_FILE *f, const char *fmt, ...);
int cl_sscanf(const char *s, const char *fmt, ...);
int cl_asprintf(char **out, const char *fmt, ...);
int cl_dprintf(int fd, const char *fmt, ...);

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
    return check_xorshift64(&rng_state);
}

/* The same value: the same bits, or both NaNs of the same sign. */
static bool
same_bits(const void *a, const void *b, size_t size, bool nan_a, bool nan_b)
{
    if (nan_a || nan_b)
        return nan_a && nan_b &&
               (((const unsigned char *)a)[size - 1] & 0x80) ==
                   (((const unsigned char *)b)[size - 1] & 0x80);
    return memcmp(a, b, size) == 0;
}

static int strtod_failures;

static void
report(const char *what, const char *s, const char *got, const char *want)
{
    if (strtod_failures++ < 10)
        fprintf(stderr, "  %s(\"%.120s\"): got %s, want %s\n", what, s, got, want);
}

/* All three conversions of s, compared with the host's. */
static void
compare_strtod(const char *s)
{
    char *end_host, *end_cl, got[128], want[128];
    int err_host, err_cl;

    errno = 0, cl_errno = 0;
    double d_host = strtod(s, &end_host);
    err_host = errno;
    double d_cl = cl_strtod(s, &end_cl);
    err_cl = cl_errno;
    if (!same_bits(&d_cl, &d_host, 8, isnan(d_cl), isnan(d_host)) || end_host != end_cl ||
        (err_host == ERANGE) != (err_cl == CL_ERANGE)) {
        snprintf(got, sizeof(got), "%a end +%td%s", d_cl, end_cl - s, err_cl ? " ERANGE" : "");
        snprintf(want, sizeof(want), "%a end +%td%s", d_host, end_host - s,
                 err_host ? " ERANGE" : "");
        report("strtod", s, got, want);
        CHECK(!"strtod differs from the host's");
    }

    errno = 0, cl_errno = 0;
    float f_host = strtof(s, &end_host);
    err_host = errno;
    float f_cl = cl_strtof(s, &end_cl);
    err_cl = cl_errno;
    if (!same_bits(&f_cl, &f_host, 4, isnan(f_cl), isnan(f_host)) || end_host != end_cl ||
        (err_host == ERANGE) != (err_cl == CL_ERANGE)) {
        snprintf(got, sizeof(got), "%a end +%td%s", f_cl, end_cl - s, err_cl ? " ERANGE" : "");
        snprintf(want, sizeof(want), "%a end +%td%s", f_host, end_host - s,
                 err_host ? " ERANGE" : "");
        report("strtof", s, got, want);
        CHECK(!"strtof differs from the host's");
    }

    errno = 0, cl_errno = 0;
    long double l_host = strtold(s, &end_host);
    err_host = errno;
    long double l_cl = cl_strtold(s, &end_cl);
    err_cl = cl_errno;
    if (!same_bits(&l_cl, &l_host, 10, isnan(l_cl), isnan(l_host)) || end_host != end_cl ||
        (err_host == ERANGE) != (err_cl == CL_ERANGE)) {
        snprintf(got, sizeof(got), "%La end +%td%s", l_cl, end_cl - s, err_cl ? " ERANGE" : "");
        snprintf(want, sizeof(want), "%La end +%td%s", l_host, end_host - s,
                 err_host ? " ERANGE" : "");
        report("strtold", s, got, want);
        CHECK(!"strtold differs from the host's");
    }
}

TEST(strtod_syntax_matches_the_host)
{
    static const char *const fixed[] = {
        "",
        " ",
        "+",
        "-",
        ".",
        "-.",
        "+.e1",
        "1.",
        ".5",
        "-.5e-1",
        "1e",
        "1e+",
        "1e-",
        "1e-5x",
        "1E+05",
        " \t\n\v\f\r-42.5",
        "0",
        "-0",
        "+0.0e0",
        "00000.00000e99999",
        "0x",
        "0X",
        "0x1p",
        "0x1.8",
        "0X.8P1",
        "0x.p1",
        "0x.8",
        "0x1P-1",
        "0x1p+",
        "0xg",
        "-0x1.fffffffffffffp1023",
        "0x1.fffffffffffff8p1023",
        "0x1p-1074",
        "0x1p-1075",
        "0x1.0000000000001p-1075",
        "0x0.0000000000000000000000000001p0",
        "0x123456789abcdef123456789p-3",
        "inf",
        "-INF",
        "iNfInItY",
        "infinit",
        "infinityy",
        "in",
        "nan",
        "-nan",
        "NaN()",
        "nan(abc_1)",
        "nan(",
        "nan(a b)",
        "nan(-)",
        "nanx",
        "1e400",
        "-1e400",
        "1e-400",
        "-1e-400",
        "1e99999999999999999999",
        "1e-99999999999999999999",
        "0e99999999999",
        "4.9e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072014e-308",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "9007199254740993",
        "9007199254740992.5",
        "1e23",
        "8.988465674311579e307",
        "123456789012345678901234567890e-10",
        "3.4028235e38",
        "3.4028236e38",
        "1.4e-45",
        "7e-46",
        "7.1e-46",
        "1.17549435e-38",
        "1.1754942e-38",
        "1.18973149535723176502e4932",
        "1.18973149535723176503e4932",
        "3.6e-4951",
        "1.8e-4951",
        "1.9e-4951",
        "0.1",
        "0.2",
        "0.3",
        "3.14159265358979323846264338327950288",
        "1,5",
        "1..5",
        "--1",
        "+-1",
        "e5",
        ".e5",
    };

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        compare_strtod(fixed[i]);
    CHECK(cl_atof(" 2.5e1x") == 25.0);
}

/* Digits with a point somewhere, an exponent often near a limit. */
static void
random_decimal(char *buf, size_t cap, int max_digits)
{
    static const int limits[] = {0, 10, 38, 45, 300, 308, 323, 4930, 4950, 5000};
    size_t n = 0, digits = 1 + rng() % (size_t)max_digits;
    size_t point = rng() % (digits + 2);
    int lim;

    if (rng() % 4 == 0)
        buf[n++] = rng() % 2 ? '-' : '+';
    for (size_t i = 0; i < digits && n + 30 < cap; i++) {
        if (i == point)
            buf[n++] = '.';
        switch (rng() % 8) {
        case 0:
            buf[n++] = '0';
            break;
        case 1:
            buf[n++] = '9';
            break;
        default:
            buf[n++] = (char)('0' + rng() % 10);
            break;
        }
    }
    if (rng() % 4) {
        lim = limits[rng() % 10];
        n += (size_t)snprintf(buf + n, cap - n, "e%d",
                              (int)(rng() % 2 ? lim : -lim) + (int)(rng() % 41) - 20 -
                                  (int)(rng() % 2 ? digits : 0));
    }
    buf[n] = 0;
}

TEST(strtod_random_decimals_match_the_host)
{
    char buf[200];

    for (int i = 0; i < 150000; i++) {
        random_decimal(buf, sizeof(buf), i % 3 ? 20 : 60);
        compare_strtod(buf);
    }
}

/*
 * The exact decimal of a long double (exact: the host prints all of it),
 * written with "%.*Le" and then edited: the halfway point itself, a hair
 * above it (a 1 far past its last digit) and, from its lower neighbour, a
 * hair below.
 */
TEST(strtod_halfway_points_round_to_even_as_the_host)
{
    static char buf[6000];

    for (int i = 0; i < 8000; i++) {
        uint64_t bits = rng();
        double d, next;
        float f;
        long double mid;
        char *e;

        if (i % 3 == 0)
            bits &= 0x800fffffffffffffull; /* a subnormal */
        memcpy(&d, &bits, sizeof(d));
        if (!isfinite(d))
            continue;
        if (i % 2) {
            f = (float)d;
            mid = ((long double)f + (long double)nextafterf(f, INFINITY)) / 2;
        } else {
            next = nextafter(d, INFINITY);
            mid = ((long double)d + (long double)next) / 2;
        }
        if (!isfinite(mid))
            continue;
        snprintf(buf, sizeof(buf), "%.1100Le", mid);
        compare_strtod(buf);
        e = strchr(buf, 'e');
        memmove(e + 6, e, strlen(e) + 1);
        memcpy(e, "000001", 6);
        compare_strtod(buf);
        snprintf(buf, sizeof(buf), "%.1100Le", nextafterl(mid, 0));
        compare_strtod(buf);
    }
}

/* Mantissas longer than any digit could matter, and the one digit that does. */
TEST(strtod_long_mantissas_match_the_host)
{
    static char buf[14000];

    for (int i = 0; i < 120; i++) {
        size_t n = 0, len = 700 + rng() % 12500;

        buf[n++] = '0' + (char)(rng() % 10);
        buf[n++] = '.';
        for (size_t k = 0; k < len; k++)
            buf[n++] = rng() % 3 ? '0' + (char)(rng() % 10) : (char)('0' + 9 * (i & 1));
        if (rng() % 2) {
            /* ... then zeros, and maybe a last 1 far down. */
            size_t z = rng() % 800;

            for (size_t k = 0; k < z; k++)
                buf[n++] = '0';
            if (rng() % 2)
                buf[n++] = '1';
        }
        n += (size_t)sprintf(buf + n, "e%d", (int)(rng() % 10000) - 5000);
        buf[n] = 0;
        compare_strtod(buf);
    }
}

TEST(strtod_random_hex_floats_match_the_host)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    char buf[120];

    for (int i = 0; i < 50000; i++) {
        size_t n = 0, digits = 1 + rng() % 40, point = rng() % (digits + 2);

        if (rng() % 4 == 0)
            buf[n++] = '-';
        buf[n++] = '0';
        buf[n++] = rng() % 2 ? 'x' : 'X';
        for (size_t k = 0; k < digits; k++) {
            if (k == point)
                buf[n++] = '.';
            buf[n++] = hex[rng() % 22];
        }
        if (rng() % 5)
            n += (size_t)sprintf(buf + n, "%c%d", rng() % 2 ? 'p' : 'P',
                                 (int)(rng() % 33000) - 16500);
        buf[n] = 0;
        compare_strtod(buf);
    }
}

/* --- streams --- */

static int stream_failures;

#define SAME_RESULT(what, a, b)                                                                    \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            if (stream_failures++ < 10)                                                            \
                fprintf(stderr, "  %s op %d (%s): got %lld, host %lld after %s\n", mode, op, what, \
                        a_, b_, trace);                                                            \
            CHECK(!"a stream op differs from the host's");                                         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/*
 * One random session on a file opened with mode through both libraries.
 * Where C asks for a positioning call between writing and reading, both
 * get fseek(f, 0, SEEK_CUR); ungetc is followed only by reads.
 */
static void
stream_session(const char *mode, int ops)
{
    char path_cl[] = "/tmp/cairn-stdio-XXXXXX", path_host[] = "/tmp/cairn-stdio-XXXXXX";
    static char a[6000], b[6000], data[6000];
    int fd_cl = mkstemp(path_cl), fd_host = mkstemp(path_host);
    char *line_a = NULL, *line_b = NULL;
    size_t cap_a = 0, cap_b = 0, len_a, len_b;
    bool writing = false, ungot = false;
    CL_FILE *fc;
    FILE *fh;
    int op = 0;
    char trace[64] = "";
    bool can_read = mode[0] == 'r' || strchr(mode, '+');
    bool can_write = mode[0] != 'r' || strchr(mode, '+');
    bool read_ok = false;

    CHECK(fd_cl >= 0 && fd_host >= 0);
    /* r+ and a+ start from the same few hundred bytes. */
    for (size_t i = 0, n = rng() % 700; i < n; i++)
        data[i] = (char)(rng() % 5 == 0 ? '\n' : 'a' + rng() % 26);
    len_a = mode[0] == 'w' ? 0 : rng() % 700;
    CHECK(write(fd_cl, data, len_a) == (ssize_t)len_a);
    CHECK(write(fd_host, data, len_a) == (ssize_t)len_a);
    close(fd_cl);
    close(fd_host);
    fc = cl_fopen(path_cl, mode);
    fh = fopen(path_host, mode);
    CHECK(fc && fh);
    if (!fc || !fh)
        return;
    if (rng() % 4 == 0) {
        /* A small buffer, so that the edges come often. */
        size_t size = 1 + rng() % 16;
        CHECK(cl_setvbuf(fc, NULL, rng() % 2 ? 0 : 2, size) == 0);
    }
    for (op = 0; op < ops; op++) {
        int kind = (int)(rng() % 13);
        size_t n = rng() % (rng() % 8 == 0 ? 5000 : 40);
        bool is_write = kind <= 2;

        /* Each op in the directions the mode allows (a read after a failed
         * write is undefined enough that glibc refuses it); one ungetc at a
         * time (C's guarantee), right after a read that got something. */
        if (kind <= 2 && !can_write)
            kind = 10;
        if (kind >= 3 && kind <= 8 && !can_read)
            kind = 10;
        if (kind == 8 && !read_ok)
            kind = 3;
        if (ungot && (kind <= 2 || kind == 12 || kind == 8))
            kind = 3;
        read_ok = false;
        is_write = kind <= 2;
        memmove(trace + 1, trace, sizeof(trace) - 2);
        trace[0] = (char)('a' + kind);
        if (is_write != writing || kind >= 9) {
            SAME_RESULT("fseek 0 cur", cl_fseek(fc, 0, SEEK_CUR), fseek(fh, 0, SEEK_CUR));
            writing = is_write;
            ungot = false;
        }
        switch (kind) {
        case 0:
            for (size_t i = 0; i < n; i++)
                data[i] = (char)(rng() % 7 == 0 ? '\n' : 'A' + rng() % 26);
            SAME_RESULT("fwrite", cl_fwrite(data, 1, n, fc), fwrite(data, 1, n, fh));
            break;
        case 1:
            SAME_RESULT("fprintf", cl_fprintf(fc, "%d|%s|%.3f\n", op, "text", op / 7.0),
                        fprintf(fh, "%d|%s|%.3f\n", op, "text", op / 7.0));
            break;
        case 2:
            SAME_RESULT("fputc", cl_fputc('0' + op % 10, fc), fputc('0' + op % 10, fh));
            break;
        case 3:
        case 4: {
            int c = cl_fgetc(fc);

            SAME_RESULT("fgetc", c, fgetc(fh));
            read_ok = c != EOF;
            break;
        }
        case 5:
            SAME_RESULT("fread", len_a = cl_fread(a, 1, n, fc), fread(b, 1, n, fh));
            SAME_RESULT("fread bytes", memcmp(a, b, len_a), 0);
            read_ok = len_a > 0;
            break;
        case 6: {
            char *ra = cl_fgets(a, (int)n + 1, fc), *rb = fgets(b, (int)n + 1, fh);

            SAME_RESULT("fgets", !ra, !rb);
            if (ra)
                SAME_RESULT("fgets text", strcmp(a, b), 0);
            break;
        }
        case 7: {
            ssize_t ra = cl_getline(&line_a, &cap_a, fc), rb = getline(&line_b, &cap_b, fh);

            SAME_RESULT("getline", ra, rb);
            if (ra > 0)
                SAME_RESULT("getline text", memcmp(line_a, line_b, (size_t)ra), 0);
            break;
        }
        case 8: {
            int c = 'a' + op % 26;

            SAME_RESULT("ungetc", cl_ungetc(c, fc), ungetc(c, fh));
            ungot = true;
            break;
        }
        case 9: {
            int whence = (int)(rng() % 3);
            long off = (long)(rng() % 900) - (whence == SEEK_SET ? 0 : 450);

            SAME_RESULT("fseek", cl_fseek(fc, off, whence), fseek(fh, off, whence));
            break;
        }
        case 10:
            SAME_RESULT("ftell", cl_ftell(fc), ftell(fh));
            break;
        case 11:
            SAME_RESULT("feof", cl_feof(fc), feof(fh));
            SAME_RESULT("ferror", cl_ferror(fc) != 0, ferror(fh) != 0);
            break;
        default:
            SAME_RESULT("fflush", cl_fflush(fc), fflush(fh));
            break;
        }
        if (kind == 11 || rng() % 8 == 0)
            SAME_RESULT("ftell after", cl_ftell(fc), ftell(fh));
    }
    SAME_RESULT("fclose", cl_fclose(fc), fclose(fh));
    {
        char *fa = hostrun_slurp(path_cl, &len_a), *fb = hostrun_slurp(path_host, &len_b);

        SAME_RESULT("file length", len_a, len_b);
        SAME_RESULT("file bytes", memcmp(fa, fb, len_a), 0);
        free(fa);
        free(fb);
    }
    free(line_a);
    free(line_b);
    unlink(path_cl);
    unlink(path_host);
}

TEST(streams_behave_as_the_hosts_on_random_sessions)
{
    static const char *const modes[] = {"w+", "r+", "a+", "w", "r", "a", "rb+", "w+b"};

    for (int i = 0; i < 600; i++)
        stream_session(modes[i % 8], 150);
}

TEST(fopen_refuses_bad_modes_and_missing_files)
{
    CHECK(cl_fopen("/tmp", "q") == NULL);
    CHECK(cl_fopen("/tmp", "rw+z") == NULL);
    CHECK(cl_fopen("/nonexistent/cairn-stdio", "r") == NULL);
}

/* A line-buffered stream writes once per call that ends a line, whole. */
TEST(line_buffered_stream_writes_whole_calls_at_newlines)
{
    int fds[2];
    char buf[256];
    CL_FILE *f;
    ssize_t n;

    CHECK(pipe(fds) == 0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    f = cl_fdopen(fds[1], "w");
    CHECK(f && cl_setvbuf(f, NULL, 1 /* _IOLBF */, 64) == 0);
    CHECK(cl_fprintf(f, "no newline %d", 1) == 12);
    CHECK(read(fds[0], buf, sizeof(buf)) < 0); /* held back */
    CHECK(cl_fprintf(f, " then %s\nand more", "one") == 18);
    n = read(fds[0], buf, sizeof(buf));
    CHECK(n == 30 && memcmp(buf, "no newline 1 then one\nand more", 30) == 0);
    /* Longer than the buffer: still whole, in order. */
    CHECK(cl_fprintf(f, "%100s\n", "x") == 101);
    n = read(fds[0], buf, sizeof(buf));
    CHECK(n == 101 && buf[99] == 'x' && buf[100] == '\n');
    CHECK(cl_fputs("tail", f) == 0);
    CHECK(read(fds[0], buf, sizeof(buf)) < 0);
    /* exit writes out what waits, through the hook stdio set. */
    CHECK(cairn_exit_flush != NULL);
    cairn_exit_flush();
    CHECK(read(fds[0], buf, sizeof(buf)) == 4);
    CHECK(cl_fclose(f) == 0);
    close(fds[0]);
}

TEST(dprintf_and_asprintf_format_like_snprintf)
{
    int fds[2];
    char buf[64], *s = NULL;

    CHECK(pipe(fds) == 0);
    CHECK(cl_dprintf(fds[1], "%s=%5.2f", "pi", 3.14159) == 8);
    CHECK(read(fds[0], buf, sizeof(buf)) == 8 && memcmp(buf, "pi= 3.14", 8) == 0);
    close(fds[0]);
    close(fds[1]);
    CHECK(cl_asprintf(&s, "%d-%s-%g", 42, "x", 0.5) == 8 && strcmp(s, "42-x-0.5") == 0);
    free(s);
    CHECK(cl_asprintf(&s, "%s", "") == 0 && strcmp(s, "") == 0);
    free(s);
}

/* --- sscanf --- */

static int scanf_failures;

static void
compare_sscanf(const char *fmt, const char *input)
{
    union {
        long long i[4];
        double d[4];
        long double ld[2];
        char s[64];
    } a, b;
    int na, nb, pos_a = -7, pos_b = -7;
    char fmt_n[80];

    memset(&a, 0x5a, sizeof(a));
    memset(&b, 0x5a, sizeof(b));
    a.s[63] = b.s[63] = '\0'; /* ASan's sscanf reads back what %s may have stored */
    snprintf(fmt_n, sizeof(fmt_n), "%s%%n", fmt);
    /* Two destinations at most; each format says which types. */
    na = cl_sscanf(input, fmt_n, &a.i[0], &a.i[2], &pos_a);
    nb = sscanf(input, fmt_n, &b.i[0], &b.i[2], &pos_b);
    if (na != nb || memcmp(&a, &b, sizeof(a)) != 0 || pos_a != pos_b) {
        if (scanf_failures++ < 10)
            fprintf(stderr, "  sscanf(\"%s\", \"%s\"): got %d (n %d), host %d (n %d)\n", input,
                    fmt_n, na, pos_a, nb, pos_b);
        CHECK(!"sscanf differs from the host's");
    }
}

TEST(sscanf_matches_the_host)
{
    /* Each takes at most two pointers, to 16 bytes each. */
    static const char *const fmts[] = {
        "%d",      "%i",      "%u",     "%o",        "%x",    "%X",      "%5d",     "%2i",
        "%hhd",    "%hd",     "%ld",    "%lld",      "%jd",   "%zu",     "%llx",    "%lf",
        "%f",      "%Lf",     "%le",    "%lg",       "%la",   "%4lf",    "%s",      "%5s",
        "%c",      "%3c",     "%[a-z]", "%[^,]",     "%[]a]", "%[-a]",   "%*d %d",  "%d%n",
        "%d,%d",   " %d %d",  "%%%d",   "a%db",      "%d %s", "%3s%d",   "%lf,%lf", "%*s %s",
        "%1[0-9]", "%x %lld", "%*c%c",  "%hhu %hhx", "%s %c", "%ld.%ld", "%*[ ]%s", "%2c%d",
    };
    static const char alphabet[] = " \t\n-+0123456789abcdefxXpP.eEinfINFnaA,%]";
    char input[48];

    for (int i = 0; i < 100000; i++) {
        size_t len = rng() % 24;

        for (size_t k = 0; k < len; k++)
            input[k] = alphabet[rng() % (sizeof(alphabet) - 1)];
        input[len] = 0;
        compare_sscanf(fmts[rng() % (sizeof(fmts) / sizeof(fmts[0]))], input);
    }
    compare_sscanf("%d", "");
    compare_sscanf("%d", "   ");
    compare_sscanf("%s", "");
    compare_sscanf("x%d", "");
    compare_sscanf("%d %d", "12");
    compare_sscanf("%lf", "1e400");
    compare_sscanf("%lf", "0x1.8p1");
    compare_sscanf("%d", "99999999999");
    compare_sscanf("%c", "");
}

int
main(void)
{
    RUN(strtod_syntax_matches_the_host);
    RUN(strtod_random_decimals_match_the_host);
    RUN(strtod_halfway_points_round_to_even_as_the_host);
    RUN(strtod_long_mantissas_match_the_host);
    RUN(strtod_random_hex_floats_match_the_host);
    RUN(streams_behave_as_the_hosts_on_random_sessions);
    RUN(fopen_refuses_bad_modes_and_missing_files);
    RUN(line_buffered_stream_writes_whole_calls_at_newlines);
    RUN(dprintf_and_asprintf_format_like_snprintf);
    RUN(sscanf_matches_the_host);
    return check_exit();
}
