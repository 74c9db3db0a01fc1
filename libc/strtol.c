// SPDX-License-Identifier: MIT
/*
 * The strtol family (<stdlib.h>, C11 7.22.1.4) and the ato* functions
 * built on it. One scanner reads the magnitude as an unsigned long long,
 * noting the sign and whether the magnitude overflowed; each function then
 * clamps to its own type and sets errno to ERANGE when it had to. long and
 * long long are both 64 bits here (LP64), so the long and long long
 * versions share their clamps.
 *
 * As the standard says: leading white space (isspace) is skipped; an
 * optional sign; base 0 takes 0x/0X as hexadecimal, a leading 0 as octal,
 * else decimal; base 16 allows the 0x prefix; digits past 9 are letters
 * of either case. *end is set after the last digit used, or to the start
 * when there was none (then the result is 0); a "0x" with no hexadecimal
 * digit after it is the number 0 followed by "x". A base outside 2..36
 * (other than 0) is EINVAL with the result 0.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

_Static_assert(sizeof(long) == sizeof(long long), "strtol is strtoll: LP64");

static int
digit_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (islower(c))
        return c - 'a' + 10;
    if (isupper(c))
        return c - 'A' + 10;
    return 99; /* past every base */
}

/*
 * The magnitude of the number at s, in base (0: from its prefix). *neg
 * tells whether a minus sign came first, *overflow whether the magnitude
 * passed ULLONG_MAX (the result is then ULLONG_MAX). -1 in *overflow for
 * a bad base.
 */
static unsigned long long
scan_magnitude(const char *s, char **end, int base, int *neg, int *overflow)
{
    const char *p = s, *digits;
    unsigned long long value = 0;

    *neg = 0;
    *overflow = 0;
    if (base < 0 || base == 1 || base > 36) {
        *overflow = -1;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '-' || *p == '+')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }
    digits = p;
    for (int d; (d = digit_value((unsigned char)*p)) < base; p++) {
        if (value > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
            *overflow = 1;
        else
            value = value * (unsigned)base + (unsigned)d;
    }
    if (p == digits) { /* no digits: no number at all */
        *neg = 0;
        p = s;
    }
    if (end)
        *end = (char *)p;
    return *overflow ? ULLONG_MAX : value;
}

long long
strtoll(const char *restrict s, char **restrict end, int base)
{
    int neg, overflow;
    unsigned long long m = scan_magnitude(s, end, base, &neg, &overflow);

    if (overflow < 0) {
        errno = EINVAL;
        return 0;
    }
    if (neg) {
        if (overflow || m > (unsigned long long)LLONG_MAX + 1) {
            errno = ERANGE;
            return LLONG_MIN;
        }
        return (long long)(0 - m); /* m == LLONG_MAX + 1 gives LLONG_MIN */
    }
    if (overflow || m > LLONG_MAX) {
        errno = ERANGE;
        return LLONG_MAX;
    }
    return (long long)m;
}

unsigned long long
strtoull(const char *restrict s, char **restrict end, int base)
{
    int neg, overflow;
    unsigned long long m = scan_magnitude(s, end, base, &neg, &overflow);

    if (overflow < 0) {
        errno = EINVAL;
        return 0;
    }
    if (overflow) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return neg ? 0 - m : m; /* the standard's negation in the unsigned type */
}

long
strtol(const char *restrict s, char **restrict end, int base)
{
    return (long)strtoll(s, end, base);
}

unsigned long
strtoul(const char *restrict s, char **restrict end, int base)
{
    return (unsigned long)strtoull(s, end, base);
}

/* atoi and friends: strtol in base 10, with what it returns for
 * out-of-range input (the standard leaves that undefined). */
int
atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long
atol(const char *s)
{
    return strtol(s, NULL, 10);
}

long long
atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}
