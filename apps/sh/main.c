// SPDX-License-Identifier: MIT
/*
 * The shell: reading commands and running them a pipeline at a time.
 *
 *   sh                  commands from descriptor 0, with a prompt when it
 *                       is a terminal
 *   sh FILE [ARGS...]   commands from FILE ($0 FILE, $1... ARGS)
 *   sh -c CMD [NAME [ARGS...]]   the one command CMD ($0 NAME)
 *
 * Input is read with read(2) a line at a time (the console edits the line
 * in canonical mode; a line may also come in several reads, or end at end
 * of file without a newline). The line's newline is dropped and the line
 * parsed; when the parser says it stopped too early (an open quote, a
 * backslash or an operator at the end), the next line is appended after
 * a '\n' (with a "> " prompt) and the whole parsed again. A script is run
 * the same way, line by line rather than parsed whole: a line's exports
 * and cd are then seen by the next line's $VAR, an error names the line
 * it is on, and any length of script runs in the one line buffer.
 *
 * Variables are expanded by the parser. So that a pipeline sees what the
 * ones before it did (`cd /; echo $PWD`, `false; echo $?`), the text is
 * parsed once to check it all, then the rest of it is parsed again after
 * each pipeline from where the next starts (shparse_pipeline.next), and
 * only the first pipeline of each parse runs.
 *
 * Nothing a user types ends the shell but exit or end of input: every
 * bound (line, pipeline, arena) is checked and reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

static char sh_arena[SH_ARENA_SIZE];

void
sh_printf(int fd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;
    size_t len, off = 0;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
    while (off < len) {
        ssize_t w = write(fd, buf + off, len - off);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

void
sh_error(struct sh *sh, const char *fmt, ...)
{
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (sh->script_line)
        sh_printf(2, "sh: %s: line %d: %s\n", sh->script, sh->script_line, msg);
    else
        sh_printf(2, "sh: %s\n", msg);
}

const char *
sh_strerror(int err)
{
    return err == ENOENT ? "not found" : strerror(err);
}

/* The parser's lookup: the special parameters, else the environment. */
static const char *
sh_lookup(void *ctx, const char *name)
{
    struct sh *sh = ctx;

    if (name[0] && !name[1]) {
        switch (name[0]) {
        case '?':
            return sh->buf_status;
        case '$':
            return sh->buf_pid;
        case '#':
            return sh->buf_nargs;
        case '0':
            return sh->arg0;
        default:
            if (name[0] >= '1' && name[0] <= '9')
                return name[0] - '0' <= sh->nargs ? sh->args[name[0] - '1'] : NULL;
        }
    }
    return getenv(name);
}

static int
sh_incomplete(int code)
{
    return code == SHPARSE_E_SQUOTE || code == SHPARSE_E_DQUOTE || code == SHPARSE_E_BACKSLASH ||
           code == SHPARSE_E_TRAILING_OP;
}

static int
sh_parse(struct sh *sh, const char *text, size_t len, struct shparse_list **list,
         struct shparse_error *err)
{
    snprintf(sh->buf_status, sizeof(sh->buf_status), "%d", sh->status);
    return shparse_parse(text, len, sh_lookup, sh, sh_arena, sizeof(sh_arena), list, err);
}

/* A parse error: its message and column (line and column of a continued
 * command), status 2. pos is the error's offset in the whole text. */
static void
sh_parse_failed(struct sh *sh, const char *text, size_t pos, const struct shparse_error *err)
{
    size_t line = 1, col = 1;
    char what[16] = "";

    for (size_t i = 0; i < pos; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (err->what[0])
        snprintf(what, sizeof(what), " (%s)", err->what);
    if (line > 1)
        sh_error(sh, "syntax error at line %zu, column %zu: %s%s", line, col,
                 shparse_strerror(err->code), what);
    else
        sh_error(sh, "syntax error at column %zu: %s%s", col, shparse_strerror(err->code), what);
    sh->status = 2;
}

int
sh_run_text(struct sh *sh, const char *text, size_t len, int final)
{
    struct shparse_list *list;
    struct shparse_error err;
    size_t off = 0;
    int r, run = 1;

    r = sh_parse(sh, text, len, &list, &err);
    if (r < 0) {
        if (!final && sh_incomplete(-r))
            return 1;
        sh_parse_failed(sh, text, err.pos, &err);
        return 0;
    }
    while (list->npipelines > 0) {
        const struct shparse_pipeline *pl = &list->pipelines[0];
        enum shparse_join join = pl->join;

        if (run)
            sh->status = sh_exec_pipeline(sh, pl);
        if (sh->exiting || join == SHPARSE_JOIN_END)
            break;
        /* A skipped pipeline leaves $? alone, so a || after a failed &&
         * still sees the failure. */
        run = join == SHPARSE_JOIN_SEQ || (join == SHPARSE_JOIN_AND) == (sh->status == 0);
        off += pl->next;
        r = sh_parse(sh, text + off, len - off, &list, &err);
        if (r < 0) {
            /* Only a value that changed can fail here (a file name that
             * now expands to nothing, a line that no longer fits). */
            sh_parse_failed(sh, text, off + err.pos, &err);
            break;
        }
    }
    return 0;
}

/* --- reading -------------------------------------------------------------------------------- */

struct sh_reader {
    int fd;
    int eof;
    size_t pos, len;
    char buf[512];
};

/* The next line into dst (at most cap bytes, no newline, no NUL added):
 * 1 and *got for a line, 0 at end of input with nothing read, -1 for a
 * line longer than cap (read on to its end and dropped). */
static int
sh_read_line(struct sh_reader *r, char *dst, size_t cap, size_t *got)
{
    size_t n = 0;
    int too_long = 0, any = 0;

    for (;;) {
        if (r->pos == r->len) {
            ssize_t k;

            if (r->eof)
                break;
            k = read(r->fd, r->buf, sizeof(r->buf));
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                r->eof = 1;
                break;
            }
            r->pos = 0;
            r->len = (size_t)k;
        }
        any = 1;
        char c = r->buf[r->pos++];
        if (c == '\n')
            break;
        if (n < cap)
            dst[n++] = c;
        else
            too_long = 1;
    }
    *got = n;
    if (!any)
        return 0;
    return too_long ? -1 : 1;
}

