// SPDX-License-Identifier: MIT
/*
 * Scancodes to terminal bytes (keymap.h has the contract).
 *
 * Everything is worked in set 1: a set 2 byte goes through the same table
 * the i8042 uses when it translates (set2_to_set1), its 0xf0 prefix
 * becoming bit 7 of the code. Then a code is a make or a break of one
 * key, plain or after 0xe0; modifiers change `mods` on both, other keys
 * send their bytes on a make (a held key's repeats are makes too, so they
 * repeat).
 */
#include "keymap.h"

/* Set 1 keys without 0xe0, 0x00-0x58: the byte unshifted and shifted; 0
 * for a key handled elsewhere or sending nothing. */
static const char plain[0x59] = {
    [0x01] = 0x1b, [0x02] = '1',  [0x03] = '2',  [0x04] = '3',  [0x05] = '4',  [0x06] = '5',
    [0x07] = '6',  [0x08] = '7',  [0x09] = '8',  [0x0a] = '9',  [0x0b] = '0',  [0x0c] = '-',
    [0x0d] = '=',  [0x0e] = 0x7f, [0x0f] = '\t', [0x10] = 'q',  [0x11] = 'w',  [0x12] = 'e',
    [0x13] = 'r',  [0x14] = 't',  [0x15] = 'y',  [0x16] = 'u',  [0x17] = 'i',  [0x18] = 'o',
    [0x19] = 'p',  [0x1a] = '[',  [0x1b] = ']',  [0x1c] = '\r', [0x1e] = 'a',  [0x1f] = 's',
    [0x20] = 'd',  [0x21] = 'f',  [0x22] = 'g',  [0x23] = 'h',  [0x24] = 'j',  [0x25] = 'k',
    [0x26] = 'l',  [0x27] = ';',  [0x28] = '\'', [0x29] = '`',  [0x2b] = '\\', [0x2c] = 'z',
    [0x2d] = 'x',  [0x2e] = 'c',  [0x2f] = 'v',  [0x30] = 'b',  [0x31] = 'n',  [0x32] = 'm',
    [0x33] = ',',  [0x34] = '.',  [0x35] = '/',  [0x37] = '*',  [0x39] = ' ',  [0x47] = '7',
    [0x48] = '8',  [0x49] = '9',  [0x4a] = '-',  [0x4b] = '4',  [0x4c] = '5',  [0x4d] = '6',
    [0x4e] = '+',  [0x4f] = '1',  [0x50] = '2',  [0x51] = '3',  [0x52] = '0',  [0x53] = '.',
};

static const char shifted[0x59] = {
    [0x01] = 0x1b, [0x02] = '!',  [0x03] = '@',  [0x04] = '#',  [0x05] = '$', [0x06] = '%',
    [0x07] = '^',  [0x08] = '&',  [0x09] = '*',  [0x0a] = '(',  [0x0b] = ')', [0x0c] = '_',
    [0x0d] = '+',  [0x0e] = 0x7f, [0x0f] = '\t', [0x10] = 'Q',  [0x11] = 'W', [0x12] = 'E',
    [0x13] = 'R',  [0x14] = 'T',  [0x15] = 'Y',  [0x16] = 'U',  [0x17] = 'I', [0x18] = 'O',
    [0x19] = 'P',  [0x1a] = '{',  [0x1b] = '}',  [0x1c] = '\r', [0x1e] = 'A', [0x1f] = 'S',
    [0x20] = 'D',  [0x21] = 'F',  [0x22] = 'G',  [0x23] = 'H',  [0x24] = 'J', [0x25] = 'K',
    [0x26] = 'L',  [0x27] = ':',  [0x28] = '"',  [0x29] = '~',  [0x2b] = '|', [0x2c] = 'Z',
    [0x2d] = 'X',  [0x2e] = 'C',  [0x2f] = 'V',  [0x30] = 'B',  [0x31] = 'N', [0x32] = 'M',
    [0x33] = '<',  [0x34] = '>',  [0x35] = '?',  [0x37] = '*',  [0x39] = ' ', [0x47] = '7',
    [0x48] = '8',  [0x49] = '9',  [0x4a] = '-',  [0x4b] = '4',  [0x4c] = '5', [0x4d] = '6',
    [0x4e] = '+',  [0x4f] = '1',  [0x50] = '2',  [0x51] = '3',  [0x52] = '0', [0x53] = '.',
};

