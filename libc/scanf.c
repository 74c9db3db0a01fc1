// SPDX-License-Identifier: MIT
/*
 * The scanf family (<stdio.h>, C11 7.21.6.2): one scanner over a source
 * that is a string (sscanf) or a stream (fscanf, scanf, whose lock is held
 * for the whole call). It looks at most one character ahead and gives
 * that one back (ungetc) when it does not belong to the input item.
 *
 * Directives: white space (skips any white space of the input), an
 * ordinary character (must come next), and conversions %d %i %u %o %x %X
 * %p %c %s %[set] %n %% %a %e %f %g (and capitals), with an optional *
 * (convert, do not assign), a width, and the lengths hh h l ll j z t L (L
 * with the integers is ll, as in glibc). Numbers are read as the longest
 * text that can begin one (within the width) and converted by strtoll,
 * strtoull or strtod's family, as C says; like glibc, what the text
 * begins is taken when it is not a whole number ("1e" reads as 1, "0x" as
 * the integer 0, but as no floating-point number at all unless the width
 * cut it there), and an integer past its type's range keeps its low bits.
 * fuzz_scanf holds these to glibc's answers. A scanset
 * takes ranges (a-z); ] first or after ^ is a member; - first or last is
 * itself.
 *
 * Returns the count of assigned items, or EOF when the input ended (or
 * failed) before any item was assigned (as glibc counts: a conversion
 * with * assigns nothing).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stdio_impl.h"

struct scan_src {
    FILE *f;       /* a stream, locked; or NULL for a string */
    const char *s; /* the string's next character */
    size_t count;  /* characters consumed (for %n) */
    bool eof;      /* the input has ended (or failed) */
};

static int
scan_get(struct scan_src *src)
{
    int c;

    if (src->f) {
        c = cairn_stdio_getc_locked(src->f);
    } else {
        c = *src->s ? (unsigned char)*src->s : EOF;
        if (c != EOF)
            src->s++;
    }
    if (c != EOF)
        src->count++;
    else
        src->eof = true;
    return c;
}

/* Gives back c, the last character scan_get returned. */
static void
scan_unget(struct scan_src *src, int c)
{
    if (c == EOF)
        return;
    src->count--;
    if (src->f)
        cairn_stdio_ungetc_locked(c, src->f);
    else
        src->s--;
}

/* A growing text buffer for a number's characters. */
struct scan_text {
    char *p;
    size_t len, cap;
    char small[128];
    bool failed;
};

static void
text_add(struct scan_text *t, int c)
{
    if (t->len + 2 > t->cap) {
        size_t cap = t->cap * 2;
        char *n = t->p == t->small ? malloc(cap) : realloc(t->p, cap);

        if (!n) {
            t->failed = true;
            return;
        }
        if (t->p == t->small)
            memcpy(n, t->small, t->len);
        t->p = n;
        t->cap = cap;
    }
    t->p[t->len++] = (char)c;
    t->p[t->len] = '\0';
}

static void
text_fini(struct scan_text *t)
{
    if (t->p != t->small)
        free(t->p);
}

static int
digit_in_base(int c, int base)
{
    int v = isdigit(c) ? c - '0' : isalpha(c) ? tolower(c) - 'a' + 10 : 99;

    return v < base;
}

/*
 * Reads an integer's text (sign, 0x prefix where the base allows, digits)
 * of at most width characters into t. *base 0 becomes the base the prefix
 * says. Returns the character after it, not consumed.
 */
static void
scan_integer_text(struct scan_src *src, struct scan_text *t, size_t width, int *base)
{
    int c = scan_get(src);

    if ((c == '+' || c == '-') && t->len < width) {
        text_add(t, c);
        c = scan_get(src);
    }
    if (c == '0' && t->len < width && (*base == 0 || *base == 16)) {
        text_add(t, c);
        c = scan_get(src);
        if ((c == 'x' || c == 'X') && t->len < width) {
            text_add(t, c);
            c = scan_get(src);
            *base = 16;
        } else if (*base == 0) {
            *base = 8;
        }
    }
    if (*base == 0)
        *base = 10;
    while (c != EOF && t->len < width && digit_in_base(c, *base)) {
        text_add(t, c);
        c = scan_get(src);
    }
    scan_unget(src, c);
}

static bool
scan_word(struct scan_src *src, struct scan_text *t, size_t width, const char *word, int *c)
{
    for (const char *w = word; *w; w++) {
        if (t->len >= width || tolower(*c) != *w)
            return false;
        text_add(t, *c);
        *c = scan_get(src);
    }
    return true;
}

/* A floating-point number's text: the longest start of one that fits.
 * False when what was read cannot be one (a matching failure). */
