// SPDX-License-Identifier: MIT
/*
 * The floating-point conversions of the one formatter (common/printf.c):
 * %f %F %e %E %g %G %a %A, for double and (with L) the x87 80-bit long
 * double. Left out of the kernel, which is built without SSE.
 *
 * The output is the exact decimal expansion of the binary value, rounded
 * half to even at the last digit printed, as glibc prints it. The value is
 * mant * 2^exp2 with a 64-bit mant; its digits come from exact integer
 * arithmetic, never from floating-point multiplication:
 *   - the integer part (up to 16384 bits) is divided by 10^9 until nothing
 *     is left, nine digits at a time, least significant first;
 *   - the fraction, f / 2^(32 nw), is multiplied by 10^9 again and again:
 *     what carries out of the top word is the next nine digits. It ends
 *     after at most 16445 digits, as every binary fraction does.
 * Digits go into a buffer, 0.d[0]d[1]... * 10^point, until there is one past
 * the last digit printed; that digit and whether anything non-zero follows
 * (digits or the fraction left) decide the rounding. Digits past the buffer
 * are zeros. Invariant of struct fp_digits: either n > the digits the
 * conversion prints, or the fraction left is zero (so the digits are exact).
 *
 * The buffer holds every integer digit of the largest long double (4933)
 * and, with the fraction non-zero (then the integer part has at most 20
 * digits), the fraction digits up to the capped precision. About 7 KiB of
 * stack, taken only by printf_float's frame, which is kept out of
 * vsnprintf's (noinline).
 */
#ifndef CAIRN_KERNEL

#include <stdbool.h>
#include <stdint.h>

#include "common/printf.h"
#include "common/printf_impl.h"

_Static_assert(__LDBL_MANT_DIG__ == 64, "long double is the x87 80-bit format");

#define FP_LD_SUBNORMAL_EXP2 (-16445) /* exp2 of every long double subnormal */
#define FP_LD_MAX_EXP2       (16384 - 64)
#define FP_INT_DIGITS_MAX    4933 /* digits of LDBL_MAX's integer part */
#define FP_DIGITS_MAX        (FP_INT_DIGITS_MAX + 16)
#define FP_WORDS             ((-FP_LD_SUBNORMAL_EXP2 + 31) / 32 + 1)
#define FP_BILLION           1000000000u

/* The integer part's words: 64 bits of mantissa shifted by the largest exp2. */
_Static_assert(FP_WORDS >= (FP_LD_MAX_EXP2 + 64) / 32 + 1, "fp_digits.w holds the integer part");
/* With a non-zero fraction: 20 integer digits, the precision, the rounding
 * digit and the eight more that come with it. */
_Static_assert(FP_DIGITS_MAX >= 20 + PRINTF_MAX_FIELD + 1 + 9, "fp_digits.d holds the fraction");

enum fp_kind {
    FP_FINITE,
    FP_INF,
    FP_NAN,
};

struct fp_number {
    uint64_t mant; /* the value is mant * 2^exp2 */
    int exp2;
    bool neg;
    enum fp_kind kind;
    int hex_bits; /* bits after %a's first hex digit: 52 (double), 60 (long double) */
};

struct fp_digits {
    char d[FP_DIGITS_MAX]; /* '0'..'9', most significant first */
    int n;                 /* digits in d */
    int point;             /* the value is 0.d[0]d[1]... * 10^point */
    uint32_t w[FP_WORDS];  /* the fraction left: w / 2^(32 nw), little-endian */
    int nw;
    int lo; /* w[0..lo) are zero */
};

static void
fp_from_double(double v, struct fp_number *num)
{
    uint64_t bits;
    unsigned e;
    uint64_t f;

    __builtin_memcpy(&bits, &v, sizeof(bits));
    e = (unsigned)(bits >> 52) & 0x7ff;
    f = bits & ((1ull << 52) - 1);
    num->neg = bits >> 63;
    num->hex_bits = 52;
    num->kind = FP_FINITE;
    if (e == 0x7ff) {
        num->kind = f ? FP_NAN : FP_INF;
    } else if (e == 0) {
        num->mant = f;
        num->exp2 = -1074;
    } else {
        num->mant = f | 1ull << 52;
        num->exp2 = (int)e - 1075;
    }
}

