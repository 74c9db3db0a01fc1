// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the shell's command-line parser (lib/shparse/shparse.c).
 *
 * The input: two bytes, the arena's size (little-endian, 0 to 65535, taken
 * modulo 4096 so that too-small arenas are common), one byte whose low
 * three bits misalign the arena, then the command line. The line is
 * parsed from an exactly-sized heap copy into a heap arena of exactly
 * that size (ASan sees a byte outside either), with a lookup that gives
 * fixed values by name (empty, short, long, full of operators and
 * quotes, unset). Beyond "no crash", every promise of shparse.h is
 * checked:
 *   - a success sets *out and returns 0; every pointer of the result (the
 *     list, its arrays, every argv string and file name) lies inside the
 *     arena and every string ends with a NUL inside it; argv[argc] is
 *     NULL; each pipeline has a command; the last join, and only it, is
 *     SHPARSE_JOIN_END; redirection kinds, descriptors and dup targets are
 *     in range, and a path is present exactly when the kind takes one;
 *   - a failure leaves *out alone and gives a known code (never
 *     SHPARSE_E_CHANGED: this lookup is steady), a position within the
 *     line with its line and column, and a NUL-terminated what;
 *   - each pipeline's next lies past the previous one's and within the
 *     line, and the line parsed again from the first one's next is the
 *     rest of the list, pipeline for pipeline;
 *   - the same line in a 256 KiB arena gives the same result (the same
 *     structure, or the same error) unless the small arena said
 *     SHPARSE_E_NOSPACE;
 *   - a line with no quoting, expansion, comment or operator byte parses
 *     to its blank-separated fields, as a plain reference split finds them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "shparse/shparse.h"

#define BIG_ARENA (256 * 1024)

static char long_value[3000];
/* The large arena, reused: a fresh 256 KiB block per input would halve the speed. */
static char big[BIG_ARENA];

static const char *
lookup(void *ctx, const char *name)
{
    (void)ctx;
    FUZZ_CHECK(strlen(name) >= 1 && strlen(name) <= SHPARSE_NAME_MAX);
    switch (name[0] % 6) {
    case 0:
        return "";
    case 1:
        return "v";
    case 2:
        return "a b;c|d>e '\"\\$X";
    case 3:
        if (!long_value[0])
            memset(long_value, 'L', sizeof(long_value) - 1);
        return long_value;
    case 4:
        return "$?";
    default:
        return NULL;
    }
}

static int
inside(const void *p, size_t len, const char *arena, size_t size)
{
    const char *c = p;

    return c >= arena && c <= arena + size && len <= (size_t)(arena + size - c);
}

/* A NUL-terminated string wholly inside the arena; returns its length. */
static size_t
check_string(const char *s, const char *arena, size_t size)
{
    FUZZ_CHECK(inside(s, 1, arena, size));
    size_t len = strnlen(s, (size_t)(arena + size - s));
    FUZZ_CHECK(len < (size_t)(arena + size - s));
    return len;
}

static void
check_list(const struct shparse_list *l, const char *arena, size_t size)
{
    FUZZ_CHECK(inside(l, sizeof(*l), arena, size));
    FUZZ_CHECK((l->npipelines == 0) == (l->pipelines == NULL));
    if (l->npipelines) {
        FUZZ_CHECK(l->npipelines <= size / sizeof(*l->pipelines));
        FUZZ_CHECK(inside(l->pipelines, l->npipelines * sizeof(*l->pipelines), arena, size));
    }
    for (size_t p = 0; p < l->npipelines; p++) {
        const struct shparse_pipeline *pl = &l->pipelines[p];

        FUZZ_CHECK((pl->join == SHPARSE_JOIN_END) == (p + 1 == l->npipelines));
        FUZZ_CHECK(pl->join <= SHPARSE_JOIN_OR);
        FUZZ_CHECK(pl->ncmds >= 1 && pl->ncmds <= size / sizeof(*pl->cmds));
        FUZZ_CHECK(inside(pl->cmds, pl->ncmds * sizeof(*pl->cmds), arena, size));
        for (size_t c = 0; c < pl->ncmds; c++) {
            const struct shparse_cmd *cmd = &pl->cmds[c];

            FUZZ_CHECK(cmd->argc < size / sizeof(char *));
            FUZZ_CHECK(inside(cmd->argv, (cmd->argc + 1) * sizeof(char *), arena, size));
            for (size_t a = 0; a < cmd->argc; a++)
                check_string(cmd->argv[a], arena, size);
            FUZZ_CHECK(cmd->argv[cmd->argc] == NULL);
            FUZZ_CHECK((cmd->nredirs == 0) == (cmd->redirs == NULL));
            if (!cmd->nredirs)
                continue;
            FUZZ_CHECK(cmd->nredirs <= size / sizeof(*cmd->redirs));
            FUZZ_CHECK(inside(cmd->redirs, cmd->nredirs * sizeof(*cmd->redirs), arena, size));
            for (size_t r = 0; r < cmd->nredirs; r++) {
                const struct shparse_redir *rd = &cmd->redirs[r];

                FUZZ_CHECK(rd->fd >= 0 && rd->fd <= 9);
                FUZZ_CHECK(rd->kind <= SHPARSE_REDIR_DUP);
                if (rd->kind == SHPARSE_REDIR_DUP) {
                    FUZZ_CHECK(rd->dup_fd >= 0 && rd->dup_fd <= 9 && rd->path == NULL);
                } else {
                    FUZZ_CHECK(rd->dup_fd == -1 && rd->path != NULL);
                    check_string(rd->path, arena, size);
                }
            }
        }
    }
}

