// SPDX-License-Identifier: MIT
/*
 * Running one pipeline. Programs start with posix_spawn: their pipes and
 * redirections are file actions (an open is the action addopen), so the
 * shell's own descriptors never change for them. A builtin runs in the
 * shell itself, its pipes and redirections put on the shell's descriptors
 * with dup2 for just that time and restored after, in reverse order (so a
 * saved copy that a later redirection covered comes back first).
 *
 * Order: every program of the pipeline is started first, then the
 * builtins run in order, then the shell waits for the programs. So in
 * `help | cat` cat is already reading when help writes. A builtin whose
 * output fills a pipe that another builtin of the same pipeline should
 * read would wait forever; only help writes much, less than a pipe holds.
 *
 * With job control (sh->jobctl) the programs of a pipeline share a new
 * process group, the first one's pid, which is the terminal's foreground
 * (with ^C on as a signal) until the last has ended; then the shell's
 * group takes it back and turns ^C off again.
 *
 * Status: a program's exit status, 128 + the signal for one ended by a
 * signal; 127 for a command not found, 126 for one that could not be
 * started, 1 for a redirection that failed. The pipeline's is its last
 * command's.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sh.h"

extern char **environ;

#define SH_PATH_MAX 1024
#define SH_EMPTY    (-2) /* a command of redirections alone */
#define SH_EXTERNAL (-1)

struct sh_job {
    int builtin; /* its index, SH_EMPTY or SH_EXTERNAL */
    int in, out; /* the shell's pipe ends for its 0 and 1, or -1 */
    pid_t pid;   /* a started program, or -1 */
    int status;
};

/* Where the program name runs from: name itself when it holds a '/', else
 * the first regular file of that name in a PATH directory ("/bin" when
 * PATH is unset or empty; an empty entry is the working directory).
 * 0, or an errno value. */
