/* SPDX-License-Identifier: MIT */
/*
 * The shell's command-line parser: one line (or a whole script) of bytes
 * in, a command list out, laid out in a buffer the caller hands in. Pure
 * C, no system calls, no allocation: the same file is built into user
 * programs (the shell) and, with sanitizers, into the host test and the
 * host fuzzer.
 *
 * The language, a small subset of the POSIX shell's:
 *   - words, split at unquoted blanks (space, tab) and operators;
 *   - 'single quotes': every byte literal up to the next ';
 *   - "double quotes": $ expansions; a backslash escapes only $ ` " \ and
 *     newline (backslash-newline disappears), any other backslash stays;
 *   - outside quotes, a backslash makes the next byte literal, and
 *     backslash-newline disappears (a continued line);
 *   - $NAME, ${NAME} and the special $?, $$, $#, $0 to $9: the caller's
 *     lookup gives the value (NULL: empty). The value is not split into
 *     words and not expanded again. A $ before anything else is a plain $.
 *     An unquoted word that expands to nothing is dropped ($UNSET alone is
 *     no argument, "$UNSET" is an empty one);
 *   - redirections [N]< [N]> [N]>> with a file name word after (blanks
 *     between allowed), and [N]>&M, [N]<&M copying descriptor M (one digit,
 *     written right after the &): 2>&1. N is one digit written right
 *     before the operator, as the whole of its word (a2>f is the word a2
 *     and >f);
 *   - | pipelines; ; && || and newline join pipelines into the list;
 *     newlines after | && || are skipped, and blank lines are allowed;
 *   - # at the start of a word (after a blank or an operator) starts a
 *     comment to the end of the line.
 * No globbing, no tilde, no assignments (words as written), no field
 * splitting of values. Refused with SHPARSE_E_UNSUPPORTED rather than
 * misread: & alone (background), ( ), <<, <>, backquotes and $(.
 *
 * Invariants of a parse that succeeded (the host fuzzer checks each):
 * every pointer in the result lies inside the arena; each pipeline has at
 * least one command; argv[argc] is NULL; each command has at least one
 * argument or redirection in its source (argc may be 0 when every word
 * expanded to nothing: the shell treats it as an empty command); every
 * string is NUL-terminated and holds no NUL; the last pipeline's join is
 * SHPARSE_JOIN_END and no other's is. A failed parse leaves *out
 * untouched, fills *err and returns -code. Four codes mean the input
 * stopped too early rather than that it is wrong: SHPARSE_E_SQUOTE,
 * SHPARSE_E_DQUOTE, SHPARSE_E_BACKSLASH and SHPARSE_E_TRAILING_OP; an
 * interactive shell may read another line, append it after a '\n' and
 * parse the whole again.
 *
 * The parse runs twice over the input: once to check everything and
 * measure the result, then, only if that succeeded and the result fits,
 * once more to fill it in, which cannot fail (validate, then commit). So
 * the lookup is called twice per expansion and must give the same value
 * both times; if it does not, the parse fails with SHPARSE_E_CHANGED
 * rather than write past what was measured.
 */
#ifndef CAIRN_LIB_SHPARSE_H
#define CAIRN_LIB_SHPARSE_H

#include <stddef.h>

/* The longest variable name ${NAME} may give the lookup. */
#define SHPARSE_NAME_MAX 64

/* code, message: one table for the enum and shparse_strerror(). */
#define SHPARSE_ERROR_TABLE(X)                                                         \
    X(SHPARSE_OK, "no error")                                                          \
    X(SHPARSE_E_SQUOTE, "unterminated single quote")                                   \
    X(SHPARSE_E_DQUOTE, "unterminated double quote")                                   \
    X(SHPARSE_E_BACKSLASH, "backslash at the end of the input")                        \
    X(SHPARSE_E_BRACE, "unterminated ${")                                              \
    X(SHPARSE_E_BAD_NAME, "bad substitution: ${ takes a variable name and }")          \
    X(SHPARSE_E_NAME_TOO_LONG, "variable name too long")                               \
    X(SHPARSE_E_NUL, "NUL byte in the input")                                          \
    X(SHPARSE_E_MISSING_TARGET, "missing file name after redirection")                 \
    X(SHPARSE_E_EMPTY_TARGET, "redirection's file name expands to nothing")            \
    X(SHPARSE_E_BAD_DUP, "a single descriptor digit must follow >& or <&")             \
    X(SHPARSE_E_EMPTY_COMMAND, "missing command before operator")                      \
    X(SHPARSE_E_TRAILING_OP, "missing command after operator at the end of the input") \
    X(SHPARSE_E_UNSUPPORTED, "unsupported syntax")                                     \
    X(SHPARSE_E_NOSPACE, "command line too big for the parser's buffer")               \
    X(SHPARSE_E_CHANGED, "a variable's value changed during the parse")

