// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the PS/2 mouse's packet decoder (drivers/ps2kbd/mouse.c):
 * whatever bytes a mouse, a controller or line noise delivers. The first
 * byte picks 3- or 4-byte packets (its low bit); every other byte is fed.
 * Checks, beyond "no crash", after every byte: at most one event, its
 * motion within the 9-bit range (y turned over), the wheel within a
 * signed byte turned over, only the three buttons; the partial packet
 * shorter than a packet. At the end, after mouse_sync, a known packet
 * decodes exactly.
 */
#include <stdint.h>

#include "fuzz.h"
#include "mouse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t known[4] = {0x19, 0xfe, 0x03, 0x02};
    struct proto_mouse_event ev;
    struct mouse m;
    int four, got = 0;

    if (size == 0)
        return 0;
    four = data[0] & 1;
    mouse_init(&m, four);
    for (size_t i = 1; i < size; i++) {
        if (mouse_feed(&m, data[i], &ev)) {
            FUZZ_CHECK(ev.dx >= -256 && ev.dx <= 255);
            FUZZ_CHECK(ev.dy >= -255 && ev.dy <= 256);
            FUZZ_CHECK(ev.wheel >= -127 && ev.wheel <= 128);
            FUZZ_CHECK(four || ev.wheel == 0);
            FUZZ_CHECK((ev.buttons & ~7u) == 0);
        }
        FUZZ_CHECK(m.have < m.size && (m.size == 3 || m.size == 4));
    }
    mouse_sync(&m);
    for (int i = 0; i < (four ? 4 : 3); i++)
        got += mouse_feed(&m, known[i], &ev);
    FUZZ_CHECK(got == 1);
    FUZZ_CHECK(ev.dx == -2 && ev.dy == -3 && ev.buttons == PROTO_MOUSE_LEFT);
    FUZZ_CHECK(ev.wheel == (four ? -2 : 0));
    return 0;
}
