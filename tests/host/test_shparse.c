// SPDX-License-Identifier: MIT
/*
 * Tests for the shell's command-line parser (lib/shparse/shparse.c).
 *
 * Most cases are a table: a command line and the structure it must give,
 * written back as text by render() (each argument in brackets, a
 * redirection as FD>[path], FD>>[path], FD<[path] or FD>&M, commands
 * joined by " | ", pipelines by " ; ", " && ", " || "), or the error it
 * must give (code, byte offset, operator). Every line is parsed from a
 * heap copy of exactly its length into a heap arena of exactly the size
 * asked for, so a read or write outside either is an ASan report. The
 * rest: arenas too small by every byte and at every misalignment, a
 * lookup that changes its answers between the passes, line and column of
 * errors in a script, NUL bytes, the message table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "shparse/shparse.h"

/* --- a lookup over a fixed table -------------------------------------------------------- */

static const char *const vars[][2] = {
    {"HOME", "/home/u"}, {"?", "1"},   {"$", "42"},   {"#", "2"},     {"1", "one"},
    {"A", "x"},          {"A_1", "y"}, {"EMPTY", ""}, {"SP", "a  b"}, {"META", "$A;|'\"\\"},
};

static unsigned lookups;

static const char *
lookup(void *ctx, const char *name)
{
    (void)ctx;
    lookups++;
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        if (strcmp(vars[i][0], name) == 0)
            return vars[i][1];
    }
    return NULL;
}

/* --- parsing from exactly-sized heap copies ---------------------------------------------- */

#define ARENA 8192

struct parse {
    int r;
    struct shparse_list *list;
    struct shparse_error err;
    char *line;
    char *arena;
};

static void
parse_bytes(struct parse *ps, const char *line, size_t len, size_t arena_size, size_t misalign)
{
    ps->line = malloc(len ? len : 1);
    memcpy(ps->line, line, len);
    ps->arena = malloc(arena_size + misalign + 1);
    ps->list = NULL;
    memset(&ps->err, 0, sizeof(ps->err));
    ps->r = shparse_parse(ps->line, len, lookup, NULL, ps->arena + misalign, arena_size, &ps->list,
                          &ps->err);
}

static void
parse_free(struct parse *ps)
{
    free(ps->line);
    free(ps->arena);
}

static void
cat(char *buf, size_t size, const char *s)
{
    size_t n = strlen(buf);

    snprintf(buf + n, size - n, "%s", s);
}

/* The list as text (see the file comment). */
static void
render(const struct shparse_list *l, char *buf, size_t size)
{
    static const char *const joins[] = {"", " ; ", " && ", " || "};
    char tmp[64];

    buf[0] = '\0';
    for (size_t p = 0; p < l->npipelines; p++) {
        const struct shparse_pipeline *pl = &l->pipelines[p];

        for (size_t c = 0; c < pl->ncmds; c++) {
            const struct shparse_cmd *cmd = &pl->cmds[c];
            const char *sep = "";

            if (c)
                cat(buf, size, " | ");
            for (size_t a = 0; a < cmd->argc; a++) {
                cat(buf, size, sep);
                cat(buf, size, "[");
                cat(buf, size, cmd->argv[a]);
                cat(buf, size, "]");
                sep = " ";
            }
            if (cmd->argv[cmd->argc] != NULL)
                cat(buf, size, "<argv not NULL-terminated>");
            for (size_t r = 0; r < cmd->nredirs; r++) {
                const struct shparse_redir *rd = &cmd->redirs[r];

                cat(buf, size, sep);
                sep = " ";
                switch (rd->kind) {
                case SHPARSE_REDIR_IN:
                    snprintf(tmp, sizeof(tmp), "%d<[", rd->fd);
                    break;
                case SHPARSE_REDIR_OUT:
                    snprintf(tmp, sizeof(tmp), "%d>[", rd->fd);
                    break;
                case SHPARSE_REDIR_APPEND:
                    snprintf(tmp, sizeof(tmp), "%d>>[", rd->fd);
                    break;
                case SHPARSE_REDIR_DUP:
                    snprintf(tmp, sizeof(tmp), "%d>&%d", rd->fd, rd->dup_fd);
                    break;
                }
                cat(buf, size, tmp);
                if (rd->kind != SHPARSE_REDIR_DUP) {
                    cat(buf, size, rd->path);
                    cat(buf, size, "]");
                }
            }
        }
        if ((pl->join == SHPARSE_JOIN_END) != (p + 1 == l->npipelines))
            cat(buf, size, "<bad join>");
        cat(buf, size, joins[pl->join]);
    }
}

