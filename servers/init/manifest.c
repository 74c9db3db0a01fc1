// SPDX-License-Identifier: MIT
/*
 * The parser of init's service manifest (manifest.h has the contract,
 * docs/init.md the format). Two passes, in the seL4 way of "validate, then
 * commit" applied to a whole file:
 *
 *   1. lines: each line is checked (length, bytes), stripped of its comment
 *      and either opens a [service NAME] section or sets one key of the
 *      open section; every value is parsed and range-checked here, where
 *      its line number is known;
 *   2. the whole: `after` names resolved, registry names, irq lines, ports
 *      and physical ranges checked for overlap across services, the start
 *      order computed (a cycle is an error).
 *
 * The first error ends the parse: its line and message go to the caller
 * and the manifest is wiped, so nothing can act on the part that parsed.
 * Every loop is bounded by the input's length or by a MANIFEST_*_MAX
 * table size; nothing recurses.
 */
#include <string.h>

#include <cairn/errors.h>

#include "manifest.h"

#define PAGE_SIZE 4096ull

enum key {
    KEY_PROGRAM,
    KEY_ARGS,
    KEY_IRQ,
    KEY_IOPORT,
    KEY_MEMORY,
    KEY_REGISTER,
    KEY_LOOKUP,
    KEY_AFTER,
    KEY_QUOTA,
    KEY_PRIORITY,
    KEY_RESTART,
    KEY_GRANT,
    KEY_COUNT,
};

static const char *const key_names[KEY_COUNT] = {
    [KEY_PROGRAM] = "program",   [KEY_ARGS] = "args",       [KEY_IRQ] = "irq",
    [KEY_IOPORT] = "ioport",     [KEY_MEMORY] = "memory",   [KEY_REGISTER] = "register",
    [KEY_LOOKUP] = "lookup",     [KEY_AFTER] = "after",     [KEY_QUOTA] = "quota",
    [KEY_PRIORITY] = "priority", [KEY_RESTART] = "restart", [KEY_GRANT] = "grant",
};

static const char *const restart_names[] = {
    [MANIFEST_RESTART_ON_FAILURE] = "on-failure",
    [MANIFEST_RESTART_ALWAYS] = "always",
    [MANIFEST_RESTART_NEVER] = "never",
};

/* A piece of the input: not NUL-terminated. */
struct token {
    const char *s;
    size_t n;
};

struct parser {
    struct manifest *m;
    struct manifest_error *err;
    uint32_t line;                /* the line being read */
    struct manifest_service *cur; /* the open section, or NULL */
    /* The line each key of each service was set on, 0 if not yet: finds
     * duplicate keys, and places errors found in pass 2. */
    uint32_t key_line[MANIFEST_SERVICES_MAX + 1][KEY_COUNT]; /* the last: [programs] */
};

/* --- error messages ---------------------------------------------------------------------- */

/* Append to the error message, cut at its end (a cut message still names
 * the line). Each returns -CAIRN_EINVAL, so that an error path can end with
 * `return msg_...(...)`. */
static int
msg_add(struct manifest_error *e, const char *s, size_t n)
{
    size_t have = strnlen(e->message, sizeof(e->message));

    while (n-- > 0 && have + 1 < sizeof(e->message))
        e->message[have++] = *s++;
    e->message[have] = '\0';
    return -CAIRN_EINVAL;
}

static int
msg_str(struct manifest_error *e, const char *s)
{
    return msg_add(e, s, strlen(s));
}

/* A token from the input, quoted and cut to 40 bytes so a long one leaves
 * room for the rest of the message. Pass 1 has already refused every byte
 * that is not printable ASCII, so the token prints as it is. */
static int
msg_tok(struct manifest_error *e, struct token t)
{
    msg_str(e, "'");
    if (t.n > 40) {
        msg_add(e, t.s, 37);
        msg_str(e, "...");
    } else {
        msg_add(e, t.s, t.n);
    }
    return msg_str(e, "'");
}

