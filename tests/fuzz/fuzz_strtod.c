// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for libc's strtod, strtof and strtold (libc/strtod.c), which
 * read text a program got from anywhere. The input, with a NUL added, is
 * one string in an exactly-sized heap block, so a read past its end is an
 * ASan report. Each conversion must agree with the host's C library bit
 * for bit (NaNs by sign only), end at the same place and set ERANGE when
 * the host does: the parser's promise is the C standard's, and the host is
 * the reference. Except for a NaN: glibc reads "nan(digits)" with strtoull
 * and lets its ERANGE through when the digits overflow; a NaN sets no
 * error here.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

__thread int cl_errno;

double cl_strtod(const char *s, char **end);
float cl_strtof(const char *s, char **end);
long double cl_strtold(const char *s, char **end);

#define CL_ERANGE 7 /* Cairn's error numbers differ from the host's */

static bool
same_value(const void *a, const void *b, size_t size, bool nan_a, bool nan_b)
{
    if (nan_a || nan_b)
        return nan_a && nan_b &&
               (((const unsigned char *)a)[size - 1] & 0x80) ==
                   (((const unsigned char *)b)[size - 1] & 0x80);
    return memcmp(a, b, size) == 0;
}

static bool
same_error(int err_host, bool is_nan)
{
    if (is_nan)
        return cl_errno == 0;
    return (err_host == ERANGE) == (cl_errno == CL_ERANGE);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *end_host, *end_cl;
    int err_host;
    bool is_nan;

    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;

    errno = 0, cl_errno = 0;
    double d_host = strtod(s, &end_host);
    err_host = errno;
    double d_cl = cl_strtod(s, &end_cl);
    FUZZ_CHECK(end_cl >= s && end_cl <= s + size);
    FUZZ_CHECK(end_cl == end_host);
    FUZZ_CHECK(same_value(&d_cl, &d_host, 8, isnan(d_cl), isnan(d_host)));
    is_nan = isnan(d_host);
    FUZZ_CHECK(same_error(err_host, is_nan));

    errno = 0, cl_errno = 0;
    float f_host = strtof(s, &end_host);
    err_host = errno;
    float f_cl = cl_strtof(s, &end_cl);
    FUZZ_CHECK(end_cl == end_host);
    FUZZ_CHECK(same_value(&f_cl, &f_host, 4, isnan(f_cl), isnan(f_host)));
    FUZZ_CHECK(same_error(err_host, is_nan));

    errno = 0, cl_errno = 0;
    long double l_host = strtold(s, &end_host);
    err_host = errno;
    long double l_cl = cl_strtold(s, &end_cl);
    FUZZ_CHECK(end_cl == end_host);
    FUZZ_CHECK(same_value(&l_cl, &l_host, 10, isnan(l_cl), isnan(l_host)));
    FUZZ_CHECK(same_error(err_host, is_nan));

    free(s);
    return 0;
}