/* Parses line and compares its rendering with want; prints both when they differ. */
static int
parses_as(const char *line, const char *want)
{
    struct parse ps;
    char got[1024];
    int ok;

    parse_bytes(&ps, line, strlen(line), ARENA, 0);
    if (ps.r != 0) {
        snprintf(got, sizeof(got), "error %d at %zu: %s", ps.r, ps.err.pos, shparse_strerror(ps.r));
    } else {
        render(ps.list, got, sizeof(got));
    }
    ok = strcmp(got, want) == 0;
    if (!ok)
        printf("  line <%s>\n    got  %s\n    want %s\n", line, got, want);
    parse_free(&ps);
    return ok;
}

/* Parses line, which must fail with code at pos, naming what. */
static int
fails_with(const char *line, size_t len, enum shparse_code code, size_t pos, const char *what)
{
    struct parse ps;
    int ok;

    parse_bytes(&ps, line, len, ARENA, 0);
    ok = ps.r == -(int)code && ps.err.code == code && ps.err.pos == pos &&
         strcmp(ps.err.what, what) == 0 && ps.list == NULL;
    if (!ok)
        printf("  line <%.*s>\n    got  %d at %zu what <%s>\n    want %d at %zu what <%s>\n",
               (int)len, line, ps.r, ps.err.pos, ps.err.what, -(int)code, pos, what);
    parse_free(&ps);
    return ok;
}

/* --- the tables --------------------------------------------------------------------------- */

