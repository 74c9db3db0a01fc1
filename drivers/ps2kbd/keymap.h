/* SPDX-License-Identifier: MIT */
/*
 * The PS/2 keyboard's scancodes turned into the bytes a terminal sends:
 * a pure state machine (no system calls, no allocation), host-tested
 * (tests/host/test_keymap.c) and fuzzed (tests/fuzz/fuzz_keymap.c).
 *
 * Input: the bytes of scancode set 1 as the i8042 delivers them with
 * translation on (a key's make code, its break code with bit 7 set, 0xe0
 * before an extended key, 0xe1 before Pause), or of set 2 as the keyboard
 * sends them (0xf0 before a break code, 0xe0 and 0xe1 likewise), which the
 * machine turns into set 1 first: which one is the caller's choice at
 * keymap_init, made from the controller's configuration byte.
 *
 * Output, per byte fed: zero or more bytes of a US keyboard in a VT100
 * terminal: letters and symbols with shift and caps lock (caps lock
 * shifts letters alone), ^@..^_ with ctrl (^A..^Z, ^C is 0x03), Enter
 * \r, Backspace 0x7f, Tab, Escape 0x1b, the arrows ESC [ A..D, Home
 * ESC [ H, End ESC [ F, Insert, Delete, Page Up and Down ESC [ 2 ~, 3 ~,
 * 5 ~, 6 ~, F1-F4 ESC O P..S, F5-F12 ESC [ 15 ~ .. 24 ~, the keypad as
 * with num lock on, and alt as an ESC before the key (a meta key). Keys
 * that send nothing (the modifiers, locks, Print Screen, Pause) change
 * state or vanish.
 *
 * Invariants: every byte fed is accepted (there is no error: line noise
 * or a key this map lacks produces nothing); at most KEYMAP_OUT_MAX bytes
 * come out per byte; a prefix (0xe0, 0xf0, 0xe1 and Pause's tail) affects
 * only the bytes that follow it within its sequence.
 */
#ifndef CAIRN_DRIVERS_PS2KBD_KEYMAP_H
#define CAIRN_DRIVERS_PS2KBD_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#define KEYMAP_OUT_MAX 6 /* ESC ESC [ 2 4 ~: alt-F12 */

/* keymap_init sets: */
#define KEYMAP_SET1 1 /* the controller translates (what QEMU and most PCs give) */
#define KEYMAP_SET2 2 /* raw set 2 from the keyboard */

/* The modifiers held, and caps lock. */
#define KEYMAP_LSHIFT    0x01u
#define KEYMAP_RSHIFT    0x02u
#define KEYMAP_LCTRL     0x04u
#define KEYMAP_RCTRL     0x08u
#define KEYMAP_LALT      0x10u
#define KEYMAP_RALT      0x20u
#define KEYMAP_CAPS      0x40u /* caps lock is on */
#define KEYMAP_CAPS_DOWN 0x80u /* the caps lock key is held (its repeats do not toggle) */

struct keymap {
    uint8_t set;     /* KEYMAP_SET1 or _SET2 */
    uint8_t mods;    /* KEYMAP_* bits */
    uint8_t e0;      /* the last byte was 0xe0 */
    uint8_t release; /* set 2: the last byte was 0xf0 */
    uint8_t skip;    /* bytes of a Pause sequence still to swallow */
};

void keymap_init(struct keymap *k, int set);

/* Feeds one byte from the keyboard; writes what the terminal should get
 * to out (room for KEYMAP_OUT_MAX) and returns how many bytes. */
size_t keymap_feed(struct keymap *k, uint8_t byte, uint8_t *out);

#endif
