// SPDX-License-Identifier: MIT
/*
 * The builtins: the commands that change the shell itself (cd, exit,
 * export, unset), and pwd, help, true and false. They write with write(2)
 * through sh_printf, to whatever descriptors 1 and 2 are while they run
 * (exec.c puts a builtin's redirections there). Variables live in the
 * environment (setenv, unsetenv), which every program started gets: the
 * shell has no variables that are not exported.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

extern char **environ;

struct sh_builtin {
    const char *name;
    const char *usage;
    int (*run)(struct sh *sh, size_t argc, char **argv, int in_pipeline);
};

static int
sh_valid_name(const char *s, size_t len)
{
    if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < len; i++) {
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    }
    return 1;
}

static int
bi_cd(struct sh *sh, size_t argc, char **argv, int in_pipeline)
{
    char cwd[1024];
    const char *dir = argc > 1 ? argv[1] : getenv("HOME");

    if (argc > 2) {
        sh_error(sh, "cd: too many arguments");
        return 1;
    }
    if (argc == 1 && (!dir || !*dir))
        dir = "/";
    if (in_pipeline)
        return 0;
    if (chdir(dir) < 0) {
        sh_error(sh, "cd: %s: %s", dir, sh_strerror(errno));
        return 1;
    }
    if (getcwd(cwd, sizeof(cwd)))
        setenv("PWD", cwd, 1);
    return 0;
}

static int
bi_pwd(struct sh *sh, size_t argc, char **argv, int in_pipeline)
{
    char cwd[1024];

    (void)argc, (void)argv, (void)in_pipeline;
    if (!getcwd(cwd, sizeof(cwd))) {
        sh_error(sh, "pwd: %s", strerror(errno));
        return 1;
    }
    sh_printf(1, "%s\n", cwd);
    return 0;
}

static int
bi_exit(struct sh *sh, size_t argc, char **argv, int in_pipeline)
{
    int status = sh->status;

    if (argc > 2) {
        sh_error(sh, "exit: too many arguments");
        return 1;
    }
    if (argc == 2) {
        char *end;
        long v;

        errno = 0;
        v = strtol(argv[1], &end, 10);
        if (!*argv[1] || *end || errno) {
            sh_error(sh, "exit: %s: a number is needed", argv[1]);
            status = 2;
        } else {
            status = (int)(v & 0xff);
        }
    }
    if (!in_pipeline)
        sh->exiting = 1;
    return status;
}

static int
bi_export(struct sh *sh, size_t argc, char **argv, int in_pipeline)
{
    int status = 0;

    if (argc == 1) {
        for (char **e = environ; e && *e; e++)
            sh_printf(1, "export %s\n", *e);
        return 0;
    }
    for (size_t i = 1; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);

        if (!sh_valid_name(argv[i], len)) {
            sh_error(sh, "export: %s: not a valid name", argv[i]);
            status = 1;
            continue;
        }
        /* export NAME: every variable is exported already; an unset one
         * stays unset. */
        if (!eq || in_pipeline)
            continue;
        char name[SHPARSE_NAME_MAX + 1];
        if (len > SHPARSE_NAME_MAX) {
            sh_error(sh, "export: %.*s: name too long", (int)len, argv[i]);
            status = 1;
            continue;
        }
        memcpy(name, argv[i], len);
        name[len] = '\0';
        if (setenv(name, eq + 1, 1) < 0) {
            sh_error(sh, "export: %s: %s", name, strerror(errno));
            status = 1;
        }
    }
    return status;
}

static int
bi_unset(struct sh *sh, size_t argc, char **argv, int in_pipeline)
{
    int status = 0;

    for (size_t i = 1; i < argc; i++) {
        if (!sh_valid_name(argv[i], strlen(argv[i]))) {
            sh_error(sh, "unset: %s: not a valid name", argv[i]);
            status = 1;
        } else if (!in_pipeline) {
            unsetenv(argv[i]);
        }
    }
    return status;
}

static int
bi_true(struct sh *sh, size_t argc, char **argv, int in_pipeline)
{
    (void)sh, (void)argc, (void)argv, (void)in_pipeline;
    return 0;
}

static int
bi_false(struct sh *sh, size_t argc, char **argv, int in_pipeline)
{
    (void)sh, (void)argc, (void)argv, (void)in_pipeline;
    return 1;
}

static int bi_help(struct sh *sh, size_t argc, char **argv, int in_pipeline);

static const struct sh_builtin sh_builtins[] = {
    {"cd", "cd [DIR]          change the working directory (no DIR: $HOME, else /)", bi_cd},
    {"pwd", "pwd               print the working directory", bi_pwd},
    {"export", "export NAME=VALUE set a variable, which programs started get too", bi_export},
    {"unset", "unset NAME...     remove variables", bi_unset},
    {"exit", "exit [N]          leave the shell with status N (else $?)", bi_exit},
    {"help", "help              this list", bi_help},
    {"true", "true              do nothing, successfully", bi_true},
    {"false", "false             do nothing, unsuccessfully", bi_false},
};

#define SH_NBUILTINS ((int)(sizeof(sh_builtins) / sizeof(sh_builtins[0])))

static int
bi_help(struct sh *sh, size_t argc, char **argv, int in_pipeline)
{
    (void)sh, (void)argc, (void)argv, (void)in_pipeline;
    sh_printf(1, "Builtins:\n");
    for (int i = 0; i < SH_NBUILTINS; i++)
        sh_printf(1, "  %s\n", sh_builtins[i].usage);
    sh_printf(1, "Other commands are programs, found in the directories of $PATH (/bin).\n"
                 "Syntax: 'single' and \"double\" quotes, $VAR ${VAR} $? $$ $0-$9 $#,\n"
                 "cmd | cmd, < > >> 2> 2>&1 redirections, cmd ; cmd, cmd && cmd, cmd || cmd,\n"
                 "# comments.\n");
    return 0;
}

int
sh_builtin_find(const char *name)
{
    for (int i = 0; i < SH_NBUILTINS; i++) {
        if (strcmp(name, sh_builtins[i].name) == 0)
            return i;
    }
    return -1;
}

int
sh_builtin_run(struct sh *sh, int idx, size_t argc, char **argv, int in_pipeline)
{
    return sh_builtins[idx].run(sh, argc, argv, in_pipeline);
}