static const char *const good[][2] = {
    /* words and blanks */
    {"", ""},
    {"   \t ", ""},
    {"ls", "[ls]"},
    {"  ls   -l\t/bin  ", "[ls] [-l] [/bin]"},
    {"a\tb", "[a] [b]"},
    /* single quotes: nothing inside is special */
    {"echo 'a b'", "[echo] [a b]"},
    {"echo '$A \\ \" | ; #'", "[echo] [$A \\ \" | ; #]"},
    {"echo ''", "[echo] []"},
    {"echo a'b'c", "[echo] [abc]"},
    {"echo 'a\nb'", "[echo] [a\nb]"},
    /* double quotes: $ expands, backslash escapes $ ` \" \\ only */
    {"echo \"a b\"", "[echo] [a b]"},
    {"echo \"$A\"", "[echo] [x]"},
    {"echo \"<$A>|;&\"", "[echo] [<x>|;&]"},
    {"echo \"\\$A \\\" \\\\ \\n\"", "[echo] [$A \" \\ \\n]"},
    {"echo \"\"", "[echo] []"},
    {"echo \"'$A'\"", "[echo] ['x']"},
    {"echo \"a\\\nb\"", "[echo] [ab]"},
    {"echo \"x\"'y'z", "[echo] [xyz]"},
    /* backslash outside quotes */
    {"echo a\\ b", "[echo] [a b]"},
    {"echo \\$A \\' \\\" \\\\ \\|", "[echo] [$A] ['] [\"] [\\] [|]"},
    {"echo \\#x", "[echo] [#x]"},
    {"echo a\\\nb", "[echo] [ab]"},
    {"echo a \\\n b", "[echo] [a] [b]"},
    {"echo \\ ", "[echo] [ ]"},
    /* expansion */
    {"echo $A", "[echo] [x]"},
    {"echo ${A}", "[echo] [x]"},
    {"echo $A_1 ${A}_1 $A-1", "[echo] [y] [x_1] [x-1]"},
    {"echo $?", "[echo] [1]"},
    {"echo ${?} $$ $# $1 ${1}", "[echo] [1] [42] [2] [one] [one]"},
    {"echo $12", "[echo] [one2]"},
    {"echo $HOME/bin", "[echo] [/home/u/bin]"},
    {"echo $UNSET", "[echo]"},
    {"echo $UNSET a", "[echo] [a]"},
    {"echo \"$UNSET\"", "[echo] []"},
    {"echo $EMPTY''", "[echo] []"},
    {"echo $SP", "[echo] [a  b]"},
    {"echo $META", "[echo] [$A;|'\"\\]"},
    {"echo $ a$ $. $/ \"$\" \"$ \"", "[echo] [$] [a$] [$.] [$/] [$] [$ ]"},
    {"echo $", "[echo] [$]"},
    {"$UNSET", ""},
    {"$UNSET; echo", " ; [echo]"},
    /* comments */
    {"# all comment", ""},
    {"echo a # comment | x > y", "[echo] [a]"},
    {"echo a#b", "[echo] [a#b]"},
    {"echo '#' \"#\"", "[echo] [#] [#]"},
    {"#x\necho", "[echo]"},
    /* pipelines */
    {"a|b", "[a] | [b]"},
    {"cat f | grep x | wc -l", "[cat] [f] | [grep] [x] | [wc] [-l]"},
    {"a |\n b", "[a] | [b]"},
    /* lists */
    {"a;b", "[a] ; [b]"},
    {"a ; b ;", "[a] ; [b]"},
    {"a && b || c", "[a] && [b] || [c]"},
    {"a&&b||c;d", "[a] && [b] || [c] ; [d]"},
    {"a | b && c | d", "[a] | [b] && [c] | [d]"},
    {"a &&\n\n b", "[a] && [b]"},
    {"a\nb\n", "[a] ; [b]"},
    {"\n\na\n\n\nb", "[a] ; [b]"},
    {"a;\n", "[a]"},
    /* redirections */
    {"cat < in", "[cat] 0<[in]"},
    {"cat <in >out", "[cat] 0<[in] 1>[out]"},
    {"echo a >> log", "[echo] [a] 1>>[log]"},
    {"cmd 2> err", "[cmd] 2>[err]"},
    {"cmd 2>>err", "[cmd] 2>>[err]"},
    {"cmd 2>&1", "[cmd] 2>&1"},
    {"cmd >&2", "[cmd] 1>&2"},
    {"cmd 0<&3", "[cmd] 0>&3"},
    {"cmd > out 2>&1 | wc", "[cmd] 1>[out] 2>&1 | [wc]"},
    {"> f", "1>[f]"},
    {"a2>f", "[a2] 1>[f]"},
    {"12>f", "[12] 1>[f]"},
    {"echo 2 >f", "[echo] [2] 1>[f]"},
    {"echo \"2\">f", "[echo] [2] 1>[f]"},
    {"cat >\"my file\" <'in put'", "[cat] 1>[my file] 0<[in put]"},
    {"cat > $HOME/f", "[cat] 1>[/home/u/f]"},
    {"cat > \"\"", "[cat] 1>[]"},
    {"a >f b", "[a] [b] 1>[f]"},
    {"cmd 2>&1>f", "[cmd] 2>&1 1>[f]"},
};

struct bad {
    const char *line;
    enum shparse_code code;
    size_t pos;
    const char *what;
};

