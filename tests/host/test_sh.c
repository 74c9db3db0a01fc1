// SPDX-License-Identifier: MIT
/*
 * The shell (apps/sh), built for the host as build/host/sh (test_sh.mk),
 * run on commands, standard input and script files in a temporary
 * directory, with the host's programs (cat, tr, wc, env, ls) as its
 * /bin. Each run's standard output, standard error and status are
 * checked whole: pipes, redirections, quoting, $?, && || ;, cd and pwd,
 * export and a child seeing the variable, the messages and statuses of
 * unknown commands, missing files and parse errors, exit, scripts, -c,
 * continued lines and input without a final newline.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

static char shell[4096]; /* build/host/sh, beside this program */
static char dir[256];    /* the temporary directory, the shell's working directory */

struct run {
    int status; /* exit status, or 128 + signal */
    char out[16384];
    char err[16384];
};

static void
slurp(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    size_t n = 0;
    ssize_t k;

    buf[0] = '\0';
    if (fd < 0)
        return;
    while (n + 1 < cap && (k = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)k;
    buf[n] = '\0';
    close(fd);
}

static void
spew(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    CHECK(fd >= 0);
    CHECK(write(fd, text, len) == (ssize_t)len);
    close(fd);
}

/* Runs the shell with args (after argv[0]) and input on its standard
 * input; an environment of PATH and HOME only. */
static void
run_sh_n(struct run *r, const char *input, size_t len, const char *const *args)
{
    char *argv[16];
    char home[300];
    char *envp[] = {"PATH=/usr/bin:/bin", home, "LANG=C", NULL};
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int n = 0, st;

    snprintf(home, sizeof(home), "HOME=%s", dir);
    argv[n++] = "sh";
    for (; args && args[n - 1] && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    spew(".in", input ? input : "", len);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, ".in", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, ".out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, ".err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    r->status = -1;
    if (posix_spawn(&pid, shell, &fa, NULL, argv, envp) == 0 && waitpid(pid, &st, 0) == pid)
        r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    posix_spawn_file_actions_destroy(&fa);
    slurp(".out", r->out, sizeof(r->out));
    slurp(".err", r->err, sizeof(r->err));
}

static void
run_sh(struct run *r, const char *input, const char *const *args)
{
    run_sh_n(r, input, input ? strlen(input) : 0, args);
}

/* sh -c command */
static void
run_c(struct run *r, const char *command)
{
    const char *args[] = {"-c", command, NULL};

    run_sh(r, NULL, args);
}

#define EXPECT(r, st, o, e)                                                                      \
    do {                                                                                         \
        CHECK((r)->status == (st));                                                              \
        CHECK(strcmp((r)->out, (o)) == 0);                                                       \
        CHECK(strcmp((r)->err, (e)) == 0);                                                       \
        if ((r)->status != (st) || strcmp((r)->out, (o)) || strcmp((r)->err, (e)))               \
            fprintf(stderr, "status %d\nout [%s]\nerr [%s]\n", (r)->status, (r)->out, (r)->err); \
    } while (0)

static struct run r;

TEST(pipes_join_programs)
{
    run_c(&r, "echo a b c | tr a-z A-Z | cat");
    EXPECT(&r, 0, "A B C\n", "");
    run_c(&r, "printf 'x\\ny\\nz\\n' | cat | wc -l");
    EXPECT(&r, 0, "3\n", "");
    /* The pipeline's status is its last command's. */
    run_c(&r, "false | true; echo $?; true | false; echo $?");
    EXPECT(&r, 0, "0\n1\n", "");
}

TEST(redirections_open_create_append_and_copy)
{
    run_c(&r, "echo one > f1; echo two >> f1; cat < f1; cat f1 | wc -l");
    EXPECT(&r, 0, "one\ntwo\n2\n", "");
    run_c(&r, "echo new > f1; cat f1");
    EXPECT(&r, 0, "new\n", "");
    run_c(&r, "ls /no/such/dir 2> e1; echo $?; wc -l < e1");
    CHECK(r.status == 0 && strcmp(r.out, "2\n1\n") == 0 && r.err[0] == '\0');
    run_c(&r, "ls /no/such/dir > o1 2>&1; wc -l < o1");
    EXPECT(&r, 0, "1\n", "");
    run_c(&r, "echo to-err 1>&2");
    EXPECT(&r, 0, "", "to-err\n");
    /* A redirection alone makes its file. */
    run_c(&r, "> empty1; wc -c < empty1");
    EXPECT(&r, 0, "0\n", "");
}

TEST(quotes_keep_words_and_dollars_as_shparse_says)
{
    run_c(&r, "export X=val; echo 'a  b' \"c  $X\" \\$X '$X' d\\ e");
    EXPECT(&r, 0, "a  b c  val $X $X d e\n", "");
    run_c(&r, "echo \"$UNSET_VAR\" | wc -c; echo $UNSET_VAR | wc -c");
    EXPECT(&r, 0, "1\n1\n", "");
    run_c(&r, "echo a # a comment");
    EXPECT(&r, 0, "a\n", "");
}

TEST(status_and_lists_follow_posix)
{
    run_c(&r, "false; echo $?; true; echo $?");
    EXPECT(&r, 0, "1\n0\n", "");
    run_c(&r, "true && echo yes || echo no; false && echo yes || echo no $?");
    EXPECT(&r, 0, "yes\nno 1\n", "");
    run_c(&r, "false || false || echo third; true || echo never; echo end");
    EXPECT(&r, 0, "third\nend\n", "");
    run_c(&r, "false");
    EXPECT(&r, 1, "", "");
    /* A program ended by a signal: 128 + its number. */
    run_c(&r, "/bin/sh -c 'kill -9 $$'; echo $?");
    EXPECT(&r, 0, "137\n", "");
}

TEST(cd_and_pwd_move_the_shell_and_its_programs)
{
    char want[1024];

    run_c(&r, "mkdir -p sub/deeper; cd sub; pwd; cd deeper; /bin/pwd; echo $PWD");
    snprintf(want, sizeof(want), "%s/sub\n%s/sub/deeper\n%s/sub/deeper\n", dir, dir, dir);
    EXPECT(&r, 0, want, "");
    run_c(&r, "cd sub; cd; pwd; cd /; pwd");
    snprintf(want, sizeof(want), "%s\n/\n", dir);
    EXPECT(&r, 0, want, "");
    run_c(&r, "cd /no/such; echo $?; pwd");
    snprintf(want, sizeof(want), "1\n%s\n", dir);
    EXPECT(&r, 0, want, "sh: cd: /no/such: not found\n");
}

TEST(exported_variables_reach_programs_and_unset_removes_them)
{
    run_c(&r, "export GREETING=hello; env | grep '^GREETING='; unset GREETING; env | grep -c "
              "GREETING; echo \"[$GREETING]\"");
    EXPECT(&r, 0, "GREETING=hello\n0\n[]\n", "");
    run_c(&r, "export 1BAD=x; echo $?");
    EXPECT(&r, 0, "1\n", "sh: export: 1BAD=x: not a valid name\n");
    /* The next pipeline sees what the last one set, on one line. */
    run_c(&r, "export A=1; echo $A; export A=2 && echo $A");
    EXPECT(&r, 0, "1\n2\n", "");
}

TEST(an_unknown_command_is_127_with_a_message)
{
    run_c(&r, "no-such-command-here a b");
    EXPECT(&r, 127, "", "sh: no-such-command-here: command not found\n");
    run_c(&r, "./not-here; echo $?");
    EXPECT(&r, 0, "127\n", "sh: ./not-here: not found\n");
    run_c(&r, "no-such | cat; echo $?");
    EXPECT(&r, 0, "0\n", "sh: no-such: command not found\n");
}

TEST(a_missing_file_is_named)
{
    run_c(&r, "cat < missing-file; echo $?");
    EXPECT(&r, 0, "1\n", "sh: missing-file: not found\n");
    run_c(&r, "echo x > no-dir/f; echo $?");
    EXPECT(&r, 0, "1\n", "sh: no-dir/f: not found\n");
    run_c(&r, "pwd > no-dir/f; echo $?");
    EXPECT(&r, 0, "1\n", "sh: no-dir/f: not found\n");
}

TEST(builtins_take_redirections_and_pipes)
{
    char want[1024];

    run_c(&r, "pwd > p1; cat p1; help | head -1; help > h1; head -1 h1");
    snprintf(want, sizeof(want), "%s\nBuiltins:\n", dir);
    strcat(want, "Builtins:\n");
    EXPECT(&r, 0, want, "");
    /* The shell's own output is back in place afterwards. */
    run_c(&r, "pwd > p2; echo after");
    EXPECT(&r, 0, "after\n", "");
    /* In a pipeline, exit and cd change nothing. */
    run_c(&r, "exit 5 | cat; cd / | cat; echo still $?; pwd | wc -l");
    EXPECT(&r, 0, "still 0\n1\n", "");
}

TEST(parse_errors_say_where_and_give_status_2)
{
    run_c(&r, "echo 'abc");
    EXPECT(&r, 2, "", "sh: syntax error at column 6: unterminated single quote (')\n");
    run_c(&r, "echo a | | b");
    EXPECT(&r, 2, "", "sh: syntax error at column 10: missing command before operator (|)\n");
    run_c(&r, "echo a &");
    EXPECT(&r, 2, "", "sh: syntax error at column 8: unsupported syntax (&)\n");
    /* Nothing of a line with an error runs. */
    run_c(&r, "echo first; echo a >");
    CHECK(r.status == 2 && r.out[0] == '\0');
}

TEST(exit_ends_the_shell_with_its_status)
{
    run_c(&r, "exit 3; echo never");
    EXPECT(&r, 3, "", "");
    run_c(&r, "false; exit");
    EXPECT(&r, 1, "", "");
    run_c(&r, "exit 256");
    EXPECT(&r, 0, "", "");
    run_c(&r, "exit abc");
    EXPECT(&r, 2, "", "sh: exit: abc: a number is needed\n");
}

TEST(standard_input_is_read_line_by_line)
{
    run_sh(&r, "echo hi\necho 'a\nb'\necho c \\\nd\necho e &&\necho f\nexit 4\necho never\n", NULL);
    EXPECT(&r, 4, "hi\na\nb\nc d\ne\nf\n", "");
    /* The last line may lack its newline; the status is the last one's. */
    run_sh(&r, "echo x\nfalse", NULL);
    EXPECT(&r, 1, "x\n", "");
    /* An open quote at the end of input is an error. */
    run_sh(&r, "echo 'open\n", NULL);
    EXPECT(&r, 2, "", "sh: syntax error at column 6: unterminated single quote (')\n");
    /* A parse error does not end the shell. */
    run_sh(&r, "echo a ||| b\necho next\n", NULL);
    CHECK(r.status == 0 && strcmp(r.out, "next\n") == 0);
}

TEST(a_line_too_long_is_refused_and_the_shell_goes_on)
{
    static char input[10000];

    memset(input, 'a', 6000);
    strcpy(input + 6000, "\necho ok\n");
    run_sh(&r, input, NULL);
    EXPECT(&r, 0, "ok\n", "sh: command longer than 4096 bytes: not run\n");
}

TEST(hostile_input_never_ends_the_shell)
{
    static char input[4096];
    size_t n = 0;

#define ADD(s) (memcpy(input + n, (s), sizeof(s) - 1), n += sizeof(s) - 1)
    ADD("echo a\0b\n"); /* a NUL byte at column 7 */
    ADD("echo ${\n");   /* bad substitution */
    ADD("echo ${1abc}\n");
    ADD(": | : | : | : | : | : | : | : | : | : | : | : | : | : | : | : | :\n"); /* 17 */
    ADD("true | true | true | true | true | true | true | true | true | true | true | "
        "true | true | true | true | true | true\n");
    ADD("exit 99999999999999999999999 | true\n");
    ADD("> ''\n"); /* an empty file name */
    ADD("< /\n");  /* a directory to read from */
    ADD("cd ''; cd a b\n");
    ADD("unset 'x y' =; export =; export\n");
    ADD("$EMPTY $EMPTY\n"); /* a command that expands to nothing */
    ADD("echo a 9>&8\n");   /* a descriptor that is not open */
    ADD("echo alive\n");
#undef ADD
    run_sh_n(&r, input, n, NULL);
    CHECK(r.status == 0);
    CHECK(strlen(r.out) >= 6 && strcmp(r.out + strlen(r.out) - 6, "alive\n") == 0);
    CHECK(strstr(r.err, "sh: syntax error at column 7: NUL byte in the input\n") != NULL);
    CHECK(strstr(r.err, "more than 16 commands in a pipeline") != NULL);
    CHECK(strstr(r.err, "sh: 8: Bad file descriptor\n") != NULL);
    CHECK(strstr(r.err, "sh: cd: : not found\n") != NULL);
    CHECK(strstr(r.out, "export PWD=") == NULL); /* no cd changed anything */
    if (check_test_failed)
        fprintf(stderr, "status %d\nout [%s]\nerr [%s]\n", r.status, r.out, r.err);
}

TEST(a_script_file_runs_with_its_arguments)
{
    static const char script[] = "# a script\n"
                                 "echo \"$0 $# $1 $2\"\n"
                                 "export V=from-line-3\n"
                                 "echo $V\n"
                                 "echo 'two\n"
                                 "lines'\n"
                                 "nope-command\n"
                                 "cat < nope-file\n"
                                 "echo a |\n"
                                 "  cat\n"
                                 "exit 7\n";
    const char *args[] = {"script.sh", "x", "y z", NULL};

    spew("script.sh", script, strlen(script));
    run_sh(&r, NULL, args);
    EXPECT(&r, 7, "script.sh 2 x y z\nfrom-line-3\ntwo\nlines\na\n",
           "sh: script.sh: line 7: nope-command: command not found\n"
           "sh: script.sh: line 8: nope-file: not found\n");
    spew("bad.sh", "echo ok\necho 'x\n", 16);
    const char *bad[] = {"bad.sh", NULL};
    run_sh(&r, NULL, bad);
    EXPECT(&r, 2, "ok\n",
           "sh: bad.sh: line 2: syntax error at column 6: unterminated single quote (')\n");
    const char *none[] = {"no-script.sh", NULL};
    run_sh(&r, NULL, none);
    EXPECT(&r, 127, "", "sh: no-script.sh: not found\n");
}

TEST(dash_c_takes_a_name_and_arguments)
{
    const char *args[] = {"-c", "echo $0 $1 $#", "name", "one", NULL};

    run_sh(&r, NULL, args);
    EXPECT(&r, 0, "name one 1\n", "");
    run_c(&r, "test $$ -gt 0 && echo pid-ok");
    EXPECT(&r, 0, "pid-ok\n", "");
}

int
main(int argc, char **argv)
{
    char *slash;

    (void)argc;
    if (!realpath(argv[0], shell))
        return 1;
    slash = strrchr(shell, '/');
    strcpy(slash + 1, "sh");
    snprintf(dir, sizeof(dir), "/tmp/test_sh.XXXXXX");
    if (!mkdtemp(dir) || chdir(dir) < 0)
        return 1;
    RUN(pipes_join_programs);
    RUN(redirections_open_create_append_and_copy);
    RUN(quotes_keep_words_and_dollars_as_shparse_says);
    RUN(status_and_lists_follow_posix);
    RUN(cd_and_pwd_move_the_shell_and_its_programs);
    RUN(exported_variables_reach_programs_and_unset_removes_them);
    RUN(an_unknown_command_is_127_with_a_message);
    RUN(a_missing_file_is_named);
    RUN(builtins_take_redirections_and_pipes);
    RUN(parse_errors_say_where_and_give_status_2);
    RUN(exit_ends_the_shell_with_its_status);
    RUN(standard_input_is_read_line_by_line);
    RUN(a_line_too_long_is_refused_and_the_shell_goes_on);
    RUN(hostile_input_never_ends_the_shell);
    RUN(a_script_file_runs_with_its_arguments);
    RUN(dash_c_takes_a_name_and_arguments);
    /* Leave nothing behind. */
    if (chdir("/") == 0) {
        char cmd[400];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return check_exit();
}
