// SPDX-License-Identifier: MIT
/*
 * strtod, strtof, strtold and atof (<stdlib.h>, C11 7.22.1.3): text to the
 * nearest float, double or x87 long double, correctly rounded (half to
 * even) for every input, however many digits it has.
 *
 * The syntax, as C says: white space (isspace), a sign, then a decimal
 * number (digits with an optional point, at least one digit, an optional
 * exponent e[sign]digits), a hexadecimal one (0x, hex digits with an
 * optional point, an optional binary exponent p[sign]digits), "inf" or
 * "infinity", or "nan" with an optional "(chars)", letters in any case.
 * *end goes after the longest part that fits: "1e+" ends after the 1,
 * "0x" after the 0, "nan(" after "nan". With no number at all the result
 * is 0 and *end is the start of the string. A NaN is the default quiet NaN
 * with the sign given; the chars in its parentheses are read and ignored.
 *
 * Errors, as glibc sets them: ERANGE and +-HUGE_VAL (infinity) when the
 * rounded value is past the type's largest; ERANGE when the result is
 * inexact and tiny (below the smallest normal after rounding to the
 * type's precision with an unbounded exponent: the x86 definition), with
 * the subnormal or zero that rounding gives.
 *
 * How: the digits become a big integer D and the value D * 10^E =
 * D * 5^E * 2^E. For E >= 0 that is an integer, whose top 128 bits and a
 * sticky bit (anything non-zero below) are kept; for E < 0 the top 128
 * bits come from a long division D * 2^s / 5^-E, the sticky bit from its
 * remainder. sd_round then rounds those once to the type, so there is no
 * double rounding. Digits past the most a value of the type can need to
 * be decided (the longest halfway point between two neighbours has 767
 * significant digits for a double, 11515 for a long double) are replaced
 * by a single 1 when any of them is non-zero: that keeps the number on the
 * same side of every halfway point and bounds the big integers, which live
 * on the stack in arrays sized for the number at hand (at most about
 * 10 KiB, for a long double with thousands of digits).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(__LDBL_MANT_DIG__ == 64, "long double is the x87 80-bit format");

typedef unsigned __int128 u128;

/* What rounding needs to know of a binary format. */
struct sd_format {
    int precision;   /* mantissa bits, the leading one included */
    int min_lsb_exp; /* 2^this is the smallest subnormal */
    int max_lsb_exp; /* the largest finite value is (2^precision - 1) * 2^this */
    int max_dec_exp; /* above 10^this + 1 is always an overflow */
    int min_dec_exp; /* below 10^this always rounds to zero */
    int max_digits;  /* significant digits that can matter (see the top) */
};

static const struct sd_format sd_float = {24, -149, 104, 39, -47, 150};
static const struct sd_format sd_double = {53, -1074, 971, 309, -325, 800};
static const struct sd_format sd_long_double = {64, -16445, 16320, 4933, -4953, 11600};

/* A rounded result: mant * 2^exp, or infinity. */
struct sd_result {
    uint64_t mant;
    int exp;
    bool inf;
    bool range; /* ERANGE: overflow, or tiny and inexact */
};

static int
u128_bitlen(u128 q)
{
    uint64_t hi = (uint64_t)(q >> 64);

    if (hi)
        return 128 - __builtin_clzll(hi);
    return (uint64_t)q ? 64 - __builtin_clzll((uint64_t)q) : 0;
}

/* Rounds q >> shift half to even; sticky says something non-zero lies below q. */
static u128
sd_round_shift(u128 q, int shift, bool sticky, bool *inexact)
{
    u128 mant, rem, half;

    if (shift <= 0) {
        *inexact = sticky;
        return q << -shift;
    }
    if (shift > 128) {
        *inexact = true;
        return 0;
    }
    mant = shift == 128 ? 0 : q >> shift;
    rem = shift == 128 ? q : q & (((u128)1 << shift) - 1);
    half = (u128)1 << (shift - 1);
    *inexact = rem || sticky;
    if (rem > half || (rem == half && (sticky || (mant & 1))))
        mant++;
    return mant;
}

/*
 * Rounds (q + something in [0, 1) when sticky) * 2^exp, q != 0, to the
 * format f, once.
 */