static void
sh_prompt(struct sh *sh, int more)
{
    char cwd[512];

    if (!sh->interactive)
        return;
    if (sh->jobctl)
        sh_sys_terminal_mode(0);
    if (more) {
        sh_printf(2, "> ");
        return;
    }
    if (!getcwd(cwd, sizeof(cwd)))
        strcpy(cwd, "?");
    sh_printf(2, "cairn:%s$ ", cwd);
}

/* Reads and runs commands from fd until end of input or exit. */
static void
sh_run_fd(struct sh *sh, int fd)
{
    static struct sh_reader reader;
    static char text[SH_LINE_MAX + 1];
    size_t n = 0, got;
    int line = 0, first_line = 0;

    reader.fd = fd;
    reader.eof = 0;
    reader.pos = reader.len = 0;
    while (!sh->exiting) {
        int r;

        sh_prompt(sh, n > 0);
        if (n > 0)
            text[n++] = '\n'; /* room was kept for it */
        r = sh_read_line(&reader, text + n, SH_LINE_MAX - n, &got);
        if (r == 0) {
            if (n > 0) {
                /* End of input inside a command: say what is open. */
                n--;
                sh->script_line = sh->script ? first_line : 0;
                sh_run_text(sh, text, n, 1);
            }
            break;
        }
        line++;
        if (n == 0)
            first_line = line;
        if (r < 0) {
            sh->script_line = sh->script ? first_line : 0;
            sh_error(sh, "command longer than %d bytes: not run", SH_LINE_MAX);
            sh->status = 2;
            n = 0;
            continue;
        }
        n += got;
        sh->script_line = sh->script ? first_line : 0;
        if (sh_run_text(sh, text, n, 0)) {
            if (n + 1 < SH_LINE_MAX)
                continue; /* incomplete: read the next line after a '\n' */
            sh_error(sh, "command longer than %d bytes: not run", SH_LINE_MAX);
            sh->status = 2;
        }
        n = 0;
    }
    sh->script_line = 0;
}

static void
sh_usage(void)
{
    sh_printf(2, "usage: sh [FILE [ARGS...]] | sh -c COMMAND [NAME [ARGS...]]\n");
}

int
main(int argc, char **argv)
{
    static struct sh sh;

    sh_sys_init();
    sh.arg0 = argc > 0 ? argv[0] : "sh";
    snprintf(sh.buf_pid, sizeof(sh.buf_pid), "%ld", (long)getpid());
    if (argc > 1 && strcmp(argv[1], "-c") == 0) {
        if (argc < 3) {
            sh_usage();
            return 2;
        }
        if (argc > 3) {
            sh.arg0 = argv[3];
            sh.nargs = argc - 4;
            sh.args = argv + 4;
        }
        snprintf(sh.buf_nargs, sizeof(sh.buf_nargs), "%d", sh.nargs);
        if (strlen(argv[2]) > SH_LINE_MAX) {
            sh_error(&sh, "command longer than %d bytes: not run", SH_LINE_MAX);
            return 2;
        }
        sh_run_text(&sh, argv[2], strlen(argv[2]), 1);
        return sh.status;
    }
    if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
        sh_usage();
        return 2;
    }
    if (argc > 1) {
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);

        if (fd < 0) {
            sh_printf(2, "sh: %s: %s\n", argv[1], sh_strerror(errno));
            return 127;
        }
        sh.arg0 = sh.script = argv[1];
        sh.nargs = argc - 2;
        sh.args = argv + 2;
        snprintf(sh.buf_nargs, sizeof(sh.buf_nargs), "%d", sh.nargs);
        sh_run_fd(&sh, fd);
        close(fd);
        return sh.status;
    }
    snprintf(sh.buf_nargs, sizeof(sh.buf_nargs), "0");
    sh.interactive = isatty(0);
    if (sh.interactive) {
        /* Job control: the shell leads a group of its own, and each
         * pipeline gets one that becomes the terminal's foreground while
         * it runs, so ^C ends the pipeline and not the shell. */
        sh.pgid = getpid();
        if (setpgid(0, 0) == 0 && sh_sys_set_foreground(sh.pgid) == 0)
            sh.jobctl = 1;
    }
    sh_run_fd(&sh, 0);
    if (sh.interactive && !sh.exiting)
        sh_printf(2, "\n");
    return sh.status;
}
