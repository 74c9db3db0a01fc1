/* SPDX-License-Identifier: MIT */
/*
 * The utilities of /bin (apps/, docs/utilities.md), built for the host
 * against its C library (test_utils.mk: build/host/utils/NAME), run in a
 * fresh temporary directory with a given standard input; their standard
 * output, standard error and status are compared exactly with what they
 * must be. Error messages name the host's strerror text, which is what
 * the utilities print on the host. Also lib/util's SHA-256 against the
 * FIPS 180-4 test vectors, fed whole and in random pieces.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include <util/sha256.h>
#include <util/util.h>

static char utils_dir[4096]; /* where the utilities are */
static char io_dir[1024];    /* the captured streams, outside the work dir */
static char work_dir[1024];  /* each test's working directory */

struct result {
    int status; /* the exit status, or 128 + signal */
    char *out, *err;
    size_t out_len, err_len;
};

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (f == NULL)
        return NULL;
    do {
        if (cap - n < 4096) {
            cap = cap * 2 + 8192;
            buf = realloc(buf, cap + 1);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void
spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL) {
        perror(path);
        exit(2);
    }
    if (len > 0 && fwrite(data, 1, len, f) != len)
        exit(2);
    fclose(f);
}

static void
result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

/* Runs utility argv[0] from utils_dir in the working directory with in
 * (len bytes; NULL: /dev/null) on standard input. */