/* The x87 format: a 64-bit mantissa with its integer bit, then 15 bits of
 * exponent and the sign. An unnormal (integer bit clear, exponent not zero)
 * is printed as the value its bits spell. */
static void
fp_from_long_double(long double v, struct fp_number *num)
{
    unsigned char b[sizeof(long double)];
    unsigned se;

    __builtin_memcpy(b, &v, sizeof(b));
    __builtin_memcpy(&num->mant, b, 8);
    se = b[8] | (unsigned)b[9] << 8;
    num->neg = se >> 15;
    num->hex_bits = 60;
    num->kind = FP_FINITE;
    if ((se & 0x7fff) == 0x7fff)
        num->kind = num->mant << 1 ? FP_NAN : FP_INF;
    else if ((se & 0x7fff) == 0)
        num->exp2 = FP_LD_SUBNORMAL_EXP2;
    else
        num->exp2 = (int)(se & 0x7fff) - 16383 - 63;
}

/* Sets d to the integer part's digits (none for 0) and point to their count. */
static void
fp_int_digits(struct fp_digits *g, uint64_t mant, int exp2)
{
    int pos = FP_DIGITS_MAX, nw = 0, start;

    if (exp2 <= -64)
        mant = 0;
    else if (exp2 < 0)
        mant >>= -exp2;
    if (exp2 <= 0 || (exp2 < 64 && mant >> (64 - exp2) == 0)) {
        uint64_t v = exp2 > 0 ? mant << exp2 : mant;

        while (v) {
            g->d[--pos] = (char)('0' + v % 10);
            v /= 10;
        }
    } else {
        int word = exp2 / 32, shift = exp2 % 32;
        uint64_t lo = mant << shift;
        uint64_t hi = shift ? mant >> (64 - shift) : 0;

        for (int i = 0; i < word; i++)
            g->w[i] = 0;
        g->w[word] = (uint32_t)lo;
        g->w[word + 1] = (uint32_t)(lo >> 32);
        g->w[word + 2] = (uint32_t)hi;
        nw = word + 3;
        while (nw > 0 && g->w[nw - 1] == 0)
            nw--;
        while (nw > 0) {
            uint64_t rem = 0;

            for (int i = nw - 1; i >= 0; i--) {
                uint64_t cur = rem << 32 | g->w[i];

                g->w[i] = (uint32_t)(cur / FP_BILLION);
                rem = cur % FP_BILLION;
            }
            while (nw > 0 && g->w[nw - 1] == 0)
                nw--;
            for (int k = 0; k < 9; k++) {
                g->d[--pos] = (char)('0' + rem % 10);
                rem /= 10;
            }
        }
        while (pos < FP_DIGITS_MAX && g->d[pos] == '0')
            pos++;
    }
    start = pos;
    g->n = FP_DIGITS_MAX - start;
    for (int i = 0; i < g->n; i++)
        g->d[i] = g->d[start + i];
    g->point = g->n;
}

/* Puts the fraction of mant * 2^exp2 into w, over 2^(32 nw). */
static void
fp_frac_init(struct fp_digits *g, uint64_t mant, int exp2)
{
    int bits = -exp2, shift;
    uint64_t f, lo, hi;

    g->nw = 0;
    g->lo = 0;
    if (exp2 >= 0)
        return;
    f = bits >= 64 ? mant : mant & ((1ull << bits) - 1);
    g->nw = (bits + 31) / 32;
    shift = 32 * g->nw - bits;
    lo = f << shift;
    hi = shift ? f >> (64 - shift) : 0;
    for (int i = 0; i < g->nw; i++)
        g->w[i] = 0;
    /* f < 2^bits, so nothing lands at or past w[nw]. */
    for (int i = 0; i < 3 && i < g->nw; i++)
        g->w[i] = (uint32_t)(i == 0 ? lo : i == 1 ? lo >> 32 : hi);
}