/* The function keys' sequences, set 1 codes 0x3b-0x44 (F1-F10), 0x57, 0x58. */
static const char *const fkeys[12] = {
    "\x1bOP",   "\x1bOQ",   "\x1bOR",   "\x1bOS",   "\x1b[15~", "\x1b[17~",
    "\x1b[18~", "\x1b[19~", "\x1b[20~", "\x1b[21~", "\x1b[23~", "\x1b[24~",
};

/* The i8042's translation of set 2 codes 0x00-0x83 to set 1 (0: none). The
 * same table serves the byte after 0xe0. */
static const uint8_t set2_to_set1[0x84] = {
    [0x01] = 0x43, [0x03] = 0x3f, [0x04] = 0x3d, [0x05] = 0x3b, [0x06] = 0x3c, [0x07] = 0x58,
    [0x09] = 0x44, [0x0a] = 0x42, [0x0b] = 0x40, [0x0c] = 0x3e, [0x0d] = 0x0f, [0x0e] = 0x29,
    [0x11] = 0x38, [0x12] = 0x2a, [0x14] = 0x1d, [0x15] = 0x10, [0x16] = 0x02, [0x1a] = 0x2c,
    [0x1b] = 0x1f, [0x1c] = 0x1e, [0x1d] = 0x11, [0x1e] = 0x03, [0x21] = 0x2e, [0x22] = 0x2d,
    [0x23] = 0x20, [0x24] = 0x12, [0x25] = 0x05, [0x26] = 0x04, [0x29] = 0x39, [0x2a] = 0x2f,
    [0x2b] = 0x21, [0x2c] = 0x14, [0x2d] = 0x13, [0x2e] = 0x06, [0x31] = 0x31, [0x32] = 0x30,
    [0x33] = 0x23, [0x34] = 0x22, [0x35] = 0x15, [0x36] = 0x07, [0x3a] = 0x32, [0x3b] = 0x24,
    [0x3c] = 0x16, [0x3d] = 0x08, [0x3e] = 0x09, [0x41] = 0x33, [0x42] = 0x25, [0x43] = 0x17,
    [0x44] = 0x18, [0x45] = 0x0b, [0x46] = 0x0a, [0x49] = 0x34, [0x4a] = 0x35, [0x4b] = 0x26,
    [0x4c] = 0x27, [0x4d] = 0x19, [0x4e] = 0x0c, [0x52] = 0x28, [0x54] = 0x1a, [0x55] = 0x0d,
    [0x58] = 0x3a, [0x59] = 0x36, [0x5a] = 0x1c, [0x5b] = 0x1b, [0x5d] = 0x2b, [0x66] = 0x0e,
    [0x69] = 0x4f, [0x6b] = 0x4b, [0x6c] = 0x47, [0x70] = 0x52, [0x71] = 0x53, [0x72] = 0x50,
    [0x73] = 0x4c, [0x74] = 0x4d, [0x75] = 0x48, [0x76] = 0x01, [0x77] = 0x45, [0x78] = 0x57,
    [0x79] = 0x4e, [0x7a] = 0x51, [0x7b] = 0x4a, [0x7c] = 0x37, [0x7d] = 0x49, [0x7e] = 0x46,
    [0x83] = 0x41,
};

void
keymap_init(struct keymap *k, int set)
{
    *k = (struct keymap){0};
    k->set = set == KEYMAP_SET2 ? KEYMAP_SET2 : KEYMAP_SET1;
}

static size_t
put_str(uint8_t *out, size_t n, const char *s)
{
    while (*s)
        out[n++] = (uint8_t)*s++;
    return n;
}

/* The modifier bit of a set 1 code (ext: after 0xe0), or 0. */
static uint8_t
modifier(uint8_t code, int ext)
{
    switch (code) {
    case 0x2a:
        return ext ? 0 : KEYMAP_LSHIFT; /* e0 2a is a fake shift around Print Screen */
    case 0x36:
        return ext ? 0 : KEYMAP_RSHIFT;
    case 0x1d:
        return ext ? KEYMAP_RCTRL : KEYMAP_LCTRL;
    case 0x38:
        return ext ? KEYMAP_RALT : KEYMAP_LALT;
    }
    return 0;
}