static struct result
run_in(const char *in, size_t in_len, const char *const *argv)
{
    char prog[4200], in_path[4200], out_path[4200], err_path[4200];
    struct result r = {0};
    pid_t pid;
    int ws;

    snprintf(prog, sizeof(prog), "%s/%s", utils_dir, argv[0]);
    snprintf(in_path, sizeof(in_path), "%s/in", io_dir);
    snprintf(out_path, sizeof(out_path), "%s/out", io_dir);
    snprintf(err_path, sizeof(err_path), "%s/err", io_dir);
    spit(in_path, in ? in : "", in ? in_len : 0);
    pid = fork();
    if (pid == 0) {
        int i = open(in ? in_path : "/dev/null", O_RDONLY);
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        dup2(i, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    waitpid(pid, &ws, 0);
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r.out = slurp(out_path, &r.out_len);
    r.err = slurp(err_path, &r.err_len);
    return r;
}

#define RUN_IN(in, ...) run_in(in, (in) ? strlen(in) : 0, (const char *const[]){__VA_ARGS__, NULL})
#define RUN_UTIL(...)   run_in(NULL, 0, (const char *const[]){__VA_ARGS__, NULL})

/* Runs and checks all three results. */
static bool
expect_run(struct result r, int status, const char *out, const char *err)
{
    bool ok =
        r.status == status && r.out && strcmp(r.out, out) == 0 && r.err && strcmp(r.err, err) == 0;

    if (!ok)
        fprintf(stderr, "status %d (want %d)\nout: [%s]\nwant [%s]\nerr: [%s]\nwant [%s]\n",
                r.status, status, r.out ? r.out : "(none)", out, r.err ? r.err : "(none)", err);
    result_free(&r);
    return ok;
}

#define EXPECT(status, out, err, ...) CHECK(expect_run(RUN_UTIL(__VA_ARGS__), status, out, err))
#define EXPECT_IN(in, status, out, err, ...) \
    CHECK(expect_run(RUN_IN(in, __VA_ARGS__), status, out, err))

/* "NAME: what: strerror(err)\n" as the host prints it. */
static const char *
msg(const char *name, const char *what, int err)
{
    static char bufs[4][512];
    static int next;
    char *b = bufs[next++ % 4];

    snprintf(b, sizeof(bufs[0]), "%s: %s: %s\n", name, what, strerror(err));
    return b;
}

static void
fresh_dir(void)
{
    char cmd[4200];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir '%s'", work_dir, work_dir);
    if (system(cmd) != 0 || chdir(work_dir) != 0)
        exit(2);
}

static void
write_file(const char *path, const char *text)
{
    spit(path, text, strlen(text));
    chmod(path, 0644);
}

static bool
file_is(const char *path, const char *text)
{
    size_t len;
    char *s = slurp(path, &len);
    bool ok = s && len == strlen(text) && memcmp(s, text, len) == 0;

    free(s);
    return ok;
}

static bool
exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* ---- SHA-256 in process --------------------------------------------- */

static void
hex(const uint8_t *d, char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static bool
sha_is(const void *data, size_t len, const char *want)
{
    struct util_sha256 s;
    uint8_t d[32];
    char h[65];

    util_sha256_init(&s);
    util_sha256_update(&s, data, len);
    util_sha256_final(&s, d);
    hex(d, h);
    return strcmp(h, want) == 0;
}

TEST(sha256_matches_the_fips_180_4_vectors)
{
    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const char long_msg[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                                   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    char *million = malloc(1000000);

    CHECK(sha_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(sha_is("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    CHECK(sha_is(two_blocks, strlen(two_blocks),
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    CHECK(sha_is(long_msg, strlen(long_msg),
                 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"));
    memset(million, 'a', 1000000);
    CHECK(sha_is(million, 1000000,
                 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    /* The padding's edges: 55 bytes fit one block, 56 need two. */
    CHECK(sha_is(million, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"));
    CHECK(sha_is(million, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"));
    CHECK(sha_is(million, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"));
    free(million);
}

TEST(sha256_in_random_pieces_equals_sha256_whole)
{
    uint64_t seed = 0x5eed;
    uint8_t *data = malloc(20000);
    uint8_t whole[32], pieces[32];

    for (int i = 0; i < 20000; i++)
        data[i] = (uint8_t)check_xorshift64(&seed);
    for (int round = 0; round < 200; round++) {
        size_t len = check_xorshift64(&seed) % 20000, off = 0;
        struct util_sha256 s;

        util_sha256_init(&s);
        util_sha256_update(&s, data, len);
        util_sha256_final(&s, whole);
        util_sha256_init(&s);
        while (off < len) {
            size_t take = check_xorshift64(&seed) % 150;

            take = take > len - off ? len - off : take;
            util_sha256_update(&s, data + off, take);
            off += take;
        }
        util_sha256_final(&s, pieces);
        CHECK(memcmp(whole, pieces, 32) == 0);
    }
    free(data);
}

/* ---- every utility ---------------------------------------------------- */

static const char *const all_utils[] = {
    "echo", "cat",  "ls",   "cp",      "mv",        "rm",    "mkdir", "rmdir", "touch", "pwd", "wc",
    "head", "tail", "grep", "hexdump", "sha256sum", "sleep", "kill",  "true",  "false", "date"};

TEST(sizes_parse_with_their_suffixes_and_bad_ones_are_refused)
{
    static const char *const bad[] = {"",
                                      "K",
                                      "-1",
                                      "1k",
                                      "1KB",
                                      "1.5M",
                                      " 1",
                                      "1 ",
                                      "0x10",
                                      "18446744073709551616",
                                      "17179869184G",
                                      "17592186044416M",
                                      "18014398509481984K"};
    uint64_t v = 7;

    CHECK(util_parse_size("0", &v) && v == 0);
    CHECK(util_parse_size("4096", &v) && v == 4096);
    CHECK(util_parse_size("64K", &v) && v == 64 * 1024);
    CHECK(util_parse_size("16M", &v) && v == 16ull << 20);
    CHECK(util_parse_size("3G", &v) && v == 3ull << 30);
    CHECK(util_parse_size("18446744073709551615", &v) && v == UINT64_MAX);
    CHECK(util_parse_size("17179869183G", &v) && v == 17179869183ull << 30);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = 7;
        CHECK(!util_parse_size(bad[i], &v) && v == 7);
    }
}

TEST(every_utility_prints_its_usage_for_help_and_exits_0)
{
    for (size_t i = 0; i < sizeof(all_utils) / sizeof(all_utils[0]); i++) {
        struct result r = RUN_UTIL(all_utils[i], "--help");
        char want[64];

        snprintf(want, sizeof(want), "Usage: %s", all_utils[i]);
        CHECK(r.status == 0);
        CHECK(r.out && strncmp(r.out, want, strlen(want)) == 0);
        CHECK(r.out_len > 0 && r.out[r.out_len - 1] == '\n');
        CHECK(r.err_len == 0);
        result_free(&r);
    }
}

TEST(an_unknown_option_is_a_usage_error_on_stderr)
{
    EXPECT(1, "", "cat: unknown option '-z'\nUsage: cat [FILE]...\n", "cat", "-z");
    EXPECT(1, "", "ls: unknown option '--long'\nUsage: ls [-la] [FILE]...\n", "ls", "--long");
    EXPECT(2, "", "grep: unknown option '-q'\nUsage: grep [-icnvF] PATTERN [FILE]...\n", "grep",
           "-q", "x");
    EXPECT(1, "", "head: option '-n' needs an argument\nUsage: head [-n N] [FILE]...\n", "head",
           "-n");
}

TEST(a_write_error_is_reported_and_fails)
{
    pid_t pid = fork();
    int ws;

    if (pid == 0) {
        char prog[4200];
        int full = open("/dev/full", O_WRONLY), null = open("/dev/null", O_WRONLY);

        snprintf(prog, sizeof(prog), "%s/echo", utils_dir);
        dup2(full, 1);
        dup2(null, 2);
        execl(prog, "echo", "hi", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &ws, 0);
    CHECK(WIFEXITED(ws) && WEXITSTATUS(ws) == 1);
}

TEST(echo_joins_its_arguments)
{
    EXPECT(0, "a b   c\n", "", "echo", "a", "b ", " c");
    EXPECT(0, "\n", "", "echo");
    EXPECT(0, "x y", "", "echo", "-n", "x", "y");
    EXPECT(0, "", "", "echo", "-n");
    EXPECT(0, "-- -x --help\n", "", "echo", "--", "-x", "--help");
}

TEST(true_and_false_give_their_status)
{
    EXPECT(0, "", "", "true");
    EXPECT(0, "", "", "true", "anything");
    EXPECT(1, "", "", "false");
}

TEST(cat_writes_files_and_stdin_in_order)
{
    fresh_dir();
    write_file("a", "one\n");
    write_file("b", "two");
    write_file("empty", "");
    EXPECT(0, "one\ntwo", "", "cat", "a", "b");
    EXPECT_IN("in\n", 0, "one\nin\ntwo", "", "cat", "a", "-", "b");
    EXPECT_IN("only stdin", 0, "only stdin", "", "cat");
    EXPECT(0, "", "", "cat", "empty");
}

TEST(cat_reports_missing_files_and_directories_and_goes_on)
{
    fresh_dir();
    write_file("a", "one\n");
    mkdir("d", 0755);
    EXPECT(1, "one\n", msg("cat", "nofile", ENOENT), "cat", "nofile", "a");
    EXPECT(1, "one\n", msg("cat", "d", EISDIR), "cat", "a", "d");
}

TEST(cat_passes_long_lines_and_every_byte)
{
    size_t len = 300000;
    char *big = malloc(len);
    struct result r;

    for (size_t i = 0; i < len; i++)
        big[i] = (char)(i * 131 + 7);
    fresh_dir();
    spit("big", big, len);
    r = RUN_UTIL("cat", "big");
    CHECK(r.status == 0 && r.out_len == len && memcmp(r.out, big, len) == 0);
    result_free(&r);
    r = run_in(big, len, (const char *const[]){"cat", NULL});
    CHECK(r.status == 0 && r.out_len == len && memcmp(r.out, big, len) == 0);
    result_free(&r);
    free(big);
}

static void
ls_tree(void)
{
    fresh_dir();
    write_file("b", "bb");
    write_file("a", "a");
    write_file(".hidden", "");
    mkdir("sub", 0755);
    chmod("sub", 0755);
    write_file("sub/x", "x");
}

TEST(ls_lists_sorted_names_and_hides_dot_files)
{
    ls_tree();
    EXPECT(0, "a\nb\nsub\n", "", "ls");
    EXPECT(0, "a\nb\nsub\n", "", "ls", ".");
    EXPECT(0, ".\n..\n.hidden\na\nb\nsub\n", "", "ls", "-a");
    EXPECT(0, "x\n", "", "ls", "sub");
    EXPECT(0, "a\n", "", "ls", "a");
}

TEST(ls_lists_files_first_then_each_directory_under_a_header)
{
    ls_tree();
    EXPECT(0, "a\nb\n\nsub:\nx\n", "", "ls", "sub", "b", "a");
    EXPECT(0, ".:\na\nb\nsub\n\nsub:\nx\n", "", "ls", "sub", ".");
    EXPECT(1, "a\n", msg("ls", "nope", ENOENT), "ls", "nope", "a");
}

TEST(ls_l_shows_type_mode_links_size_and_time)
{
    struct stat st;
    char want[512], when[32];
    struct result r;

    ls_tree();
    stat("b", &st);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", gmtime(&st.st_mtime));
    snprintf(want, sizeof(want), "-rw-r--r-- 1 2 %s b\n", when);
    EXPECT(0, want, "", "ls", "-l", "b");
    r = RUN_UTIL("ls", "-l");
    CHECK(r.status == 0);
    stat("a", &st);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M", gmtime(&st.st_mtime));
    snprintf(want, sizeof(want), "-rw-r--r-- 1 ");
    CHECK(r.out && strncmp(r.out, want, strlen(want)) == 0);
    CHECK(r.out && strstr(r.out, " b\ndrwxr-xr-x ") != NULL);
    CHECK(r.out && r.out_len > 5 && strcmp(r.out + r.out_len - 5, " sub\n") == 0);
    result_free(&r);
}

TEST(cp_copies_a_file_to_a_file_and_into_a_directory)
{
    struct stat st;

    fresh_dir();
    write_file("src", "content\n");
    chmod("src", 0640);
    mkdir("d", 0755);
    EXPECT(0, "", "", "cp", "src", "dst");
    CHECK(file_is("dst", "content\n"));
    CHECK(stat("dst", &st) == 0 && (st.st_mode & 0777) == 0640);
    write_file("dst", "longer old content that must go\n");
    EXPECT(0, "", "", "cp", "src", "dst");
    CHECK(file_is("dst", "content\n"));
    write_file("two", "2");
    EXPECT(0, "", "", "cp", "src", "two", "d");
    CHECK(file_is("d/src", "content\n") && file_is("d/two", "2"));
    EXPECT(0, "", "", "cp", "src", "d/");
    CHECK(file_is("d/src", "content\n"));
}

TEST(cp_refuses_missing_sources_directories_and_copies_onto_themselves)
{
    fresh_dir();
    write_file("src", "x");
    mkdir("d", 0755);
    EXPECT(1, "", msg("cp", "nope", ENOENT), "cp", "nope", "dst");
    EXPECT(1, "", msg("cp", "d", EISDIR), "cp", "d", "dst");
    EXPECT(1, "", "cp: 'src' and 'src' are the same file\n", "cp", "src", "src");
    EXPECT(1, "", "cp: target 'src' is not a directory\n", "cp", "d", "src", "src");
    EXPECT(1, "", "cp: missing destination operand\nUsage: cp SOURCE DEST\n", "cp", "src");
    CHECK(file_is("src", "x"));
}

TEST(mv_renames_and_moves_into_a_directory)
{
    fresh_dir();
    write_file("a", "A");
    write_file("b", "B");
    mkdir("d", 0755);
    EXPECT(0, "", "", "mv", "a", "c");
    CHECK(!exists("a") && file_is("c", "A"));
    EXPECT(0, "", "", "mv", "c", "b", "d");
    CHECK(file_is("d/c", "A") && file_is("d/b", "B") && !exists("b"));
    EXPECT(0, "", "", "mv", "d", "e");
    CHECK(file_is("e/c", "A"));
    EXPECT(1, "", msg("mv", "nope", ENOENT), "mv", "nope", "x");
    EXPECT(1, "", "mv: target 'e/c' is not a directory\n", "mv", "e/b", "x", "e/c");
}

TEST(rm_removes_files_and_with_r_directories)
{
    fresh_dir();
    write_file("f", "");
    mkdir("d", 0755);
    mkdir("d/e", 0755);
    write_file("d/e/g", "g");
    write_file("d/h", "h");
    EXPECT(0, "", "", "rm", "f");
    CHECK(!exists("f"));
    EXPECT(1, "", msg("rm", "d", EISDIR), "rm", "d");
    CHECK(exists("d/e/g"));
    EXPECT(0, "", "", "rm", "-r", "d");
    CHECK(!exists("d"));
}

TEST(rm_f_ignores_missing_files_and_nothing_removes_dot)
{
    fresh_dir();
    EXPECT(1, "", msg("rm", "nope", ENOENT), "rm", "nope");
    EXPECT(0, "", "", "rm", "-f", "nope");
    EXPECT(0, "", "", "rm", "-f");
    EXPECT(1, "", "rm: missing operand\nUsage: rm [-rf] FILE...\n", "rm");
    EXPECT(1, "", "rm: refusing to remove '.'\n", "rm", "-rf", ".");
    EXPECT(1, "", "rm: refusing to remove 'x/..'\n", "rm", "-rf", "x/..");
    CHECK(exists("."));
}

TEST(mkdir_and_rmdir_make_and_remove_directories)
{
    struct stat st;

    fresh_dir();
    EXPECT(0, "", "", "mkdir", "a", "b");
    CHECK(stat("a", &st) == 0 && S_ISDIR(st.st_mode) && exists("b"));
    EXPECT(1, "", msg("mkdir", "a", EEXIST), "mkdir", "a");
    EXPECT(1, "", msg("mkdir", "x/y", ENOENT), "mkdir", "x/y");
    EXPECT(0, "", "", "mkdir", "-p", "x/y/z", "a", "p//q/");
    CHECK(exists("x/y/z") && exists("p/q"));
    write_file("file", "");
    EXPECT(1, "", msg("mkdir", "file", ENOTDIR), "mkdir", "-p", "file/sub");
    EXPECT(1, "", msg("rmdir", "x", ENOTEMPTY), "rmdir", "x");
    EXPECT(0, "", "", "rmdir", "x/y/z", "x/y", "x");
    CHECK(!exists("x"));
    EXPECT(1, "", msg("rmdir", "nope", ENOENT), "rmdir", "nope");
}

TEST(touch_creates_missing_files_and_keeps_existing_ones)
{
    fresh_dir();
    write_file("old", "keep");
    EXPECT(0, "", "", "touch", "new", "old");
    CHECK(file_is("new", "") && file_is("old", "keep"));
    EXPECT(1, "", msg("touch", "no/such", ENOENT), "touch", "no/such");
}

TEST(pwd_prints_the_working_directory)
{
    char cwd[4096], want[4200];

    fresh_dir();
    CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
    snprintf(want, sizeof(want), "%s\n", cwd);
    EXPECT(0, want, "", "pwd");
    EXPECT(1, "", "pwd: too many arguments\nUsage: pwd\n", "pwd", "x");
}

TEST(wc_counts_lines_words_and_bytes_with_totals)
{
    fresh_dir();
    write_file("f", "hello world\nfoo\n");
    write_file("g", "  one\ttwo\n\nthree");
    write_file("empty", "");
    EXPECT(0, " 2  3 16 f\n", "", "wc", "f");
    EXPECT(0, "2 f\n", "", "wc", "-l", "f");
    EXPECT(0, " 3 16 f\n", "", "wc", "-cw", "f");
    EXPECT(0, " 2  3 16 f\n 2  3 16 g\n 4  6 32 total\n", "", "wc", "f", "g");
    EXPECT(0, "0 0 0 empty\n", "", "wc", "empty");
    EXPECT_IN("a b\nc", 0, "1 3 5\n", "", "wc");
    EXPECT(1, " 2  3 16 f\n 2  3 16 total\n", msg("wc", "nope", ENOENT), "wc", "f", "nope");
}

TEST(head_and_tail_take_lines_from_the_ends)
{
    char twelve[256] = "", want[256] = "";

    for (int i = 1; i <= 12; i++)
        snprintf(twelve + strlen(twelve), sizeof(twelve) - strlen(twelve), "%d\n", i);
    fresh_dir();
    write_file("t", twelve);
    write_file("short", "a\nb\nc");
    for (int i = 1; i <= 10; i++)
        snprintf(want + strlen(want), sizeof(want) - strlen(want), "%d\n", i);
    EXPECT(0, want, "", "head", "t");
    EXPECT(0, "1\n2\n3\n", "", "head", "-n", "3", "t");
    EXPECT(0, "1\n2\n", "", "head", "-n2", "t");
    EXPECT(0, "", "", "head", "-n", "0", "t");
    EXPECT(0, "a\nb\nc", "", "head", "short");
    EXPECT(0, "3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "", "tail", "t");
    EXPECT(0, "11\n12\n", "", "tail", "-n", "2", "t");
    EXPECT(0, "b\nc", "", "tail", "-n", "2", "short");
    EXPECT(0, "a\nb\nc", "", "tail", "-n", "100", "short");
    EXPECT(0, "", "", "tail", "-n", "0", "short");
    EXPECT_IN("x\ny\nz\n", 0, "y\nz\n", "", "tail", "-n", "2");
    EXPECT_IN("x\ny\nz\n", 0, "x\n", "", "head", "-n", "1", "-");
    EXPECT(0, "==> t <==\n1\n\n==> short <==\na\n", "", "head", "-n", "1", "t", "short");
    EXPECT(0, "==> t <==\n12\n\n==> short <==\nc", "", "tail", "-n", "1", "t", "short");
    EXPECT(1, "", "head: invalid number of lines 'x'\nUsage: head [-n N] [FILE]...\n", "head", "-n",
           "x", "t");
    EXPECT(1, "", msg("tail", "nope", ENOENT), "tail", "nope");
}

TEST(head_and_tail_handle_empty_files_and_long_lines)
{
    size_t len = 200000;
    char *line = malloc(len + 3);
    struct result r;

    memset(line, 'q', len);
    memcpy(line + len, "\nz", 3);
    fresh_dir();
    write_file("empty", "");
    spit("long", line, len + 2);
    EXPECT(0, "", "", "head", "empty");
    EXPECT(0, "", "", "tail", "empty");
    r = RUN_UTIL("head", "-n", "1", "long");
    CHECK(r.status == 0 && r.out_len == len + 1 && memcmp(r.out, line, len + 1) == 0);
    result_free(&r);
    EXPECT(0, "z", "", "tail", "-n", "1", "long");
    free(line);
}

TEST(grep_selects_lines_with_a_fixed_string)
{
    fresh_dir();
    write_file("f", "apple\nBanana\ncherry\nbanana split\n");
    write_file("g", "nothing\nbanana\n");
    EXPECT(0, "banana split\n", "", "grep", "banana", "f");
    EXPECT(0, "Banana\nbanana split\n", "", "grep", "-i", "BANANA", "f");
    EXPECT(0, "apple\nBanana\ncherry\n", "", "grep", "-v", "split", "f");
    EXPECT(0, "2:Banana\n4:banana split\n", "", "grep", "-n", "-i", "an", "f");
    EXPECT(0, "2\n", "", "grep", "-ci", "banana", "f");
    EXPECT(0, "f:banana split\ng:banana\n", "", "grep", "banana", "f", "g");
    EXPECT(0, "f:1\ng:1\n", "", "grep", "-c", "banana", "f", "g");
    EXPECT(1, "", "", "grep", "kiwi", "f");
    EXPECT(1, "0\n", "", "grep", "-c", "kiwi", "f");
    EXPECT_IN("x\nyes\n", 0, "yes\n", "", "grep", "yes");
    EXPECT_IN("a.c\nabc\n", 0, "(standard input):a.c\n", "", "grep", "-F", "a.c", "f", "-");
}

TEST(grep_matches_simple_regular_expressions)
{
    fresh_dir();
    write_file("f", "abc\naxc\nac\nabbbc\nx.y\n123\nz9\n^lit\nend$\nback\\\n");
    EXPECT(0, "abc\naxc\n", "", "grep", "a.c", "f");
    EXPECT(0, "abc\nac\nabbbc\n", "", "grep", "^ab*c$", "f");
    EXPECT(0, "x.y\n", "", "grep", "x\\.y", "f");
    EXPECT(0, "123\nz9\n", "", "grep", "[0-9]", "f");
    EXPECT(0, "123\n", "", "grep", "^[0-9][0-9]*$", "f");
    EXPECT(0, "axc\nx.y\n123\nz9\n^lit\nend$\nback\\\n", "", "grep", "[^abc]", "f");
    EXPECT(0, "^lit\n", "", "grep", "\\^", "f");
    EXPECT(0, "end$\n", "", "grep", "d\\$", "f");
    EXPECT(0, "back\\\n", "", "grep", "k\\\\$", "f");
    EXPECT(1, "", "", "grep", "k\\\\\\$", "f");
    EXPECT(0, "^lit\n", "", "grep", "^^", "f");
    EXPECT(0, "end$\n", "", "grep", "$$", "f");
    EXPECT(0, "abc\nabbbc\n", "", "grep", "bc$", "f");
    EXPECT(0, "abc\naxc\nac\nabbbc\nx.y\n123\nz9\n^lit\nend$\nback\\\n", "", "grep", "q*", "f");
    EXPECT(0, "abc\naxc\nac\nabbbc\n", "", "grep", "^a", "f");
    EXPECT(0, "z9\n", "", "grep", "[]z]", "f");
    EXPECT(0, "abc\naxc\nac\nabbbc\nback\\\n", "", "grep", "-i", "[A-C]", "f");
    EXPECT(2, "", "grep: unterminated [ in the pattern\n", "grep", "[abc", "f");
    EXPECT(2, "", "grep: trailing backslash in the pattern\n", "grep", "ab\\", "f");
    EXPECT(2, "", msg("grep", "nope", ENOENT), "grep", "x", "nope");
    EXPECT(2, "", "grep: no pattern given\nUsage: grep [-icnvF] PATTERN [FILE]...\n", "grep");
}

TEST(grep_takes_binary_bytes_and_is_linear_on_hostile_patterns)
{
    static const char bin[] = "a\0b\nno\n\xff\xfe\n";
    size_t len = 100000;
    char *as = malloc(len + 2);
    struct result r;

    fresh_dir();
    spit("bin", bin, sizeof(bin) - 1);
    r = RUN_UTIL("grep", "b", "bin");
    CHECK(r.status == 0 && r.out_len == 4 && memcmp(r.out, "a\0b\n", 4) == 0);
    result_free(&r);
    r = RUN_UTIL("grep", "\xfe", "bin");
    CHECK(r.status == 0 && r.out_len == 3 && memcmp(r.out, "\xff\xfe\n", 3) == 0);
    result_free(&r);
    /* A backtracking matcher takes ages here; the automaton n * m steps. */
    memset(as, 'a', len);
    memcpy(as + len, "\n", 2);
    spit("as", as, len + 1);
    EXPECT(1, "", "", "grep", "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "as");
    r = RUN_UTIL("grep", "^a*a*a*a*a*a*a*$", "as");
    CHECK(r.status == 0 && r.out_len == len + 1);
    result_free(&r);
    free(as);
}

TEST(hexdump_shows_the_canonical_layout)
{
    static const char hi[] = "00000000  68 69 0a                                          |hi.|\n"
                             "00000003\n";
    static const char zeros[] =
        "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
        "*\n"
        "00000020  00 00 00 00 00 00 00 00                           |........|\n"
        "00000028\n";
    static const char mixed[] =
        "00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 2e 0a 00 ff  |Hello, world....|\n"
        "00000010  7f                                                |.|\n"
        "00000011\n";
    char z[40] = {0};
    struct result r;

    fresh_dir();
    EXPECT_IN("hi\n", 0, hi, "", "hexdump", "-C");
    EXPECT_IN("hi\n", 0, hi, "", "hexdump");
    EXPECT_IN("", 0, "", "", "hexdump", "-C");
    spit("z", z, sizeof(z));
    EXPECT(0, zeros, "", "hexdump", "-C", "z");
    r = run_in("Hello, world.\n\0\xff\x7f", 17, (const char *const[]){"hexdump", "-C", NULL});
    CHECK(r.status == 0 && r.out && strcmp(r.out, mixed) == 0);
    result_free(&r);
    /* Files are one stream. */
    write_file("h", "h");
    write_file("i", "i\n");
    EXPECT(0, hi, "", "hexdump", "h", "i");
    EXPECT(1, "", msg("hexdump", "nope", ENOENT), "hexdump", "nope");
}

TEST(hexdump_agrees_with_the_hosts_on_every_byte)
{
    uint8_t all[700];
    struct result r;
    char cmd[256];
    size_t want_len;
    char *want;

    if (access("/usr/bin/hexdump", X_OK) != 0)
        return; /* the host has none to compare with; the exact cases above still ran */
    for (int i = 0; i < 700; i++)
        all[i] = (uint8_t)(i < 256 ? i : i < 400 ? 0x41 : i * 13);
    fresh_dir();
    spit("all", all, sizeof(all));
    snprintf(cmd, sizeof(cmd), "/usr/bin/hexdump -C all > want");
    CHECK(system(cmd) == 0);
    want = slurp("want", &want_len);
    r = RUN_UTIL("hexdump", "-C", "all");
    CHECK(r.status == 0 && want && r.out_len == want_len && memcmp(r.out, want, want_len) == 0);
    result_free(&r);
    free(want);
}

TEST(sha256sum_prints_digests_as_coreutils_does)
{
    size_t len = 1 << 20;
    uint8_t *mib = malloc(len);

    for (size_t i = 0; i < len; i++)
        mib[i] = (uint8_t)(i * 7 + 3);
    fresh_dir();
    write_file("empty", "");
    write_file("abc", "abc");
    write_file("two", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    spit("mib", mib, len);
    EXPECT(0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty\n", "",
           "sha256sum", "empty");
    EXPECT(0,
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n"
           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1  two\n",
           "", "sha256sum", "abc", "two");
    EXPECT(0, "172c15dc2e12b50e523d8e657cbe7fbb11c1053252bbf1e1431077d57d8128fd  mib\n", "",
           "sha256sum", "mib");
    EXPECT_IN("abc", 0, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n", "",
              "sha256sum");
    EXPECT(1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n",
           msg("sha256sum", "nope", ENOENT), "sha256sum", "nope", "abc");
    free(mib);
}

TEST(sleep_waits_at_least_its_time_and_refuses_bad_numbers)
{
    struct timespec a, b;
    long ms;

    clock_gettime(CLOCK_MONOTONIC, &a);
    EXPECT(0, "", "", "sleep", "0.15", ".05");
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    CHECK(ms >= 200);
    EXPECT(0, "", "", "sleep", "0", "0s", "0.0m");
    EXPECT(1, "", "sleep: invalid time interval 'x'\nUsage: sleep NUMBER[SUFFIX]...\n", "sleep",
           "x");
    EXPECT(1, "", "sleep: invalid time interval '1y'\nUsage: sleep NUMBER[SUFFIX]...\n", "sleep",
           "1y");
    EXPECT(1, "", "sleep: invalid time interval '.'\nUsage: sleep NUMBER[SUFFIX]...\n", "sleep",
           ".");
    EXPECT(1, "", "sleep: missing operand\nUsage: sleep NUMBER[SUFFIX]...\n", "sleep");
    /* Past 2^32 seconds, alone or added up: refused before any waiting. */
    EXPECT(1, "", "sleep: invalid time interval '4294967297'\nUsage: sleep NUMBER[SUFFIX]...\n",
           "sleep", "4294967297");
    EXPECT(1, "", "sleep: invalid time interval '1s'\nUsage: sleep NUMBER[SUFFIX]...\n", "sleep",
           "4294967296", "1s");
    EXPECT(1, "",
           "sleep: invalid time interval '99999999999999999999999d'\nUsage: sleep "
           "NUMBER[SUFFIX]...\n",
           "sleep", "99999999999999999999999d");
}

/* Dates as a person types them, in the local time of TZ; every bad one
 * refused by name, and -s (which would set the host's clock) only with
 * dates it must refuse before it tries. */
TEST(date_reads_dates_in_local_time_and_refuses_impossible_ones)
{
    static const char *const bad[] = {"2026-13-01",
                                      "2026-02-29",
                                      "2026-00-10",
                                      "2026-12-32",
                                      "26-12-04",
                                      "2026-12-04 24:00",
                                      "2026-12-04 23:60",
                                      "2026-12-04 1:00",
                                      "2026-12-04 10:00:60",
                                      "2026-12-04 10:00x",
                                      "2026/12/04",
                                      "",
                                      "@",
                                      "now"};
    char err[200];

    EXPECT(0, "2026-12-04 22:40:00 UTC +0000 1796424000\n", "", "date", "-d", "2026-12-04 22:40",
           "+%F %T %Z %z %s");
    EXPECT(0, "2024-02-29 00:00:00 UTC\n", "", "date", "-d", "2024-02-29", "+%F %T %Z");
    EXPECT(0, "2026-12-04 22:40:07\n", "", "date", "-u", "-d", "2026-12-04T22:40:07", "+%F %T");
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    EXPECT(0, "Fri Dec  4 23:40:00 CET 2026\n", "", "date", "-d", "@1796424000");
    EXPECT(0, "Fri Dec  4 22:40:00 UTC 2026\n", "", "date", "-u", "-d", "@1796424000");
    EXPECT(0, "2026-07-01 12:00:00 CEST +0200 1782900000\n", "", "date", "-d", "2026-07-01 12:00",
           "+%F %T %Z %z %s");
    /* 02:30 on the last Sunday of March is skipped; 02:30 in October is
     * there twice, and is read as standard time. */
    EXPECT(1, "",
           "date: invalid date '2026-03-29 02:30' (daylight saving time skips it)\n"
           "Usage: date [-u] [-d DATE] [+FORMAT]\n",
           "date", "-d", "2026-03-29 02:30");
    EXPECT(0, "02:30 CET\n", "", "date", "-d", "2026-10-25 02:30", "+%H:%M %Z");
    setenv("TZ", "UTC", 1);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(err, sizeof(err),
                 "date: invalid date '%s' (use @SECONDS or YYYY-MM-DD [HH:MM[:SS]])\n"
                 "Usage: date [-u] [-d DATE] [+FORMAT]\n",
                 bad[i]);
        EXPECT(1, "", err, "date", "-d", bad[i]);
        EXPECT(1, "", err, "date", "-s", bad[i]);
    }
    EXPECT(1, "", "date: -d and -s cannot go together\nUsage: date [-u] [-d DATE] [+FORMAT]\n",
           "date", "-d", "@0", "-s", "@0");
}

TEST(date_prints_the_time_in_utc_by_default_and_by_a_format)
{
    struct result r;
    time_t before = time(NULL), printed;

    EXPECT(0, "Fri Dec  4 22:40:00 UTC 2026\n", "", "date", "-d", "@1796424000");
    EXPECT(0, "Fri Dec  4 22:40:00 UTC 2026\n", "", "date", "-u", "-d", "@1796424000");
    EXPECT(0, "1969-12-31 23:59:59 | -1 | 1970 365\n", "", "date", "-d", "@-1",
           "+%F %T | %s | %G %j");
    EXPECT(0, "\n", "", "date", "-d", "@0", "+");
    EXPECT(0, "%Q 100%\n", "", "date", "-d", "@0", "+%Q 100%%");
    /* Now: the seconds it prints are the host's, give or take a second. */
    r = RUN_UTIL("date", "+%s");
    printed = r.out ? (time_t)strtoll(r.out, NULL, 10) : 0;
    CHECK(r.status == 0 && printed >= before && printed <= time(NULL) + 1);
    result_free(&r);
    EXPECT(1, "",
           "date: extra operand 'tomorrow' (a format starts with '+')\n"
           "Usage: date [-u] [-d DATE] [+FORMAT]\n",
           "date", "tomorrow");
    EXPECT(1, "",
           "date: invalid date '@12x' (use @SECONDS or YYYY-MM-DD [HH:MM[:SS]])\n"
           "Usage: date [-u] [-d DATE] [+FORMAT]\n",
           "date", "-d", "@12x");
    EXPECT(1, "", "date: extra operand '+%Y'\nUsage: date [-u] [-d DATE] [+FORMAT]\n", "date",
           "+%s", "+%Y");
    /* A year beyond int: refused, not wrapped. */
    r = RUN_UTIL("date", "-d", "@9223372036854775807");
    CHECK(r.status == 1 && r.out_len == 0 && r.err &&
          strncmp(r.err, "date: the time is out of the calendar's range: ", 47) == 0);
    result_free(&r);
}

TEST(kill_sends_the_named_signal)
{
    char pidbuf[32];
    int ws;
    struct result r;
    const char *names[] = {"-KILL", "-9", "-sigkill", "-s"};

    r = RUN_UTIL("kill", "-l");
    CHECK(r.status == 0 && r.out && strstr(r.out, "15 TERM\n") && strstr(r.out, " 9 KILL\n"));
    result_free(&r);
    for (int i = 0; i < 5; i++) {
        pid_t pid = fork();

        if (pid == 0) {
            pause();
            _exit(0);
        }
        snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
        if (i == 4)
            EXPECT(0, "", "", "kill", pidbuf);
        else if (i == 3)
            EXPECT(0, "", "", "kill", "-s", "KILL", pidbuf);
        else
            EXPECT(0, "", "", "kill", names[i], pidbuf);
        waitpid(pid, &ws, 0);
        CHECK(WIFSIGNALED(ws) && WTERMSIG(ws) == (i == 4 ? SIGTERM : SIGKILL));
    }
    EXPECT(1, "", "kill: unknown signal 'NOPE'\nUsage: kill [-s SIGNAL | -SIGNAL | -N] PID...\n",
           "kill", "-NOPE", "1");
    EXPECT(1, "", "kill: invalid process id 'x'\n", "kill", "x");
    EXPECT(1, "", msg("kill", "999999999", ESRCH), "kill", "-0", "999999999");
    EXPECT(1, "", "kill: no process given\nUsage: kill [-s SIGNAL | -SIGNAL | -N] PID...\n", "kill",
           "-9");
}

int
main(int argc, char **argv)
{
    char self[4096], base[] = "/tmp/cairn-utils-XXXXXX", cmd[4200];

    (void)argc;
    setenv("TZ", "UTC", 1); /* date's %s goes through the host's mktime, local time */
    snprintf(self, sizeof(self), "%s", argv[0]);
    if (realpath(dirname(self), utils_dir) == NULL)
        return 2;
    strncat(utils_dir, "/utils", sizeof(utils_dir) - strlen(utils_dir) - 1);
    if (mkdtemp(base) == NULL)
        return 2;
    snprintf(io_dir, sizeof(io_dir), "%s", base);
    snprintf(work_dir, sizeof(work_dir), "%s/w", base);
    fresh_dir();
    RUN(sha256_matches_the_fips_180_4_vectors);
    RUN(sha256_in_random_pieces_equals_sha256_whole);
    RUN(sizes_parse_with_their_suffixes_and_bad_ones_are_refused);
    RUN(every_utility_prints_its_usage_for_help_and_exits_0);
    RUN(an_unknown_option_is_a_usage_error_on_stderr);
    RUN(a_write_error_is_reported_and_fails);
    RUN(echo_joins_its_arguments);
    RUN(true_and_false_give_their_status);
    RUN(cat_writes_files_and_stdin_in_order);
    RUN(cat_reports_missing_files_and_directories_and_goes_on);
    RUN(cat_passes_long_lines_and_every_byte);
    RUN(ls_lists_sorted_names_and_hides_dot_files);
    RUN(ls_lists_files_first_then_each_directory_under_a_header);
    RUN(ls_l_shows_type_mode_links_size_and_time);
    RUN(cp_copies_a_file_to_a_file_and_into_a_directory);
    RUN(cp_refuses_missing_sources_directories_and_copies_onto_themselves);
    RUN(mv_renames_and_moves_into_a_directory);
    RUN(rm_removes_files_and_with_r_directories);
    RUN(rm_f_ignores_missing_files_and_nothing_removes_dot);
    RUN(mkdir_and_rmdir_make_and_remove_directories);
    RUN(touch_creates_missing_files_and_keeps_existing_ones);
    RUN(pwd_prints_the_working_directory);
    RUN(wc_counts_lines_words_and_bytes_with_totals);
    RUN(head_and_tail_take_lines_from_the_ends);
    RUN(head_and_tail_handle_empty_files_and_long_lines);
    RUN(grep_selects_lines_with_a_fixed_string);
    RUN(grep_matches_simple_regular_expressions);
    RUN(grep_takes_binary_bytes_and_is_linear_on_hostile_patterns);
    RUN(hexdump_shows_the_canonical_layout);
    RUN(hexdump_agrees_with_the_hosts_on_every_byte);
    RUN(sha256sum_prints_digests_as_coreutils_does);
    RUN(sleep_waits_at_least_its_time_and_refuses_bad_numbers);
    RUN(date_prints_the_time_in_utc_by_default_and_by_a_format);
    RUN(date_reads_dates_in_local_time_and_refuses_impossible_ones);
    RUN(kill_sends_the_named_signal);
    if (chdir("/") == 0) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
        if (system(cmd) != 0)
            return 2;
    }
    return check_exit();
}
