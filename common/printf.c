// SPDX-License-Identifier: MIT
/*
 * vsnprintf: the one formatter behind every kernel message and libc's
 * printf family (see printf.h for the contract).
 *
 * Output goes through printf_out, which counts every character the format
 * produces but stores only those that fit in size - 1 bytes; the terminator
 * is written at the end. So the count is exact for any size, including 0
 * with a NULL buffer, and nothing is ever written past buf[size - 1].
 *
 * A conversion is parsed into a printf_spec first and then formatted, so the
 * padding rules (sign, 0x prefix, precision zeros, width) live in one place
 * for all integers. A specification the formatter does not understand is
 * copied to the output as it stands: a bad format in a log message must
 * never take the kernel down.
 */
#include <stdbool.h>
#include <stdint.h>

#include "common/printf.h"
#include "common/printf_impl.h"

#define out_char   printf_out_char
#define out_repeat printf_out_repeat

static void
out_mem(struct printf_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out_char(o, s[i]);
}

/*
 * Formats a magnitude with an optional sign. Layout, left to right:
 * [spaces] [sign or 0x] [zeros] digits [spaces, when left-justified].
 */
static void
printf_integer(struct printf_out *o, const struct printf_spec *sp, uint64_t mag, bool negative)
{
    const char *set = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned base = 10;
    char digits[24]; /* 2^64 needs 22 octal digits */
    char prefix[2];
    int ndigits = 0, nprefix = 0, zeros, pad;
    uint64_t v = mag;

    if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
        base = 16;
    else if (sp->conv == 'o')
        base = 8;

    /* An explicit precision of 0 prints no digits for the value 0. */
    if (!(sp->precision == 0 && v == 0)) {
        do {
            digits[ndigits++] = set[v % base];
            v /= base;
        } while (v);
    }

    if (sp->conv == 'd' || sp->conv == 'i') {
        if (negative)
            prefix[nprefix++] = '-';
        else if (sp->flags & PF_PLUS)
            prefix[nprefix++] = '+';
        else if (sp->flags & PF_SPACE)
            prefix[nprefix++] = ' ';
    } else if (sp->conv == 'p' || ((sp->flags & PF_ALT) && base == 16 && mag != 0)) {
        prefix[nprefix++] = '0';
        prefix[nprefix++] = sp->conv == 'X' ? 'X' : 'x';
    }

    zeros = sp->precision > ndigits ? sp->precision - ndigits : 0;
    /* '#' with octal raises the precision just enough to lead with a 0. */
    if ((sp->flags & PF_ALT) && base == 8 && zeros == 0 &&
        (ndigits == 0 || digits[ndigits - 1] != '0'))
        zeros = 1;
    /* The 0 flag is ignored with a precision or with '-'. */
    if ((sp->flags & PF_ZERO) && !(sp->flags & PF_MINUS) && sp->precision < 0 &&
        sp->width > nprefix + zeros + ndigits)
        zeros = sp->width - nprefix - ndigits;
    pad = sp->width - (nprefix + zeros + ndigits);

    if (!(sp->flags & PF_MINUS))
        out_repeat(o, ' ', pad);
    out_mem(o, prefix, (size_t)nprefix);
    out_repeat(o, '0', zeros);
    while (ndigits > 0)
        out_char(o, digits[--ndigits]);
    if (sp->flags & PF_MINUS)
        out_repeat(o, ' ', pad);
}

/* Prints len bytes of s padded to the field width; used by %s and %c. */
static void
printf_text(struct printf_out *o, const struct printf_spec *sp, const char *s, size_t len)
{
    int pad = sp->width > 0 && (size_t)sp->width > len ? sp->width - (int)len : 0;

    if (!(sp->flags & PF_MINUS))
        out_repeat(o, ' ', pad);
    out_mem(o, s, len);
    if (sp->flags & PF_MINUS)
        out_repeat(o, ' ', pad);
}

static void
printf_string(struct printf_out *o, const struct printf_spec *sp, const char *s)
{
    size_t len = 0;

    if (!s)
        s = "(null)";
    /* With a precision, s need not be terminated: read no further than it. */
    while ((sp->precision < 0 || len < (size_t)sp->precision) && s[len])
        len++;
    printf_text(o, sp, s, len);
}

static int64_t
printf_arg_signed(enum printf_length length, va_list *ap)
{
    switch (length) {
    case PL_HH:
        return (signed char)va_arg(*ap, int);
    case PL_H:
        return (short)va_arg(*ap, int);
    case PL_L:
        return va_arg(*ap, long);
    case PL_LL:
        return va_arg(*ap, long long);
    case PL_Z:
        return (int64_t)va_arg(*ap, size_t); /* the signed type of size_t's width */
    case PL_T:
        return va_arg(*ap, ptrdiff_t);
    case PL_J:
        return va_arg(*ap, intmax_t);
    case PL_NONE:
    default:
        return va_arg(*ap, int);
    }
}

static uint64_t
printf_arg_unsigned(enum printf_length length, va_list *ap)
{
    switch (length) {
    case PL_HH:
        return (unsigned char)va_arg(*ap, unsigned);
    case PL_H:
        return (unsigned short)va_arg(*ap, unsigned);
    case PL_L:
        return va_arg(*ap, unsigned long);
    case PL_LL:
        return va_arg(*ap, unsigned long long);
    case PL_Z:
        return va_arg(*ap, size_t);
    case PL_T:
        return (uint64_t)va_arg(*ap, ptrdiff_t);
    case PL_J:
        return va_arg(*ap, uintmax_t);
    case PL_NONE:
    default:
        return va_arg(*ap, unsigned);
    }
}