static bool
fp_frac_is_zero(struct fp_digits *g)
{
    while (g->lo < g->nw && g->w[g->lo] == 0)
        g->lo++;
    return g->lo == g->nw;
}

/* Appends the fraction's next nine digits; false when the fraction is zero. */
static bool
fp_frac_next(struct fp_digits *g)
{
    uint64_t carry = 0;

    if (fp_frac_is_zero(g))
        return false;
    for (int i = g->lo; i < g->nw; i++) {
        uint64_t cur = (uint64_t)g->w[i] * FP_BILLION + carry;

        g->w[i] = (uint32_t)cur;
        carry = cur >> 32;
    }
    for (int k = 8; k >= 0; k--) {
        g->d[g->n + k] = (char)('0' + carry % 10);
        carry /= 10;
    }
    g->n += 9;
    return true;
}

/* Produces digits until there is one past the first want, or no more. */
static void
fp_fill(struct fp_digits *g, int want)
{
    while (g->n <= want && fp_frac_next(g))
        ;
}

/*
 * Keeps the first k digits, rounded half to even on the exact value. A carry
 * out of the first digit leaves "1" and raises point.
 */
static void
fp_round(struct fp_digits *g, int k)
{
    bool sticky, up;
    char next;
    int i;

    if (k >= g->n)
        return; /* exact: the fraction is zero (fp_fill) */
    next = g->d[k];
    sticky = !fp_frac_is_zero(g);
    for (i = k + 1; i < g->n && !sticky; i++)
        sticky = g->d[i] != '0';
    g->n = k;
    up = next > '5' || (next == '5' && (sticky || (k > 0 && (g->d[k - 1] - '0') % 2)));
    if (!up)
        return;
    for (i = k - 1; i >= 0 && g->d[i] == '9'; i--)
        g->d[i] = '0';
    if (i >= 0) {
        g->d[i]++;
    } else {
        g->d[0] = '1';
        g->n = 1;
        g->point++;
    }
}

/* Digits for %f with prec fraction digits. */
static void
fp_digits_fixed(struct fp_digits *g, const struct fp_number *num, int prec)
{
    fp_int_digits(g, num->mant, num->exp2);
    fp_frac_init(g, num->mant, num->exp2);
    fp_fill(g, g->point + prec);
    fp_round(g, g->point + prec);
}

/* Digits for %e with k significant digits; the value is not zero. */
static void
fp_digits_sig(struct fp_digits *g, const struct fp_number *num, int k)
{
    fp_int_digits(g, num->mant, num->exp2);
    fp_frac_init(g, num->mant, num->exp2);
    /* Below 1: drop the fraction's leading zeros, lowering point. */
    while (g->n == 0) {
        int z = 0;

        fp_frac_next(g);
        while (z < g->n && g->d[z] == '0')
            z++;
        for (int i = z; i < g->n; i++)
            g->d[i - z] = g->d[i];
        g->n -= z;
        g->point -= z;
    }
    fp_fill(g, k);
    fp_round(g, k);
}

static char
fp_digit_at(const struct fp_digits *g, int i)
{
    return i >= 0 && i < g->n ? g->d[i] : '0';
}

/* A finished layout: the characters between the sign and the padding. */
struct fp_layout {
    bool exponent_form; /* d.ddde+XX, else ddd.ddd */
    bool dot;
    int frac;     /* digits after the point */
    int exponent; /* exponent_form only */
};

static int
fp_exponent_digits(int x)
{
    int n = 0;

    if (x < 0)
        x = -x;
    do {
        n++;
        x /= 10;
    } while (x);
    return n < 2 ? 2 : n;
}

static int
fp_body_length(const struct fp_digits *g, const struct fp_layout *l)
{
    int len = l->frac + (l->dot ? 1 : 0);

    if (l->exponent_form)
        return len + 1 + 2 + fp_exponent_digits(l->exponent);
    return len + (g->point > 0 ? g->point : 1);
}

