/* SPDX-License-Identifier: MIT */
/*
 * What common/printf.c shares with common/printf_float.c, its floating-point
 * half: the output accumulator, the parsed conversion specification and the
 * entry point of the floating-point conversions. Nothing outside these two
 * files includes it. The floating-point half exists only outside the kernel
 * (the kernel is built without SSE, so CAIRN_KERNEL builds leave it out).
 */
#ifndef CAIRN_COMMON_PRINTF_IMPL_H
#define CAIRN_COMMON_PRINTF_IMPL_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Into a buffer: the characters that fit in buf[0, size - 1), counted all.
 * Into a sink (not in the kernel): buf is a chunk, holding the characters
 * from base on; a full chunk goes to the sink.
 */
struct printf_out {
    char *buf;
    size_t size;
    size_t len; /* characters produced so far, stored or not */
#ifndef CAIRN_KERNEL
    size_t base; /* into a sink: characters before buf[0], already written */
    struct printf_sink *sink;
#endif
};

#ifndef CAIRN_KERNEL
void printf_out_flush(struct printf_out *o);
#endif

enum printf_flag {
    PF_MINUS = 1 << 0, /* left-justify */
    PF_ZERO = 1 << 1,  /* pad numbers with zeros */
    PF_PLUS = 1 << 2,  /* always print a sign */
    PF_SPACE = 1 << 3, /* a space where a plus sign would go */
    PF_ALT = 1 << 4,   /* '#': 0x prefix, leading octal zero, a decimal point always */
};

enum printf_length {
    PL_NONE,
    PL_HH,
    PL_H,
    PL_L,
    PL_LL,
    PL_Z,
    PL_T,
    PL_J,
    PL_LONG_DOUBLE, /* L */
};

struct printf_spec {
    unsigned flags;
    int width;     /* 0 when absent */
    int precision; /* -1 when absent */
    enum printf_length length;
    char conv;
};

static inline void
printf_out_char(struct printf_out *o, char c)
{
#ifndef CAIRN_KERNEL
    if (o->sink) {
        if (o->len - o->base == o->size)
            printf_out_flush(o);
        o->buf[o->len++ - o->base] = c;
        return;
    }
#endif
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static inline void
printf_out_repeat(struct printf_out *o, char c, int n)
{
    for (; n > 0; n--)
        printf_out_char(o, c);
}

#ifndef CAIRN_KERNEL
/* %f %F %e %E %g %G %a %A: takes a double (a long double with L) from *ap
 * and formats it as sp says. */
void printf_float(struct printf_out *o, const struct printf_spec *sp, va_list *ap);
#endif

#endif