/* Two pipelines are the same structure with the same strings. */
static int
same_pipeline(const struct shparse_pipeline *x, const struct shparse_pipeline *y)
{
    if (x->ncmds != y->ncmds || x->join != y->join)
        return 0;
    for (size_t c = 0; c < x->ncmds; c++) {
        const struct shparse_cmd *u = &x->cmds[c], *v = &y->cmds[c];

        if (u->argc != v->argc || u->nredirs != v->nredirs)
            return 0;
        for (size_t i = 0; i < u->argc; i++) {
            if (strcmp(u->argv[i], v->argv[i]) != 0)
                return 0;
        }
        for (size_t i = 0; i < u->nredirs; i++) {
            const struct shparse_redir *r = &u->redirs[i], *s = &v->redirs[i];

            if (r->kind != s->kind || r->fd != s->fd || r->dup_fd != s->dup_fd ||
                (r->path && strcmp(r->path, s->path) != 0))
                return 0;
        }
    }
    return 1;
}

/* Two results are the same structure with the same strings. */
static int
same_list(const struct shparse_list *a, const struct shparse_list *b)
{
    if (a->npipelines != b->npipelines)
        return 0;
    for (size_t p = 0; p < a->npipelines; p++) {
        if (!same_pipeline(&a->pipelines[p], &b->pipelines[p]))
            return 0;
    }
    return 1;
}

/* Each pipeline's next lies after the previous one's, within the input;
 * and the input parsed again from the first pipeline's next is the rest
 * of the list, pipeline for pipeline (how the shell runs a list). */
static void
check_next(const struct shparse_list *l, const char *line, size_t len)
{
    static char rest_arena[BIG_ARENA];
    struct shparse_list *rest;
    size_t prev = 0;

    for (size_t p = 0; p < l->npipelines; p++) {
        FUZZ_CHECK(l->pipelines[p].next > prev && l->pipelines[p].next <= len);
        prev = l->pipelines[p].next;
    }
    if (!l->npipelines)
        return;
    FUZZ_CHECK(shparse_parse(line + l->pipelines[0].next, len - l->pipelines[0].next, lookup, NULL,
                             rest_arena, BIG_ARENA, &rest, NULL) == 0);
    FUZZ_CHECK(rest->npipelines == l->npipelines - 1);
    for (size_t p = 0; p < rest->npipelines; p++)
        FUZZ_CHECK(same_pipeline(&rest->pipelines[p], &l->pipelines[p + 1]));
}

static void
check_error(int r, const struct shparse_error *e, const char *line, size_t len)
{
    size_t lines = 1;

    FUZZ_CHECK(r < 0 && -r < SHPARSE_NCODES && e->code == (enum shparse_code) - r);
    FUZZ_CHECK(e->code != SHPARSE_E_CHANGED);
    FUZZ_CHECK(e->pos <= len);
    FUZZ_CHECK(memchr(e->what, '\0', sizeof(e->what)) != NULL);
    for (size_t i = 0; i < e->pos; i++)
        lines += line[i] == '\n';
    FUZZ_CHECK(e->line == lines && e->col >= 1 && e->col <= e->pos + 1);
    FUZZ_CHECK(shparse_strerror(r) != NULL);
}

/* No byte the parser gives a meaning to but blanks: a plain split must agree. */
static void
check_plain(const struct shparse_list *l, const char *line, size_t len)
{
    size_t fields = 0, i = 0, k = 0;

    for (size_t j = 0; j < len; j++) {
        if (strchr("'\"\\$#|&;<>()`\n", line[j]) || line[j] == '\0')
            return;
    }
    while (i < len) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i < len)
            fields++;
        while (i < len && line[i] != ' ' && line[i] != '\t')
            i++;
    }
    FUZZ_CHECK(l->npipelines == (fields ? 1u : 0u));
    if (!fields)
        return;
    const struct shparse_cmd *cmd = &l->pipelines[0].cmds[0];
    FUZZ_CHECK(l->pipelines[0].ncmds == 1 && cmd->argc == fields && cmd->nredirs == 0);
    for (i = 0; i < len;) {
        size_t start;

        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        start = i;
        while (i < len && line[i] != ' ' && line[i] != '\t')
            i++;
        if (i > start) {
            FUZZ_CHECK(strlen(cmd->argv[k]) == i - start);
            FUZZ_CHECK(memcmp(cmd->argv[k], line + start, i - start) == 0);
            k++;
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct shparse_list *list = (void *)1, *big_list = NULL;
    struct shparse_error err, big_err;
    size_t arena_size, mis, len;
    char *line, *arena;
    int r, big_r;

    if (size < 3)
        return 0;
    arena_size = (size_t)(data[0] | data[1] << 8) % 4096;
    mis = data[2] & 7;
    len = size - 3;
    line = malloc(len ? len : 1);
    memcpy(line, data + 3, len);
    arena = malloc(arena_size + mis + 1);

    r = shparse_parse(line, len, lookup, NULL, arena + mis, arena_size, &list, &err);
    if (r == 0) {
        check_list(list, arena + mis, arena_size);
    } else {
        FUZZ_CHECK(list == (void *)1);
        check_error(r, &err, line, len);
    }

    big_r = shparse_parse(line, len, lookup, NULL, big, BIG_ARENA, &big_list, &big_err);
    if (big_r == 0)
        check_list(big_list, big, BIG_ARENA);
    else
        check_error(big_r, &big_err, line, len);
    if (r != -SHPARSE_E_NOSPACE) {
        FUZZ_CHECK(r == big_r);
        if (r == 0)
            FUZZ_CHECK(same_list(list, big_list));
        else
            FUZZ_CHECK(err.pos == big_err.pos && strcmp(err.what, big_err.what) == 0);
    }
    if (big_r == 0) {
        check_plain(big_list, line, len);
        check_next(big_list, line, len);
    }

    free(arena);
    free(line);
    return 0;
}
