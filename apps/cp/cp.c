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
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
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
    char buf[8192];
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
    if (out < 0) {
        status = util_error(to, errno);
        goto out_in;
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
out_in:
    close(in);
    return status;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    struct stat st;
    const char *target;
    bool into_dir;
    int status = 0, nsrc;

    util_init("cp", cp_usage);
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
            status |= cp_file(argv[i], target);
            continue;
        }
        util_basename(argv[i], base, sizeof(base));
        to = util_path_join(target, base);
        if (to == NULL)
            util_exit(util_error(argv[i], ENOMEM));
        status |= cp_file(argv[i], to);
        free(to);
    }
    util_exit(status);
}
