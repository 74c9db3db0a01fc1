// SPDX-License-Identifier: MIT
/*
 * The shell's command-line parser (see shparse.h for the language and
 * what a result promises).
 *
 * One lexer and one parser loop serve both passes. In the measuring pass
 * (fill == 0) nothing is written: the loop counts pipelines, commands,
 * argv slots and redirections and sums the string bytes, refusing any
 * error on the way. Only then is the arena carved up, in this order:
 *
 *     [list][pipelines][commands][argv pointers][redirections][strings]
 *
 * and the filling pass (fill == 1) walks the same tokens again, storing
 * each thing at the next free slot of its array. The arrays are only ever
 * appended to, in input order, so a pipeline's commands, a command's argv
 * and its redirections are each one contiguous run. Every string byte goes
 * through sp_emit, which checks it against the space left (the arena's
 * size when measuring, the measured size when filling), so neither pass
 * can write or count past its bound whatever the input or the lookup does.
 *
 * Every token consumes at least one input byte (but the end), so a pass
 * ends after at most len tokens; expansions add at most the string space
 * they are allowed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shparse.h"

enum tok_kind {
    T_WORD,
    T_REDIR,
    T_PIPE,
    T_AND,
    T_OR,
    T_SEMI,
    T_NEWLINE,
    T_END,
};

struct tok {
    enum tok_kind kind;
    size_t pos;   /* of its first byte */
    char what[4]; /* an operator's text, for errors */
    /* T_WORD */
    size_t str;  /* offset of the word in the strings */
    int dropped; /* an unquoted word that expanded to nothing */
    /* T_REDIR */
    enum shparse_redir_kind rkind;
    int fd;
    int dup_fd;
};

/* One pass over the input. */
struct sp {
    const char *s;
    size_t n;
    size_t i; /* the next byte to read */
    shparse_lookup_fn lookup;
    void *ctx;
    int fill;     /* 0 measuring, 1 filling the arena */
    size_t limit; /* string bytes this pass may emit */
    size_t used;  /* string bytes emitted */
    /* Counts when measuring; in filling, the next free slot of each array. */
    size_t npipes, ncmds, nargs, nredirs;
    /* The slots each array has: unbounded when measuring, the measured counts when filling. */
    size_t cap_pipes, cap_cmds, cap_args, cap_redirs;
    /* The arena's arrays, when filling. */
    struct shparse_pipeline *pipes;
    struct shparse_cmd *cmds;
    char **argv;
    struct shparse_redir *redirs;
    char *str;
    struct shparse_error err;
};

static const char *const shparse_messages[] = {
#define SHPARSE_MSG(code, msg) msg,
    SHPARSE_ERROR_TABLE(SHPARSE_MSG)
#undef SHPARSE_MSG
};

const char *
shparse_strerror(int code)
{
    if (code < 0)
        code = -code;
    if (code >= SHPARSE_NCODES)
        return "unknown error";
    return shparse_messages[code];
}

/* Records the first error of a pass; returns -code. */
static int
sp_fail(struct sp *p, enum shparse_code code, size_t pos, const char *what)
{
    size_t k = 0;

    p->err.code = code;
    p->err.pos = pos;
    if (what) {
        for (; k < sizeof(p->err.what) - 1 && what[k]; k++)
            p->err.what[k] = what[k];
    }
    p->err.what[k] = '\0';
    return -(int)code;
}

