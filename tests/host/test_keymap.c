// SPDX-License-Identifier: MIT
/*
 * Host tests for the PS/2 scancode translation (drivers/ps2kbd/keymap.c):
 * sequences of scancodes in set 1 (as the i8042 translates them) and in
 * raw set 2, and the exact bytes a terminal would get.
 */
#include <string.h>

#include "check.h"
#include "keymap.h"

static char got[256];

/* Feeds the n codes and collects every byte that came out into got. */
static const char *
feed(struct keymap *k, const uint8_t *codes, size_t n)
{
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        uint8_t out[KEYMAP_OUT_MAX];
        size_t m = keymap_feed(k, codes[i], out);

        if (m > KEYMAP_OUT_MAX || len + m >= sizeof(got))
            return "(overflow)";
        memcpy(got + len, out, m);
        len += m;
    }
    got[len] = '\0';
    return got;
}

#define FEED1(...)                                 \
    ({                                             \
        static const uint8_t c_[] = {__VA_ARGS__}; \
        struct keymap k_;                          \
        keymap_init(&k_, KEYMAP_SET1);             \
        feed(&k_, c_, sizeof(c_));                 \
    })
#define FEED2(...)                                 \
    ({                                             \
        static const uint8_t c_[] = {__VA_ARGS__}; \
        struct keymap k_;                          \
        keymap_init(&k_, KEYMAP_SET2);             \
        feed(&k_, c_, sizeof(c_));                 \
    })

TEST(set1_letters_digits_and_symbols_type_lower_case)
{
    /* h i (make, break each), 1, -, space */
    CHECK(strcmp(FEED1(0x23, 0xa3, 0x17, 0x97, 0x02, 0x82, 0x0c, 0x8c, 0x39, 0xb9), "hi1- ") == 0);
}

TEST(shift_gives_upper_case_and_shifted_symbols_until_released)
{
    /* lshift down, a, 1, lshift up (0xaa), a; rshift down, /, up */
    CHECK(strcmp(FEED1(0x2a, 0x1e, 0x02, 0xaa, 0x1e, 0x36, 0x35, 0xb6, 0x35), "A!a?/") == 0);
}

TEST(caps_lock_toggles_letters_only_and_shift_inverts_it)
{
    /* caps (make, break), a, 1, shift+a, caps again, a */
    CHECK(strcmp(FEED1(0x3a, 0xba, 0x1e, 0x02, 0x2a, 0x1e, 0xaa, 0x3a, 0xba, 0x1e), "A1aa") == 0);
}

TEST(a_held_caps_lock_repeating_toggles_once)
{
    CHECK(strcmp(FEED1(0x3a, 0x3a, 0x3a, 0xba, 0x1e), "A") == 0);
}

TEST(ctrl_gives_control_codes)
{
    /* ctrl+c, ctrl+a, ctrl+z, ctrl+[, then right ctrl (e0 1d) + d, released (e0 9d), d */
    CHECK(strcmp(FEED1(0x1d, 0x2e, 0x1e, 0x2c, 0x1a, 0x9d, 0xe0, 0x1d, 0x20, 0xe0, 0x9d, 0x20),
                 "\x03\x01\x1a\x1b\x04"
                 "d") == 0);
}

TEST(enter_backspace_tab_and_escape_send_terminal_bytes)
{
    CHECK(strcmp(FEED1(0x1c, 0x0e, 0x0f, 0x01), "\r\x7f\t\x1b") == 0);
}

TEST(arrows_home_end_and_delete_send_vt100_sequences)
{
    CHECK(strcmp(FEED1(0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0x4d, 0xe0, 0x4b),
                 "\x1b[A\x1b[B\x1b[C\x1b[D") == 0);
    CHECK(strcmp(FEED1(0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x53, 0xe0, 0x52, 0xe0, 0x49, 0xe0, 0x51),
                 "\x1b[H\x1b[F\x1b[3~\x1b[2~\x1b[5~\x1b[6~") == 0);
}

TEST(the_keypad_types_digits_but_its_extended_keys_do_not)
{
    /* keypad 8 (0x48) is a digit; e0 48 is the up arrow; keypad enter, keypad / */
    CHECK(strcmp(FEED1(0x48, 0xe0, 0x1c, 0xe0, 0x35), "8\r/") == 0);
}