static const struct bad bad[] = {
    /* quotes and escapes */
    {"echo 'abc", SHPARSE_E_SQUOTE, 5, "'"},
    {"echo \"abc", SHPARSE_E_DQUOTE, 5, "\""},
    {"echo \"abc\\\"", SHPARSE_E_DQUOTE, 5, "\""},
    {"echo 'a' \"b", SHPARSE_E_DQUOTE, 9, "\""},
    {"echo abc\\", SHPARSE_E_BACKSLASH, 8, "\\"},
    {"\\", SHPARSE_E_BACKSLASH, 0, "\\"},
    /* substitutions */
    {"echo ${A", SHPARSE_E_BRACE, 5, "${"},
    {"echo ${", SHPARSE_E_BRACE, 5, "${"},
    {"echo ${}", SHPARSE_E_BAD_NAME, 5, "${"},
    {"echo ${A-x}", SHPARSE_E_BAD_NAME, 5, "${"},
    {"echo ${A:-x}", SHPARSE_E_BAD_NAME, 5, "${"},
    {"echo ${1x}", SHPARSE_E_BAD_NAME, 5, "${"},
    {"echo \"${ A}\"", SHPARSE_E_BAD_NAME, 6, "${"},
    /* redirections */
    {"cat >", SHPARSE_E_MISSING_TARGET, 4, ">"},
    {"cat > ;", SHPARSE_E_MISSING_TARGET, 4, ">"},
    {"cat 2>> | x", SHPARSE_E_MISSING_TARGET, 4, "2>>"},
    {"cat < > f", SHPARSE_E_MISSING_TARGET, 4, "<"},
    {"cat >\n f", SHPARSE_E_MISSING_TARGET, 4, ">"},
    {"cat > # f", SHPARSE_E_MISSING_TARGET, 4, ">"},
    {"cat > $UNSET", SHPARSE_E_EMPTY_TARGET, 4, ">"},
    {"cmd 2>&", SHPARSE_E_BAD_DUP, 4, "2>&"},
    {"cmd 2>&x", SHPARSE_E_BAD_DUP, 4, "2>&"},
    {"cmd 2>&12", SHPARSE_E_BAD_DUP, 4, "2>&"},
    {"cmd >&-", SHPARSE_E_BAD_DUP, 4, ">&"},
    {"cmd 2>& 1", SHPARSE_E_BAD_DUP, 4, "2>&"},
    /* empty commands and trailing operators */
    {"a | | b", SHPARSE_E_EMPTY_COMMAND, 4, "|"},
    {"| a", SHPARSE_E_EMPTY_COMMAND, 0, "|"},
    {"a ;; b", SHPARSE_E_EMPTY_COMMAND, 3, ";"},
    {"; a", SHPARSE_E_EMPTY_COMMAND, 0, ";"},
    {"a && || b", SHPARSE_E_EMPTY_COMMAND, 5, "||"},
    {"&& a", SHPARSE_E_EMPTY_COMMAND, 0, "&&"},
    {"a |; b", SHPARSE_E_EMPTY_COMMAND, 3, ";"},
    {"a\n; b", SHPARSE_E_EMPTY_COMMAND, 2, ";"},
    {"a |", SHPARSE_E_TRAILING_OP, 2, "|"},
    {"a &&", SHPARSE_E_TRAILING_OP, 2, "&&"},
    {"a || ", SHPARSE_E_TRAILING_OP, 2, "||"},
    {"a &&\n\n", SHPARSE_E_TRAILING_OP, 2, "&&"},
    {"a | # comment", SHPARSE_E_TRAILING_OP, 2, "|"},
    /* what the shell does not do */
    {"sleep 1 &", SHPARSE_E_UNSUPPORTED, 8, "&"},
    {"a & b", SHPARSE_E_UNSUPPORTED, 2, "&"},
    {"(a)", SHPARSE_E_UNSUPPORTED, 0, "("},
    {"a )", SHPARSE_E_UNSUPPORTED, 2, ")"},
    {"cat << EOF", SHPARSE_E_UNSUPPORTED, 4, "<<"},
    {"cat <> f", SHPARSE_E_UNSUPPORTED, 4, "<>"},
    {"echo `ls`", SHPARSE_E_UNSUPPORTED, 5, "`"},
    {"echo \"`ls`\"", SHPARSE_E_UNSUPPORTED, 6, "`"},
    {"echo $(ls)", SHPARSE_E_UNSUPPORTED, 5, "$("},
    {"echo \"$(ls)\"", SHPARSE_E_UNSUPPORTED, 6, "$("},
    /* the first error counts */
    {"a | | 'b", SHPARSE_E_EMPTY_COMMAND, 4, "|"},
    {"'a | | b", SHPARSE_E_SQUOTE, 0, "'"},
};

/* --- tests -------------------------------------------------------------------------------- */

TEST(lines_parse_into_the_expected_structure)
{
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CHECK(parses_as(good[i][0], good[i][1]));
}

TEST(bad_lines_fail_with_their_error_and_position)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(fails_with(bad[i].line, strlen(bad[i].line), bad[i].code, bad[i].pos, bad[i].what));
}

