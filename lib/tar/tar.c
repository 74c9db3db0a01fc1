// SPDX-License-Identifier: MIT
/*
 * The tar reader (see tar.h for what is accepted and why). One header is
 * validated whole before any field of it is used; a pax 'x' header's
 * settings wait in a struct tar_pending for the member they belong to.
 * Offsets are compared by subtraction from the image size, never added
 * first, so no sum can wrap.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>

#include "tar.h"

/* The ustar header's fields: offsets and lengths within the block. */
#define H_NAME     0
#define H_MODE     100
#define H_UID      108
#define H_GID      116
#define H_SIZE     124
#define H_MTIME    136
#define H_CHKSUM   148
#define H_TYPE     156
#define H_LINKNAME 157
#define H_MAGIC    257
#define H_VERSION  263
#define H_DEVMAJOR 329
#define H_DEVMINOR 337
#define H_PREFIX   345

#define NAME_LEN   100
#define PREFIX_LEN 155

/* What a pax 'x' header sets for the next member. */
struct tar_pending {
    int active;   /* an 'x' header was read and no member yet */
    int has_path; /* the path is in the member's name already */
    int has_size;
    uint64_t size;
};

/*
 * An octal field: optional leading spaces, digits, then only NUL or space
 * to the field's end. A field of nothing but NUL or space is 0 when
 * empty_ok. Returns 0, or -CAIRN_EINVAL (a base-256 number included).
 */
static int
tar_octal(const uint8_t *f, size_t len, int empty_ok, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;

    while (i < len && f[i] == ' ')
        i++;
    if (i == len || f[i] == '\0' || f[i] == ' ') {
        if (!empty_ok)
            return -CAIRN_EINVAL;
    }
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v > (UINT64_MAX >> 3))
            return -CAIRN_EINVAL;
        v = v << 3 | (uint64_t)(f[i] - '0');
    }
    for (; i < len; i++) {
        if (f[i] != '\0' && f[i] != ' ')
            return -CAIRN_EINVAL;
    }
    *out = v;
    return 0;
}

/* A decimal number of exactly len digits (len >= 1), without overflow. */
static int
tar_decimal(const uint8_t *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0)
        return -CAIRN_EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
            return -CAIRN_EINVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static int
tar_is_zero(const uint8_t *b)
{
    for (size_t i = 0; i < TAR_BLOCK; i++) {
        if (b[i])
            return 0;
    }
    return 1;
}

/* The checksum: every byte unsigned, the checksum field's own as spaces. */
static int
tar_check_sum(const uint8_t *h)
{
    uint64_t want, sum = 0;

    if (tar_octal(h + H_CHKSUM, 8, 0, &want) < 0)
        return -CAIRN_EINVAL;
    for (size_t i = 0; i < TAR_BLOCK; i++)
        sum += (i >= H_CHKSUM && i < H_CHKSUM + 8) ? ' ' : h[i];
    return sum == want ? 0 : -CAIRN_EINVAL;
}

/* One record's key and value: the pax settings it makes, or a refusal. */
static int
tar_pax_record(const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen, int global,
               struct tar_pending *p, struct tar_member *m)
{
    if (klen == 4 && memcmp(key, "path", 4) == 0) {
        if (global || vlen > TAR_NAME_MAX || strnlen((const char *)val, vlen) != vlen)
            return -CAIRN_EINVAL;
        memcpy(m->name, val, vlen);
        m->name[vlen] = '\0';
        p->has_path = vlen != 0; /* an empty value cancels the setting */
        return 0;
    }
    if (klen == 4 && memcmp(key, "size", 4) == 0) {
        if (global)
            return -CAIRN_EINVAL;
        p->has_size = vlen != 0;
        return vlen ? tar_decimal(val, vlen, &p->size) : 0;
    }
    if (klen >= 11 && memcmp(key, "GNU.sparse.", 11) == 0)
        return -CAIRN_EINVAL; /* the data would not be the file's bytes */
    return 0;
}

/* The records "LEN KEY=VALUE\n" filling exactly the len bytes at d. */
static int
tar_pax_records(const uint8_t *d, uint64_t len, int global, struct tar_pending *p,
                struct tar_member *m)
{
    uint64_t pos = 0;

    while (pos < len) {
        uint64_t rlen = 0, i = pos, eq;

        for (; i < len && d[i] >= '0' && d[i] <= '9'; i++) {
            if (rlen > (len - pos) / 10)
                return -CAIRN_EINVAL;
            rlen = rlen * 10 + (uint64_t)(d[i] - '0');
            if (rlen > len - pos)
                return -CAIRN_EINVAL; /* runs past the data */
        }
        /* At least one digit, a space, "k=" and the newline. */
        if (i == pos || i == len || d[i] != ' ' || rlen < i - pos + 4 || d[pos + rlen - 1] != '\n')
            return -CAIRN_EINVAL;
        i++;
        for (eq = i; eq < pos + rlen - 1 && d[eq] != '='; eq++)
            ;
        if (eq == i || eq == pos + rlen - 1)
            return -CAIRN_EINVAL;
        if (tar_pax_record(d + i, (size_t)(eq - i), d + eq + 1, (size_t)(pos + rlen - 2 - eq),
                           global, p, m) < 0)
            return -CAIRN_EINVAL;
        pos += rlen;
    }
    return 0;
}