static bool
scan_float_text(struct scan_src *src, struct scan_text *t, size_t width)
{
    int c = scan_get(src);
    bool hex = false, digits = false, point = false;

    if ((c == '+' || c == '-') && t->len < width) {
        text_add(t, c);
        c = scan_get(src);
    }
    if (tolower(c) == 'i') {
        if (scan_word(src, t, width, "inf", &c))
            scan_word(src, t, width, "inity", &c);
        scan_unget(src, c);
        return true;
    }
    if (tolower(c) == 'n') {
        scan_word(src, t, width, "nan", &c);
        scan_unget(src, c);
        return true;
    }
    if (c == '0' && t->len < width) {
        text_add(t, c);
        digits = true;
        c = scan_get(src);
        if ((c == 'x' || c == 'X') && t->len < width) {
            if (t->len + 1 == width) {
                /* The width cuts the number to "0x": it is 0, and the x
                 * stays unread (glibc). */
                scan_unget(src, c);
                return true;
            }
            text_add(t, c);
            c = scan_get(src);
            hex = true;
            digits = false; /* 0x needs hex digits of its own */
        }
    }
    for (; c != EOF && t->len < width; c = scan_get(src)) {
        if (hex ? isxdigit(c) : isdigit(c)) {
            digits = true;
        } else if (c == '.' && !point) {
            point = true;
        } else {
            break;
        }
        text_add(t, c);
    }
    if (hex && !digits && !point) {
        /* "0x" alone is no number (glibc), not the 0 it starts with. */
        scan_unget(src, c);
        return false;
    }
    if (digits && t->len < width && (hex ? tolower(c) == 'p' : tolower(c) == 'e')) {
        text_add(t, c);
        c = scan_get(src);
        if ((c == '+' || c == '-') && t->len < width) {
            text_add(t, c);
            c = scan_get(src);
        }
        while (c != EOF && t->len < width && isdigit(c)) {
            text_add(t, c);
            c = scan_get(src);
        }
    }
    scan_unget(src, c);
    return true;
}

enum scan_length {
    SL_NONE,
    SL_HH,
    SL_H,
    SL_L,
    SL_LL,
    SL_J,
    SL_Z,
    SL_T,
    SL_BIG_L,
};

static void
store_integer(void *p, enum scan_length len, unsigned long long v)
{
    switch (len) {
    case SL_HH:
        *(unsigned char *)p = (unsigned char)v;
        break;
    case SL_H:
        *(unsigned short *)p = (unsigned short)v;
        break;
    case SL_L:
    case SL_LL:
    case SL_J:
    case SL_Z:
    case SL_T:
    case SL_BIG_L:
        *(unsigned long long *)p = v; /* all 64 bits wide here */
        break;
    case SL_NONE:
    default:
        *(unsigned *)p = (unsigned)v;
        break;
    }
}

/* Parses a scanset after '[' into set; returns the character after ']'
 * or NULL when the format ends first. */
static const char *
scan_set_parse(const char *f, bool set[256])
{
    bool invert = false;

    if (*f == '^') {
        invert = true;
        f++;
    }
    memset(set, 0, 256 * sizeof(bool));
    if (*f == ']')
        set[(unsigned char)*f++] = true;
    for (; *f && *f != ']'; f++) {
        if (f[1] == '-' && f[2] && f[2] != ']' && (unsigned char)f[2] >= (unsigned char)f[0]) {
            for (int c = (unsigned char)f[0]; c <= (unsigned char)f[2]; c++)
                set[c] = true;
            f += 2;
        } else {
            set[(unsigned char)*f] = true;
        }
    }
    if (!*f)
        return NULL;
    if (invert)
        for (int c = 0; c < 256; c++)
            set[c] = !set[c];
    return f + 1;
}

