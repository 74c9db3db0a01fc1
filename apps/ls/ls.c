/* SPDX-License-Identifier: MIT */
/*
 * ls: lists directories and files, one name per line, sorted by name
 * (byte order). Without arguments it lists the working directory. The
 * files among the arguments come first, then each directory's entries,
 * under a `NAME:` header and after a blank line when there is more than
 * one argument. Names starting with '.' are hidden unless -a, which also
 * shows `.` and `..`. -l puts before each name its type and mode
 * (`drwxr-xr-x`), its link count, its size (right-aligned within the
 * listing) and the time of its last change (UTC, YYYY-MM-DD HH:MM).
 * Arguments that do not exist are reported first, on standard error; the
 * status is then 1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <util/util.h>

static const char ls_usage[] = "Usage: ls [-la] [FILE]...\n"
                               "List the directories' entries and the files, sorted by name.\n"
                               "  -l  type, mode, links, size and time of the last change\n"
                               "  -a  show names starting with '.', and . and ..\n";

struct ls_entry {
    char *name; /* as shown */
    char *path; /* to stat */
    struct stat st;
};

struct ls_list {
    struct ls_entry *e;
    size_t count, cap;
};

static bool ls_long, ls_all;

static int
ls_cmp(const void *a, const void *b)
{
    return strcmp(((const struct ls_entry *)a)->name, ((const struct ls_entry *)b)->name);
}

/* Adds an entry (name and path copied); false when memory runs out. */
static bool
ls_add(struct ls_list *l, const char *name, const char *path, const struct stat *st)
{
    struct ls_entry *e;

    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct ls_entry *p = realloc(l->e, cap * sizeof(*p));

        if (p == NULL)
            return false;
        l->e = p;
        l->cap = cap;
    }
    e = &l->e[l->count];
    e->name = strdup(name);
    e->path = strdup(path);
    if (e->name == NULL || e->path == NULL) {
        free(e->name);
        free(e->path);
        return false;
    }
    if (st)
        e->st = *st;
    else
        memset(&e->st, 0, sizeof(e->st));
    l->count++;
    return true;
}

static void
ls_free(struct ls_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->e[i].name);
        free(l->e[i].path);
    }
    free(l->e);
    l->e = NULL;
    l->count = l->cap = 0;
}

static void
ls_mode(mode_t m, char out[11])
{
    static const char rwx[] = "rwxrwxrwx";

    switch (m & S_IFMT) {
    case S_IFDIR:
        out[0] = 'd';
        break;
    case S_IFREG:
        out[0] = '-';
        break;
    case S_IFCHR:
        out[0] = 'c';
        break;
    case S_IFIFO:
        out[0] = 'p';
        break;
    default:
        out[0] = '?';
        break;
    }
    for (int i = 0; i < 9; i++)
        out[1 + i] = m & (0400u >> i) ? rwx[i] : '-';
    out[10] = '\0';
}

/* Prints a sorted list, in the long form with -l. */
static void
ls_print(struct ls_list *l)
{
    int size_width = 1, link_width = 1;

    if (l->count > 1)
        qsort(l->e, l->count, sizeof(*l->e), ls_cmp);
    if (ls_long) {
        for (size_t i = 0; i < l->count; i++) {
            char buf[32];
            int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)l->e[i].st.st_size);

            size_width = n > size_width ? n : size_width;
            n = snprintf(buf, sizeof(buf), "%u", (unsigned)l->e[i].st.st_nlink);
            link_width = n > link_width ? n : link_width;
        }
    }
    for (size_t i = 0; i < l->count; i++) {
        const struct stat *st = &l->e[i].st;

        if (ls_long) {
            char mode[11], when[32];

            ls_mode(st->st_mode, mode);
            util_format_time(st->st_mtim.tv_sec, when);
            util_printf("%s %*u %*llu %s ", mode, link_width, (unsigned)st->st_nlink, size_width,
                        (unsigned long long)st->st_size, when);
        }
        util_outs(l->e[i].name);
        util_outc('\n');
    }
}

/* Lists directory path's entries; 0, or 1 after a message. */
static int
ls_dir(const char *path)
{
    struct ls_list l = {0};
    struct dirent *d;
    DIR *dir = opendir(path);
    int status = 0;

    if (dir == NULL)
        return util_error(path, errno);
    if (ls_all) {
        static const char *const dots[] = {".", ".."};

        for (int i = 0; i < 2; i++) {
            char *full = util_path_join(path, dots[i]);
            struct stat st;

            /* A server may not know `..` of its root: show it as a
             * directory with nothing else known. */
            if (ls_long && (full == NULL || stat(full, &st) < 0)) {
                memset(&st, 0, sizeof(st));
                st.st_mode = S_IFDIR | 0755;
            }
            if (full == NULL || !ls_add(&l, dots[i], full, ls_long ? &st : NULL)) {
                free(full);
                status = util_error(path, ENOMEM);
                goto out;
            }
            free(full);
        }
    }
    for (;;) {
        char *full;
        struct stat st;

        errno = 0;
        d = readdir(dir);
        if (d == NULL) {
            if (errno != 0)
                status = util_error(path, errno);
            break;
        }
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        if (d->d_name[0] == '.' && !ls_all)
            continue;
        full = util_path_join(path, d->d_name);
        if (full == NULL) {
            status = util_error(path, ENOMEM);
            break;
        }
        if (ls_long && stat(full, &st) < 0) {
            status = util_error(full, errno);
            free(full);
            continue;
        }
        if (!ls_add(&l, d->d_name, full, ls_long ? &st : NULL)) {
            free(full);
            status = util_error(path, ENOMEM);
            break;
        }
        free(full);
    }
    ls_print(&l);
out:
    ls_free(&l);
    closedir(dir);
    return status;
}

int
main(int argc, char **argv)
{
    struct util_opts opts;
    struct ls_list files = {0}, dirs = {0};
    int status = 0, c;
    bool first = true;

    util_init("ls", ls_usage);
    util_opts_init(&opts);
    while ((c = util_getopt(&opts, argc, argv, "la")) != -1) {
        ls_long |= c == 'l';
        ls_all |= c == 'a';
    }
    if (opts.index == argc)
        util_exit(ls_dir("."));
    for (int i = opts.index; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) < 0) {
            status = util_error(argv[i], errno);
            continue;
        }
        if (!ls_add(S_ISDIR(st.st_mode) ? &dirs : &files, argv[i], argv[i], &st))
            util_exit(util_error(argv[i], ENOMEM));
    }
    if (files.count > 0) {
        ls_print(&files);
        first = false;
    }
    if (dirs.count > 1)
        qsort(dirs.e, dirs.count, sizeof(*dirs.e), ls_cmp);
    for (size_t i = 0; i < dirs.count; i++) {
        if (argc - opts.index > 1) {
            if (!first)
                util_outc('\n');
            util_outs(dirs.e[i].name);
            util_outs(":\n");
        }
        first = false;
        status |= ls_dir(dirs.e[i].path);
    }
    ls_free(&files);
    ls_free(&dirs);
    util_exit(status);
}