static struct sd_result
sd_round(u128 q, int exp, bool sticky, const struct sd_format *f)
{
    struct sd_result r = {0};
    int len = u128_bitlen(q), shift = len - f->precision, e = exp + shift;
    bool inexact, tiny;
    u128 m; /* p bits, or p + 1 when rounding carries */

    /* Tiny: below the smallest normal after rounding with no exponent limit. */
    m = sd_round_shift(q, shift, sticky, &inexact);
    tiny = e + (m >> f->precision ? 1 : 0) < f->min_lsb_exp;
    if (e < f->min_lsb_exp) {
        shift += f->min_lsb_exp - e;
        e = f->min_lsb_exp;
    }
    m = sd_round_shift(q, shift, sticky, &inexact);
    if (m >> f->precision) {
        m >>= 1;
        e++;
    }
    r.mant = (uint64_t)m;
    r.exp = e;
    r.range = inexact && tiny;
    if (m && e > f->max_lsb_exp) {
        r.inf = true;
        r.range = true;
    }
    return r;
}

/* --- big unsigned integers, little-endian 32-bit words --- */

struct big {
    uint32_t *w;
    int n;   /* words in use; w[n - 1] != 0 unless n == 0 */
    int cap; /* words of w */
};

static void
big_mul_add(struct big *b, uint32_t m, uint32_t add)
{
    uint64_t carry = add;

    for (int i = 0; i < b->n; i++) {
        uint64_t cur = (uint64_t)b->w[i] * m + carry;

        b->w[i] = (uint32_t)cur;
        carry = cur >> 32;
    }
    if (carry)
        b->w[b->n++] = (uint32_t)carry;
}

/* b *= 5^k */
static void
big_mul_pow5(struct big *b, long k)
{
    for (; k >= 13; k -= 13)
        big_mul_add(b, 1220703125u, 0); /* 5^13 */
    if (k > 0) {
        uint32_t m = 1;

        while (k-- > 0)
            m *= 5;
        big_mul_add(b, m, 0);
    }
}

static int
big_bitlen(const struct big *b)
{
    return b->n ? 32 * (b->n - 1) + 32 - __builtin_clz(b->w[b->n - 1]) : 0;
}

static void
big_shl(struct big *b, int bits)
{
    int words = bits / 32, s = bits % 32;

    if (!b->n)
        return;
    b->w[b->n + words] = 0;
    for (int i = b->n - 1; i >= 0; i--) {
        uint32_t v = b->w[i];

        b->w[i + words + 1] |= s ? v >> (32 - s) : 0;
        b->w[i + words] = v << s;
    }
    for (int i = 0; i < words; i++)
        b->w[i] = 0;
    b->n += words + 1;
    while (b->n && !b->w[b->n - 1])
        b->n--;
}

static void
big_shr1(struct big *b)
{
    for (int i = 0; i < b->n; i++)
        b->w[i] = b->w[i] >> 1 | (i + 1 < b->n ? b->w[i + 1] << 31 : 0);
    while (b->n && !b->w[b->n - 1])
        b->n--;
}