/* Appends len string bytes, or refuses them if they do not fit this pass's bound. */
static int
sp_emit(struct sp *p, const char *b, size_t len)
{
    if (len > p->limit - p->used)
        return sp_fail(p, p->fill ? SHPARSE_E_CHANGED : SHPARSE_E_NOSPACE, p->i, NULL);
    if (p->fill)
        memcpy(p->str + p->used, b, len);
    p->used += len;
    return 0;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Bytes that end an unquoted word: blanks, newline and the operators' first bytes. */
static int
is_word_end(char c)
{
    return is_blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' ||
           c == '(' || c == ')';
}

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int
is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_name_char(char c)
{
    return is_name_start(c) || is_digit(c);
}

/* The one-byte special parameters: $? $$ $# $0 ... $9. */
static int
is_special(char c)
{
    return c == '?' || c == '$' || c == '#' || is_digit(c);
}

/*
 * A $ expansion at p->i: emits the variable's value (or a plain $ when no
 * name follows) and moves past it.
 */
static int
sp_expand(struct sp *p)
{
    const char *s = p->s;
    size_t d = p->i, j, name, len;
    char buf[SHPARSE_NAME_MAX + 1];
    const char *v;

    if (d + 1 >= p->n) {
        p->i++;
        return sp_emit(p, "$", 1);
    }
    if (s[d + 1] == '{') {
        name = j = d + 2;
        if (j < p->n && is_special(s[j]))
            j++;
        else
            while (j < p->n && is_name_char(s[j]) && !(j == name && is_digit(s[j])))
                j++;
        if (j == p->n)
            return sp_fail(p, SHPARSE_E_BRACE, d, "${");
        if (s[j] != '}' || j == name)
            return sp_fail(p, SHPARSE_E_BAD_NAME, d, "${");
        len = j - name;
        p->i = j + 1;
    } else if (s[d + 1] == '(') {
        return sp_fail(p, SHPARSE_E_UNSUPPORTED, d, "$(");
    } else if (is_special(s[d + 1])) {
        name = d + 1;
        len = 1;
        p->i = d + 2;
    } else if (is_name_start(s[d + 1])) {
        name = j = d + 1;
        while (j < p->n && is_name_char(s[j]))
            j++;
        len = j - name;
        p->i = j;
    } else {
        p->i++;
        return sp_emit(p, "$", 1);
    }
    if (len > SHPARSE_NAME_MAX)
        return sp_fail(p, SHPARSE_E_NAME_TOO_LONG, d, "$");
    memcpy(buf, s + name, len);
    buf[len] = '\0';
    v = p->lookup ? p->lookup(p->ctx, buf) : NULL;
    return v ? sp_emit(p, v, strlen(v)) : 0;
}

/* The inside of "..." from its opening quote at p->i, up to and past the closing one. */
static int
sp_dquote(struct sp *p)
{
    const char *s = p->s;
    size_t open = p->i;
    int r;

    p->i++;
    for (;;) {
        char c;

        if (p->i == p->n)
            return sp_fail(p, SHPARSE_E_DQUOTE, open, "\"");
        c = s[p->i];
        if (c == '"') {
            p->i++;
            return 0;
        } else if (c == '\0') {
            return sp_fail(p, SHPARSE_E_NUL, p->i, NULL);
        } else if (c == '`') {
            return sp_fail(p, SHPARSE_E_UNSUPPORTED, p->i, "`");
        } else if (c == '$') {
            r = sp_expand(p);
        } else if (c == '\\' && p->i + 1 < p->n && s[p->i + 1] == '\n') {
            p->i += 2;
            r = 0;
        } else if (c == '\\' && p->i + 1 < p->n &&
                   (s[p->i + 1] == '$' || s[p->i + 1] == '`' || s[p->i + 1] == '"' ||
                    s[p->i + 1] == '\\')) {
            r = sp_emit(p, s + p->i + 1, 1);
            p->i += 2;
        } else {
            /* Any other byte, a backslash before an ordinary byte included, stands for itself. */
            r = sp_emit(p, s + p->i, 1);
            p->i++;
        }
        if (r)
            return r;
    }
}

/* A word from p->i (not at a blank, an operator or a comment) into the strings. */
static int
sp_word(struct sp *p, struct tok *t)
{
    const char *s = p->s;
    int quoted = 0, r = 0;

    t->kind = T_WORD;
    t->str = p->used;
    while (p->i < p->n && !is_word_end(s[p->i])) {
        char c = s[p->i];

        if (c == '\0') {
            return sp_fail(p, SHPARSE_E_NUL, p->i, NULL);
        } else if (c == '\'') {
            size_t j = p->i + 1;

            quoted = 1;
            while (j < p->n && s[j] != '\'' && s[j] != '\0')
                j++;
            if (j == p->n)
                return sp_fail(p, SHPARSE_E_SQUOTE, p->i, "'");
            if (s[j] == '\0')
                return sp_fail(p, SHPARSE_E_NUL, j, NULL);
            r = sp_emit(p, s + p->i + 1, j - p->i - 1);
            p->i = j + 1;
        } else if (c == '"') {
            quoted = 1;
            r = sp_dquote(p);
        } else if (c == '\\') {
            if (p->i + 1 == p->n)
                return sp_fail(p, SHPARSE_E_BACKSLASH, p->i, "\\");
            if (s[p->i + 1] == '\0')
                return sp_fail(p, SHPARSE_E_NUL, p->i + 1, NULL);
            /* An escaped byte counts as quoted: \  alone is a word of one blank. */
            quoted = 1;
            if (s[p->i + 1] != '\n')
                r = sp_emit(p, s + p->i + 1, 1);
            p->i += 2;
        } else if (c == '$') {
            r = sp_expand(p);
        } else if (c == '`') {
            return sp_fail(p, SHPARSE_E_UNSUPPORTED, p->i, "`");
        } else {
            r = sp_emit(p, s + p->i, 1);
            p->i++;
        }
        if (r)
            return r;
    }
    t->dropped = !quoted && p->used == t->str;
    if (t->dropped)
        return 0;
    return sp_emit(p, "", 1);
}

/* A redirection operator from p->i (its digit, if any, at t->pos). */
static int
sp_redir(struct sp *p, struct tok *t, int fd)
{
    const char *s = p->s;
    char c = s[p->i];
    char next = p->i + 1 < p->n ? s[p->i + 1] : '\0';
    size_t k;

    t->kind = T_REDIR;
    t->dup_fd = -1;
    if (c == '<' && (next == '<' || next == '>')) {
        char what[3] = {c, next, '\0'};

        return sp_fail(p, SHPARSE_E_UNSUPPORTED, t->pos, what);
    }
    if (c == '>' && next == '>') {
        t->rkind = SHPARSE_REDIR_APPEND;
        p->i += 2;
    } else if (next == '&') {
        t->rkind = SHPARSE_REDIR_DUP;
        p->i += 2;
    } else {
        t->rkind = c == '<' ? SHPARSE_REDIR_IN : SHPARSE_REDIR_OUT;
        p->i++;
    }
    t->fd = fd >= 0 ? fd : c == '<' ? 0 : 1;
    for (k = 0; k < 3 && t->pos + k < p->i; k++)
        t->what[k] = s[t->pos + k];
    t->what[k] = '\0';
    if (t->rkind == SHPARSE_REDIR_DUP) {
        if (p->i == p->n || !is_digit(s[p->i]) || (p->i + 1 < p->n && !is_word_end(s[p->i + 1])))
            return sp_fail(p, SHPARSE_E_BAD_DUP, t->pos, t->what);
        t->dup_fd = s[p->i] - '0';
        p->i++;
    }
    return 0;
}

/* The next token: skips blanks, continued lines and a comment first. */
static int
sp_next(struct sp *p, struct tok *t)
{
    const char *s = p->s;
    char c, next;

    for (;;) {
        if (p->i < p->n && is_blank(s[p->i]))
            p->i++;
        else if (p->i + 1 < p->n && s[p->i] == '\\' && s[p->i + 1] == '\n')
            p->i += 2;
        else
            break;
    }
    if (p->i < p->n && s[p->i] == '#') {
        while (p->i < p->n && s[p->i] != '\n')
            p->i++;
    }
    t->pos = p->i;
    t->what[0] = '\0';
    if (p->i == p->n) {
        t->kind = T_END;
        return 0;
    }
    c = s[p->i];
    next = p->i + 1 < p->n ? s[p->i + 1] : '\0';
    switch (c) {
    case '\n':
        t->kind = T_NEWLINE;
        p->i++;
        return 0;
    case ';':
        t->kind = T_SEMI;
        p->i++;
        break;
    case '|':
        t->kind = next == '|' ? T_OR : T_PIPE;
        p->i += next == '|' ? 2 : 1;
        break;
    case '&':
        if (next != '&')
            return sp_fail(p, SHPARSE_E_UNSUPPORTED, p->i, "&");
        t->kind = T_AND;
        p->i += 2;
        break;
    case '(':
    case ')': {
        char what[2] = {c, '\0'};

        return sp_fail(p, SHPARSE_E_UNSUPPORTED, p->i, what);
    }
    case '<':
    case '>':
        return sp_redir(p, t, -1);
    default:
        if (is_digit(c) && (next == '<' || next == '>')) {
            p->i++;
            return sp_redir(p, t, c - '0');
        }
        return sp_word(p, t);
    }
    /* The operators ; | || && name themselves in errors. */
    memcpy(t->what, s + t->pos, p->i - t->pos);
    t->what[p->i - t->pos] = '\0';
    return 0;
}

/* Refuses a slot past an array's end: only a lookup that changed its answers gets there. */
static int
sp_full(struct sp *p, size_t count, size_t cap)
{
    if (count < cap)
        return 0;
    return sp_fail(p, SHPARSE_E_CHANGED, p->i, NULL);
}

static int
sp_add_redir(struct sp *p, const struct tok *r, char *path)
{
    if (sp_full(p, p->nredirs, p->cap_redirs))
        return -SHPARSE_E_CHANGED;
    if (p->fill) {
        struct shparse_redir *d = &p->redirs[p->nredirs];

        d->kind = r->rkind;
        d->fd = r->fd;
        d->dup_fd = r->dup_fd;
        d->path = path;
    }
    p->nredirs++;
    return 0;
}

/*
 * One pass: the list, a pipeline at a time, a command at a time. A
 * command ends at the first operator after it; its argv and
 * redirections are the runs stored since the previous one ended.
 */
static int
sp_run(struct sp *p)
{
    struct tok t, op = {0}, redir = {0};
    int need_more = 0;    /* after | && ||: a command must follow */
    int pending = 0;      /* redir waits for its file name */
    size_t items = 0;     /* words and redirections of the command being read */
    size_t argc = 0;      /* of the command being read */
    size_t pipe_cmds = 0; /* commands of the pipeline being read, before this one */
    size_t arg0 = 0, redir0 = 0, cmd0 = 0;
    int r;

    for (;;) {
        if ((r = sp_next(p, &t)))
            return r;
        if (t.kind == T_WORD) {
            if (pending) {
                if (t.dropped)
                    return sp_fail(p, SHPARSE_E_EMPTY_TARGET, redir.pos, redir.what);
                if (sp_add_redir(p, &redir, p->fill ? p->str + t.str : NULL))
                    return -SHPARSE_E_CHANGED;
                pending = 0;
            } else if (!t.dropped) {
                if (sp_full(p, p->nargs, p->cap_args))
                    return -SHPARSE_E_CHANGED;
                if (p->fill)
                    p->argv[p->nargs] = p->str + t.str;
                p->nargs++;
                argc++;
            }
            items++;
            continue;
        }
        if (pending)
            return sp_fail(p, SHPARSE_E_MISSING_TARGET, redir.pos, redir.what);
        if (t.kind == T_REDIR) {
            items++;
            if (t.rkind == SHPARSE_REDIR_DUP) {
                if (sp_add_redir(p, &t, NULL))
                    return -SHPARSE_E_CHANGED;
            } else {
                redir = t;
                pending = 1;
            }
            continue;
        }
        if (items == 0) {
            /* A blank line, or a line break after | && || (need_more stays). */
            if (t.kind == T_NEWLINE)
                continue;
            if (t.kind == T_END && need_more)
                return sp_fail(p, SHPARSE_E_TRAILING_OP, op.pos, op.what);
            if (t.kind == T_END)
                break;
            return sp_fail(p, SHPARSE_E_EMPTY_COMMAND, t.pos, t.what);
        }
        /* An operator or the end after a command: the command is complete. */
        if (sp_full(p, p->ncmds, p->cap_cmds) || sp_full(p, p->nargs, p->cap_args))
            return -SHPARSE_E_CHANGED;
        if (p->fill) {
            struct shparse_cmd *c = &p->cmds[p->ncmds];

            c->argc = argc;
            c->argv = &p->argv[arg0];
            c->nredirs = p->nredirs - redir0;
            c->redirs = c->nredirs ? &p->redirs[redir0] : NULL;
            p->argv[p->nargs] = NULL;
        }
        p->nargs++;
        p->ncmds++;
        pipe_cmds++;
        items = argc = 0;
        arg0 = p->nargs;
        redir0 = p->nredirs;
        need_more = t.kind == T_PIPE || t.kind == T_AND || t.kind == T_OR;
        op = t;
        if (t.kind == T_PIPE)
            continue;
        if (sp_full(p, p->npipes, p->cap_pipes))
            return -SHPARSE_E_CHANGED;
        if (p->fill) {
            struct shparse_pipeline *pl = &p->pipes[p->npipes];

            pl->ncmds = pipe_cmds;
            pl->cmds = &p->cmds[cmd0];
            pl->join = t.kind == T_AND   ? SHPARSE_JOIN_AND
                       : t.kind == T_OR  ? SHPARSE_JOIN_OR
                       : t.kind == T_END ? SHPARSE_JOIN_END
                                         : SHPARSE_JOIN_SEQ;
            pl->next = p->i;
        }
        p->npipes++;
        pipe_cmds = 0;
        cmd0 = p->ncmds;
        if (t.kind == T_END)
            break;
    }
    /* A list ended by ; or a newline: its last pipeline is the end all the same. */
    if (p->fill && p->npipes)
        p->pipes[p->npipes - 1].join = SHPARSE_JOIN_END;
    return 0;
}

/* *total += count * size, or 0 if it would pass limit (or wrap). */
static int
layout_add(size_t *total, size_t count, size_t size, size_t limit)
{
    if (*total > limit || count > (limit - *total) / size)
        return 0;
    *total += count * size;
    return 1;
}

static void
error_place(struct shparse_error *e, const char *s, size_t n)
{
    size_t line = 1, col = 1;

    for (size_t k = 0; k < e->pos && k < n; k++) {
        if (s[k] == '\n')
            line++, col = 1;
        else
            col++;
    }
    e->line = line;
    e->col = col;
}

int
shparse_parse(const char *line, size_t len, shparse_lookup_fn lookup, void *ctx, void *arena,
              size_t arena_size, struct shparse_list **out, struct shparse_error *err)
{
    struct sp p = {.s = line,
                   .n = len,
                   .lookup = lookup,
                   .ctx = ctx,
                   .limit = arena_size,
                   .cap_pipes = SIZE_MAX,
                   .cap_cmds = SIZE_MAX,
                   .cap_args = SIZE_MAX,
                   .cap_redirs = SIZE_MAX};
    const size_t align = _Alignof(struct shparse_cmd);
    size_t pad = (align - ((uintptr_t)arena & (align - 1))) & (align - 1);
    size_t at = pad, o_pipes = 0, o_cmds = 0, o_argv = 0, o_redirs = 0, o_str = 0;
    struct shparse_list *list;
    char *base = arena;
    int r;

    /* Every array holds pointer-aligned structures, so one alignment serves all. */
    _Static_assert(sizeof(struct shparse_list) % _Alignof(struct shparse_cmd) == 0, "layout");
    _Static_assert(sizeof(struct shparse_pipeline) % _Alignof(struct shparse_cmd) == 0, "layout");
    _Static_assert(sizeof(struct shparse_cmd) % _Alignof(struct shparse_cmd) == 0, "layout");
    _Static_assert(sizeof(char *) % _Alignof(struct shparse_cmd) == 0, "layout");
    _Static_assert(sizeof(struct shparse_redir) % _Alignof(struct shparse_cmd) == 0, "layout");

    r = sp_run(&p);
    if (r == 0) {
        if (pad > arena_size || !layout_add(&at, 1, sizeof(struct shparse_list), arena_size) ||
            (o_pipes = at,
             !layout_add(&at, p.npipes, sizeof(struct shparse_pipeline), arena_size)) ||
            (o_cmds = at, !layout_add(&at, p.ncmds, sizeof(struct shparse_cmd), arena_size)) ||
            (o_argv = at, !layout_add(&at, p.nargs, sizeof(char *), arena_size)) ||
            (o_redirs = at,
             !layout_add(&at, p.nredirs, sizeof(struct shparse_redir), arena_size)) ||
            (o_str = at, !layout_add(&at, p.used, 1, arena_size)))
            r = sp_fail(&p, SHPARSE_E_NOSPACE, 0, NULL);
    }
    if (r == 0) {
        struct sp f = {.s = line, .n = len, .lookup = lookup, .ctx = ctx, .fill = 1};

        f.limit = p.used;
        f.cap_pipes = p.npipes;
        f.cap_cmds = p.ncmds;
        f.cap_args = p.nargs;
        f.cap_redirs = p.nredirs;
        f.pipes = (struct shparse_pipeline *)(void *)(base + o_pipes);
        f.cmds = (struct shparse_cmd *)(void *)(base + o_cmds);
        f.argv = (char **)(void *)(base + o_argv);
        f.redirs = (struct shparse_redir *)(void *)(base + o_redirs);
        f.str = base + o_str;
        r = sp_run(&f);
        /* Only a lookup that changed its answers can fail or differ here. */
        if (r == 0 && (f.npipes != p.npipes || f.ncmds != p.ncmds || f.nargs != p.nargs ||
                       f.nredirs != p.nredirs || f.used != p.used))
            r = sp_fail(&f, SHPARSE_E_CHANGED, 0, NULL);
        if (r) {
            /* The measuring pass refused nothing, so whatever the filling pass
             * refuses comes of the lookup's changed answers. */
            p.err = f.err;
            p.err.code = SHPARSE_E_CHANGED;
            p.err.what[0] = '\0';
            r = -SHPARSE_E_CHANGED;
        } else {
            list = (struct shparse_list *)(void *)(base + pad);
            list->npipelines = p.npipes;
            list->pipelines = p.npipes ? f.pipes : NULL;
            *out = list;
        }
    }
    if (r && err) {
        *err = p.err;
        error_place(err, line, len);
    }
    return r;
}
