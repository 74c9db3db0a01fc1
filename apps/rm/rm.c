/* SPDX-License-Identifier: MIT */
/*
 * rm: removes files; with -r, directories and everything in them too
 * (each directory's names are read whole before any is removed, so
 * removing does not disturb the listing). -f: a file that does not exist
 * is no error, and no operand is no error. `.`, `..` and `/` are never
 * removed. A failure is reported and the rest are still removed; the
 * status is then 1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <util/util.h>

static const char rm_usage[] = "Usage: rm [-rf] FILE...\n"
                               "Remove the files.\n"
                               "  -r  remove directories and their contents\n"
                               "  -f  no error for files that do not exist\n";

static bool rm_recursive, rm_force;

static int rm_path(const char *path);

/* Removes everything in directory path, then path. */
static int
rm_dir(const char *path)
{
    DIR *dir = opendir(path);
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *d;
    int status = 0;

    if (dir == NULL)
        return util_error(path, errno);
    for (;;) {
        errno = 0;
        d = readdir(dir);
        if (d == NULL) {
            if (errno != 0)
                status = util_error(path, errno);
            break;
        }
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **p = realloc(names, ncap * sizeof(*p));

            if (p == NULL) {
                status = util_error(path, ENOMEM);
                break;
            }
            names = p;
            cap = ncap;
        }
        names[count] = util_path_join(path, d->d_name);
        if (names[count] == NULL) {
            status = util_error(path, ENOMEM);
            break;
        }
        count++;
    }
    closedir(dir);
    for (size_t i = 0; i < count; i++) {
        if (status == 0)
            status = rm_path(names[i]);
        free(names[i]);
    }
    free(names);
    if (status == 0 && rmdir(path) < 0)
        status = util_error(path, errno);
    return status;
}

static int
rm_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        if (rm_force && errno == ENOENT)
            return 0;
        return util_error(path, errno);
    }
    if (S_ISDIR(st.st_mode)) {
        if (!rm_recursive)
            return util_error(path, EISDIR);
        return rm_dir(path);
    }
    if (unlink(path) < 0)
        return util_error(path, errno);
    return 0;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    int status = 0, c;

    util_init("rm", rm_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "rRf")) != -1) {
        rm_recursive |= c == 'r' || c == 'R';
        rm_force |= c == 'f';
    }
    if (opts.index == argc && !rm_force)
        util_usage_error(1, "missing operand");
    for (int i = opts.index; i < argc; i++) {
        char base[256];

        util_basename(argv[i], base, sizeof(base));
        if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(base, "/") == 0) {
            status |= util_fail("refusing to remove '%s'", argv[i]);
            continue;
        }
        status |= rm_path(argv[i]);
    }
    util_exit(status);
}