enum shparse_code {
#define SHPARSE_ENUM(code, msg) code,
    SHPARSE_ERROR_TABLE(SHPARSE_ENUM)
#undef SHPARSE_ENUM
    SHPARSE_NCODES
};

/*
 * Where and why a parse failed. pos is the byte offset of the construct at
 * fault (the opening quote of an unterminated string, the operator with
 * no command or no file name after it, the $ of a bad substitution),
 * line and col the same from 1 (lines end at '\n'). what names the
 * operator or construct when there is one ("|", "&&", "2>", "$(" ...),
 * else it is "".
 */
struct shparse_error {
    enum shparse_code code;
    size_t pos;
    size_t line;
    size_t col;
    char what[4];
};

enum shparse_redir_kind {
    SHPARSE_REDIR_IN,     /* fd < path */
    SHPARSE_REDIR_OUT,    /* fd > path: create or truncate */
    SHPARSE_REDIR_APPEND, /* fd >> path: create or append */
    SHPARSE_REDIR_DUP,    /* fd >& dup_fd or fd <& dup_fd: fd becomes a copy of dup_fd */
};

struct shparse_redir {
    enum shparse_redir_kind kind;
    int fd;     /* 0 to 9: 0 for < and <&, 1 for > >> >& unless a digit was written */
    int dup_fd; /* 0 to 9, for SHPARSE_REDIR_DUP; else -1 */
    char *path; /* the file name (empty only if quoted: > ""); NULL for DUP */
};

/* One program of a pipeline: its argv and its redirections, applied in order. */
struct shparse_cmd {
    size_t argc;
    char **argv; /* argc words, then NULL */
    size_t nredirs;
    struct shparse_redir *redirs;
};

/* How a pipeline's successor runs: always (;, newline), if it succeeded (&&), if it failed (||). */
enum shparse_join {
    SHPARSE_JOIN_END, /* the last pipeline */
    SHPARSE_JOIN_SEQ,
    SHPARSE_JOIN_AND,
    SHPARSE_JOIN_OR,
};

/*
 * next is the byte offset, in the input, just past the ; && || or newline
 * that ends the pipeline (the input's length for the last one): where the
 * rest of the list starts. A shell that expands each pipeline's variables
 * only when it runs (so that `cd /; echo $PWD` sees the new PWD) parses
 * the input once to check it all, then parses again from next after each
 * pipeline and runs the first pipeline of that.
 */
struct shparse_pipeline {
    size_t ncmds; /* at least 1; 2 or more are joined by pipes */
    struct shparse_cmd *cmds;
    enum shparse_join join;
    size_t next;
};

/* The result: npipelines is 0 for a blank or comment-only line. */
struct shparse_list {
    size_t npipelines;
    struct shparse_pipeline *pipelines;
};

/*
 * The value of variable name (NUL-terminated, at most SHPARSE_NAME_MAX
 * bytes: a name of letters, digits and _, or one of ? $ # 0-9), or NULL
 * for an unset one. The value must stay valid and unchanged until
 * shparse_parse returns.
 */
typedef const char *(*shparse_lookup_fn)(void *ctx, const char *name);

/*
 * Parses the len bytes at line into the arena_size bytes at arena and sets
 * *out to the list, which lives in the arena (any alignment; a few
 * hundred bytes serve a typical line). lookup may be NULL: every variable
 * is then unset. Returns 0, or -code with *err filled in (err may be NULL).
 */
int shparse_parse(const char *line, size_t len, shparse_lookup_fn lookup, void *ctx, void *arena,
                  size_t arena_size, struct shparse_list **out, struct shparse_error *err);

/* The message of a code ("unterminated single quote"); never NULL. */
const char *shparse_strerror(int code);

#endif
