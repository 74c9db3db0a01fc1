// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the tar reader (lib/tar/tar.c), which reads the initfs.
 *
 * The input is the archive, walked from an exactly-sized heap copy, then
 * walked again with the checksum of every header made right (so that
 * mutations reach the checks behind the checksum). Beyond
 * "no crash, no read outside the image, the walk ends", every promise of
 * tar.h is checked:
 *   - tar_iter_next returns 1, 0 or -CAIRN_EINVAL, and after 0 or an error
 *     the same again;
 *   - each member has a NUL-terminated name of 1 to TAR_NAME_MAX bytes, a
 *     type '0' to '7', mode bits within 07777, data inside the image
 *     starting on a block boundary after the previous member's, and size 0
 *     unless the type is '0' or '7';
 *   - there are fewer members than blocks (each has a header block);
 *   - tar_find of each member's name finds a member of that name (the last
 *     one) when the walk ended well, and gives -CAIRN_EINVAL when it did not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/errors.h"
#include "fuzz.h"
#include "tar/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walks the size bytes at image (an exactly-sized heap block), checking
 * every promise above. */
static void
check_walk(const uint8_t *image, size_t size)
{
    struct tar_member m, found;
    struct tar_iter it;
    uint64_t last_end = 0, count = 0;
    char first[TAR_NAME_MAX + 1] = "";
    int r;

    tar_iter_init(&it, image, size);
    while ((r = tar_iter_next(&it, &m)) == 1) {
        size_t len = strnlen(m.name, sizeof(m.name));

        count++;
        FUZZ_CHECK(count <= size / 512);
        FUZZ_CHECK(len >= 1 && len <= TAR_NAME_MAX);
        FUZZ_CHECK(m.type >= '0' && m.type <= '7');
        FUZZ_CHECK(m.mode <= 07777);
        FUZZ_CHECK(m.offset % 512 == 0 && m.offset >= last_end + 512);
        FUZZ_CHECK(m.offset <= size && m.size <= size - m.offset);
        FUZZ_CHECK(m.size == 0 || m.type == '0' || m.type == '7');
        last_end = m.offset + m.size;
        if (count == 1)
            memcpy(first, m.name, len + 1);
    }
    FUZZ_CHECK(r == 0 || r == -CAIRN_EINVAL);
    FUZZ_CHECK(tar_iter_next(&it, &m) == r);
    if (count) {
        int f = tar_find(image, size, first, &found);

        FUZZ_CHECK(f == (r == 0 ? 0 : -CAIRN_EINVAL));
        if (f == 0)
            FUZZ_CHECK(strcmp(found.name, first) == 0);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *image = malloc(size ? size : 1);

    memcpy(image, data, size);
    check_walk(image, size);
    /* Again with the checksum of every block that carries the ustar magic
     * made right, so that mutated fields get past the checksum to their
     * own checks. */
    for (size_t at = 0; at + 512 <= size; at += 512) {
        uint8_t *h = image + at;
        unsigned sum = 0;

        if (memcmp(h + 257, "ustar", 6) != 0)
            continue;
        memset(h + 148, ' ', 8);
        for (size_t i = 0; i < 512; i++)
            sum += h[i];
        for (size_t i = 6; i-- > 0; sum >>= 3)
            h[148 + i] = (uint8_t)('0' + (sum & 7));
        h[154] = '\0';
    }
    check_walk(image, size);
    free(image);
    return 0;
}
