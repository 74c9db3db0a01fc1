// SPDX-License-Identifier: MIT
/*
 * mkinitfs OUT.tar NAME=PATH ...: the initfs, a POSIX tar archive holding
 * each PATH as the member NAME, in the order given.
 *
 * Every member's data starts on a 4096-byte boundary of the archive, so a
 * loader can map an ELF member's segments straight from the archive's
 * memory object (libc's cairn_spawn). Before a member whose header
 * would not fall 512 bytes short of a page, a pax extended header ('x')
 * fills the gap: its one record, "LEN comment=...\n", is exactly as long
 * as the gap needs, and every tar skips comments. The archive is otherwise
 * plain ustar: mode 0755, owner 0, time 0 (the same inputs give the same
 * bytes), two zero blocks at the end.
 *
 * A NAME is what a program is found by: 1 to 100 bytes of [A-Za-z0-9._-]
 * in '/'-separated parts, none empty, "." or "..". Exit status 0, or 1
 * with a message for a bad argument, a file that cannot be read or an
 * archive that cannot be written (no partial archive is left).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK    512
#define PAGE     4096
#define NAME_LEN 100

static const char *out_path;
static char tmp_path[4096];
static FILE *out;
static uint64_t out_pos;

static void
die(const char *fmt, const char *arg)
{
    fprintf(stderr, "mkinitfs: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    if (out) {
        fclose(out);
        remove(tmp_path);
    }
    exit(1);
}

static void
put(const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, out) != n)
        die("cannot write %s", tmp_path);
    out_pos += n;
}

static void
put_zeros(size_t n)
{
    static const uint8_t zero[BLOCK];

    while (n) {
        size_t k = n < BLOCK ? n : BLOCK;
        put(zero, k);
        n -= k;
    }
}

/* An octal field of len bytes: len - 1 digits and a NUL. */
static void
octal(uint8_t *f, size_t len, uint64_t v)
{
    f[len - 1] = '\0';
    for (size_t i = len - 1; i-- > 0; v >>= 3)
        f[i] = (uint8_t)('0' + (v & 7));
}

/* Write a ustar header for name (at most 100 bytes) of type and size. */
static void
put_header(const char *name, char type, uint64_t size)
{
    uint8_t h[BLOCK] = {0};
    unsigned sum = 0;

    memcpy(h, name, strnlen(name, NAME_LEN));
    octal(h + 100, 8, type == 'x' ? 0644 : 0755);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, size);
    octal(h + 136, 12, 0);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    octal(h + 329, 8, 0);
    octal(h + 337, 8, 0);
    memset(h + 148, ' ', 8);
    for (size_t i = 0; i < BLOCK; i++)
        sum += h[i];
    octal(h + 148, 7, sum); /* six digits, NUL, and the space already there */
    put(h, BLOCK);
}

static unsigned
digits(uint64_t v)
{
    unsigned n = 1;

    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/*
 * Pad so that the next header's data starts on a page: a pax header whose
 * data fills whole blocks with one comment record. Its data is at least a
 * block (some tars dislike an empty extended header), so a gap smaller
 * than two blocks grows by a page.
 */
static void
put_alignment(const char *name)
{
    uint64_t at = out_pos % PAGE, gap;
    char pax_name[NAME_LEN + 1];
    char head[32];
    size_t len, hl;

    if (at == PAGE - BLOCK)
        return;
    gap = (PAGE - BLOCK - at + PAGE) % PAGE; /* to the next header */
    if (gap < 2 * BLOCK)
        gap += PAGE;
    len = gap - BLOCK; /* the record: "LEN comment=VALUE\n" */
    snprintf(pax_name, sizeof(pax_name), "PaxHeader/%s", name);
    put_header(pax_name, 'x', len);
    hl = (size_t)snprintf(head, sizeof(head), "%zu comment=", len);
    if (digits(len) + 9 != hl)
        die("internal error in the padding of %s", name);
    put(head, hl);
    for (size_t i = hl; i < len - 1; i++)
        put(".", 1);
    put("\n", 1);
}

static void
check_name(const char *name, const char *arg)
{
    size_t len = strlen(name);
    const char *part = name;

    if (len == 0 || len > NAME_LEN)
        die("bad name in '%s' (want 1 to 100 bytes)", arg);
    for (const char *p = name;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t n = (size_t)(p - part);
            if (n == 0 || (n == 1 && part[0] == '.') ||
                (n == 2 && part[0] == '.' && part[1] == '.'))
                die("bad name in '%s' (an empty, '.' or '..' part)", arg);
            if (*p == '\0')
                break;
            part = p + 1;
        } else if (!(*p >= 'A' && *p <= 'Z') && !(*p >= 'a' && *p <= 'z') &&
                   !(*p >= '0' && *p <= '9') && *p != '.' && *p != '_' && *p != '-') {
            die("bad name in '%s' (want [A-Za-z0-9._-] and '/')", arg);
        }
    }
}

static void
put_member(const char *arg)
{
    const char *eq = strchr(arg, '=');
    char name[NAME_LEN + 2];
    uint8_t buf[1 << 16];
    uint64_t size = 0;
    size_t n;
    FILE *in;

    if (!eq || (size_t)(eq - arg) > NAME_LEN)
        die("bad argument '%s' (want NAME=PATH)", arg);
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    check_name(name, arg);
    in = fopen(eq + 1, "rb");
    if (!in)
        die("cannot open '%s'", eq + 1);
    if (fseek(in, 0, SEEK_END) != 0 || ftell(in) < 0)
        die("cannot size '%s'", eq + 1);
    size = (uint64_t)ftell(in);
    rewind(in);
    put_alignment(name);
    put_header(name, '0', size);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        put(buf, n);
        size -= n < size ? n : size;
    }
    if (ferror(in) || size != 0)
        die("cannot read '%s' (or it changed size)", eq + 1);
    fclose(in);
    put_zeros((BLOCK - out_pos % BLOCK) % BLOCK);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mkinitfs OUT.tar NAME=PATH ...\n");
        return 1;
    }
    out_path = argv[1];
    if ((size_t)snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", out_path) >= sizeof(tmp_path))
        die("output path too long: %s", out_path);
    for (int i = 2; i < argc; i++) {
        for (int j = 2; j < i; j++) {
            const char *a = argv[i], *b = argv[j];
            size_t la = strcspn(a, "="), lb = strcspn(b, "=");
            if (la == lb && memcmp(a, b, la) == 0)
                die("member '%s' given twice", a);
        }
    }
    out = fopen(tmp_path, "wb");
    if (!out)
        die("cannot create %s", tmp_path);
    for (int i = 2; i < argc; i++)
        put_member(argv[i]);
    put_zeros(2 * BLOCK);
    if (fclose(out) != 0) {
        out = NULL;
        remove(tmp_path);
        die("cannot write %s", out_path);
    }
    out = NULL;
    if (rename(tmp_path, out_path) != 0) {
        remove(tmp_path);
        die("cannot rename to %s", out_path);
    }
    return 0;
}