static int
big_cmp(const struct big *a, const struct big *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* a -= b, a >= b */
static void
big_sub(struct big *a, const struct big *b)
{
    int64_t borrow = 0;

    for (int i = 0; i < a->n; i++) {
        int64_t cur = (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;

        borrow = cur < 0;
        a->w[i] = (uint32_t)(cur + (borrow ? (int64_t)1 << 32 : 0));
    }
    while (a->n && !a->w[a->n - 1])
        a->n--;
}

/* Bits [from, from + 128) of b, and whether any bit below from is set. */
static u128
big_bits(const struct big *b, int from, bool *sticky)
{
    u128 q = 0;

    *sticky = false;
    for (int i = 0; i < b->n; i++) {
        int at = 32 * i - from; /* where word i lands in q */

        if (at >= 128)
            break;
        if (at <= -32) {
            *sticky |= b->w[i] != 0;
        } else if (at < 0) {
            *sticky |= (b->w[i] & ((1u << -at) - 1)) != 0;
            q |= (u128)(b->w[i] >> -at);
        } else {
            q |= (u128)b->w[i] << at;
        }
    }
    return q;
}

/* --- decimal --- */

struct decimal {
    const char *digits; /* the significant digits kept, without the point */
    int nd;
    bool point_inside; /* the point lies between two of them: skip it */
    bool sticky;       /* a non-zero digit was dropped after them */
    long exp;          /* the value is 0.DIGITS... as D * 10^exp */
};

/*
 * Converts D * 10^exp to the format. Big integers of words words each: D
 * has at most max_digits digits, and the checks before bound exp.
 */
static struct sd_result
decimal_convert(const char *digits, int nd, long exp, const struct sd_format *f)
{
    int dwords = (nd * 3402 / 1000 + 64) / 32 + 2; /* log2(10) < 3.402 */
    long pow5 = exp < 0 ? -exp : exp;
    int pwords = (int)((pow5 * 2322 / 1000 + 32) / 32) + 2; /* log2(5) < 2.322 */
    /* D * 5^exp, or the larger of D and 5^-exp shifted by 127 bits. */
    int words = (exp >= 0 ? dwords + pwords : (dwords > pwords ? dwords : pwords)) + 8;
    uint32_t num_w[words], den_w[words];
    struct big num = {num_w, 0, words}, den = {den_w, 0, words};
    bool sticky;
    u128 q = 0;
    int i;

    /* D, nine digits at a time. */
    for (i = 0; i < nd;) {
        uint32_t chunk = 0, scale = 1;

        for (int k = 0; k < 9 && i < nd; k++, i++) {
            chunk = chunk * 10 + (uint32_t)(digits[i] - '0');
            scale *= 10;
        }
        big_mul_add(&num, scale, chunk);
    }
    if (exp >= 0) {
        int len;

        big_mul_pow5(&num, exp);
        len = big_bitlen(&num);
        q = big_bits(&num, len > 128 ? len - 128 : 0, &sticky);
        return sd_round(q, (int)exp + (len > 128 ? len - 128 : 0), sticky, f);
    }
    /* q = D * 2^s / 5^-exp, with q in [2^126, 2^128). */
    den.w[0] = 1;
    den.n = 1;
    big_mul_pow5(&den, -exp);
    {
        int s = 127 + big_bitlen(&den) - big_bitlen(&num);

        if (s > 0)
            big_shl(&num, s);
        else if (s < 0)
            big_shl(&den, -s);
        big_shl(&den, 127);
        for (i = 127; i >= 0; i--) {
            if (big_cmp(&num, &den) >= 0) {
                big_sub(&num, &den);
                q |= (u128)1 << i;
            }
            big_shr1(&den);
        }
        return sd_round(q, (int)(exp - s), num.n != 0, f);
    }
}

static bool
match_word(const char *s, const char *word)
{
    for (; *word; s++, word++)
        if (tolower((unsigned char)*s) != *word)
            return false;
    return true;
}

static int
hex_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* An exponent's digits after e or p, saturated: past a million nothing
 * changes. *p moves past them only when there is at least one. */
static long
parse_exponent(const char **p)
{
    const char *s = *p + 1;
    bool neg = false;
    long v = 0;

    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!isdigit((unsigned char)*s))
        return 0;
    for (; isdigit((unsigned char)*s); s++)
        if (v < 100000000)
            v = v * 10 + (*s - '0');
    *p = s;
    return neg ? -v : v;
}

/* 0x..., at p after the 0x; *end after it. */
static struct sd_result
parse_hex(const char *p, const char **end, const struct sd_format *f, bool *zero)
{
    u128 q = 0;
    bool sticky = false, point = false;
    long exp = 0;
    int h;

    for (;; p++) {
        if (*p == '.' && !point) {
            point = true;
            continue;
        }
        h = hex_value((unsigned char)*p);
        if (h < 0)
            break;
        if (q >> 120) {
            sticky |= h != 0; /* 124 bits or more kept: the rest is sticky */
            if (!point)
                exp += 4;
        } else {
            q = q << 4 | (u128)h;
            if (point)
                exp -= 4;
        }
    }
    if (*p == 'p' || *p == 'P')
        exp += parse_exponent(&p);
    *end = p;
    *zero = q == 0;
    if (q == 0)
        return (struct sd_result){0};
    if (exp > 100000)
        exp = 100000;
    if (exp < -100000)
        exp = -100000;
    return sd_round(q, (int)exp, sticky, f);
}

/* A decimal number at p (a digit or a point and a digit); *end after it. */
static struct sd_result
parse_decimal(const char *p, const char **end, const struct sd_format *f, bool *zero)
{
    char kept[f->max_digits + 1];
    int nd = 0;
    long exp = 0, lead = 0; /* exp: of the units digit of kept, so far */
    bool point = false, seen = false, sticky = false;

    for (;; p++) {
        if (*p == '.' && !point) {
            point = true;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            break;
        if (!seen && *p == '0') {
            if (point)
                lead++; /* a zero after the point, before any other digit */
            continue;
        }
        seen = true;
        if (nd < f->max_digits) {
            kept[nd++] = *p;
            if (!point)
                exp++;
        } else {
            sticky |= *p != '0';
            if (!point)
                exp++;
        }
    }
    if (*p == 'e' || *p == 'E')
        exp += parse_exponent(&p);
    *end = p;
    *zero = nd == 0;
    if (nd == 0)
        return (struct sd_result){0};
    /* The value is 0.kept * 10^(exp - lead). */
    exp -= lead;
    if (sticky)
        kept[nd++] = '1'; /* past every digit that matters: see the top */
    else
        while (kept[nd - 1] == '0')
            nd--;
    if (exp > f->max_dec_exp)
        return (struct sd_result){.inf = true, .range = true};
    if (exp < f->min_dec_exp)
        return (struct sd_result){.range = true};
    return decimal_convert(kept, nd, exp - nd, f);
}

/*
 * The shared parser: the sign in *neg; the magnitude rounded to f in *r,
 * or a NaN (*nan). Returns where the number ends, s when there is none.
 */
static const char *
parse_number(const char *s, const struct sd_format *f, struct sd_result *r, bool *neg, bool *nan)
{
    const char *p = s, *end;
    bool zero;

    *nan = false;
    *neg = false;
    *r = (struct sd_result){0};
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if (match_word(p, "inf")) {
        r->inf = true;
        return p + (match_word(p + 3, "inity") ? 8 : 3);
    }
    if (match_word(p, "nan")) {
        const char *q = p + 3;

        *nan = true;
        if (*q == '(') {
            for (q++; isalnum((unsigned char)*q) || *q == '_'; q++)
                ;
            if (*q == ')')
                return q + 1;
        }
        return p + 3;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        (isxdigit((unsigned char)p[2]) || (p[2] == '.' && isxdigit((unsigned char)p[3])))) {
        *r = parse_hex(p + 2, &end, f, &zero);
        return end;
    }
    if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
        *r = parse_decimal(p, &end, f, &zero);
        return end;
    }
    *neg = false;
    return s;
}

double
strtod(const char *restrict s, char **restrict end)
{
    struct sd_result r;
    bool neg, nan;
    const char *e = parse_number(s, &sd_double, &r, &neg, &nan);
    uint64_t bits;
    double d;

    if (end)
        *end = (char *)e;
    if (nan)
        bits = 0x7ff8000000000000ull;
    else if (r.inf)
        bits = 0x7ffull << 52;
    else
        bits = (r.mant >> 52 ? (uint64_t)(r.exp + 1075) << 52 : 0) | (r.mant & ((1ull << 52) - 1));
    bits |= (uint64_t)neg << 63;
    if (r.range)
        errno = ERANGE;
    memcpy(&d, &bits, sizeof(d));
    return d;
}

float
strtof(const char *restrict s, char **restrict end)
{
    struct sd_result r;
    bool neg, nan;
    const char *e = parse_number(s, &sd_float, &r, &neg, &nan);
    uint32_t bits;
    float v;

    if (end)
        *end = (char *)e;
    if (nan)
        bits = 0x7fc00000u;
    else if (r.inf)
        bits = 0xffu << 23;
    else
        bits = (r.mant >> 23 ? (uint32_t)(r.exp + 150) << 23 : 0) |
               (uint32_t)(r.mant & ((1u << 23) - 1));
    bits |= (uint32_t)neg << 31;
    if (r.range)
        errno = ERANGE;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

long double
strtold(const char *restrict s, char **restrict end)
{
    struct sd_result r;
    bool neg, nan;
    const char *e = parse_number(s, &sd_long_double, &r, &neg, &nan);
    unsigned char b[sizeof(long double)] = {0};
    unsigned se = 0;
    uint64_t mant = r.mant;
    long double v;

    if (end)
        *end = (char *)e;
    if (nan) {
        se = 0x7fff;
        mant = 0xc000000000000000ull;
    } else if (r.inf) {
        se = 0x7fff;
        mant = 1ull << 63;
    } else if (mant >> 63) {
        se = (unsigned)(r.exp + 16446);
    }
    se |= (unsigned)neg << 15;
    if (r.range)
        errno = ERANGE;
    memcpy(b, &mant, 8);
    b[8] = (unsigned char)se;
    b[9] = (unsigned char)(se >> 8);
    memcpy(&v, b, sizeof(v));
    return v;
}

double
atof(const char *s)
{
    return strtod(s, NULL);
}
