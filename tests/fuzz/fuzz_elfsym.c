// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the function table reader (lib/elfsym/elfsym.c), which
 * proc runs over the image of a program that crashed.
 *
 * The input is the image, opened from an exactly-sized heap copy. Beyond
 * "no crash, no read outside the image", every promise of elfsym.h is
 * checked: elfsym_open returns 0, -CAIRN_ENOENT or -CAIRN_EINVAL; a
 * lookup names something only after a 0, for an address inside an
 * executable segment, with a NUL-terminated name inside the image and an
 * offset that puts the function's start at or below the address.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/errors.h"
#include "elfsym/elfsym.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_lookup(const struct elfsym *t, int opened, const uint8_t *img, size_t size, uint64_t addr)
{
    uint64_t off = UINT64_MAX;
    const char *name = elfsym_lookup(t, addr, &off);

    if (!name)
        return;
    FUZZ_CHECK(opened == 0);
    FUZZ_CHECK((const uint8_t *)name >= img && (const uint8_t *)name < img + size);
    FUZZ_CHECK(memchr(name, '\0', (size_t)(img + size - (const uint8_t *)name)) != NULL);
    FUZZ_CHECK(off <= addr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *img = malloc(size ? size : 1);
    struct elfsym t;
    int r;

    memcpy(img, data, size);
    r = elfsym_open(&t, img, size);
    FUZZ_CHECK(r == 0 || r == -CAIRN_ENOENT || r == -CAIRN_EINVAL);
    /* The start of every executable segment, a step into it, its last
     * byte, and addresses the input's own bytes name. */
    for (uint32_t i = 0; r != -CAIRN_EINVAL && i < t.ntext; i++) {
        check_lookup(&t, r, img, size, t.text[i].start);
        check_lookup(&t, r, img, size, t.text[i].start + 0x123);
        check_lookup(&t, r, img, size, t.text[i].end - 1);
    }
    for (size_t i = 0; i + 8 <= size && i < 256; i += 8) {
        uint64_t a;

        memcpy(&a, img + i, 8);
        check_lookup(&t, r, img, size, a);
    }
    free(img);
    return 0;
}
