// SPDX-License-Identifier: MIT
/*
 * Function names for addresses in an ELF image (elfsym.h): the checks of
 * the headers and of the .cairn.syms table, then lookups that trust only
 * what was checked. Every read of the image goes through elfsym_range,
 * which refuses a range that wraps or leaves the image.
 */
#include <stdint.h>
#include <string.h>

#include <cairn/errors.h>

#include "elfsym/elfsym.h"

#define EHDR_SIZE  64
#define SHDR_SIZE  64
#define PHDR_SIZE  56
#define SHT_NOBITS 8
#define PT_LOAD    1
#define PF_X       1

static uint64_t
get(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* Is [off, off + len) inside size bytes? */
static int
elfsym_range(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

/* The executable PT_LOAD segments of the image, into t->text. */
static int
elfsym_segments(struct elfsym *t, const uint8_t *img, size_t size)
{
    uint64_t phoff = get(img + 32, 8), phentsize = get(img + 54, 2), phnum = get(img + 56, 2);

    if (phnum == 0)
        return 0;
    if (phentsize != PHDR_SIZE || !elfsym_range(phoff, phnum * PHDR_SIZE, size))
        return -CAIRN_EINVAL;
    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = img + phoff + i * PHDR_SIZE;
        uint64_t vaddr = get(ph + 16, 8), memsz = get(ph + 40, 8);

        if (get(ph, 4) != PT_LOAD || !(get(ph + 4, 4) & PF_X) || memsz == 0)
            continue;
        if (vaddr > UINT64_MAX - memsz)
            return -CAIRN_EINVAL;
        if (t->ntext < ELFSYM_TEXT_MAX)
            t->text[t->ntext++] = (struct elfsym_text){vaddr, vaddr + memsz};
    }
    return 0;
}

/* The table in the section's len bytes at p, checked whole. */
static int
elfsym_table(struct elfsym *t, const uint8_t *p, uint64_t len)
{
    uint64_t count, nuls = 0;

    if (len < 4)
        return -CAIRN_EINVAL;
    count = get(p, 4);
    if (count > ELFSYM_COUNT_MAX || 4 + count * 4 > len)
        return -CAIRN_EINVAL;
    t->names = (const char *)p + 4 + count * 4;
    t->names_len = (size_t)(len - 4 - count * 4);
    for (size_t i = 0; i < t->names_len && nuls < count; i++)
        nuls += t->names[i] == '\0';
    if (nuls < count)
        return -CAIRN_EINVAL;
    t->addrs = p + 4;
    t->count = (uint32_t)count;
    return 0;
}

int
elfsym_open(struct elfsym *t, const void *image, size_t size)
{
    static const uint8_t ident[6] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* little */};
    const uint8_t *img = image;
    uint64_t shoff, shentsize, shnum, shstrndx, str_off, str_len;
    int err;

    memset(t, 0, sizeof(*t));
    if (size < EHDR_SIZE || memcmp(img, ident, sizeof(ident)) != 0)
        return -CAIRN_EINVAL;
    err = elfsym_segments(t, img, size);
    if (err)
        return err;
    shoff = get(img + 40, 8);
    shentsize = get(img + 58, 2);
    shnum = get(img + 60, 2);
    shstrndx = get(img + 62, 2);
    if (shnum == 0)
        return -CAIRN_ENOENT;
    if (shentsize != SHDR_SIZE || !elfsym_range(shoff, shnum * SHDR_SIZE, size) ||
        shstrndx >= shnum)
        return -CAIRN_EINVAL;
    str_off = get(img + shoff + shstrndx * SHDR_SIZE + 24, 8);
    str_len = get(img + shoff + shstrndx * SHDR_SIZE + 32, 8);
    if (!elfsym_range(str_off, str_len, size))
        return -CAIRN_EINVAL;
    for (uint64_t i = 0; i < shnum; i++) {
        const uint8_t *sh = img + shoff + i * SHDR_SIZE;
        uint64_t name = get(sh, 4), off = get(sh + 24, 8), len = get(sh + 32, 8);
        size_t want = sizeof(ELFSYM_SECTION); /* with its NUL */

        if (name >= str_len || str_len - name < want ||
            memcmp(img + str_off + name, ELFSYM_SECTION, want) != 0)
            continue;
        if (get(sh + 4, 4) == SHT_NOBITS || !elfsym_range(off, len, size))
            return -CAIRN_EINVAL;
        return elfsym_table(t, img + off, len);
    }
    return -CAIRN_ENOENT;
}

const char *
elfsym_lookup(const struct elfsym *t, uint64_t addr, uint64_t *offset)
{
    uint64_t best = 0;
    uint32_t best_i = 0;
    int in_text = 0, found = 0;
    const char *name;

    for (uint32_t i = 0; i < t->ntext; i++)
        in_text |= addr >= t->text[i].start && addr < t->text[i].end;
    if (!in_text || !t->addrs)
        return NULL;
    for (uint32_t i = 0; i < t->count; i++) {
        uint64_t a = get(t->addrs + 4 * (size_t)i, 4);

        if (a <= addr && (!found || a >= best)) {
            best = a;
            best_i = i;
            found = 1;
        }
    }
    if (!found)
        return NULL;
    /* The best_i-th name: elfsym_table counted count NULs in names_len. */
    name = t->names;
    for (uint32_t i = 0; i < best_i; i++)
        name += strlen(name) + 1;
    *offset = addr - best;
    return name;
}
