/* SPDX-License-Identifier: MIT */
/*
 * Running the host's tools from a host test (mkfs.fat and mtools for
 * test_fat, fsck.fat too for test_fatw, sfdisk for test_part), and reading
 * back a file they made: finding one that sits in sbin, which a
 * user's PATH may leave out, and running it with stdout silenced and the
 * environment that makes its output the same on every host (UTF-8 names,
 * UTC times, mtools' geometry check off).
 */
#ifndef CAIRN_TESTS_HOST_HOSTRUN_H
#define CAIRN_TESTS_HOST_HOSTRUN_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The first executable of where[0..n), or NULL. */
static inline const char *
hostrun_find(const char *const where[], unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (access(where[i], X_OK) == 0)
            return where[i];
    return NULL;
}

/* Runs argv with stdin from the file `in` (NULL: left alone); 0 when it exits with 0. */
static inline int
hostrun_run(char *const argv[], const char *in)
{
    pid_t pid = fork();
    int status;

    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, 1);
        if (in) {
            int fd = open(in, O_RDONLY);

            if (fd < 0)
                _exit(126);
            dup2(fd, 0);
        }
        setenv("MTOOLS_SKIP_CHECK", "1", 1);
        setenv("LC_ALL", "C.UTF-8", 1);
        setenv("TZ", "UTC", 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* hostrun_find, and if nothing is found, once more after the build's
 * dependency step (tools/deps.sh, which installs what is missing when it
 * may). */
static inline const char *
hostrun_find_or_install(const char *const where[], unsigned n)
{
    const char *found = hostrun_find(where, n);

    if (!found) {
        char *const argv[] = {"sh", "tools/deps.sh", NULL};

        hostrun_run(argv, NULL);
        found = hostrun_find(where, n);
    }
    return found;
}

/* Makes a fresh temporary folder cairn-NAME-XXXXXX into buf (size n, at
 * least 64); 0, or -1 after printing the test's FAIL line. */
static inline int
hostrun_tmpdir(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/cairn-%s-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
    if (strlen(buf) > 40 || !mkdtemp(buf)) {
        printf("FAIL test_%s: no temporary folder\n", name);
        return -1;
    }
    return 0;
}

/* The whole file at path, NUL-terminated, in malloc'd memory (its length
 * without the NUL in *len if len is not NULL); NULL if it cannot be read. */
static inline char *
hostrun_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = n < 0 ? NULL : malloc((size_t)n + 1);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        n = 0;
    buf[n] = 0;
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

#endif
