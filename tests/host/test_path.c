// SPDX-License-Identifier: MIT
/*
 * Host test of lib/path: folding `.`, `..` and repeated `/` in absolute
 * paths, making relative ones absolute, the bounds (PROTO_NAME_MAX,
 * PROTO_PATH_MAX, the caller's cap) and walking the components. Inputs
 * are copied into exactly-sized heap blocks so a read past them is an
 * ASan failure; a random check compares with a slow reference folder.
 */
#include <stdlib.h>
#include <string.h>

#include <cairn/errors.h>

#include "check.h"
#include "path/path.h"

/* path_normalize on an exactly-sized copy of s; returns the result and
 * leaves the folded path in out. */
static int
norm(const char *s, char *out, size_t cap)
{
    size_t len = strlen(s);
    char *copy = malloc(len ? len : 1);
    int r;

    memcpy(copy, s, len);
    r = path_normalize(copy, len, out, cap);
    free(copy);
    return r;
}

static int
norm_is(const char *in, const char *want)
{
    char out[PROTO_PATH_MAX + 1];
    int r = norm(in, out, sizeof(out));

    return r == (int)strlen(want) && strcmp(out, want) == 0;
}

TEST(dots_and_repeated_slashes_fold_away)
{
    CHECK(norm_is("/", "/"));
    CHECK(norm_is("//", "/"));
    CHECK(norm_is("/a", "/a"));
    CHECK(norm_is("/a/", "/a"));
    CHECK(norm_is("/a//b///c", "/a/b/c"));
    CHECK(norm_is("/./a/./b/.", "/a/b"));
    CHECK(norm_is("/a/b/..", "/a"));
    CHECK(norm_is("/a/b/../c/../../d", "/d"));
    CHECK(norm_is("/a/.../b", "/a/.../b"));
    CHECK(norm_is("/a/..b/b..", "/a/..b/b.."));
    CHECK(norm_is("/.hidden", "/.hidden"));
}

TEST(dot_dot_never_climbs_above_the_root)
{
    CHECK(norm_is("/..", "/"));
    CHECK(norm_is("/../../..", "/"));
    CHECK(norm_is("/../a/../../b", "/b"));
    CHECK(norm_is("/tmp/../../../etc", "/etc"));
}

TEST(relative_empty_and_nul_paths_are_refused)
{
    char out[64] = "x";

    CHECK(norm("", out, sizeof(out)) == -CAIRN_EINVAL && out[0] == '\0');
    CHECK(norm("a/b", out, sizeof(out)) == -CAIRN_EINVAL);
    CHECK(norm(".", out, sizeof(out)) == -CAIRN_EINVAL);
    CHECK(path_normalize("/a\0b", 4, out, sizeof(out)) == -CAIRN_EINVAL && out[0] == '\0');
    CHECK(path_normalize("/a/..\0", 6, out, sizeof(out)) == -CAIRN_EINVAL);
}

TEST(names_and_paths_past_their_bounds_are_too_long)
{
    char in[PROTO_PATH_MAX + 64], out[PROTO_PATH_MAX + 1];

    in[0] = '/';
    memset(in + 1, 'n', PROTO_NAME_MAX);
    in[1 + PROTO_NAME_MAX] = '\0';
    CHECK(norm(in, out, sizeof(out)) == 1 + PROTO_NAME_MAX);
    in[1 + PROTO_NAME_MAX] = 'n';
    in[2 + PROTO_NAME_MAX] = '\0';
    CHECK(norm(in, out, sizeof(out)) == -CAIRN_ENAMETOOLONG);
    /* A name too long is refused even if `..` would drop it. */
    strcpy(in + 2 + PROTO_NAME_MAX, "/..");
    CHECK(norm(in, out, sizeof(out)) == -CAIRN_ENAMETOOLONG);
    /* PROTO_PATH_MAX bytes fit; one more is refused whatever it folds to. */
    memset(in, '/', PROTO_PATH_MAX);
    in[PROTO_PATH_MAX - 1] = 'a';
    in[PROTO_PATH_MAX] = '\0';
    CHECK(norm(in, out, sizeof(out)) == 2 && strcmp(out, "/a") == 0);
    in[PROTO_PATH_MAX] = 'b';
    in[PROTO_PATH_MAX + 1] = '\0';
    CHECK(norm(in, out, sizeof(out)) == -CAIRN_ENAMETOOLONG);
}

TEST(a_small_cap_is_never_overrun)
{
    const char *in = "/abc/def";
    char *out;

    for (size_t cap = 0; cap <= 12; cap++) {
        out = malloc(cap ? cap : 1);
        int r = norm(in, out, cap);

        if (cap >= 9)
            CHECK(r == 8 && strcmp(out, in) == 0);
        else
            CHECK(r == -CAIRN_ENAMETOOLONG && (cap == 0 || out[0] == '\0'));
        free(out);
    }
    /* The bound holds while folding too: "/a" does not fit in 2 bytes. */
    out = malloc(3);
    CHECK(norm("/a/..", out, 3) == 1 && strcmp(out, "/") == 0);
    CHECK(norm("/a/..", out, 2) == -CAIRN_ENAMETOOLONG);
    CHECK(norm("/..", out, 2) == 1 && strcmp(out, "/") == 0);
    free(out);
}

