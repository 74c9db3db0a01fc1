// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the tar reader (lib/tar/tar.c), which reads the initfs.
 *
 * The input is the archive, walked from an exactly-sized heap copy. Beyond
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *image = malloc(size ? size : 1);
    struct tar_member m, found;
    struct tar_iter it;
    uint64_t last_end = 0, count = 0;
    char first[TAR_NAME_MAX + 1] = "";
    int r;

    memcpy(image, data, size);
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
    free(image);
    return 0;
}
