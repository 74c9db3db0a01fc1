// SPDX-License-Identifier: MIT
/*
 * Host fuzzer for the ELF-64 validator (common/elf.c, elf_parse), the one
 * validator of the kernel's loader and of libc's cairn_spawn.
 *
 * The input is the image. It is parsed twice, from an exactly-sized heap
 * copy at an aligned address and at an odd one (a boot module carries no
 * alignment guarantee), with the bounds the kernel itself uses for init.
 * Both parses must agree, and so must a third through elf_locate_phdrs and
 * elf_parse_headers, given only exactly-sized copies of the first 64 bytes
 * and of the program header table, as the kernel's loader does. Beyond "no crash, no read outside the image",
 * every promise of elf.h is checked:
 *   - a refusal returns -CAIRN_EINVAL, says why in one NUL-terminated line
 *     and leaves the caller's struct elf_image untouched; both parses give
 *     the same reason;
 *   - a success gives no reason, and its segments are 1..ELF_MAX_SEGMENTS,
 *     each with file bytes inside the image, filesz <= memsz, memsz > 0,
 *     every page inside [user_base, user_top), vaddr == offset modulo the
 *     page, never writable and executable, readable or executable, sorted
 *     by vaddr with no two touching the same page; the unused slots are
 *     zero; the entry lies in an executable segment's file bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cairn/errors.h"
#include "cairn/init.h"
#include "common/elf.h"
#include "fuzz.h"

#define USER_BASE ((uint64_t)CAIRN_USER_BASE)
/* As process_spawn_elf: below init's stack and the guard page under it. */
#define USER_TOP  (CAIRN_USER_STACK_TOP - CAIRN_USER_STACK_SIZE - 4096)
#define POISON    0xa5

static void
check_segment(const struct elf_segment *s, const struct elf_segment *prev, size_t size)
{
    uint64_t first_page = s->vaddr & ~0xfffull, last_page;

    FUZZ_CHECK(s->memsz > 0 && s->filesz <= s->memsz);
    FUZZ_CHECK(s->offset <= size && s->filesz <= size - s->offset);
    FUZZ_CHECK(s->memsz <= UINT64_MAX - s->vaddr);
    last_page = (s->vaddr + s->memsz - 1) & ~0xfffull;
    FUZZ_CHECK(first_page >= USER_BASE);
    FUZZ_CHECK(last_page < USER_TOP && USER_TOP - last_page >= 4096);
    FUZZ_CHECK((s->vaddr & 0xfff) == (s->offset & 0xfff));
    FUZZ_CHECK((s->flags & ~(uint32_t)(ELF_SEG_R | ELF_SEG_W | ELF_SEG_X)) == 0);
    FUZZ_CHECK(!((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X)));
    FUZZ_CHECK(s->flags & (ELF_SEG_R | ELF_SEG_X));
    if (prev != NULL)
        FUZZ_CHECK((s->vaddr >> 12) > ((prev->vaddr + prev->memsz - 1) >> 12));
}

static bool
segment_equal(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->vaddr == b->vaddr && a->memsz == b->memsz && a->offset == b->offset &&
           a->filesz == b->filesz && a->flags == b->flags;
}

static void
check_image(const struct elf_image *img, size_t size)
{
    static const struct elf_segment zero;
    bool entry_ok = false;

    FUZZ_CHECK(img->segment_count >= 1 && img->segment_count <= ELF_MAX_SEGMENTS);
    for (unsigned i = 0; i < img->segment_count; i++) {
        const struct elf_segment *s = &img->segments[i];

        check_segment(s, i > 0 ? s - 1 : NULL, size);
        if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->filesz)
            entry_ok = true;
    }
    FUZZ_CHECK(entry_ok);
    for (unsigned i = img->segment_count; i < ELF_MAX_SEGMENTS; i++)
        FUZZ_CHECK(segment_equal(&img->segments[i], &zero));
}

/* Parses an exactly-sized copy of the input placed skew bytes into a heap block. */
static int
parse_copy(const uint8_t *data, size_t size, size_t skew, struct elf_image *img,
           struct elf_why *why)
{
    struct elf_image untouched;
    uint8_t *block = malloc(size + skew + (size + skew == 0)); /* the image ends the block */
    int ret;