TEST(function_keys_send_xterm_sequences)
{
    CHECK(strcmp(FEED1(0x3b, 0x3f, 0x58), "\x1bOP\x1b[15~\x1b[24~") == 0);
}

TEST(alt_sends_escape_before_the_key)
{
    CHECK(strcmp(FEED1(0x38, 0x1e, 0xb8, 0x1e), "\x1b"
                                                "aa") == 0);
    /* alt alone, or with a key that sends nothing, sends nothing */
    CHECK(strcmp(FEED1(0x38, 0x3a, 0xb8), "") == 0);
}

TEST(modifiers_and_releases_alone_send_nothing)
{
    CHECK(strcmp(FEED1(0x2a, 0xaa, 0x1d, 0x9d, 0x9e, 0xe0, 0x2a, 0xe0, 0xaa), "") == 0);
}

TEST(print_screens_fake_shift_does_not_shift)
{
    /* e0 2a e0 37 (Print Screen's make), then a */
    CHECK(strcmp(FEED1(0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa, 0x1e), "a") == 0);
}

TEST(pause_is_swallowed_whole)
{
    CHECK(strcmp(FEED1(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e), "a") == 0);
    CHECK(strcmp(FEED2(0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77, 0x1c), "a") == 0);
}

TEST(error_codes_are_not_keys)
{
    CHECK(strcmp(FEED1(0x00, 0xff, 0x1e), "a") == 0);
    CHECK(strcmp(FEED2(0x00, 0xff, 0xfa, 0xaa, 0xee, 0x1c), "a") == 0);
}

TEST(set2_types_the_same_as_set1)
{
    /* h i, shift (12) + a (1c), release shift (f0 12), up arrow (e0 75), ctrl (14) + c (21) */
    CHECK(strcmp(FEED2(0x33, 0xf0, 0x33, 0x43, 0xf0, 0x43, 0x12, 0x1c, 0xf0, 0x1c, 0xf0, 0x12, 0xe0,
                       0x75, 0xe0, 0xf0, 0x75, 0x14, 0x21, 0xf0, 0x21, 0xf0, 0x14, 0x1c),
                 "hiA\x1b[A\x03"
                 "a") == 0);
    /* F7 is 0x83, the one code past 0x7f */
    CHECK(strcmp(FEED2(0x83, 0xf0, 0x83), "\x1b[18~") == 0);
}

TEST(every_set1_code_on_every_modifier_state_stays_in_bounds)
{
    for (unsigned mods = 0; mods < 256; mods++) {
        for (unsigned ext = 0; ext < 2; ext++) {
            for (unsigned b = 0; b < 256; b++) {
                struct keymap k;
                uint8_t out[KEYMAP_OUT_MAX + 8];
                size_t n;

                keymap_init(&k, mods & 1 ? KEYMAP_SET2 : KEYMAP_SET1);
                k.mods = (uint8_t)mods;
                k.e0 = (uint8_t)ext;
                n = keymap_feed(&k, (uint8_t)b, out);
                CHECK(n <= KEYMAP_OUT_MAX);
            }
        }
    }
}

int
main(void)
{
    RUN(set1_letters_digits_and_symbols_type_lower_case);
    RUN(shift_gives_upper_case_and_shifted_symbols_until_released);
    RUN(caps_lock_toggles_letters_only_and_shift_inverts_it);
    RUN(a_held_caps_lock_repeating_toggles_once);
    RUN(ctrl_gives_control_codes);
    RUN(enter_backspace_tab_and_escape_send_terminal_bytes);
    RUN(arrows_home_end_and_delete_send_vt100_sequences);
    RUN(the_keypad_types_digits_but_its_extended_keys_do_not);
    RUN(function_keys_send_xterm_sequences);
    RUN(alt_sends_escape_before_the_key);
    RUN(modifiers_and_releases_alone_send_nothing);
    RUN(print_screens_fake_shift_does_not_shift);
    RUN(pause_is_swallowed_whole);
    RUN(error_codes_are_not_keys);
    RUN(set2_types_the_same_as_set1);
    RUN(every_set1_code_on_every_modifier_state_stays_in_bounds);
    return check_exit();
}
