/* SPDX-License-Identifier: MIT */
/*
 * mkdir: makes each directory (mode 0755). With -p, the missing parents
 * too, and a directory that exists already is no error. A failure is
 * reported and the rest are still made; the status is then 1.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <util/util.h>

static const char mkdir_usage[] = "Usage: mkdir [-p] DIRECTORY...\n"
                                  "Make the directories.\n"
                                  "  -p  make parents as needed; no error if one exists\n";

/* Is path a directory already? */
static bool
mkdir_is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
mkdir_parents(const char *path)
{
    char *p = strdup(path);
    int status = 0;

    if (p == NULL)
        return util_error(path, ENOMEM);
    /* Each prefix ending before a '/', then the whole path. */
    for (char *s = p + 1;; s++) {
        char c = *s;

        if (c != '/' && c != '\0')
            continue;
        if (s[-1] != '/') {
            *s = '\0';
            /* An existing directory is fine; an existing file on the way
             * is reported as the path not being a directory. */
            if (mkdir(p, 0755) < 0 && !(errno == EEXIST && mkdir_is_dir(p))) {
                status = util_error(p, errno == EEXIST && c != '\0' ? ENOTDIR : errno);
                break;
            }
            *s = c;
        }
        if (c == '\0')
            break;
    }
    free(p);
    return status;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    bool parents = false;
    int status = 0, c;

    util_init("mkdir", mkdir_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "p")) != -1)
        parents = true;
    if (opts.index == argc)
        util_usage_error(1, "missing operand");
    for (int i = opts.index; i < argc; i++) {
        if (parents)
            status |= mkdir_parents(argv[i]);
        else if (mkdir(argv[i], 0755) < 0)
            status |= util_error(argv[i], errno);
    }
    util_exit(status);
}