TEST(a_nul_byte_is_refused_wherever_it_is)
{
    CHECK(fails_with("echo a\0b", 8, SHPARSE_E_NUL, 6, ""));
    CHECK(fails_with("echo 'a\0b'", 10, SHPARSE_E_NUL, 7, ""));
    CHECK(fails_with("echo \"a\0b\"", 10, SHPARSE_E_NUL, 7, ""));
    CHECK(fails_with("echo \\\0", 7, SHPARSE_E_NUL, 6, ""));
    CHECK(fails_with("\0", 1, SHPARSE_E_NUL, 0, ""));
    /* In a comment it is ignored, as is everything else there. */
    struct parse ps;

    parse_bytes(&ps, "a # \0", 5, ARENA, 0);
    CHECK(ps.r == 0);
    parse_free(&ps);
}

TEST(an_incomplete_line_parses_once_the_next_line_is_appended)
{
    /* What an interactive shell does with these four codes: read on. */
    static const struct {
        const char *first, *rest, *want;
        struct bad err;
    } cases[] = {
        {"echo 'a", "b'", "[echo] [a\nb]", {NULL, SHPARSE_E_SQUOTE, 5, "'"}},
        {"echo \"a", "b\"", "[echo] [a\nb]", {NULL, SHPARSE_E_DQUOTE, 5, "\""}},
        {"echo a\\", "b", "[echo] [ab]", {NULL, SHPARSE_E_BACKSLASH, 6, "\\"}},
        {"a |", "b", "[a] | [b]", {NULL, SHPARSE_E_TRAILING_OP, 2, "|"}},
        {"a &&", "b", "[a] && [b]", {NULL, SHPARSE_E_TRAILING_OP, 2, "&&"}},
    };
    char joined[64];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK(fails_with(cases[i].first, strlen(cases[i].first), cases[i].err.code,
                         cases[i].err.pos, cases[i].err.what));
        snprintf(joined, sizeof(joined), "%s\n%s", cases[i].first, cases[i].rest);
        CHECK(parses_as(joined, cases[i].want));
    }
}

TEST(a_long_variable_name_is_refused)
{
    char line[SHPARSE_NAME_MAX + 16];

    memset(line, 'N', sizeof(line));
    line[0] = '$';
    CHECK(fails_with(line, SHPARSE_NAME_MAX + 2, SHPARSE_E_NAME_TOO_LONG, 0, "$"));
    /* Exactly SHPARSE_NAME_MAX bytes is a name (unset here). */
    line[SHPARSE_NAME_MAX + 1] = ' ';
    line[SHPARSE_NAME_MAX + 2] = 'x';
    line[SHPARSE_NAME_MAX + 3] = '\0';
    CHECK(parses_as(line, "[x]"));
}

TEST(errors_in_a_script_give_line_and_column)
{
    struct parse ps;
    const char *script = "echo a\necho b |\n\n  cat 'x\n";

    parse_bytes(&ps, script, strlen(script), ARENA, 0);
    CHECK(ps.r == -SHPARSE_E_SQUOTE);
    CHECK(ps.err.pos == 23);
    CHECK(ps.err.line == 4 && ps.err.col == 7);
    parse_free(&ps);

    parse_bytes(&ps, "a | | b", 7, ARENA, 0);
    CHECK(ps.err.line == 1 && ps.err.col == 5);
    parse_free(&ps);
}

/* The arena size a line needs, found by trying every size up from 0. */
static size_t
arena_needed(const char *line, size_t misalign)
{
    for (size_t size = 0;; size++) {
        struct parse ps;
        int r;

        parse_bytes(&ps, line, strlen(line), size, misalign);
        r = ps.r;
        parse_free(&ps);
        if (r == 0)
            return size;
        if (r != -SHPARSE_E_NOSPACE)
            return SIZE_MAX;
    }
}