    FUZZ_CHECK(block != NULL);
    memcpy(block + skew, data, size);
    memset(img, POISON, sizeof(*img));
    memset(&untouched, POISON, sizeof(untouched));
    memset(why, 'x', sizeof(*why));
    ret = elf_parse(block + skew, size, USER_BASE, USER_TOP, img, why);
    free(block);

    if (ret != 0) {
        FUZZ_CHECK(ret == -CAIRN_EINVAL);
        FUZZ_CHECK(why->text[0] != '\0');
        FUZZ_CHECK(memchr(why->text, '\0', sizeof(why->text)) != NULL);
        FUZZ_CHECK(memcmp(img, &untouched, sizeof(untouched)) == 0);
    } else {
        FUZZ_CHECK(why->text[0] == '\0');
        check_image(img, size);
    }
    return ret;
}

/*
 * The kernel's way: the file header and the table it names copied apart,
 * each into a block it ends, with the file's size given alone. Refusals
 * are checked as parse_copy checks them; the caller compares the verdict.
 */
static int
parse_headers_apart(const uint8_t *data, size_t size, struct elf_image *img, struct elf_why *why)
{
    size_t ehdr_len = size < sizeof(struct elf64_ehdr) ? size : sizeof(struct elf64_ehdr);
    uint8_t *ehdr = malloc(ehdr_len + (ehdr_len == 0)), *phdrs = NULL;
    struct elf_image untouched;
    uint64_t phoff = 0;
    size_t phlen = 0;
    int ret;

    FUZZ_CHECK(ehdr != NULL);
    memcpy(ehdr, data, ehdr_len);
    memset(img, POISON, sizeof(*img));
    memset(&untouched, POISON, sizeof(untouched));
    memset(why, 'x', sizeof(*why));
    ret = elf_locate_phdrs(ehdr, ehdr_len, size, &phoff, &phlen, why);
    if (ret == 0) {
        FUZZ_CHECK(phlen <= ELF_MAX_PHDRS * sizeof(struct elf64_phdr));
        FUZZ_CHECK(phoff <= size && phlen <= size - phoff);
        phdrs = malloc(phlen + (phlen == 0));
        FUZZ_CHECK(phdrs != NULL);
        memcpy(phdrs, data + phoff, phlen);
        ret = elf_parse_headers(ehdr, ehdr_len, phlen ? phdrs : NULL, phlen, size, USER_BASE,
                                USER_TOP, img, why);
    }
    free(phdrs);
    free(ehdr);
    if (ret != 0) {
        FUZZ_CHECK(ret == -CAIRN_EINVAL);
        FUZZ_CHECK(why->text[0] != '\0');
        FUZZ_CHECK(memchr(why->text, '\0', sizeof(why->text)) != NULL);
        FUZZ_CHECK(memcmp(img, &untouched, sizeof(untouched)) == 0);
    }
    return ret;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct elf_why why_a, why_b, why_c;
    struct elf_image a, b, c;
    int ra, rb, rc;

    ra = parse_copy(data, size, 0, &a, &why_a);
    rb = parse_copy(data, size, 1, &b, &why_b);
    rc = parse_headers_apart(data, size, &c, &why_c);
    FUZZ_CHECK(ra == rb && ra == rc);
    FUZZ_CHECK(strcmp(why_a.text, why_b.text) == 0);
    FUZZ_CHECK(strcmp(why_a.text, why_c.text) == 0);
    if (ra == 0) {
        FUZZ_CHECK(a.entry == b.entry && a.segment_count == b.segment_count);
        FUZZ_CHECK(a.entry == c.entry && a.segment_count == c.segment_count);
        for (unsigned i = 0; i < a.segment_count; i++) {
            FUZZ_CHECK(segment_equal(&a.segments[i], &b.segments[i]));
            FUZZ_CHECK(segment_equal(&a.segments[i], &c.segments[i]));
        }
    }
    return 0;
}