TEST(relative_paths_resolve_against_the_working_directory)
{
    char out[PROTO_PATH_MAX + 1];

    CHECK(path_resolve("/home/u", "f", out, sizeof(out)) == 9 && !strcmp(out, "/home/u/f"));
    CHECK(path_resolve("/home/u", "../v/./g", out, sizeof(out)) > 0 && !strcmp(out, "/home/v/g"));
    CHECK(path_resolve("/home/u", "../../../..", out, sizeof(out)) == 1 && !strcmp(out, "/"));
    CHECK(path_resolve("/home/u", "/abs//x/", out, sizeof(out)) > 0 && !strcmp(out, "/abs/x"));
    CHECK(path_resolve("/", ".", out, sizeof(out)) == 1 && !strcmp(out, "/"));
    CHECK(path_resolve("/", "", out, sizeof(out)) == -CAIRN_ENOENT);
    CHECK(path_resolve("rel", "x", out, sizeof(out)) == -CAIRN_EINVAL);
    CHECK(path_resolve("", "x", out, sizeof(out)) == -CAIRN_EINVAL);
    /* A relative path against a garbage cwd is fine when the path is absolute. */
    CHECK(path_resolve("", "/x", out, sizeof(out)) == 2);
}

TEST(a_resolved_path_longer_than_the_bound_is_refused)
{
    static char cwd[PROTO_PATH_MAX + 1], name[200], out[4 * PROTO_PATH_MAX];
    size_t n = 0;

    while (n + 101 <= PROTO_PATH_MAX) {
        cwd[n++] = '/';
        memset(cwd + n, 'c', 100);
        n += 100;
    }
    cwd[n] = '\0';
    memset(name, 'x', 150);
    name[150] = '\0';
    CHECK(path_resolve(cwd, name, out, sizeof(out)) == -CAIRN_ENAMETOOLONG);
    CHECK(path_resolve(cwd, "..", out, sizeof(out)) == (int)n - 101);
}

TEST(components_are_walked_in_order)
{
    const char *name;
    size_t pos = 0, len;

    CHECK(path_next("/", &pos, &name, &len) == 0);
    pos = 0;
    CHECK(path_next("/ab/c/def", &pos, &name, &len) == 1 && len == 2 && !strncmp(name, "ab", 2));
    CHECK(path_next("/ab/c/def", &pos, &name, &len) == 1 && len == 1 && name[0] == 'c');
    CHECK(path_next("/ab/c/def", &pos, &name, &len) == 1 && len == 3 && !strncmp(name, "def", 3));
    CHECK(path_next("/ab/c/def", &pos, &name, &len) == 0);
    CHECK(path_last("/ab/c/def", 9) == 6);
    CHECK(path_last("/ab", 3) == 1);
}

/* The reference: a stack of names. */
static int
slow_fold(const char *in, size_t len, char *out)
{
    const char *names[PROTO_PATH_MAX];
    size_t lens[PROTO_PATH_MAX], n = 0, i = 0, o = 0;

    if (len == 0 || in[0] != '/')
        return -CAIRN_EINVAL;
    while (i < len) {
        size_t s = i;
        while (i < len && in[i] != '/')
            i++;
        if (i - s == 0 || (i - s == 1 && in[s] == '.')) {
        } else if (i - s == 2 && in[s] == '.' && in[s + 1] == '.') {
            n -= n > 0;
        } else {
            names[n] = in + s;
            lens[n++] = i - s;
        }
        i++;
    }
    for (size_t k = 0; k < n; k++) {
        out[o++] = '/';
        memcpy(out + o, names[k], lens[k]);
        o += lens[k];
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = '\0';
    return (int)o;
}

TEST(random_paths_fold_as_a_stack_of_names_would)
{
    static const char *const parts[] = {"/", "/", "a", "b", ".", "..", "cd", "/", "..", "e.f"};
    uint64_t seed = 0x9e3779b97f4a7c15ull;

    for (int round = 0; round < 20000; round++) {
        char in[256], want[512], out[PROTO_PATH_MAX + 1];
        size_t len = 1;
        int parts_n = (int)(check_xorshift64(&seed) % 20);

        in[0] = '/';
        for (int p = 0; p < parts_n; p++) {
            const char *s = parts[check_xorshift64(&seed) % 10];
            memcpy(in + len, s, strlen(s));
            len += strlen(s);
        }
        in[len] = '\0';
        int w = slow_fold(in, len, want);
        int r = norm(in, out, sizeof(out));
        CHECK(r == w && strcmp(out, want) == 0);
    }
}

int
main(void)
{
    RUN(dots_and_repeated_slashes_fold_away);
    RUN(dot_dot_never_climbs_above_the_root);
    RUN(relative_empty_and_nul_paths_are_refused);
    RUN(names_and_paths_past_their_bounds_are_too_long);
    RUN(a_small_cap_is_never_overrun);
    RUN(relative_paths_resolve_against_the_working_directory);
    RUN(a_resolved_path_longer_than_the_bound_is_refused);
    RUN(components_are_walked_in_order);
    RUN(random_paths_fold_as_a_stack_of_names_would);
    return check_exit();
}