TEST(a_line_too_big_for_the_arena_is_refused_at_every_size_and_alignment)
{
    const char *lines[] = {"", "a",
                           "cat < in | grep -v x > out 2>&1 && echo $HOME \"$SP\" || echo $? ; ls",
                           "a|b|c|d|e|f", "> a > b > c"};

    for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
        for (size_t mis = 0; mis < 8; mis++) {
            size_t need = arena_needed(lines[l], mis);
            struct parse ps;

            CHECK(need != SIZE_MAX);
            /* The list and its strings: never less than that, never much more. */
            CHECK(need >= sizeof(struct shparse_list) + (8 - mis) % 8);
            CHECK(need <= sizeof(struct shparse_list) + 7 + 64 * strlen(lines[l]) + 256);
            /* Every larger size works too; the error for a smaller one is at 0. */
            parse_bytes(&ps, lines[l], strlen(lines[l]), need + 1, mis);
            CHECK(ps.r == 0);
            parse_free(&ps);
            if (need) {
                parse_bytes(&ps, lines[l], strlen(lines[l]), need - 1, mis);
                CHECK(ps.r == -SHPARSE_E_NOSPACE && ps.err.pos == 0);
                parse_free(&ps);
            }
        }
    }
}

TEST(a_huge_value_is_refused_not_written)
{
    struct parse ps;

    /* 600 expansions of "a  b": 3000 bytes of strings into a 1000-byte arena. */
    char line[2000];
    size_t n = 0;

    for (int i = 0; i < 600 && n + 4 < sizeof(line); i++)
        n += (size_t)snprintf(line + n, sizeof(line) - n, "$SP");
    parse_bytes(&ps, line, n, 1000, 3);
    CHECK(ps.r == -SHPARSE_E_NOSPACE);
    parse_free(&ps);
}

/* A lookup whose answers change from call to call, as a careless caller's might. */
static const char *
fickle(void *ctx, const char *name)
{
    unsigned *calls = ctx;
    static const char *const answers[] = {"", "xxxxxxxx", "y", NULL};

    (void)name;
    return answers[(*calls)++ % 4];
}

TEST(a_lookup_that_changes_its_answers_cannot_overflow_the_arena)
{
    /* Each line is parsed into an arena of exactly the size it asked for
     * with a fixed lookup; answers that change between the passes must
     * be refused or fit, never written past it (ASan watches). */
    const char *lines[] = {"$A $B c", "$A $B $C $D", "x > $A", "$A | $B | $C", "\"$A\" $B"};
    unsigned changed = 0;

    for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
        for (unsigned start = 0; start < 4; start++) {
            for (size_t size = 0; size < 512; size += 8) {
                unsigned calls = start;
                struct shparse_list *list = NULL;
                struct shparse_error err;
                char *arena = malloc(size + 1);
                int r = shparse_parse(lines[l], strlen(lines[l]), fickle, &calls, arena, size,
                                      &list, &err);

                CHECK(r == 0 || r == -SHPARSE_E_CHANGED || r == -SHPARSE_E_NOSPACE ||
                      r == -SHPARSE_E_EMPTY_TARGET);
                CHECK(r == 0 || err.code == (enum shparse_code) - r);
                CHECK((r == 0) == (list != NULL));
                changed += r == -SHPARSE_E_CHANGED;
                free(arena);
            }
        }
    }
    /* The case is real: some answers did change between the passes. */
    CHECK(changed > 0);
}

TEST(the_lookup_sees_each_name_alone)
{
    struct parse ps;

    lookups = 0;
    const char *line = "echo $HOME${A}x \"$?\" '$A' \\$A";

    parse_bytes(&ps, line, strlen(line), ARENA, 0);
    CHECK(ps.r == 0);
    /* Three expansions, looked up in each of the two passes. */
    CHECK(lookups == 6);
    parse_free(&ps);
}

TEST(a_null_lookup_leaves_every_variable_unset_and_err_may_be_null)
{
    char arena[512];
    struct shparse_list *list = NULL;

    CHECK(shparse_parse("echo $A \"$HOME\"", strlen("echo $A \"$HOME\""), NULL, NULL, arena,
                        sizeof(arena), &list, NULL) == 0);
    CHECK(list && list->npipelines == 1 && list->pipelines[0].cmds[0].argc == 2);
    CHECK(strcmp(list->pipelines[0].cmds[0].argv[1], "") == 0);
    CHECK(shparse_parse("a |", 3, NULL, NULL, arena, sizeof(arena), &list, NULL) ==
          -SHPARSE_E_TRAILING_OP);
}

