/* SPDX-License-Identifier: MIT */
/*
 * cp: copies a file to a file (made or truncated, with the source's
 * permission bits when it is new), or files into a directory (the last
 * argument) under their own names. Directories are not copied (no -r) and
 * a file is not copied onto itself. A failure is reported and the other
 * files are still copied; the status is then 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <util/util.h>

static const char cp_usage[] = "Usage: cp SOURCE DEST\n"
                               "       cp SOURCE... DIRECTORY\n"
                               "Copy SOURCE to DEST, or the SOURCEs into DIRECTORY.\n";

static int
cp_file(const char *from, const char *to)
{
    struct stat sst, dst;
    int in, out, status = 0;

    in = open(from, O_RDONLY);
    if (in < 0)
        return util_error(from, errno);
    if (fstat(in, &sst) < 0) {
        status = util_error(from, errno);
        goto out_in;
    }
    if (S_ISDIR(sst.st_mode)) {
        status = util_error(from, EISDIR);
        goto out_in;
    }
    if (stat(to, &dst) == 0 && dst.st_dev == sst.st_dev && dst.st_ino == sst.st_ino) {
        status = util_fail("'%s' and '%s' are the same file", from, to);
        goto out_in;
    }
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC, sst.st_mode & 0777);
    if (out < 0)
        status = util_error(to, errno);
    else
        status = util_copy_fd(in, from, out, to);
out_in:
    close(in);
    return status;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;

    util_init("cp", cp_usage);
    util_opts_init(&opts);
    while (util_getopt(&opts, argc, argv, "") != -1)
        ;
    util_exit(util_each_into_target(argc, argv, opts.index, cp_file));
}