static int
scan_run(struct scan_src *src, const char *fmt, va_list ap)
{
    int assigned = 0, c;
    va_list args;

    va_copy(args, ap);
    for (const char *f = fmt; *f; f++) {
        bool suppress = false;
        size_t width = SIZE_MAX;
        enum scan_length len = SL_NONE;
        struct scan_text t;
        void *dest = NULL;
        char conv;

        if (isspace((unsigned char)*f)) {
            while ((c = scan_get(src)) != EOF && isspace(c))
                ;
            scan_unget(src, c);
            continue;
        }
        if (*f != '%' || f[1] == '%') {
            if (*f == '%') {
                f++;
                while ((c = scan_get(src)) != EOF && isspace(c))
                    ;
            } else {
                c = scan_get(src);
            }
            if (c != (unsigned char)*f) {
                scan_unget(src, c);
                if (c == EOF && !assigned)
                    assigned = EOF;
                goto done;
            }
            continue;
        }
        f++;
        if (*f == '*') {
            suppress = true;
            f++;
        }
        if (isdigit((unsigned char)*f)) {
            width = 0;
            while (isdigit((unsigned char)*f)) {
                if (width < 100000000)
                    width = width * 10 + (size_t)(*f - '0');
                f++;
            }
            if (width == 0)
                width = SIZE_MAX;
        }
        switch (*f) {
        case 'h':
            len = f[1] == 'h' ? SL_HH : SL_H;
            f += f[1] == 'h' ? 2 : 1;
            break;
        case 'l':
            len = f[1] == 'l' ? SL_LL : SL_L;
            f += f[1] == 'l' ? 2 : 1;
            break;
        case 'j':
            len = SL_J;
            f++;
            break;
        case 'z':
            len = SL_Z;
            f++;
            break;
        case 't':
            len = SL_T;
            f++;
            break;
        case 'L':
            len = SL_BIG_L;
            f++;
            break;
        default:
            break;
        }
        conv = *f;
        if (!conv)
            goto done;
        if (conv == 'n') {
            if (!suppress)
                store_integer(va_arg(args, void *), len, src->count);
            continue;
        }
        if (!suppress)
            dest = va_arg(args, void *);
        /* Every conversion but %c and %[ skips white space first. */
        if (conv != 'c' && conv != '[') {
            while ((c = scan_get(src)) != EOF && isspace(c))
                ;
            scan_unget(src, c);
        }
        t.p = t.small;
        t.len = 0;
        t.cap = sizeof(t.small);
        t.failed = false;
        t.small[0] = '\0';

        switch (conv) {
        case 'd':
        case 'i':
        case 'u':
        case 'o':
        case 'x':
        case 'X':
        case 'p': {
            int base = conv == 'd' || conv == 'u' ? 10 : conv == 'o' ? 8 : conv == 'i' ? 0 : 16;
            unsigned long long v;
            char *end;

            scan_integer_text(src, &t, width, &base);
            if (t.failed)
                goto fail_text;
            if (t.len == 0 && src->eof) {
                assigned = assigned ? assigned : EOF;
                goto fail_text;
            }
            v = conv == 'd' || conv == 'i' ? (unsigned long long)strtoll(t.p, &end, base)
                                           : strtoull(t.p, &end, base);
            if (end == t.p)
                goto fail_text;
            if (dest) {
                if (conv == 'p')
                    *(void **)dest = (void *)(uintptr_t)v;
                else
                    store_integer(dest, len, v);
                assigned++;
            }
            break;
        }
        case 'a':
        case 'A':
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G': {
            char *end;

            if (!scan_float_text(src, &t, width) || t.failed)
                goto fail_text;
            if (t.len == 0 && src->eof) {
                assigned = assigned ? assigned : EOF;
                goto fail_text;
            }
            if (len == SL_BIG_L) {
                long double v = strtold(t.p, &end);

                if (dest && end != t.p)
                    *(long double *)dest = v;
            } else if (len == SL_L) {
                double v = strtod(t.p, &end);

                if (dest && end != t.p)
                    *(double *)dest = v;
            } else {
                float v = strtof(t.p, &end);

                if (dest && end != t.p)
                    *(float *)dest = v;
            }
            if (end == t.p)
                goto fail_text;
            if (dest)
                assigned++;
            break;
        }
        case 'c': {
            size_t n = 0, want = width == SIZE_MAX ? 1 : width;

            while (n < want && (c = scan_get(src)) != EOF) {
                if (dest)
                    ((char *)dest)[n] = (char)c;
                n++;
            }
            if (n == 0) {
                assigned = assigned ? assigned : EOF;
                goto fail_text;
            }
            if (dest)
                assigned++;
            break;
        }
        case 's':
        case '[': {
            bool set[256];
            size_t n = 0;

            if (conv == '[') {
                const char *after = scan_set_parse(f + 1, set);

                if (!after)
                    goto fail_text;
                f = after - 1;
            } else {
                for (int k = 0; k < 256; k++)
                    set[k] = !isspace(k);
            }
            while (n < width && (c = scan_get(src)) != EOF) {
                if (!set[c]) {
                    scan_unget(src, c);
                    break;
                }
                if (dest)
                    ((char *)dest)[n] = (char)c;
                n++;
            }
            if (n == 0) {
                if (src->eof && !assigned)
                    assigned = EOF;
                goto fail_text;
            }
            if (dest) {
                ((char *)dest)[n] = '\0';
                assigned++;
            }
            break;
        }
        default:
            goto fail_text; /* an unknown conversion: a matching failure */
        }
        text_fini(&t);
        continue;
    fail_text:
        text_fini(&t);
        goto done;
    }
done:
    va_end(args);
    return assigned;
}

int
vsscanf(const char *restrict s, const char *restrict fmt, va_list ap)
{
    struct scan_src src = {NULL, s, 0, false};

    return scan_run(&src, fmt, ap);
}

int
sscanf(const char *restrict s, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsscanf(s, fmt, ap);
    va_end(ap);
    return n;
}

int
vfscanf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
    struct scan_src src = {f, NULL, 0, false};
    int n;

    pthread_mutex_lock(&f->lock);
    n = scan_run(&src, fmt, ap);
    pthread_mutex_unlock(&f->lock);
    return n;
}

int
fscanf(FILE *restrict f, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfscanf(f, fmt, ap);
    va_end(ap);
    return n;
}

int
vscanf(const char *restrict fmt, va_list ap)
{
    return vfscanf(stdin, fmt, ap);
}

int
scanf(const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfscanf(stdin, fmt, ap);
    va_end(ap);
    return n;
}