static int
sh_find_program(const char *name, char *path, size_t cap)
{
    const char *dirs = getenv("PATH");
    struct stat st;

    if (strchr(name, '/')) {
        if (stat(name, &st) < 0)
            return errno;
        if (S_ISDIR(st.st_mode))
            return EISDIR;
        if (strlen(name) >= cap)
            return ENAMETOOLONG;
        strcpy(path, name);
        return 0;
    }
    if (!dirs || !*dirs)
        dirs = "/bin";
    for (;;) {
        size_t len = strcspn(dirs, ":");
        int n = len ? snprintf(path, cap, "%.*s/%s", (int)len, dirs, name)
                    : snprintf(path, cap, "%s", name);

        if (n > 0 && (size_t)n < cap && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            return 0;
        if (!dirs[len])
            return ENOENT;
        dirs += len + 1;
    }
}

static int
sh_redir_flags(const struct shparse_redir *r)
{
    switch (r->kind) {
    case SHPARSE_REDIR_IN:
        return O_RDONLY;
    case SHPARSE_REDIR_OUT:
        return O_WRONLY | O_CREAT | O_TRUNC;
    default:
        return O_WRONLY | O_CREAT | O_APPEND;
    }
}

/* After a refused spawn: which of the command's redirections, if any, is
 * at fault? Each file is opened as the action would (but an output file
 * without O_TRUNC) and closed again, each copied descriptor looked for;
 * the first that fails is named. Else the program. The status to set. */
static int
sh_spawn_failed(struct sh *sh, const struct shparse_cmd *c, int in, int out, int err)
{
    unsigned made = (in >= 0 ? 1u : 0) | (out >= 0 ? 2u : 0); /* descriptors the actions set */

    for (size_t i = 0; i < c->nredirs; i++) {
        const struct shparse_redir *r = &c->redirs[i];
        int fd;

        if (r->kind == SHPARSE_REDIR_DUP) {
            /* A copy of a descriptor that neither an earlier action nor
             * the shell has open. */
            if (!(made & (1u << r->dup_fd)) && fcntl(r->dup_fd, F_GETFD) < 0) {
                sh_error(sh, "%d: %s", r->dup_fd, strerror(EBADF));
                return 1;
            }
            made |= 1u << r->fd;
            continue;
        }
        made |= 1u << r->fd;
        fd = open(r->path, sh_redir_flags(r) & ~O_TRUNC, 0644);
        if (fd < 0) {
            sh_error(sh, "%s: %s", r->path, sh_strerror(errno));
            return 1;
        }
        close(fd);
    }
    sh_error(sh, "%s: %s", c->argv[0], sh_strerror(err));
    return err == ENOENT ? 127 : 126;
}

/* Starts command c reading in and writing out (pipe ends, or -1) in
 * process group *pgid (0: a new one, whose number is then stored there).
 * 0 with *pid, or the status of a command that did not start. */
static int
sh_spawn(struct sh *sh, const struct shparse_cmd *c, int in, int out, pid_t *pgid, pid_t *pid)
{
    static char path[SH_PATH_MAX];
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int err;

    err = sh_find_program(c->argv[0], path, sizeof(path));
    if (err == ENOENT && !strchr(c->argv[0], '/')) {
        sh_error(sh, "%s: command not found", c->argv[0]);
        return 127;
    }
    if (err) {
        sh_error(sh, "%s: %s", c->argv[0], sh_strerror(err));
        return err == ENOENT ? 127 : 126;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    if (in >= 0)
        err = posix_spawn_file_actions_adddup2(&fa, in, 0);
    if (!err && out >= 0)
        err = posix_spawn_file_actions_adddup2(&fa, out, 1);
    for (size_t i = 0; !err && i < c->nredirs; i++) {
        const struct shparse_redir *r = &c->redirs[i];

        if (r->kind == SHPARSE_REDIR_DUP)
            err = posix_spawn_file_actions_adddup2(&fa, r->dup_fd, r->fd);
        else
            err = posix_spawn_file_actions_addopen(&fa, r->fd, r->path, sh_redir_flags(r), 0644);
    }
    if (err) {
        posix_spawn_file_actions_destroy(&fa);
        sh_error(sh, "%s: too many redirections", c->argv[0]);
        return 1;
    }
    if (sh->jobctl) {
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, *pgid);
    }
    sh_sys_spawnattr(&attr);
    err = posix_spawn(pid, path, &fa, &attr, c->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (err && sh_sys_server_gone(err)) {
        sh_error(sh, "the process server was restarted: this shell ends, a new one takes over");
        exit(1);
    }
    if (err)
        return sh_spawn_failed(sh, c, in, out, err);
    if (sh->jobctl && *pgid == 0) {
        *pgid = *pid;
        sh_sys_terminal_mode(1);
        sh_sys_set_foreground(*pgid);
    }
    return 0;
}

/* --- builtins' descriptors ---------------------------------------------------------------- */

struct sh_saved {
    int fd;
    int copy; /* a copy of what fd was, or -1: fd was not open */
};

#define SH_SAVED_MAX 12

static void
sh_save(struct sh_saved *saved, int *n, int fd)
{
    for (int i = 0; i < *n; i++) {
        if (saved[i].fd == fd)
            return;
    }
    saved[*n].fd = fd;
    saved[*n].copy = dup(fd);
    if (saved[*n].copy >= 0)
        fcntl(saved[*n].copy, F_SETFD, FD_CLOEXEC);
    (*n)++;
}

static void
sh_restore(struct sh_saved *saved, int n)
{
    while (n-- > 0) {
        if (saved[n].copy >= 0) {
            dup2(saved[n].copy, saved[n].fd);
            close(saved[n].copy);
        } else {
            close(saved[n].fd);
        }
    }
}

/* Puts a builtin's pipe ends and redirections on the shell's own
 * descriptors, saving what they were. 0, or -1 with a message. */
static int
sh_redirect_here(struct sh *sh, const struct shparse_cmd *c, int in, int out,
                 struct sh_saved *saved, int *n)
{
    if (in >= 0) {
        sh_save(saved, n, 0);
        dup2(in, 0);
    }
    if (out >= 0) {
        sh_save(saved, n, 1);
        dup2(out, 1);
    }
    for (size_t i = 0; i < c->nredirs; i++) {
        const struct shparse_redir *r = &c->redirs[i];

        sh_save(saved, n, r->fd);
        if (r->kind == SHPARSE_REDIR_DUP) {
            if (dup2(r->dup_fd, r->fd) < 0) {
                sh_error(sh, "%d: %s", r->dup_fd, strerror(errno));
                return -1;
            }
            continue;
        }
        int fd = open(r->path, sh_redir_flags(r), 0644);
        if (fd < 0) {
            sh_error(sh, "%s: %s", r->path, sh_strerror(errno));
            return -1;
        }
        if (fd != r->fd) {
            dup2(fd, r->fd);
            close(fd);
        }
    }
    return 0;
}

static int
sh_run_builtin(struct sh *sh, const struct shparse_cmd *c, const struct sh_job *j, int alone)
{
    struct sh_saved saved[SH_SAVED_MAX];
    int n = 0, status = 1;

    if (sh_redirect_here(sh, c, j->in, j->out, saved, &n) == 0)
        status =
            j->builtin == SH_EMPTY ? 0 : sh_builtin_run(sh, j->builtin, c->argc, c->argv, !alone);
    sh_restore(saved, n);
    return status;
}

/* --- the pipeline ------------------------------------------------------------------------------ */

static void
sh_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int
sh_exec_pipeline(struct sh *sh, const struct shparse_pipeline *pl)
{
    struct sh_job jobs[SH_PIPE_MAX];
    size_t n = pl->ncmds, started = 0;
    pid_t pgid = 0;
    int prev = -1;

    if (n > SH_PIPE_MAX) {
        sh_error(sh, "more than %d commands in a pipeline", SH_PIPE_MAX);
        return 1;
    }
    /* Programs first, each with its pipe ends; the shell lets go of a
     * program's ends once it has them. */
    for (; started < n; started++) {
        const struct shparse_cmd *c = &pl->cmds[started];
        struct sh_job *j = &jobs[started];
        int p[2];

        j->in = prev;
        j->out = -1;
        j->pid = -1;
        j->status = 0;
        prev = -1;
        if (started + 1 < n) {
            if (pipe(p) < 0) {
                sh_error(sh, "pipe: %s", strerror(errno));
                sh_close(&j->in);
                break;
            }
            fcntl(p[0], F_SETFD, FD_CLOEXEC);
            fcntl(p[1], F_SETFD, FD_CLOEXEC);
            j->out = p[1];
            prev = p[0];
        }
        j->builtin = c->argc == 0 ? SH_EMPTY : sh_builtin_find(c->argv[0]);
        if (j->builtin != SH_EXTERNAL)
            continue;
        j->status = sh_spawn(sh, c, j->in, j->out, &pgid, &j->pid);
        sh_close(&j->in);
        sh_close(&j->out);
    }
    sh_close(&prev);
    for (size_t i = 0; i < started; i++) {
        struct sh_job *j = &jobs[i];

        if (j->builtin != SH_EXTERNAL) {
            j->status = sh_run_builtin(sh, &pl->cmds[i], j, n == 1);
            sh_close(&j->in);
            sh_close(&j->out);
        }
    }
    for (size_t i = 0; i < started; i++) {
        struct sh_job *j = &jobs[i];
        int st;

        if (j->pid <= 0)
            continue;
        while (waitpid(j->pid, &st, 0) < 0) {
            if (errno != EINTR) {
                st = 1 << 8;
                break;
            }
        }
        j->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    if (pgid) {
        sh_sys_set_foreground(sh->pgid);
        sh_sys_terminal_mode(0); /* ^C off at once: a list's next pipeline may be a builtin */
    }
    return started < n ? 1 : jobs[n - 1].status;
}
