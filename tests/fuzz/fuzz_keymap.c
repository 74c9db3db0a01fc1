// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the PS/2 scancode translation (drivers/ps2kbd/keymap.c):
 * whatever bytes a keyboard, a controller or line noise delivers. The
 * first byte picks the scancode set (its low bit); every other byte is
 * fed. Checks, beyond "no crash", after every byte:
 *   - at most KEYMAP_OUT_MAX bytes come out, all 7-bit;
 *   - an ESC from alt is never sent alone (a key must follow it);
 *   - the state holds only the bits and counts keymap.h defines;
 * and at the end, that after every key is released and the prefixes run
 * out, a plain 'a' make (set 1 0x1e, set 2 0x1c) types 'a' or 'A' alone
 * (caps lock may be on: it is a lock).
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "keymap.h"

/* Set 1 breaks (set 2: f0 and the make) of every modifier. */
static const uint8_t release1[] = {0xaa, 0xb6, 0x9d, 0xb8, 0xe0, 0x9d, 0xe0, 0xb8, 0xba};
static const uint8_t release2[] = {0xf0, 0x12, 0xf0, 0x59, 0xf0, 0x14, 0xf0, 0x11,
                                   0xe0, 0xf0, 0x14, 0xe0, 0xf0, 0x11, 0xf0, 0x58};

static void
feed_checked(struct keymap *k, uint8_t b)
{
    uint8_t out[KEYMAP_OUT_MAX];
    size_t n = keymap_feed(k, b, out);

    FUZZ_CHECK(n <= KEYMAP_OUT_MAX);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(out[i] < 0x80);
    /* with alt, even Escape sends two: ESC ESC */
    FUZZ_CHECK(!(n == 1 && out[0] == 0x1b && (k->mods & (KEYMAP_LALT | KEYMAP_RALT))));
    FUZZ_CHECK(k->set == KEYMAP_SET1 || k->set == KEYMAP_SET2);
    FUZZ_CHECK(k->e0 <= 1 && k->release <= 1 && k->skip <= 7);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct keymap k;
    uint8_t out[KEYMAP_OUT_MAX];
    size_t n;
    int set2;

    if (size == 0)
        return 0;
    set2 = data[0] & 1;
    keymap_init(&k, set2 ? KEYMAP_SET2 : KEYMAP_SET1);
    for (size_t i = 1; i < size; i++)
        feed_checked(&k, data[i]);
    /* Let a Pause sequence run out, end a prefix with a key that sends
     * nothing (left shift's break), then release everything. */
    for (int i = 0; i < 8; i++)
        feed_checked(&k, set2 ? 0x12 : 0xaa);
    if (set2) {
        for (size_t i = 0; i < sizeof(release2); i++)
            feed_checked(&k, release2[i]);
    } else {
        for (size_t i = 0; i < sizeof(release1); i++)
            feed_checked(&k, release1[i]);
    }
    FUZZ_CHECK((k.mods & ~KEYMAP_CAPS) == 0);
    n = keymap_feed(&k, set2 ? 0x1c : 0x1e, out);
    FUZZ_CHECK(n == 1 && (out[0] == 'a' || out[0] == 'A'));
    FUZZ_CHECK((out[0] == 'A') == ((k.mods & KEYMAP_CAPS) != 0));
    return 0;
}
