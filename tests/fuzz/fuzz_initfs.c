// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the vfs server's initfs tree (servers/vfs/initfs.c),
 * which turns the boot module initfs.tar into the read-only file system
 * at /boot: lib/tar's walk (fuzzed on its own by fuzz_tar) plus the
 * splitting of member names into directories. The input is the archive,
 * in an exactly-sized heap copy. Beyond "no crash, no access outside the
 * image", the promises of initfs.h and ramfs.h are checked: a load either
 * fails with -CAIRN_EINVAL, -CAIRN_ENOSPC or -CAIRN_ENAMETOOLONG and a
 * reason, or succeeds with a read-only tree in which every name is 1 to
 * PROTO_NAME_MAX bytes with no `/`, is not `.` or `..`, appears once in
 * its directory, and every file's bytes lie inside the image; each file
 * reads back its bytes; and freeing the tree gives the budget back whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/errors.h"
#include "fuzz.h"
#include "servers/vfs/initfs.h"
#include "servers/vfs/ramfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *img;
static size_t img_size;

static void
check_tree(struct ramfs_node *dir, int depth)
{
    static uint8_t buf[512];

    FUZZ_CHECK(depth < 200);
    for (struct ramfs_node *n = dir->first; n; n = n->next) {
        FUZZ_CHECK(n->namelen >= 1 && n->name[n->namelen] == '\0');
        FUZZ_CHECK(strlen(n->name) == n->namelen && !strchr(n->name, '/'));
        FUZZ_CHECK(strcmp(n->name, ".") != 0 && strcmp(n->name, "..") != 0);
        FUZZ_CHECK(ramfs_lookup(dir, n->name, n->namelen) == n && n->parent == dir);
        if (ramfs_is_dir(n)) {
            check_tree(n, depth + 1);
        } else {
            FUZZ_CHECK(n->ro_data >= img && n->ro_data <= img + img_size);
            FUZZ_CHECK(n->size <= (uint64_t)(img + img_size - n->ro_data));
            long r = ramfs_read(n, 0, buf, sizeof(buf));
            FUZZ_CHECK(r == (long)(n->size < sizeof(buf) ? n->size : sizeof(buf)));
            FUZZ_CHECK(memcmp(buf, n->ro_data, (size_t)r) == 0);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ramfs fs;
    char why[128];
    uint8_t *copy = malloc(size ? size : 1);
    long r;

    memcpy(copy, data, size);
    img = copy;
    img_size = size;
    FUZZ_CHECK(ramfs_init(&fs, 3, 1u << 20, NULL) == 0);
    r = initfs_load(&fs, copy, size, why, sizeof(why));
    if (r >= 0) {
        FUZZ_CHECK(fs.readonly && why[0] == '\0');
        check_tree(fs.root, 0);
    } else {
        FUZZ_CHECK(r == -CAIRN_EINVAL || r == -CAIRN_ENOSPC || r == -CAIRN_ENAMETOOLONG);
        FUZZ_CHECK(why[0] != '\0' && strlen(why) < sizeof(why));
    }
    ramfs_fini(&fs);
    FUZZ_CHECK(fs.used == 0 && fs.nodes == 0);
    free(copy);
    return 0;
}
