/* SPDX-License-Identifier: MIT */
/*
 * mv: renames a file or directory (rename(2)), or moves files and
 * directories into a directory (the last argument) under their own names.
 * Between two file systems, where rename fails with EXDEV, a regular file
 * is copied and the original removed; a directory is not moved there. A
 * failure is reported and the rest are still moved; the status is then 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <util/util.h>

static const char mv_usage[] = "Usage: mv SOURCE DEST\n"
                               "       mv SOURCE... DIRECTORY\n"
                               "Rename SOURCE to DEST, or move the SOURCEs into DIRECTORY.\n";

/* Copies regular file from to to, then removes from. */
static int
mv_copy(const char *from, const char *to)
{
    struct stat st;
    char buf[8192];
    int in, out, status = 0;

    in = open(from, O_RDONLY);
    if (in < 0)
        return util_error(from, errno);
    if (fstat(in, &st) < 0) {
        status = util_error(from, errno);
        close(in);
        return status;
    }
    if (!S_ISREG(st.st_mode)) {
        /* A directory (or anything else) is not copied across. */
        close(in);
        return util_error(from, EXDEV);
    }
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 0777);
    if (out < 0) {
        status = util_error(to, errno);
        close(in);
        return status;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf));

        if (n < 0) {
            if (errno == EINTR)
                continue;
            status = util_error(from, errno);
            break;
        }
        if (n == 0)
            break;
        if (util_write_all(out, buf, (size_t)n) < 0) {
            status = util_error(to, errno);
            break;
        }
    }
    if (close(out) < 0 && status == 0)
        status = util_error(to, errno);
    close(in);
    /* Remove the original only once the copy is whole. */
    if (status == 0 && unlink(from) < 0)
        status = util_error(from, errno);
    return status;
}

static int
mv_one(const char *from, const char *to)
{
    if (rename(from, to) == 0)
        return 0;
    if (errno == EXDEV)
        return mv_copy(from, to);
    return util_error(from, errno);
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    struct stat st;
    const char *target;
    bool into_dir;
    int status = 0, nsrc;

    util_init("mv", mv_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    nsrc = argc - opts.index - 1;
    if (nsrc < 1)
        util_usage_error(1, nsrc < 0 ? "missing file operand" : "missing destination operand");
    target = argv[argc - 1];
    into_dir = stat(target, &st) == 0 && S_ISDIR(st.st_mode);
    if (nsrc > 1 && !into_dir)
        util_exit(util_fail("target '%s' is not a directory", target));
    for (int i = opts.index; i < argc - 1; i++) {
        char base[256], *to;

        if (!into_dir) {
            status |= mv_one(argv[i], target);
            continue;
        }
        util_basename(argv[i], base, sizeof(base));
        to = util_path_join(target, base);
        if (to == NULL)
            util_exit(util_error(argv[i], ENOMEM));
        status |= mv_one(argv[i], to);
        free(to);
    }
    util_exit(status);
}
