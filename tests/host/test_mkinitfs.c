// SPDX-License-Identifier: MIT
/*
 * Tests for the initfs writer tools/mkinitfs, run as a program on files
 * made here in a temporary directory: the archive must read back through
 * lib/tar with every member's data on a 4096-byte boundary and equal to its
 * file, the host's `tar -tvf` must list exactly the members (the padding
 * headers unseen), `tar -xf` must extract identical files, the same inputs
 * must give the same bytes, and bad arguments must be refused with exit
 * status 1 and no archive left behind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairn/errors.h>

#include "check.h"
#include "tar/tar.h"

static const char *mkinitfs_path = "build/tools/mkinitfs";
static char tmpdir[] = "/tmp/test_mkinitfs.XXXXXX";

/* File sizes around the block and page boundaries the padding depends on. */
static const size_t sizes[] = {0, 1, 511, 512, 513, 3071, 3072, 3583, 3584, 3585, 4095, 4096, 9000};
#define NFILES (sizeof(sizes) / sizeof(sizes[0]))

static int
run(const char *cmd)
{
    int st = system(cmd);

    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static uint8_t *
read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p;
    long len;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    p = malloc(len > 0 ? (size_t)len : 1);
    *n = fread(p, 1, (size_t)len, f);
    fclose(f);
    return p;
}

/* The file of index i, whose bytes depend on i, and its member name. */
static void
make_inputs(void)
{
    char path[512];

    for (size_t i = 0; i < NFILES; i++) {
        FILE *f;

        snprintf(path, sizeof(path), "%s/f%zu", tmpdir, i);
        f = fopen(path, "wb");
        CHECK(f != NULL);
        if (!f)
            return;
        for (size_t k = 0; k < sizes[i]; k++)
            fputc((int)((k * 7 + i) & 0xff), f);
        fclose(f);
    }
}

/* mkinitfs OUT with every input, names m0, dir/m1, m2 ... */
static int
write_archive(const char *out)
{
    char cmd[8192];
    size_t n;

    n = (size_t)snprintf(cmd, sizeof(cmd), "%s %s/%s", mkinitfs_path, tmpdir, out);
    for (size_t i = 0; i < NFILES; i++)
        n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " %sm%zu=%s/f%zu", i == 1 ? "dir/" : "", i,
                              tmpdir, i);
    return run(cmd);
}

TEST(members_read_back_page_aligned_and_equal)
{
    char path[512], name[32];
    struct tar_member m;
    struct tar_iter it;
    size_t n = 0, count = 0;
    uint8_t *img;

    CHECK(write_archive("a.tar") == 0);
    snprintf(path, sizeof(path), "%s/a.tar", tmpdir);
    img = read_all(path, &n);
    CHECK(img != NULL && n % 512 == 0);
    if (!img)
        return;
    tar_iter_init(&it, img, n);
    while (tar_iter_next(&it, &m) == 1) {
        size_t i = count++;
        size_t fsize = 0;
        uint8_t *want;

        snprintf(name, sizeof(name), "%sm%zu", i == 1 ? "dir/" : "", i);
        CHECK(i < NFILES && strcmp(m.name, name) == 0);
        CHECK(m.offset % 4096 == 0 && m.type == '0' && m.mode == 0755);
        snprintf(path, sizeof(path), "%s/f%zu", tmpdir, i);
        want = read_all(path, &fsize);
        CHECK(want && m.size == fsize && memcmp(img + m.offset, want, fsize) == 0);
        free(want);
    }
    CHECK(count == NFILES);
    CHECK(tar_find(img, n, "m12", &m) == 0 && m.size == 9000);
    free(img);
}