TEST(an_empty_list_has_no_pipelines)
{
    struct parse ps;

    parse_bytes(&ps, "  # nothing", 11, ARENA, 0);
    CHECK(ps.r == 0 && ps.list->npipelines == 0 && ps.list->pipelines == NULL);
    parse_free(&ps);
}

TEST(commands_without_redirections_have_no_redirection_array)
{
    struct parse ps;

    parse_bytes(&ps, "a | b > f", 9, ARENA, 0);
    CHECK(ps.r == 0);
    CHECK(ps.list->pipelines[0].cmds[0].nredirs == 0);
    CHECK(ps.list->pipelines[0].cmds[0].redirs == NULL);
    CHECK(ps.list->pipelines[0].cmds[1].nredirs == 1);
    CHECK(ps.list->pipelines[0].cmds[1].redirs[0].dup_fd == -1);
    parse_free(&ps);
}

TEST(every_code_has_its_own_message)
{
    for (int c = 0; c < SHPARSE_NCODES; c++) {
        CHECK(shparse_strerror(c) != NULL && shparse_strerror(c)[0] != '\0');
        CHECK(shparse_strerror(-c) == shparse_strerror(c));
        for (int d = 0; d < c; d++)
            CHECK(strcmp(shparse_strerror(c), shparse_strerror(d)) != 0);
    }
    CHECK(strcmp(shparse_strerror(SHPARSE_NCODES), "unknown error") == 0);
    CHECK(strcmp(shparse_strerror(-SHPARSE_E_SQUOTE), "unterminated single quote") == 0);
}

TEST(each_pipeline_says_where_the_rest_of_the_list_starts)
{
    static const char line[] = "a ; b && c||d\n\ne | f;";
    struct parse ps, rest;

    parse_bytes(&ps, line, strlen(line), ARENA, 0);
    CHECK(ps.r == 0 && ps.list->npipelines == 5);
    if (ps.r != 0 || ps.list->npipelines != 5)
        return;
    CHECK(ps.list->pipelines[0].next == 3);  /* past ";" */
    CHECK(ps.list->pipelines[1].next == 8);  /* past "&&" */
    CHECK(ps.list->pipelines[2].next == 12); /* past "||" */
    CHECK(ps.list->pipelines[3].next == 14); /* past the first newline */
    CHECK(ps.list->pipelines[4].next == strlen(line));
    /* Parsed again from next, the input is the rest of the list. */
    parse_bytes(&rest, line + 8, strlen(line) - 8, ARENA, 0);
    CHECK(rest.r == 0 && rest.list->npipelines == 3);
    CHECK(rest.r == 0 && strcmp(rest.list->pipelines[0].cmds[0].argv[0], "c") == 0);
    CHECK(rest.r == 0 && rest.list->pipelines[0].join == SHPARSE_JOIN_OR);
    CHECK(rest.r == 0 && rest.list->pipelines[2].ncmds == 2);
    parse_free(&rest);
    parse_free(&ps);
}

int
main(void)
{
    RUN(lines_parse_into_the_expected_structure);
    RUN(bad_lines_fail_with_their_error_and_position);
    RUN(a_nul_byte_is_refused_wherever_it_is);
    RUN(an_incomplete_line_parses_once_the_next_line_is_appended);
    RUN(a_long_variable_name_is_refused);
    RUN(errors_in_a_script_give_line_and_column);
    RUN(a_line_too_big_for_the_arena_is_refused_at_every_size_and_alignment);
    RUN(a_huge_value_is_refused_not_written);
    RUN(a_lookup_that_changes_its_answers_cannot_overflow_the_arena);
    RUN(the_lookup_sees_each_name_alone);
    RUN(a_null_lookup_leaves_every_variable_unset_and_err_may_be_null);
    RUN(an_empty_list_has_no_pipelines);
    RUN(commands_without_redirections_have_no_redirection_array);
    RUN(every_code_has_its_own_message);
    RUN(each_pipeline_says_where_the_rest_of_the_list_starts);
    return check_exit();
}