static int
msg_num(struct manifest_error *e, uint64_t v, unsigned base)
{
    char buf[24];
    size_t i = sizeof(buf);

    do {
        buf[--i] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    if (base == 16)
        msg_str(e, "0x");
    return msg_add(e, buf + i, sizeof(buf) - i);
}

/* Starts the error message for line (0: none). Always returns -CAIRN_EINVAL. */
static int
fail_at(struct parser *p, uint32_t line, const char *what)
{
    p->err->line = line;
    p->err->message[0] = '\0';
    msg_str(p->err, what);
    return -CAIRN_EINVAL;
}

static int
fail(struct parser *p, const char *what)
{
    return fail_at(p, p->line, what);
}

/* "WHAT 'TOKEN' WHY" on the current line. */
static int
fail_tok(struct parser *p, const char *what, struct token t, const char *why)
{
    fail(p, what);
    msg_str(p->err, " ");
    msg_tok(p->err, t);
    return msg_str(p->err, why);
}

/* --- tokens -------------------------------------------------------------------------------- */

static int
is_space(char c)
{
    return c == ' ' || c == '\t';
}

static struct token
tok_trim(struct token t)
{
    while (t.n > 0 && is_space(t.s[0])) {
        t.s++;
        t.n--;
    }
    while (t.n > 0 && is_space(t.s[t.n - 1]))
        t.n--;
    return t;
}

static int
tok_is(struct token t, const char *word)
{
    return strlen(word) == t.n && memcmp(t.s, word, t.n) == 0;
}

/* The next blank-separated word of *rest into *w; 0 when none is left. */
static int
tok_next_word(struct token *rest, struct token *w)
{
    *rest = tok_trim(*rest);
    if (rest->n == 0)
        return 0;
    w->s = rest->s;
    w->n = 0;
    while (w->n < rest->n && !is_space(w->s[w->n]))
        w->n++;
    rest->s += w->n;
    rest->n -= w->n;
    return 1;
}

/* Splits t at the first c: *a before it, *b after it; 0 if t holds no c. */
static int
tok_split(struct token t, char c, struct token *a, struct token *b)
{
    const char *at = memchr(t.s, c, t.n);

    if (at == NULL)
        return 0;
    a->s = t.s;
    a->n = (size_t)(at - t.s);
    b->s = at + 1;
    b->n = t.n - a->n - 1;
    return 1;
}

/* --- values -------------------------------------------------------------------------------- */

static int
hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A number: decimal, or hex after 0x. A decimal with a leading 0 is
 * refused, since a reader might take it for octal. */
static int
parse_number(struct parser *p, const char *what, struct token t, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;
    size_t i = 0;

    if (t.n >= 2 && t.s[0] == '0' && (t.s[1] == 'x' || t.s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (t.n >= 2 && t.s[0] == '0') {
        return fail_tok(p, what, t, " has a leading 0 (write hex as 0x...)");
    }
    if (i == t.n)
        goto bad;
    for (; i < t.n; i++) {
        int d = hex_digit(t.s[i]);

        if (d < 0 || (unsigned)d >= base)
            goto bad;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return fail_tok(p, what, t, " is too large");
        v = v * base + (uint64_t)d;
    }
    *out = v;
    return 0;
bad:
    return fail_tok(p, what, t, " is not a number");
}

/* A size: a number with an optional K, M or G (binary: 2^10, 2^20, 2^30). */
static int
parse_size(struct parser *p, const char *what, struct token t, uint64_t *out)
{
    unsigned shift = 0;
    uint64_t v;
    int r;

    if (t.n > 1) {
        char c = t.s[t.n - 1];

        shift = c == 'K' ? 10 : c == 'M' ? 20 : c == 'G' ? 30 : 0;
        if (shift != 0)
            t.n--;
    }
    r = parse_number(p, what, t, &v);
    if (r < 0)
        return r;
    if (v > (UINT64_MAX >> shift))
        return fail_tok(p, what, t, " is too large");
    *out = v << shift;
    return 0;
}

/* Service and registry names: a lower-case letter, then lower-case
 * letters, digits, '-' and '_', at most MANIFEST_NAME_MAX bytes. Narrow on
 * purpose: a name appears in log lines and in registry requests, and
 * should read the same everywhere. */
static int
check_name(struct parser *p, const char *what, struct token t)
{
    int ok = t.n >= 1 && t.n <= MANIFEST_NAME_MAX && t.s[0] >= 'a' && t.s[0] <= 'z';

    for (size_t i = 1; ok && i < t.n; i++) {
        char c = t.s[i];

        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
    if (ok)
        return 0;
    if (t.n > MANIFEST_NAME_MAX)
        return fail_tok(p, what, t, " is longer than 31 bytes");
    return fail_tok(p, what, t, " is not a name (a-z, then a-z 0-9 - _)");
}

static void
tok_copy(char *dst, struct token t)
{
    memcpy(dst, t.s, t.n);
    dst[t.n] = '\0';
}

/* An initfs member: relative, components of A-Z a-z 0-9 . _ - separated by
 * single '/', none of them "." or "..", so the path names exactly one
 * member and never climbs out of the archive. */
static int
set_program(struct parser *p, struct token v)
{
    struct manifest_service *s = p->cur;
    struct token w, rest = v;
    size_t start = 0;
    int ok;

    tok_next_word(&rest, &w);
    if (tok_next_word(&rest, &rest))
        return fail(p, "program takes one path (arguments go in args)");
    if (w.n > MANIFEST_PATH_MAX)
        return fail(p, "program path is longer than 127 bytes");
    ok = w.s[0] != '/';
    for (size_t i = 0; ok && i <= w.n; i++) {
        char c = i < w.n ? w.s[i] : '/';

        if (c == '/') {
            size_t len = i - start;

            ok = len > 0 && !(len == 1 && w.s[start] == '.') &&
                 !(len == 2 && w.s[start] == '.' && w.s[start + 1] == '.');
            start = i + 1;
        } else {
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        }
    }
    if (!ok)
        return fail_tok(p, "program", w,
                        " is not an initfs path (relative; no empty, . or .. parts)");
    tok_copy(s->program, w);
    return 0;
}

/* Blank-separated words, no quoting: what the line shows is the argv. */
static int
set_args(struct parser *p, struct token v)
{
    struct manifest_service *s = p->cur;
    size_t used = 0;
    struct token w;

    while (tok_next_word(&v, &w)) {
        if (s->argc == MANIFEST_ARGS_MAX)
            return fail(p, "args has more than 16 words");
        if (w.n + 1 > sizeof(s->args) - used)
            return fail(p, "args are longer than 256 bytes");
        tok_copy(s->args + used, w);
        used += w.n + 1;
        s->argc++;
    }
    return 0;
}

/*
 * A list of ranges. irq: N, N-M (GSIs, inclusive) or isa:N; ioport: N or
 * N-M (inclusive); memory: BASE+SIZE, both page-aligned.
 */
static int
set_ranges(struct parser *p, enum key k, struct token v)
{
    struct manifest_service *s = p->cur;
    struct manifest_range *r = k == KEY_IRQ ? s->irq : k == KEY_IOPORT ? s->ioport : s->memory;
    uint32_t *count = k == KEY_IRQ      ? &s->irq_count
                      : k == KEY_IOPORT ? &s->ioport_count
                                        : &s->memory_count;
    const char *what = key_names[k];
    struct token w, a, b;

    while (tok_next_word(&v, &w)) {
        struct manifest_range e = {0, 0, 0};
        uint64_t first, last, limit;

        if (*count == MANIFEST_RANGES_MAX) {
            fail(p, what);
            return msg_str(p->err, " has more than 8 entries");
        }
        if (k == KEY_MEMORY) {
            if (!tok_split(w, '+', &a, &b))
                return fail_tok(p, what, w, " is not BASE+SIZE");
            if (parse_number(p, what, a, &e.base) < 0 || parse_size(p, what, b, &e.size) < 0)
                return -CAIRN_EINVAL;
            if (e.base % PAGE_SIZE != 0 || e.size % PAGE_SIZE != 0 || e.size == 0)
                return fail_tok(p, what, w, " is not whole pages");
            if (e.base >= MANIFEST_PHYS_LIMIT || e.size > MANIFEST_PHYS_LIMIT - e.base)
                return fail_tok(p, what, w, " ends past physical address 2^52");
            r[(*count)++] = e;
            continue;
        }
        limit = k == KEY_IRQ ? MANIFEST_IRQ_LIMIT : CAIRN_IOPORT_COUNT;
        if (k == KEY_IRQ && w.n > 4 && memcmp(w.s, "isa:", 4) == 0) {
            w.s += 4;
            w.n -= 4;
            e.kind = MANIFEST_IRQ_ISA;
            limit = MANIFEST_ISA_IRQS;
            if (memchr(w.s, '-', w.n) != NULL)
                return fail(p, "irq: an isa: entry names one line");
        }
        if (tok_split(w, '-', &a, &b)) {
            if (parse_number(p, what, a, &first) < 0 || parse_number(p, what, b, &last) < 0)
                return -CAIRN_EINVAL;
        } else {
            if (parse_number(p, what, w, &first) < 0)
                return -CAIRN_EINVAL;
            last = first;
        }
        if (first > last)
            return fail_tok(p, what, w, " ends before it starts");
        if (last >= limit) {
            fail_tok(p, what, w, " is past the last, ");
            return msg_num(p->err, limit - 1, k == KEY_IRQ ? 10 : 16);
        }
        e.base = first;
        e.size = last - first + 1;
        r[(*count)++] = e;
    }
    return 0;
}

/* register, lookup, after: a list of distinct names. */
static int
set_names(struct parser *p, enum key k, struct token v)
{
    struct manifest_service *s = p->cur;
    char(*names)[MANIFEST_NAME_MAX + 1] = k == KEY_REGISTER ? s->register_names
                                          : k == KEY_LOOKUP ? s->lookup_names
                                                            : s->after_names;
    uint32_t *count = k == KEY_REGISTER ? &s->register_count
                      : k == KEY_LOOKUP ? &s->lookup_count
                                        : &s->after_count;
    struct token w;

    while (tok_next_word(&v, &w)) {
        if (check_name(p, key_names[k], w) < 0)
            return -CAIRN_EINVAL;
        if (*count == MANIFEST_NAMES_MAX) {
            fail(p, key_names[k]);
            msg_str(p->err, " has more than ");
            msg_num(p->err, MANIFEST_NAMES_MAX, 10);
            return msg_str(p->err, " names");
        }
        for (uint32_t i = 0; i < *count; i++) {
            if (tok_is(w, names[i]))
                return fail_tok(p, key_names[k], w, " is named twice");
        }
        if (k == KEY_AFTER && tok_is(w, s->name))
            return fail(p, "a service cannot start after itself");
        tok_copy(names[(*count)++], w);
    }
    return 0;
}

/* The quota: whole pages, 1 page to MANIFEST_QUOTA_MAX. */
static int
set_quota(struct parser *p, struct token v)
{
    uint64_t q;

    if (parse_size(p, "quota", v, &q) < 0)
        return -CAIRN_EINVAL;
    if (q == 0 || q % PAGE_SIZE != 0)
        return fail(p, "quota must be a whole number of 4 KiB pages, at least one");
    if (q > MANIFEST_QUOTA_MAX)
        return fail(p, "quota is larger than 1 TiB");
    p->cur->quota = q;
    return 0;
}

static int
set_priority(struct parser *p, struct token v)
{
    uint64_t prio;

    if (parse_number(p, "priority", v, &prio) < 0)
        return -CAIRN_EINVAL;
    if (prio > MANIFEST_PRIORITY_MAX) {
        fail(p, "priority is above ");
        msg_num(p->err, MANIFEST_PRIORITY_MAX, 10);
        return msg_str(p->err, ", init's own less one");
    }
    p->cur->priority = (uint32_t)prio;
    return 0;
}

static int
set_restart(struct parser *p, struct token v)
{
    for (unsigned r = 0; r < sizeof(restart_names) / sizeof(restart_names[0]); r++) {
        if (tok_is(v, restart_names[r])) {
            p->cur->restart = (enum manifest_restart)r;
            return 0;
        }
    }
    return fail_tok(p, "restart", v, " is not always, on-failure or never");
}

/* The grant words, in the order of their MANIFEST_GRANT_* bits. */
static const char *const grant_names[] = {
    "initfs",      "log",      "serial-console", "framebuffer-console",
    "framebuffer", "programs", "bootinfo",       "acpi-power",
    "ecam",        "quota"};

static int
set_grant(struct parser *p, struct token v)
{
    struct token w;

    while (tok_next_word(&v, &w)) {
        unsigned g = 0;

        while (g < sizeof(grant_names) / sizeof(grant_names[0]) && !tok_is(w, grant_names[g]))
            g++;
        if (g == sizeof(grant_names) / sizeof(grant_names[0]))
            return fail_tok(p, "grant", w,
                            " is not initfs, log, serial-console, framebuffer-console, "
                            "framebuffer, programs, bootinfo, acpi-power, ecam or quota");
        if (p->cur->grants & (1u << g))
            return fail_tok(p, "grant", w, " is listed twice");
        p->cur->grants |= 1u << g;
    }
    return 0;
}

/* --- lines ------------------------------------------------------------------------------- */

/* The row of key_line for section s: a service's index, or the last row
 * for [programs]. */
static uint32_t *
section_lines(struct parser *p, const struct manifest_service *s)
{
    if (s == &p->m->programs)
        return p->key_line[MANIFEST_SERVICES_MAX];
    return p->key_line[s - p->m->service];
}

/* The open section is complete: the keys without a default are there. */
static int
close_section(struct parser *p)
{
    struct manifest_service *s = p->cur;
    uint32_t *lines;

    if (s == NULL)
        return 0;
    lines = section_lines(p, s);
    if (s != &p->m->programs && (lines[KEY_PROGRAM] == 0 || lines[KEY_QUOTA] == 0)) {
        fail_at(p, s->line, "service ");
        msg_str(p->err, s->name);
        msg_str(p->err, lines[KEY_PROGRAM] == 0 ? " has no program" : " has no quota");
        return -CAIRN_EINVAL;
    }
    p->cur = NULL;
    return 0;
}

/* "[programs]": the one section that is no service. */
static int
open_programs(struct parser *p)
{
    struct manifest_service *s = &p->m->programs;

    if (s->line != 0) {
        fail(p, "[programs] is already defined on line ");
        return msg_num(p->err, s->line, 10);
    }
    memcpy(s->name, "programs", sizeof("programs"));
    s->line = p->line;
    p->cur = s;
    return 0;
}

/* "[service NAME]" or "[programs]", already trimmed. */
static int
open_section(struct parser *p, struct token t)
{
    struct manifest *m = p->m;
    struct token inner = {t.s + 1, t.n - 1}, kind, name, extra;
    struct manifest_service *s;

    if (close_section(p) < 0)
        return -CAIRN_EINVAL;
    if (t.n < 2 || t.s[t.n - 1] != ']')
        return fail(p, "a section header is [service NAME]");
    inner.n--;
    if (tok_next_word(&inner, &kind) && tok_is(kind, "programs") && !tok_next_word(&inner, &extra))
        return open_programs(p);
    inner = (struct token){t.s + 1, t.n - 2};
    if (!tok_next_word(&inner, &kind) || !tok_is(kind, "service") ||
        !tok_next_word(&inner, &name) || tok_next_word(&inner, &extra))
        return fail(p, "a section header is [service NAME]");
    if (check_name(p, "service name", name) < 0)
        return -CAIRN_EINVAL;
    for (uint32_t i = 0; i < m->count; i++) {
        if (tok_is(name, m->service[i].name)) {
            fail(p, "service ");
            msg_str(p->err, m->service[i].name);
            msg_str(p->err, " is already defined on line ");
            msg_num(p->err, m->service[i].line, 10);
            return -CAIRN_EINVAL;
        }
    }
    if (m->count == MANIFEST_SERVICES_MAX)
        return fail(p, "more than 32 services");
    s = &m->service[m->count++];
    tok_copy(s->name, name);
    s->line = p->line;
    s->priority = MANIFEST_PRIORITY_DEFAULT;
    s->restart = MANIFEST_RESTART_ON_FAILURE;
    p->cur = s;
    return 0;
}

/* "KEY = VALUE", already trimmed. */
static int
set_key(struct parser *p, struct token t)
{
    struct token key, value;
    uint32_t *lines;
    int k;

    if (!tok_split(t, '=', &key, &value))
        return fail(p, "expected KEY = VALUE or [service NAME]");
    key = tok_trim(key);
    value = tok_trim(value);
    for (k = 0; k < KEY_COUNT && !tok_is(key, key_names[k]); k++)
        continue;
    if (k == KEY_COUNT)
        return fail_tok(p, "unknown key", key, "");
    if (p->cur == NULL) {
        fail(p, key_names[k]);
        return msg_str(p->err, " outside a [service NAME] section");
    }
    if (p->cur == &p->m->programs && k != KEY_LOOKUP) {
        fail(p, key_names[k]);
        return msg_str(p->err, " in [programs] (it takes lookup alone)");
    }
    lines = section_lines(p, p->cur);
    if (lines[k] != 0) {
        fail(p, key_names[k]);
        msg_str(p->err, " is already set on line ");
        return msg_num(p->err, lines[k], 10);
    }
    lines[k] = p->line;
    if (value.n == 0) {
        fail(p, key_names[k]);
        return msg_str(p->err, " has no value");
    }
    switch ((enum key)k) {
    case KEY_PROGRAM:
        return set_program(p, value);
    case KEY_ARGS:
        return set_args(p, value);
    case KEY_IRQ:
    case KEY_IOPORT:
    case KEY_MEMORY:
        return set_ranges(p, (enum key)k, value);
    case KEY_REGISTER:
    case KEY_LOOKUP:
    case KEY_AFTER:
        return set_names(p, (enum key)k, value);
    case KEY_QUOTA:
        return set_quota(p, value);
    case KEY_PRIORITY:
        return set_priority(p, value);
    case KEY_RESTART:
        return set_restart(p, value);
    case KEY_GRANT:
        return set_grant(p, value);
    case KEY_COUNT:
        break;
    }
    return fail(p, "unknown key");
}

/* One line without its newline: checked byte by byte before any use, so
 * later messages can quote it. */
static int
parse_line(struct parser *p, struct token t)
{
    const char *hash;

    if (t.n > MANIFEST_LINE_MAX)
        return fail(p, "line is longer than 512 bytes");
    for (size_t i = 0; i < t.n; i++) {
        unsigned char c = (unsigned char)t.s[i];

        if (c == '\t' || (c >= 0x20 && c < 0x7f))
            continue;
        if (c == '\r')
            return fail(p, "carriage return (lines end with \\n alone)");
        fail(p, c >= 0x80 ? "byte " : "control character ");
        msg_num(p->err, c, 16);
        return msg_str(p->err, " (the manifest is printable ASCII)");
    }
    hash = memchr(t.s, '#', t.n);
    if (hash != NULL)
        t.n = (size_t)(hash - t.s);
    t = tok_trim(t);
    if (t.n == 0)
        return 0;
    if (t.s[0] == '[')
        return open_section(p, t);
    return set_key(p, t);
}

/* --- the whole manifest ------------------------------------------------------------------ */

/* Each `after` name is a service: becomes its index. */
static int
resolve_after(struct parser *p)
{
    struct manifest *m = p->m;

    for (uint32_t i = 0; i < m->count; i++) {
        struct manifest_service *s = &m->service[i];

        for (uint32_t a = 0; a < s->after_count; a++) {
            uint32_t j;

            for (j = 0; j < m->count && strcmp(m->service[j].name, s->after_names[a]) != 0; j++)
                continue;
            if (j == m->count) {
                fail_at(p, p->key_line[i][KEY_AFTER], "after names ");
                msg_str(p->err, s->after_names[a]);
                return msg_str(p->err, ", which is no service here");
            }
            s->after[a] = (uint8_t)j;
        }
    }
    return 0;
}

/* No registry name has two owners: the registry must know whom to ask. */
static int
check_registry(struct parser *p)
{
    struct manifest *m = p->m;

    for (uint32_t i = 0; i < m->count; i++) {
        for (uint32_t a = 0; a < m->service[i].register_count; a++) {
            const char *name = m->service[i].register_names[a];

            if (strcmp(name, "services") == 0) {
                fail_at(p, p->key_line[i][KEY_REGISTER], "register services: ");
                return msg_str(p->err, "the name is init's own (proto/service.h)");
            }
            for (uint32_t j = 0; j < i; j++) {
                for (uint32_t b = 0; b < m->service[j].register_count; b++) {
                    if (strcmp(name, m->service[j].register_names[b]) != 0)
                        continue;
                    fail_at(p, p->key_line[i][KEY_REGISTER], "register ");
                    msg_str(p->err, name);
                    msg_str(p->err, ": service ");
                    msg_str(p->err, m->service[j].name);
                    return msg_str(p->err, " registers it too");
                }
            }
        }
    }
    return 0;
}

static const struct manifest_range *
ranges_of(const struct manifest_service *s, enum key k, uint32_t *count)
{
    *count = k == KEY_IRQ ? s->irq_count : k == KEY_IOPORT ? s->ioport_count : s->memory_count;
    return k == KEY_IRQ ? s->irq : k == KEY_IOPORT ? s->ioport : s->memory;
}

/* No irq line, port or physical page is granted twice, within a service or
 * across services: a device has one driver. ISA lines and GSIs are
 * compared only among their own kind; which GSI an ISA line is, only the
 * MADT tells, and init checks that when it creates the irq objects. */
static int
check_overlaps(struct parser *p, enum key k)
{
    struct manifest *m = p->m;

    for (uint32_t i = 0; i < m->count; i++) {
        uint32_t na, nb;
        const struct manifest_range *ra = ranges_of(&m->service[i], k, &na);

        for (uint32_t a = 0; a < na; a++) {
            for (uint32_t j = 0; j <= i; j++) {
                const struct manifest_range *rb = ranges_of(&m->service[j], k, &nb);

                for (uint32_t b = 0; b < (j == i ? a : nb); b++) {
                    if (ra[a].kind != rb[b].kind || ra[a].base >= rb[b].base + rb[b].size ||
                        rb[b].base >= ra[a].base + ra[a].size)
                        continue;
                    fail_at(p, p->key_line[i][k], key_names[k]);
                    msg_str(p->err, " at ");
                    msg_num(p->err, ra[a].base, k == KEY_IRQ ? 10 : 16);
                    msg_str(p->err, " overlaps ");
                    msg_str(p->err, j == i ? "another entry of this service" : "service ");
                    if (j != i)
                        msg_str(p->err, m->service[j].name);
                    return -CAIRN_EINVAL;
                }
            }
        }
    }
    return 0;
}

/* A device's grant (a console claim, the framebuffer, the ECAM) goes to one service
 * at most: a device has one driver. The initfs and the log are read-only
 * and may be shared. */
static int
check_device_grants(struct parser *p)
{
    const uint32_t devices = MANIFEST_GRANT_SERIAL_CONSOLE | MANIFEST_GRANT_FRAMEBUFFER_CONSOLE |
                             MANIFEST_GRANT_FRAMEBUFFER | MANIFEST_GRANT_ACPI_POWER |
                             MANIFEST_GRANT_ECAM;
    struct manifest *m = p->m;

    for (uint32_t i = 0; i < m->count; i++) {
        for (uint32_t j = 0; j < i; j++) {
            uint32_t both = m->service[i].grants & m->service[j].grants & devices;
            unsigned g = 0;

            if (!both)
                continue;
            while (!(both & (1u << g)))
                g++;
            fail_at(p, p->key_line[i][KEY_GRANT], "grant ");
            msg_str(p->err, grant_names[g]);
            msg_str(p->err, ": service ");
            msg_str(p->err, m->service[j].name);
            msg_str(p->err, " has it too");
            return -CAIRN_EINVAL;
        }
    }
    return 0;
}

/*
 * The start order: repeatedly the first service in file order whose
 * `after` services have all started. When none is left that can start
 * while some have not, the rest wait on each other: follow unstarted
 * `after` links from one of them until a service repeats (count steps
 * reach the cycle, since every unstarted service waits on another) and
 * name the cycle.
 */
static int
order_services(struct parser *p)
{
    struct manifest *m = p->m;
    uint8_t placed[MANIFEST_SERVICES_MAX] = {0};
    uint32_t n = 0, at, c;

    while (n < m->count) {
        uint32_t i;

        for (i = 0; i < m->count; i++) {
            uint32_t a;

            if (placed[i])
                continue;
            for (a = 0; a < m->service[i].after_count && placed[m->service[i].after[a]]; a++)
                continue;
            if (a == m->service[i].after_count)
                break;
        }
        if (i == m->count)
            break;
        placed[i] = 1;
        m->order[n++] = (uint8_t)i;
    }
    if (n == m->count)
        return 0;

    for (at = 0; placed[at]; at++)
        continue;
    for (uint32_t step = 0; step < m->count; step++) {
        const struct manifest_service *s = &m->service[at];
        uint32_t a = 0;

        while (placed[s->after[a]])
            a++;
        at = s->after[a];
    }
    fail_at(p, p->key_line[at][KEY_AFTER], "after makes a cycle: ");
    c = at;
    do {
        const struct manifest_service *s = &m->service[c];
        uint32_t a = 0;

        msg_str(p->err, s->name);
        msg_str(p->err, " after ");
        while (placed[s->after[a]])
            a++;
        c = s->after[a];
    } while (c != at);
    msg_str(p->err, m->service[at].name);
    return -CAIRN_EINVAL;
}

/* `grant = programs` hands out the [programs] section's registry handle:
 * a manifest without one has nothing to hand. */
static int
check_programs_grant(struct parser *p)
{
    for (uint32_t i = 0; i < p->m->count; i++) {
        if ((p->m->service[i].grants & MANIFEST_GRANT_PROGRAMS) && p->m->programs.line == 0) {
            fail_at(p, p->key_line[i][KEY_GRANT], "grant programs, but there is no [programs]");
            return msg_str(p->err, " section");
        }
    }
    return 0;
}

static int
check_whole(struct parser *p)
{
    if (close_section(p) < 0 || resolve_after(p) < 0 || check_registry(p) < 0 ||
        check_overlaps(p, KEY_IRQ) < 0 || check_overlaps(p, KEY_IOPORT) < 0 ||
        check_overlaps(p, KEY_MEMORY) < 0 || check_device_grants(p) < 0 ||
        check_programs_grant(p) < 0 || order_services(p) < 0)
        return -CAIRN_EINVAL;
    for (uint32_t i = 0; i < p->m->count; i++)
        p->m->quota_total += p->m->service[i].quota;
    return 0;
}

int
manifest_parse(const char *text, size_t len, struct manifest *m, struct manifest_error *err)
{
    struct parser p;
    size_t pos = 0;

    memset(m, 0, sizeof(*m));
    memset(err, 0, sizeof(*err));
    memset(&p, 0, sizeof(p));
    p.m = m;
    p.err = err;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        struct token line = {text + pos, end - pos};

        if (p.line == UINT32_MAX) {
            fail(&p, "too many lines");
            goto err;
        }
        p.line++;
        if (memchr(line.s, '\0', line.n) != NULL) {
            fail(&p, "NUL byte (the manifest is text)");
            goto err;
        }
        if (parse_line(&p, line) < 0)
            goto err;
        pos = nl != NULL ? end + 1 : len;
    }
    if (check_whole(&p) < 0)
        goto err;
    return 0;
err:
    /* Nothing of a refused manifest may be used: wipe what parsed. */
    memset(m, 0, sizeof(*m));
    return -CAIRN_EINVAL;
}

const char *
manifest_arg(const struct manifest_service *s, uint32_t i)
{
    const char *w = s->args;

    if (i >= s->argc)
        return NULL;
    while (i-- > 0)
        w += strlen(w) + 1;
    return w;
}

const char *
manifest_restart_name(enum manifest_restart r)
{
    if ((unsigned)r >= sizeof(restart_names) / sizeof(restart_names[0]))
        return "?";
    return restart_names[r];
}