static void
fp_body_emit(struct printf_out *o, const struct fp_digits *g, const struct fp_layout *l, bool upper)
{
    char exp_buf[8];
    int x, i, n;

    if (l->exponent_form) {
        printf_out_char(o, fp_digit_at(g, 0));
        if (l->dot)
            printf_out_char(o, '.');
        for (i = 1; i <= l->frac; i++)
            printf_out_char(o, fp_digit_at(g, i));
        printf_out_char(o, upper ? 'E' : 'e');
        printf_out_char(o, l->exponent < 0 ? '-' : '+');
        x = l->exponent < 0 ? -l->exponent : l->exponent;
        n = fp_exponent_digits(x);
        for (i = n - 1; i >= 0; i--) {
            exp_buf[i] = (char)('0' + x % 10);
            x /= 10;
        }
        for (i = 0; i < n; i++)
            printf_out_char(o, exp_buf[i]);
        return;
    }
    if (g->point <= 0)
        printf_out_char(o, '0');
    for (i = 0; i < g->point; i++)
        printf_out_char(o, fp_digit_at(g, i));
    if (l->dot)
        printf_out_char(o, '.');
    for (i = 0; i < l->frac; i++)
        printf_out_char(o, fp_digit_at(g, g->point + i));
}

/* [spaces] sign [prefix] [zeros] body [spaces]; body_len counts the prefix. */
static int
fp_pad_before(struct printf_out *o, const struct printf_spec *sp, char sign, int body_len,
              bool zero_ok)
{
    int len = body_len + (sign ? 1 : 0);
    int pad = sp->width > len ? sp->width - len : 0;

    if (!(sp->flags & PF_MINUS) && !(zero_ok && (sp->flags & PF_ZERO))) {
        printf_out_repeat(o, ' ', pad);
        pad = 0;
    }
    if (sign)
        printf_out_char(o, sign);
    return pad;
}

static void
fp_pad_after(struct printf_out *o, const struct printf_spec *sp, int pad)
{
    if (sp->flags & PF_MINUS)
        printf_out_repeat(o, ' ', pad);
}

static void
fp_special(struct printf_out *o, const struct printf_spec *sp, const struct fp_number *num,
           char sign, bool upper)
{
    const char *text = num->kind == FP_INF ? (upper ? "INF" : "inf") : (upper ? "NAN" : "nan");
    int pad = fp_pad_before(o, sp, sign, 3, false);

    for (int i = 0; i < 3; i++)
        printf_out_char(o, text[i]);
    fp_pad_after(o, sp, pad);
}

/* %a: the bits in hexadecimal, rounded half to even to the precision. */
static void
fp_hex(struct printf_out *o, const struct printf_spec *sp, const struct fp_number *num, char sign,
       bool upper)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int bits = num->hex_bits, nd = bits / 4, shown, body, pad, exponent, expn, x;
    uint64_t lead = num->mant >> bits, frac = num->mant & ((1ull << bits) - 1);

    exponent = num->mant ? num->exp2 + bits : 0;
    if (sp->precision >= 0 && sp->precision < nd) {
        int drop = 4 * (nd - sp->precision);
        uint64_t rem = frac & ((1ull << drop) - 1), half = 1ull << (drop - 1);

        frac >>= drop;
        nd = sp->precision;
        if (rem > half || (rem == half && ((nd ? frac : lead) & 1))) {
            frac++;
            if (frac >> (4 * nd)) {
                frac = 0;
                lead++;
            }
        }
        /* glibc keeps a long double's first digit below 16. */
        if (lead == 16) {
            lead = 1;
            exponent += 4;
        }
    }
    if (sp->precision < 0) {
        while (nd > 0 && (frac & 0xf) == 0) {
            frac >>= 4;
            nd--;
        }
    }
    shown = sp->precision > nd ? sp->precision : nd;
    expn = 1;
    for (x = exponent < 0 ? -exponent : exponent; x >= 10; x /= 10)
        expn++;
    body = 2 + 1 + (shown || (sp->flags & PF_ALT) ? 1 : 0) + shown + 2 + expn;
    pad = fp_pad_before(o, sp, sign, body, true);
    printf_out_char(o, '0');
    printf_out_char(o, upper ? 'X' : 'x');
    if (!(sp->flags & PF_MINUS))
        printf_out_repeat(o, '0', pad);
    printf_out_char(o, set[lead]);
    if (shown || (sp->flags & PF_ALT))
        printf_out_char(o, '.');
    for (int i = nd - 1; i >= 0; i--)
        printf_out_char(o, set[(frac >> (4 * i)) & 0xf]);
    printf_out_repeat(o, '0', shown - nd);
    printf_out_char(o, upper ? 'P' : 'p');
    printf_out_char(o, exponent < 0 ? '-' : '+');
    {
        char buf[8];
        int i = expn;

        x = exponent < 0 ? -exponent : exponent;
        while (i > 0) {
            buf[--i] = (char)('0' + x % 10);
            x /= 10;
        }
        for (i = 0; i < expn; i++)
            printf_out_char(o, buf[i]);
    }
    fp_pad_after(o, sp, pad);
}