/* The bytes of an extended key's make (set 1 code after 0xe0). */
static const char *
extended(uint8_t code)
{
    switch (code) {
    case 0x1c:
        return "\r"; /* keypad Enter */
    case 0x35:
        return "/"; /* keypad / */
    case 0x47:
        return "\x1b[H";
    case 0x48:
        return "\x1b[A";
    case 0x49:
        return "\x1b[5~";
    case 0x4b:
        return "\x1b[D";
    case 0x4d:
        return "\x1b[C";
    case 0x4f:
        return "\x1b[F";
    case 0x50:
        return "\x1b[B";
    case 0x51:
        return "\x1b[6~";
    case 0x52:
        return "\x1b[2~";
    case 0x53:
        return "\x1b[3~";
    }
    return "";
}

/* A make or break of a set 1 code (without bit 7), plain or extended. */
static size_t
keymap_key(struct keymap *k, uint8_t code, int ext, int release, uint8_t *out)
{
    uint8_t mod = modifier(code, ext);
    size_t n = 0;
    int shift, ctrl, alt;
    char c;

    if (mod) {
        if (release)
            k->mods &= (uint8_t)~mod;
        else
            k->mods |= mod;
        return 0;
    }
    if (code == 0x3a && !ext) {
        if (release)
            k->mods &= (uint8_t)~KEYMAP_CAPS_DOWN;
        else if (!(k->mods & KEYMAP_CAPS_DOWN))
            k->mods ^= KEYMAP_CAPS | KEYMAP_CAPS_DOWN;
        return 0;
    }
    if (release)
        return 0;
    shift = (k->mods & (KEYMAP_LSHIFT | KEYMAP_RSHIFT)) != 0;
    ctrl = (k->mods & (KEYMAP_LCTRL | KEYMAP_RCTRL)) != 0;
    alt = (k->mods & (KEYMAP_LALT | KEYMAP_RALT)) != 0;
    if (alt)
        out[n++] = 0x1b;
    if (ext) {
        n = put_str(out, n, extended(code));
    } else if (code >= 0x3b && code <= 0x44) {
        n = put_str(out, n, fkeys[code - 0x3b]);
    } else if (code == 0x57 || code == 0x58) {
        n = put_str(out, n, fkeys[code - 0x57 + 10]);
    } else if (code < sizeof(plain) && plain[code]) {
        c = shift ? shifted[code] : plain[code];
        if ((k->mods & KEYMAP_CAPS) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            c ^= 0x20; /* caps lock inverts the case shift chose */
        if (ctrl) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '@' && c <= '_'))
                c &= 0x1f; /* ^A..^Z, ^@, ^[, ^\, ^], ^^, ^_ */
            else if (c == ' ' || c == '2')
                c = 0; /* ^@ as terminals give it */
            else if (c == '/' || c == '-')
                c = 0x1f;
            else if (c == 0x7f)
                c = 0x08; /* ^H */
        }
        out[n++] = (uint8_t)c;
    }
    return n == 1 && alt ? 0 : n; /* a lone ESC from alt and a silent key: nothing */
}

size_t
keymap_feed(struct keymap *k, uint8_t byte, uint8_t *out)
{
    int ext, release;

    if (k->skip) {
        k->skip--; /* the rest of Pause, which has no break and sends nothing */
        return 0;
    }
    if (byte == 0xe1) {
        k->skip = k->set == KEYMAP_SET2 ? 7 : 5;
        k->e0 = k->release = 0;
        return 0;
    }
    if (byte == 0xe0) {
        k->e0 = 1;
        return 0;
    }
    if (k->set == KEYMAP_SET2 && byte == 0xf0) {
        k->release = 1;
        return 0;
    }
    ext = k->e0;
    k->e0 = 0;
    if (k->set == KEYMAP_SET2) {
        release = k->release;
        k->release = 0;
        if (byte >= sizeof(set2_to_set1) || !set2_to_set1[byte])
            return 0; /* an acknowledgement, an error code, or a key this map lacks */
        byte = set2_to_set1[byte];
    } else {
        if (byte == 0x00 || byte == 0xff)
            return 0; /* the keyboard's error codes (its other answers are breaks of no key) */
        release = (byte & 0x80) != 0;
        byte &= 0x7f;
    }
    return keymap_key(k, byte, ext, release, out);
}