TEST(host_tar_lists_and_extracts_the_same_files)
{
    char cmd[2048], path[512];
    FILE *f;
    size_t lines = 0;
    char line[512];

    CHECK(write_archive("b.tar") == 0);
    snprintf(cmd, sizeof(cmd), "tar -tvf %s/b.tar > %s/list", tmpdir, tmpdir);
    CHECK(run(cmd) == 0);
    snprintf(path, sizeof(path), "%s/list", tmpdir);
    f = fopen(path, "r");
    CHECK(f != NULL);
    while (f && fgets(line, sizeof(line), f)) {
        char want[64];

        /* "-rwxr-xr-x 0/0 SIZE DATE TIME NAME" */
        snprintf(want, sizeof(want), " %sm%zu\n", lines == 1 ? "dir/" : "", lines);
        CHECK(line[0] == '-' && strstr(line, want) != NULL);
        snprintf(want, sizeof(want), " %zu ", sizes[lines < NFILES ? lines : 0]);
        CHECK(strstr(line, want) != NULL);
        lines++;
    }
    if (f)
        fclose(f);
    CHECK(lines == NFILES);
    snprintf(cmd, sizeof(cmd), "mkdir %s/x && tar -xf %s/b.tar -C %s/x", tmpdir, tmpdir, tmpdir);
    CHECK(run(cmd) == 0);
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(cmd, sizeof(cmd), "cmp -s %s/f%zu %s/x/%sm%zu", tmpdir, i, tmpdir,
                 i == 1 ? "dir/" : "", i);
        CHECK(run(cmd) == 0);
    }
    /* Nothing but the members came out (no padding header as a file). */
    snprintf(cmd, sizeof(cmd), "test $(find %s/x -type f | wc -l) -eq %zu", tmpdir, NFILES);
    CHECK(run(cmd) == 0);
}

TEST(the_same_inputs_give_the_same_bytes)
{
    char cmd[1024];

    CHECK(write_archive("c.tar") == 0);
    CHECK(write_archive("d.tar") == 0);
    snprintf(cmd, sizeof(cmd), "cmp -s %s/c.tar %s/d.tar", tmpdir, tmpdir);
    CHECK(run(cmd) == 0);
}

/* mkinitfs OUT ARGS must fail with status 1 and leave no OUT. */
static int
refused(const char *args)
{
    char cmd[1024], out[512];
    struct stat st;
    int status;

    snprintf(out, sizeof(out), "%s/bad.tar", tmpdir);
    snprintf(cmd, sizeof(cmd), "%s %s %s 2>/dev/null", mkinitfs_path, out, args);
    status = run(cmd);
    return status == 1 && stat(out, &st) != 0;
}

TEST(bad_arguments_are_refused)
{
    char args[1024], name[128];

    snprintf(args, sizeof(args), "a=%s/f0 a=%s/f1", tmpdir, tmpdir);
    CHECK(refused(args)); /* a name twice */
    CHECK(refused("nofile=/nonexistent/file"));
    CHECK(refused("noequals"));
    snprintf(args, sizeof(args), "=%s/f0", tmpdir);
    CHECK(refused(args));
    snprintf(args, sizeof(args), "../up=%s/f0", tmpdir);
    CHECK(refused(args));
    snprintf(args, sizeof(args), "a//b=%s/f0", tmpdir);
    CHECK(refused(args));
    snprintf(args, sizeof(args), "/abs=%s/f0", tmpdir);
    CHECK(refused(args));
    snprintf(args, sizeof(args), "sp\\ ace=%s/f0", tmpdir);
    CHECK(refused(args));
    memset(name, 'n', 101);
    name[101] = '\0';
    snprintf(args, sizeof(args), "%s=%s/f0", name, tmpdir);
    CHECK(refused(args)); /* 101 bytes */
    name[100] = '\0';
    snprintf(args, sizeof(args), "%s/ok.tar %s=%s/f0", tmpdir, name, tmpdir);
    snprintf(name, sizeof(name), "%s", mkinitfs_path);
    {
        char cmd[1200];
        snprintf(cmd, sizeof(cmd), "%s %s", name, args);
        CHECK(run(cmd) == 0); /* 100 bytes is fine */
    }
}

int
main(void)
{
    char cmd[256];
    const char *env = getenv("MKINITFS");

    if (env)
        mkinitfs_path = env;
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    make_inputs();
    RUN(members_read_back_page_aligned_and_equal);
    RUN(host_tar_lists_and_extracts_the_same_files);
    RUN(the_same_inputs_give_the_same_bytes);
    RUN(bad_arguments_are_refused);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (run(cmd) != 0)
        return 1;
    return check_exit();
}