/* %f %e %g of a finite value. */
static void
fp_decimal(struct printf_out *o, const struct printf_spec *sp, const struct fp_number *num,
           char sign, struct fp_digits *g)
{
    char conv = sp->conv | 0x20; /* lower case */
    int prec = sp->precision < 0 ? 6 : sp->precision;
    bool alt = sp->flags & PF_ALT, zero = num->mant == 0;
    struct fp_layout l = {0};
    int pad;

    if (zero) {
        g->n = 0;
        g->point = conv == 'f' ? 0 : 1;
    }
    if (conv == 'f') {
        if (!zero)
            fp_digits_fixed(g, num, prec);
        l.frac = prec;
    } else if (conv == 'e') {
        if (!zero)
            fp_digits_sig(g, num, prec + 1);
        l.exponent_form = true;
        l.frac = prec;
        l.exponent = g->point - 1;
    } else {
        /* %g: P significant digits, then %e's or %f's layout by the
         * exponent X the %e form would have (C11 7.21.6.1). */
        int p = sp->precision < 0 ? 6 : (sp->precision == 0 ? 1 : sp->precision);
        int x;

        if (!zero)
            fp_digits_sig(g, num, p);
        x = g->point - 1;
        if (p > x && x >= -4) {
            l.frac = p - 1 - x;
            if (!alt)
                while (l.frac > 0 && fp_digit_at(g, g->point + l.frac - 1) == '0')
                    l.frac--;
        } else {
            l.exponent_form = true;
            l.exponent = x;
            l.frac = p - 1;
            if (!alt)
                while (l.frac > 0 && fp_digit_at(g, l.frac) == '0')
                    l.frac--;
        }
    }
    l.dot = l.frac > 0 || alt;
    pad = fp_pad_before(o, sp, sign, fp_body_length(g, &l), true);
    if (!(sp->flags & PF_MINUS))
        printf_out_repeat(o, '0', pad);
    fp_body_emit(o, g, &l, sp->conv >= 'A' && sp->conv <= 'Z');
    fp_pad_after(o, sp, pad);
}

__attribute__((noinline)) void
printf_float(struct printf_out *o, const struct printf_spec *sp, va_list *ap)
{
    struct fp_number num;
    struct fp_digits g;
    bool upper = sp->conv >= 'A' && sp->conv <= 'Z';
    char sign = 0;

    if (sp->length == PL_LONG_DOUBLE)
        fp_from_long_double(va_arg(*ap, long double), &num);
    else
        fp_from_double(va_arg(*ap, double), &num);
    if (num.neg)
        sign = '-';
    else if (sp->flags & PF_PLUS)
        sign = '+';
    else if (sp->flags & PF_SPACE)
        sign = ' ';

    if (num.kind != FP_FINITE)
        fp_special(o, sp, &num, sign, upper);
    else if ((sp->conv | 0x20) == 'a')
        fp_hex(o, sp, &num, sign, upper);
    else
        fp_decimal(o, sp, &num, sign, &g);
}

#endif
