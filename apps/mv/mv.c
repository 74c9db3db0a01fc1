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
#include <stdio.h>
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
    if (out < 0)
        status = util_error(to, errno);
    else
        status = util_copy_fd(in, from, out, to);
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

    util_init("mv", mv_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    util_exit(util_each_into_target(argc, argv, opts.index, mv_one));
}