/* Everything in the header block h that does not depend on its type. */
static int
tar_check_header(const uint8_t *h, uint32_t *mode, uint64_t *size)
{
    uint64_t v;

    if (tar_check_sum(h) < 0 || memcmp(h + H_MAGIC, "ustar", 6) != 0 ||
        memcmp(h + H_VERSION, "00", 2) != 0)
        return -CAIRN_EINVAL;
    if (tar_octal(h + H_MODE, 8, 1, &v) < 0)
        return -CAIRN_EINVAL;
    *mode = (uint32_t)(v & 07777);
    if (tar_octal(h + H_UID, 8, 1, &v) < 0 || tar_octal(h + H_GID, 8, 1, &v) < 0 ||
        tar_octal(h + H_MTIME, 12, 1, &v) < 0 || tar_octal(h + H_DEVMAJOR, 8, 1, &v) < 0 ||
        tar_octal(h + H_DEVMINOR, 8, 1, &v) < 0)
        return -CAIRN_EINVAL;
    return tar_octal(h + H_SIZE, 12, 1, size);
}

/* The header's own name: prefix "/" name, each bounded by its field. */
static int
tar_header_name(const uint8_t *h, struct tar_member *m)
{
    size_t n = strnlen((const char *)h + H_NAME, NAME_LEN);
    size_t p = strnlen((const char *)h + H_PREFIX, PREFIX_LEN);
    size_t at = 0;

    if (n == 0)
        return -CAIRN_EINVAL;
    if (p) {
        memcpy(m->name, h + H_PREFIX, p);
        m->name[p] = '/';
        at = p + 1;
    }
    memcpy(m->name + at, h + H_NAME, n);
    m->name[at + n] = '\0';
    return 0;
}

/* The end: a zero block, then nothing or a second zero block. */
static int
tar_end(struct tar_iter *it, const struct tar_pending *p)
{
    uint64_t rest = it->size - it->pos - TAR_BLOCK;

    if (p->active || (rest && (rest < TAR_BLOCK || !tar_is_zero(it->image + it->pos + TAR_BLOCK))))
        return -CAIRN_EINVAL;
    return 0;
}

static int
tar_step(struct tar_iter *it, struct tar_member *m)
{
    struct tar_pending p = {0};

    for (;;) {
        const uint8_t *h;
        uint64_t size, data, room, pad;
        uint32_t mode;
        char type;

        if (it->size - it->pos < TAR_BLOCK)
            return -CAIRN_EINVAL; /* truncated, or no end block */
        h = it->image + it->pos;
        if (tar_is_zero(h))
            return tar_end(it, &p) < 0 ? -CAIRN_EINVAL : 0;
        if (tar_check_header(h, &mode, &size) < 0)
            return -CAIRN_EINVAL;
        type = h[H_TYPE] == '\0' ? '0' : (char)h[H_TYPE];
        if (type != 'x' && type != 'g' && p.has_size)
            size = p.size;
        data = it->pos + TAR_BLOCK;
        room = it->size - data;
        pad = (TAR_BLOCK - (size & (TAR_BLOCK - 1))) & (TAR_BLOCK - 1);
        if (size > room || pad > room - size)
            return -CAIRN_EINVAL;
        it->pos = data + size + pad;
        if (type == 'x' || type == 'g') {
            if (p.active || tar_pax_records(it->image + data, size, type == 'g', &p, m) < 0)
                return -CAIRN_EINVAL;
            p.active = type == 'x';
            continue;
        }
        if (type < '0' || type > '7' || (type != '0' && type != '7' && size != 0))
            return -CAIRN_EINVAL;
        if (!p.has_path && tar_header_name(h, m) < 0)
            return -CAIRN_EINVAL;
        m->type = type;
        m->mode = mode;
        m->offset = data;
        m->size = size;
        return 1;
    }
}

void
tar_iter_init(struct tar_iter *it, const void *image, uint64_t size)
{
    it->image = image;
    it->size = size;
    it->pos = 0;
    it->state = 0;
}

int
tar_iter_next(struct tar_iter *it, struct tar_member *m)
{
    int r;

    if (it->state)
        return it->state > 0 ? 0 : it->state;
    r = tar_step(it, m);
    if (r <= 0)
        it->state = r == 0 ? 1 : r;
    return r;
}

int
tar_find(const void *image, uint64_t size, const char *name, struct tar_member *m)
{
    struct tar_iter it;
    struct tar_member cur;
    int r, found = 0;

    tar_iter_init(&it, image, size);
    while ((r = tar_iter_next(&it, &cur)) == 1) {
        if (strcmp(cur.name, name) == 0) {
            *m = cur;
            found = 1;
        }
    }
    if (r < 0)
        return r;
    return found ? 0 : -CAIRN_ENOENT;
}