/* Reads decimal digits, saturating at PRINTF_MAX_FIELD. */
static int
printf_parse_number(const char **fmt)
{
    int n = 0;

    while (**fmt >= '0' && **fmt <= '9') {
        if (n <= PRINTF_MAX_FIELD)
            n = n * 10 + (**fmt - '0');
        (*fmt)++;
    }
    return n > PRINTF_MAX_FIELD ? PRINTF_MAX_FIELD : n;
}

/*
 * Parses the specification after a '%' into sp and leaves *fmt on the
 * conversion character (which may be the terminator of a truncated format).
 */
static void
printf_parse_spec(const char **fmt, struct printf_spec *sp, va_list *ap)
{
    const char *f = *fmt;

    sp->flags = 0;
    sp->width = 0;
    sp->precision = -1;
    sp->length = PL_NONE;

    for (;; f++) {
        if (*f == '-')
            sp->flags |= PF_MINUS;
        else if (*f == '0')
            sp->flags |= PF_ZERO;
        else if (*f == '+')
            sp->flags |= PF_PLUS;
        else if (*f == ' ')
            sp->flags |= PF_SPACE;
        else if (*f == '#')
            sp->flags |= PF_ALT;
        else
            break;
    }

    if (*f == '*') {
        int w = va_arg(*ap, int);

        f++;
        /* A negative width from an argument means '-' and its magnitude. */
        if (w < 0) {
            sp->flags |= PF_MINUS;
            w = w < -PRINTF_MAX_FIELD ? PRINTF_MAX_FIELD : -w;
        }
        sp->width = w > PRINTF_MAX_FIELD ? PRINTF_MAX_FIELD : w;
    } else {
        sp->width = printf_parse_number(&f);
    }

    if (*f == '.') {
        f++;
        if (*f == '*') {
            int p = va_arg(*ap, int);

            f++;
            /* A negative precision from an argument means none at all. */
            sp->precision = p < 0 ? -1 : (p > PRINTF_MAX_FIELD ? PRINTF_MAX_FIELD : p);
        } else {
            sp->precision = printf_parse_number(&f);
        }
    }

    switch (*f) {
    case 'h':
        sp->length = f[1] == 'h' ? PL_HH : PL_H;
        f += f[1] == 'h' ? 2 : 1;
        break;
    case 'l':
        sp->length = f[1] == 'l' ? PL_LL : PL_L;
        f += f[1] == 'l' ? 2 : 1;
        break;
    case 'z':
        sp->length = PL_Z;
        f++;
        break;
    case 't':
        sp->length = PL_T;
        f++;
        break;
    case 'j':
        sp->length = PL_J;
        f++;
        break;
    case 'L':
        sp->length = PL_LONG_DOUBLE;
        f++;
        break;
    default:
        break;
    }

    sp->conv = *f;
    *fmt = f;
}

static bool
printf_is_float(char conv)
{
    switch (conv) {
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
        return true;
    default:
        return false;
    }
}

/* Formats into o; returns with o->len the length of the whole output. */
static void
printf_run(struct printf_out *op, const char *fmt, va_list ap)
{
    struct printf_out o = *op;
    struct printf_spec sp;
    va_list args;

    /* A copy, so helpers can take its address whatever type va_list is. */
    va_copy(args, ap);
    while (*fmt) {
        const char *start = fmt;

        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }
        fmt++;
        printf_parse_spec(&fmt, &sp, &args);

        /* L goes with the floating-point conversions only, and they take
         * no other length but l: any other pairing is printed literally. */
        if (sp.conv != '\0' &&
            (printf_is_float(sp.conv)
                 ? sp.length != PL_NONE && sp.length != PL_L && sp.length != PL_LONG_DOUBLE
                 : sp.length == PL_LONG_DOUBLE)) {
            out_mem(&o, start, (size_t)(fmt - start) + 1);
            fmt++;
            continue;
        }
        switch (sp.conv) {
#ifndef CAIRN_KERNEL
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            printf_float(&o, &sp, &args);
            break;
#endif
        case 'd':
        case 'i': {
            int64_t v = printf_arg_signed(sp.length, &args);

            printf_integer(&o, &sp, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            printf_integer(&o, &sp, printf_arg_unsigned(sp.length, &args), false);
            break;
        case 'p':
            printf_integer(&o, &sp, (uintptr_t)va_arg(args, void *), false);
            break;
        case 's':
            printf_string(&o, &sp, va_arg(args, const char *));
            break;
        case 'c': {
            char c = (char)va_arg(args, int);

            printf_text(&o, &sp, &c, 1);
            break;
        }
        case '%':
            out_char(&o, '%');
            break;
        case '\0':
            /* The format ends inside a specification: show what there was. */
            out_mem(&o, start, (size_t)(fmt - start));
            goto done;
        default:
            out_mem(&o, start, (size_t)(fmt - start) + 1);
            break;
        }
        fmt++;
    }
done:
    va_end(args);
    *op = o;
}

int
COMMON_NAME(vsnprintf)(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct printf_out o = {.buf = buf, .size = size, .len = 0};

    printf_run(&o, fmt, ap);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

#ifndef CAIRN_KERNEL
void
printf_out_flush(struct printf_out *o)
{
    size_t n = o->len - o->base;

    if (n)
        o->sink->write(o->sink, o->buf, n);
    o->base = o->len;
}

int
printf_format(struct printf_sink *sink, const char *fmt, va_list ap)
{
    char chunk[PRINTF_SINK_CHUNK];
    struct printf_out o = {.buf = chunk, .size = sizeof(chunk), .len = 0, .sink = sink};

    printf_run(&o, fmt, ap);
    printf_out_flush(&o);
    return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}
#endif

int
COMMON_NAME(snprintf)(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = COMMON_NAME(vsnprintf)(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
