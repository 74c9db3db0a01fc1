// SPDX-License-Identifier: MIT
/*
 * Host tests for the ELF-64 loader front end (common/elf.c), the one
 * validator of the kernel's loader and of libc's cairn_spawn.
 *
 * Most tests start from one well-formed crafted executable (builder_init),
 * change one field and parse. The image is serialised into a heap buffer of
 * exactly its size, so ASan reports any read past it. Every refusal must
 * return -CAIRN_EINVAL, say why in one NUL-terminated line and leave the
 * caller's struct elf_image untouched; every success must satisfy the invariants
 * listed in elf.h (image_is_sound). The form that takes the headers apart
 * from the image (elf_locate_phdrs, elf_parse_headers) is tested against
 * the same images and must give elf_parse's answers. One test also builds a real static
 * executable with the host compiler, when there is one that can.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cairn/errors.h"
#include "check.h"
#include "common/elf.h"

#define USER_BASE 0x400000ul
#define USER_TOP  0x800000000000ul
#define IMG_CAP   0x2000
#define PHDR_CAP  (ELF_MAX_PHDRS + 2)
#define PHDR_OFF  64 /* where the builder puts the table */

/*
 * The image under construction. The serialised file is `size` bytes: a
 * filler pattern, then the header at 0 and nph program headers at PHDR_OFF
 * (e_phnum and e_phoff may be changed to lie about them).
 */
struct builder {
    struct elf64_ehdr eh;
    struct elf64_phdr ph[PHDR_CAP];
    unsigned nph;
    size_t size;
    uint64_t user_base, user_top;
};

static struct builder b;
static uint8_t scratch[IMG_CAP];
/* What the last parse said; filled with 'x' before each, to see it written. */
static struct elf_why why;

/* The good image's layout. */
#define TEXT_VADDR  0x400000ul
#define TEXT_SIZE   0x1000ul /* file offset 0: headers and code */
#define ENTRY       0x400100ul
#define DATA_VADDR  0x402000ul
#define DATA_OFFSET 0x1000ul
#define DATA_FILESZ 0x80ul
#define DATA_MEMSZ  0x2f80ul /* the rest is bss */
#define GOOD_SIZE   (DATA_OFFSET + DATA_FILESZ)

static struct elf64_phdr *
builder_add(uint32_t type, uint32_t flags, uint64_t offset, uint64_t vaddr, uint64_t filesz,
            uint64_t memsz)
{
    struct elf64_phdr *ph = &b.ph[b.nph++];

    memset(ph, 0, sizeof(*ph));
    ph->p_type = type;
    ph->p_flags = flags;
    ph->p_offset = offset;
    ph->p_vaddr = vaddr;
    ph->p_paddr = vaddr;
    ph->p_filesz = filesz;
    ph->p_memsz = memsz;
    ph->p_align = type == PT_LOAD ? 0x1000 : 8;
    b.eh.e_phnum = (uint16_t)b.nph;
    return ph;
}

/*
 * A static executable as GNU ld lays one out: text (R+X, from file offset 0
 * so it holds the headers), data (R+W, with bss), a non-executable stack and
 * a note, which the parser must ignore.
 */
static void
builder_init(void)
{
    memset(&b, 0, sizeof(b));
    b.eh.e_ident[EI_MAG0] = ELFMAG0;
    b.eh.e_ident[EI_MAG1] = ELFMAG1;
    b.eh.e_ident[EI_MAG2] = ELFMAG2;
    b.eh.e_ident[EI_MAG3] = ELFMAG3;
    b.eh.e_ident[EI_CLASS] = ELFCLASS64;
    b.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    b.eh.e_ident[EI_VERSION] = EV_CURRENT;
    b.eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    b.eh.e_type = ET_EXEC;
    b.eh.e_machine = EM_X86_64;
    b.eh.e_version = EV_CURRENT;
    b.eh.e_entry = ENTRY;
    b.eh.e_phoff = PHDR_OFF;
    b.eh.e_ehsize = sizeof(struct elf64_ehdr);
    b.eh.e_phentsize = sizeof(struct elf64_phdr);
    b.eh.e_shentsize = 64;
    b.size = GOOD_SIZE;
    b.user_base = USER_BASE;
    b.user_top = USER_TOP;
    builder_add(PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR, TEXT_SIZE, TEXT_SIZE);
    builder_add(PT_LOAD, PF_R | PF_W, DATA_OFFSET, DATA_VADDR, DATA_FILESZ, DATA_MEMSZ);
    builder_add(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
    builder_add(PT_NOTE, PF_R, 0x200, TEXT_VADDR + 0x200, 0x20, 0x20);
}

static void
builder_serialise(void)
{
    for (size_t i = 0; i < IMG_CAP; i++)
        scratch[i] = (uint8_t)(i * 7 + 3);
    memcpy(scratch, &b.eh, sizeof(b.eh));
    memcpy(scratch + PHDR_OFF, b.ph, b.nph * sizeof(b.ph[0]));
}

/*
 * Parses size bytes at bytes from an exactly-sized heap copy placed `skew`
 * bytes into its allocation (to test unaligned images), after resetting the
 * log counters.
 */
static int
parse_bytes(const uint8_t *bytes, size_t size, size_t skew, uint64_t base, uint64_t top,
            struct elf_image *out)
{
    uint8_t *buf = malloc(size + skew);
    int rc;

    if (size + skew > 0 && buf == NULL)
        abort();
    if (size > 0)
        memcpy(buf + skew, bytes, size);
    memset(&why, 'x', sizeof(why));
    rc = elf_parse(buf + skew, size, base, top, out, &why);
    free(buf);
    return rc;
}

static int
builder_parse(struct elf_image *out)
{
    builder_serialise();
    return parse_bytes(scratch, b.size, 0, b.user_base, b.user_top, out);
}

/* True when the image parses cleanly: 0 returned and no reason given. */
static bool
builder_accepted(struct elf_image *out)
{
    return builder_parse(out) == 0 && why.text[0] == '\0';
}

/* True when why holds one line: not empty, NUL-terminated inside it, no newline. */
static bool
why_is_one_line(void)
{
    size_t len = strnlen(why.text, sizeof(why.text));

    return len > 0 && len < sizeof(why.text) && memchr(why.text, '\n', len) == NULL;
}

/* True when the refusal is well behaved: -CAIRN_EINVAL, a reason, *out untouched. */
static bool
refused_cleanly(int rc, const struct elf_image *out)
{
    static const uint8_t poison = 0xa5;
    const uint8_t *p = (const uint8_t *)out;

    for (size_t i = 0; i < sizeof(*out); i++)
        if (p[i] != poison)
            return false;
    return rc == -CAIRN_EINVAL && why_is_one_line();
}

static bool
builder_refused(void)
{
    struct elf_image out;

    memset(&out, 0xa5, sizeof(out));
    return refused_cleanly(builder_parse(&out), &out);
}

/*
 * The kernel loader's way: copies of the first ehdr_len bytes and of the
 * table elf_locate_phdrs names, each in a heap block it ends exactly, and
 * the file's size alone. Returns the verdict of whichever step refused.
 */
static int
parse_apart(const uint8_t *bytes, size_t size, size_t ehdr_len, struct elf_image *out)
{
    uint8_t *ehdr = malloc(ehdr_len + 1), *phdrs = NULL;
    uint64_t phoff = 0;
    size_t phlen = 0;
    int rc;

    if (ehdr == NULL)
        abort();
    memcpy(ehdr, bytes, ehdr_len);
    memset(&why, 'x', sizeof(why));
    rc = elf_locate_phdrs(ehdr, ehdr_len, size, &phoff, &phlen, &why);
    if (rc == 0) {
        phdrs = malloc(phlen + 1);
        if (phdrs == NULL)
            abort();
        memcpy(phdrs, bytes + phoff, phlen);
        rc = elf_parse_headers(ehdr, ehdr_len, phdrs, phlen, size, b.user_base, b.user_top, out,
                               &why);
    }
    free(phdrs);
    free(ehdr);
    return rc;
}

/* The invariants elf.h promises for every image elf_parse accepts. */
static bool
image_is_sound(const struct elf_image *img, size_t size, uint64_t base, uint64_t top)
{
    bool entry_ok = false;

    if (img->segment_count < 1 || img->segment_count > ELF_MAX_SEGMENTS)
        return false;
    for (unsigned i = 0; i < img->segment_count; i++) {
        const struct elf_segment *s = &img->segments[i];
        const struct elf_segment *prev = i > 0 ? s - 1 : NULL;
        uint64_t first = s->vaddr & ~0xffful, last;

        if (s->memsz == 0 || s->filesz > s->memsz)
            return false;
        if (s->offset > size || s->filesz > size - s->offset)
            return false;
        if (s->memsz > UINT64_MAX - s->vaddr)
            return false;
        last = (s->vaddr + s->memsz - 1) & ~0xffful;
        if (first < base || last >= top || top - last < 0x1000)
            return false;
        if ((s->vaddr & 0xfff) != (s->offset & 0xfff))
            return false;
        if ((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X))
            return false;
        if (!(s->flags & (ELF_SEG_R | ELF_SEG_X)) || (s->flags & ~7u))
            return false;
        if (prev != NULL && (s->vaddr >> 12) <= ((prev->vaddr + prev->memsz - 1) >> 12))
            return false;
        if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->filesz)
            entry_ok = true;
    }
    for (unsigned i = img->segment_count; i < ELF_MAX_SEGMENTS; i++)
        if (img->segments[i].memsz != 0)
            return false;
    return entry_ok;
}

static bool
segment_is(const struct elf_segment *s, uint64_t vaddr, uint64_t memsz, uint64_t offset,
           uint64_t filesz, uint32_t flags)
{
    return s->vaddr == vaddr && s->memsz == memsz && s->offset == offset && s->filesz == filesz &&
           s->flags == flags;
}

/* --- well-formed images ------------------------------------------------------------ */

TEST(elf_parses_static_text_and_data)
{
    struct elf_image img;

    builder_init();
    CHECK(builder_accepted(&img));
    CHECK(img.entry == ENTRY);
    CHECK(img.segment_count == 2);
    CHECK(segment_is(&img.segments[0], TEXT_VADDR, TEXT_SIZE, 0, TEXT_SIZE, ELF_SEG_R | ELF_SEG_X));
    CHECK(segment_is(&img.segments[1], DATA_VADDR, DATA_MEMSZ, DATA_OFFSET, DATA_FILESZ,
                     ELF_SEG_R | ELF_SEG_W));
    CHECK(image_is_sound(&img, GOOD_SIZE, USER_BASE, USER_TOP));
}

TEST(elf_parses_real_static_executable)
{
    char dir[] = "/tmp/cairn-elf-XXXXXX";
    char src[64], prog[64], cmd[256];
    struct elf_image img;
    struct elf64_ehdr eh;
    uint8_t *bytes = NULL;
    long size = 0;
    FILE *f;
    int rc;

    if (mkdtemp(dir) == NULL) {
        printf("note: elf_parses_real_static_executable skipped: no temporary directory\n");
        return;
    }
    snprintf(src, sizeof(src), "%s/prog.c", dir);
    snprintf(prog, sizeof(prog), "%s/prog", dir);
    f = fopen(src, "w");
    if (f == NULL)
        goto skip;
    fputs("void _start(void);\nvoid _start(void) { for (;;) __asm__ volatile(\"\"); }\n", f);
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "cc -static -nostdlib -no-pie -fno-pic -Wl,-e,_start -o %s %s >/dev/null 2>&1", prog,
             src);
    if (system(cmd) != 0)
        goto skip;
    f = fopen(prog, "rb");
    if (f == NULL)
        goto skip;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    rewind(f);
    if (size > 0)
        bytes = malloc((size_t)size);
    if (bytes == NULL || fread(bytes, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        goto skip;
    }
    fclose(f);

    rc = parse_bytes(bytes, (size_t)size, 0, 0x400000, 0x800000000000, &img);
    CHECK(rc == 0);
    CHECK(why.text[0] == '\0');
    if (rc == 0) {
        memcpy(&eh, bytes, sizeof(eh));
        CHECK(img.entry == eh.e_entry);
        CHECK(image_is_sound(&img, (size_t)size, 0x400000, 0x800000000000));
    }
    goto out;
skip:
    printf("note: elf_parses_real_static_executable skipped: cc cannot build a static "
           "non-PIE program here\n");
out:
    free(bytes);
    unlink(prog);
    unlink(src);
    rmdir(dir);
}

TEST(elf_sorts_segments_by_vaddr)
{
    struct elf64_phdr text;
    struct elf_image img;

    builder_init();
    text = b.ph[0];
    b.ph[0] = b.ph[1];
    b.ph[1] = text;
    CHECK(builder_accepted(&img));
    CHECK(img.segment_count == 2);
    CHECK(img.segments[0].vaddr == TEXT_VADDR);
    CHECK(img.segments[1].vaddr == DATA_VADDR);
}

TEST(elf_reads_unaligned_image)
{
    struct elf_image img;

    builder_init();
    builder_serialise();
    for (size_t skew = 1; skew < 8; skew++) {
        CHECK(parse_bytes(scratch, b.size, skew, USER_BASE, USER_TOP, &img) == 0);
        CHECK(img.segment_count == 2 && img.entry == ENTRY);
    }
}

TEST(elf_ignores_section_headers_and_other_program_headers)
{
    struct elf_image img;

    builder_init();
    b.eh.e_shoff = UINT64_MAX;
    b.eh.e_shnum = 0xffff;
    b.eh.e_shentsize = 3;
    b.eh.e_shstrndx = 0xfffe;
    builder_add(PT_PHDR, PF_R, PHDR_OFF, TEXT_VADDR + PHDR_OFF, 0x100, 0x100);
    builder_add(PT_TLS, PF_R, DATA_OFFSET, DATA_VADDR, 0x10, 0x20);
    builder_add(PT_GNU_PROPERTY, PF_R, 0x300, TEXT_VADDR + 0x300, 0x20, 0x20);
    builder_add(PT_GNU_RELRO, PF_R, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
    builder_add(PT_NULL, 0, 0, 0, 0, 0);
    CHECK(builder_accepted(&img));
    CHECK(img.segment_count == 2);
}

TEST(elf_accepts_gnu_os_abi)
{
    struct elf_image img;

    builder_init();
    b.eh.e_ident[EI_OSABI] = ELFOSABI_GNU;
    CHECK(builder_accepted(&img));
}

TEST(elf_accepts_zero_and_one_alignment)
{
    struct elf_image img;

    builder_init();
    b.ph[0].p_align = 0;
    b.ph[1].p_align = 1;
    CHECK(builder_accepted(&img));
}

TEST(elf_accepts_segments_in_adjacent_pages)
{
    struct elf_image img;

    builder_init();
    b.ph[1].p_vaddr = TEXT_VADDR + TEXT_SIZE; /* the page right after the text */
    CHECK(builder_accepted(&img));
}

TEST(elf_accepts_segment_ending_at_user_top)
{
    struct elf_image img;

    builder_init();
    b.ph[1].p_vaddr = USER_TOP - 0x1000;
    b.ph[1].p_memsz = 0x1000;
    CHECK(builder_accepted(&img));
    CHECK(img.segments[1].vaddr + img.segments[1].memsz == USER_TOP);
}

TEST(elf_accepts_sixteen_segments)
{
    struct elf_image img;

    builder_init();
    for (unsigned i = 0; i < ELF_MAX_SEGMENTS - 2; i++)
        builder_add(PT_LOAD, PF_R, 0, 0x410000 + i * 0x1000ul, 0, 0x1000);
    CHECK(builder_accepted(&img));
    CHECK(img.segment_count == ELF_MAX_SEGMENTS);
    CHECK(image_is_sound(&img, b.size, USER_BASE, USER_TOP));
}

/* --- refusals: the file header --------------------------------------------------- */

TEST(elf_refuses_every_truncation)
{
    struct elf_image img;

    builder_init();
    builder_serialise();
    for (size_t len = 0; len < b.size; len++) {
        memset(&img, 0xa5, sizeof(img));
        CHECK(refused_cleanly(parse_bytes(scratch, len, 0, USER_BASE, USER_TOP, &img), &img));
    }
    CHECK(parse_bytes(scratch, b.size, 0, USER_BASE, USER_TOP, &img) == 0);
}

TEST(elf_refuses_missing_image)
{
    struct elf_image img;

    memset(&img, 0xa5, sizeof(img));
    memset(&why, 'x', sizeof(why));
    CHECK(refused_cleanly(elf_parse(NULL, 4096, USER_BASE, USER_TOP, &img, &why), &img));
}

TEST(elf_refuses_bad_magic)
{
    for (unsigned i = EI_MAG0; i <= EI_MAG3; i++) {
        builder_init();
        b.eh.e_ident[i] ^= 0x20;
        CHECK(builder_refused());
    }
}

TEST(elf_refuses_32_bit_class)
{
    builder_init();
    b.eh.e_ident[EI_CLASS] = ELFCLASS32;
    CHECK(builder_refused());
    b.eh.e_ident[EI_CLASS] = 0;
    CHECK(builder_refused());
}

TEST(elf_refuses_big_endian)
{
    builder_init();
    b.eh.e_ident[EI_DATA] = ELFDATA2MSB;
    CHECK(builder_refused());
    b.eh.e_ident[EI_DATA] = 0;
    CHECK(builder_refused());
}

TEST(elf_refuses_version_other_than_current)
{
    builder_init();
    b.eh.e_ident[EI_VERSION] = 0;
    CHECK(builder_refused());
    builder_init();
    b.eh.e_version = 2;
    CHECK(builder_refused());
}

TEST(elf_refuses_foreign_os_abi)
{
    builder_init();
    b.eh.e_ident[EI_OSABI] = 9; /* FreeBSD */
    CHECK(builder_refused());
    b.eh.e_ident[EI_OSABI] = 255; /* standalone */
    CHECK(builder_refused());
}

TEST(elf_refuses_foreign_machine)
{
    builder_init();
    b.eh.e_machine = 3; /* i386 */
    CHECK(builder_refused());
    b.eh.e_machine = 183; /* AArch64 */
    CHECK(builder_refused());
}

TEST(elf_refuses_types_other_than_exec)
{
    static const uint16_t types[] = {ET_NONE, ET_REL, ET_DYN, ET_CORE, 0xfe00};

    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        builder_init();
        b.eh.e_type = types[i];
        CHECK(builder_refused());
    }
}

TEST(elf_refuses_wrong_header_sizes)
{
    builder_init();
    b.eh.e_ehsize = 52; /* ELF-32 */
    CHECK(builder_refused());
    builder_init();
    b.eh.e_ehsize = 128;
    CHECK(builder_refused());
    builder_init();
    b.eh.e_phentsize = 32; /* ELF-32 */
    CHECK(builder_refused());
    builder_init();
    b.eh.e_phentsize = 64;
    CHECK(builder_refused());
}

TEST(elf_refuses_phdr_table_outside_file)
{
    builder_init();
    b.eh.e_phoff = b.size - 10;
    CHECK(builder_refused());
    b.eh.e_phoff = b.size + 1;
    CHECK(builder_refused());
    b.eh.e_phoff = UINT64_MAX - 8; /* offset + table size wraps */
    CHECK(builder_refused());
}

TEST(elf_refuses_huge_phnum)
{
    builder_init();
    b.eh.e_phnum = 0xfffe;
    CHECK(builder_refused());
    b.eh.e_phnum = PN_XNUM;
    CHECK(builder_refused());
}

/* --- refusals: one segment ------------------------------------------------------- */

TEST(elf_refuses_segment_data_past_end)
{
    builder_init();
    b.ph[1].p_filesz = DATA_FILESZ + 1;
    CHECK(builder_refused());
    builder_init();
    b.ph[1].p_offset = 0xfffffffffffff000;
    CHECK(builder_refused());
    builder_init();
    b.ph[1].p_filesz = UINT64_MAX; /* offset + filesz wraps */
    b.ph[1].p_memsz = UINT64_MAX;
    CHECK(builder_refused());
}

TEST(elf_refuses_filesz_above_memsz)
{
    builder_init();
    b.ph[1].p_memsz = DATA_FILESZ - 1;
    CHECK(builder_refused());
}

TEST(elf_refuses_empty_segment)
{
    builder_init();
    b.ph[1].p_filesz = 0;
    b.ph[1].p_memsz = 0;
    CHECK(builder_refused());
}

TEST(elf_refuses_overflowing_vaddr_plus_memsz)
{
    builder_init();
    b.ph[1].p_vaddr = 0xfffffffffffff000;
    b.ph[1].p_memsz = 0x2000;
    CHECK(builder_refused());
    b.user_top = UINT64_MAX; /* must not depend on the bound to catch it */
    CHECK(builder_refused());
}

TEST(elf_refuses_segment_below_user_base)
{
    builder_init();
    b.ph[0].p_vaddr = USER_BASE - 0x1000;
    CHECK(builder_refused());
    builder_init();
    b.ph[1].p_vaddr = 0; /* the null page */
    CHECK(builder_refused());
}

TEST(elf_refuses_segment_above_user_top)
{
    builder_init();
    b.ph[1].p_vaddr = USER_TOP - 0x1000;
    b.ph[1].p_memsz = 0x1001;
    CHECK(builder_refused());
    builder_init();
    b.ph[1].p_vaddr = 0xffffffff80000000; /* the kernel's half */
    CHECK(builder_refused());
}

TEST(elf_refuses_alignment_not_power_of_two)
{
    builder_init();
    b.ph[1].p_align = 0x1800;
    CHECK(builder_refused());
}

TEST(elf_refuses_offset_misaligned_with_vaddr)
{
    builder_init();
    b.ph[1].p_vaddr = DATA_VADDR + 0x10;
    CHECK(builder_refused());
}

TEST(elf_refuses_writable_executable_segment)
{
    builder_init();
    b.ph[0].p_flags = PF_R | PF_W | PF_X;
    CHECK(builder_refused());
    builder_init();
    b.ph[1].p_flags = PF_W | PF_X;
    CHECK(builder_refused());
}

TEST(elf_refuses_segment_neither_readable_nor_executable)
{
    builder_init();
    b.ph[1].p_flags = PF_W;
    CHECK(builder_refused());
    b.ph[1].p_flags = 0;
    CHECK(builder_refused());
}

TEST(elf_refuses_interpreter_and_dynamic_section)
{
    builder_init();
    builder_add(PT_INTERP, PF_R, 0x200, TEXT_VADDR + 0x200, 0x1c, 0x1c);
    CHECK(builder_refused());
    builder_init();
    builder_add(PT_DYNAMIC, PF_R | PF_W, DATA_OFFSET, DATA_VADDR, 0x40, 0x40);
    CHECK(builder_refused());
}

TEST(elf_refuses_executable_stack)
{
    builder_init();
    b.ph[2].p_flags = PF_R | PF_W | PF_X;
    CHECK(builder_refused());
}

/* --- refusals: the segments together --------------------------------------------- */

TEST(elf_refuses_overlapping_segments)
{
    builder_init();
    b.ph[0].p_memsz = 0x1800; /* text's bss runs into data */
    b.ph[1].p_vaddr = TEXT_VADDR + 0x1000;
    CHECK(builder_refused());
    builder_init();
    b.ph[1].p_vaddr = TEXT_VADDR; /* same start */
    CHECK(builder_refused());
}

TEST(elf_refuses_segments_sharing_a_page)
{
    builder_init();
    b.ph[0].p_filesz = 0xf00;
    b.ph[0].p_memsz = 0xf00;
    b.ph[1].p_offset = 0xf00; /* data starts right after text, in its last page */
    b.ph[1].p_vaddr = TEXT_VADDR + 0xf00;
    CHECK(builder_refused());
}

TEST(elf_refuses_too_many_segments)
{
    builder_init();
    for (unsigned i = 0; i < ELF_MAX_SEGMENTS - 1; i++)
        builder_add(PT_LOAD, PF_R, 0, 0x410000 + i * 0x1000ul, 0, 0x1000);
    CHECK(builder_refused());
}

TEST(elf_refuses_no_loadable_segments)
{
    builder_init();
    b.ph[0].p_type = PT_NOTE;
    b.ph[1].p_type = PT_NOTE;
    CHECK(builder_refused());
    builder_init();
    b.eh.e_phnum = 0;
    CHECK(builder_refused());
}

TEST(elf_refuses_entry_outside_text)
{
    builder_init();
    b.eh.e_entry = DATA_VADDR; /* in a segment, but not an executable one */
    CHECK(builder_refused());
    builder_init();
    b.eh.e_entry = TEXT_VADDR - 1;
    CHECK(builder_refused());
    builder_init();
    b.eh.e_entry = TEXT_VADDR + TEXT_SIZE; /* one past the text's file bytes */
    CHECK(builder_refused());
    builder_init();
    b.ph[0].p_memsz = 0x1800;
    b.eh.e_entry = TEXT_VADDR + 0x1100; /* in the text's zero-filled tail */
    CHECK(builder_refused());
}

/* --- corrupted images ------------------------------------------------------------ */

/* xorshift64: the same sequence on every host, unlike rand(). */
static uint64_t
fuzz_next(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

TEST(elf_survives_random_byte_flips)
{
    static uint8_t image[GOOD_SIZE];
    uint64_t state = 0x9e3779b97f4a7c15ul;
    size_t headers = PHDR_OFF + 4 * sizeof(struct elf64_phdr);
    unsigned accepted = 0, refused = 0;
    struct elf_image img;

    builder_init();
    builder_serialise();
    for (unsigned iter = 0; iter < 10000; iter++) {
        unsigned flips = 1 + (unsigned)(fuzz_next(&state) % 4);
        int rc;

        memcpy(image, scratch, sizeof(image));
        for (unsigned k = 0; k < flips; k++) {
            uint64_t r = fuzz_next(&state);
            /* Mostly the headers: flips in the segment bytes change nothing. */
            size_t pos = (r & 3) ? (r >> 8) % headers : (r >> 8) % sizeof(image);

            image[pos] ^= (uint8_t)(1 + (r >> 40) % 255);
        }
        memset(&img, 0xa5, sizeof(img));
        rc = parse_bytes(image, sizeof(image), 0, USER_BASE, USER_TOP, &img);
        if (rc == 0) {
            accepted++;
            CHECK(why.text[0] == '\0');
            CHECK(image_is_sound(&img, sizeof(image), USER_BASE, USER_TOP));
        } else {
            refused++;
            CHECK(refused_cleanly(rc, &img));
        }
    }
    /* Both outcomes must have been exercised for the loop to prove anything. */
    CHECK(accepted > 100);
    CHECK(refused > 100);
}

/* --- the headers apart from the image -------------------------------------------- */

static bool
images_equal(const struct elf_image *a, const struct elf_image *b_)
{
    if (a->entry != b_->entry || a->segment_count != b_->segment_count)
        return false;
    for (unsigned i = 0; i < a->segment_count; i++) {
        const struct elf_segment *s = &b_->segments[i];

        if (!segment_is(&a->segments[i], s->vaddr, s->memsz, s->offset, s->filesz, s->flags))
            return false;
    }
    return true;
}

TEST(elf_parses_headers_apart_as_the_whole_image)
{
    struct elf_image whole, apart;

    builder_init();
    CHECK(builder_accepted(&whole));
    CHECK(parse_apart(scratch, b.size, sizeof(struct elf64_ehdr), &apart) == 0);
    CHECK(why.text[0] == '\0');
    CHECK(images_equal(&whole, &apart));
}

/*
 * A table far from the start, past a gap no segment uses: only the 64-byte
 * header and the table are handed in, the offsets are checked against the
 * file's size. The whole file is parsed too, and agrees.
 */
TEST(elf_parses_program_headers_at_a_far_offset)
{
    const size_t far = 1u << 20;
    struct elf_image whole, apart;
    size_t table;
    uint8_t *file;

    builder_init();
    table = b.nph * sizeof(struct elf64_phdr);
    b.eh.e_phoff = far;
    builder_serialise();
    file = calloc(1, far + table);
    if (file == NULL)
        abort();
    memcpy(file, scratch, b.size);
    memcpy(file + far, b.ph, table);
    CHECK(parse_apart(file, far + table, sizeof(struct elf64_ehdr), &apart) == 0);
    CHECK(why.text[0] == '\0');
    CHECK(parse_bytes(file, far + table, 0, USER_BASE, USER_TOP, &whole) == 0);
    CHECK(images_equal(&whole, &apart));
    CHECK(image_is_sound(&apart, far + table, USER_BASE, USER_TOP));
    /* One byte less and the table runs past the file. */
    memset(&apart, 0xa5, sizeof(apart));
    CHECK(refused_cleanly(parse_apart(file, far + table - 1, sizeof(struct elf64_ehdr), &apart),
                          &apart));
    free(file);
}

TEST(elf_apart_refuses_a_truncated_header)
{
    struct elf_image img;

    builder_init();
    builder_serialise();
    for (size_t len = 0; len < sizeof(struct elf64_ehdr); len++) {
        memset(&img, 0xa5, sizeof(img));
        CHECK(refused_cleanly(parse_apart(scratch, b.size, len, &img), &img));
    }
    memset(&img, 0xa5, sizeof(img));
    memset(&why, 'x', sizeof(why));
    CHECK(refused_cleanly(elf_parse_headers(NULL, 64, scratch + PHDR_OFF, 4 * 56, b.size, USER_BASE,
                                            USER_TOP, &img, &why),
                          &img));
}

TEST(elf_apart_refuses_a_table_of_the_wrong_size)
{
    const size_t table = 4 * sizeof(struct elf64_phdr);
    struct elf_image img;

    builder_init();
    builder_serialise();
    /* One entry short, one byte long, and none when the header names four. */
    memset(&img, 0xa5, sizeof(img));
    memset(&why, 'x', sizeof(why));
    CHECK(refused_cleanly(elf_parse_headers(scratch, 64, scratch + PHDR_OFF, table - 56, b.size,
                                            USER_BASE, USER_TOP, &img, &why),
                          &img));
    memset(&why, 'x', sizeof(why));
    CHECK(refused_cleanly(elf_parse_headers(scratch, 64, scratch + PHDR_OFF, table + 1, b.size,
                                            USER_BASE, USER_TOP, &img, &why),
                          &img));
    memset(&why, 'x', sizeof(why));
    CHECK(refused_cleanly(
        elf_parse_headers(scratch, 64, NULL, table, b.size, USER_BASE, USER_TOP, &img, &why),
        &img));
    memset(&why, 'x', sizeof(why));
    CHECK(elf_parse_headers(scratch, 64, scratch + PHDR_OFF, table, b.size, USER_BASE, USER_TOP,
                            &img, &why) == 0);
}

TEST(elf_apart_refuses_sizes_that_do_not_match_the_file)
{
    uint64_t phoff = 0;
    size_t phlen = 0;
    struct elf_image img;

    builder_init();
    builder_serialise();
    /* More header bytes than the file has. */
    memset(&why, 'x', sizeof(why));
    CHECK(elf_locate_phdrs(scratch, 64, 63, &phoff, &phlen, &why) == -CAIRN_EINVAL);
    CHECK(why_is_one_line());
    memset(&img, 0xa5, sizeof(img));
    memset(&why, 'x', sizeof(why));
    CHECK(refused_cleanly(elf_parse_headers(scratch, 64, scratch + PHDR_OFF, 4 * 56, 63, USER_BASE,
                                            USER_TOP, &img, &why),
                          &img));
    /* A file too short for the table it names. */
    memset(&why, 'x', sizeof(why));
    CHECK(elf_locate_phdrs(scratch, 64, PHDR_OFF + 4 * 56 - 1, &phoff, &phlen, &why) ==
          -CAIRN_EINVAL);
    /* The table whole, but the file too short for the data segment: the
     * segments are checked against the file's size, not the bytes copied. */
    memset(&img, 0xa5, sizeof(img));
    CHECK(refused_cleanly(parse_apart(scratch, b.size - 1, 64, &img), &img));
    CHECK(strstr(why.text, "run past") != NULL);
}

TEST(elf_apart_locates_the_table_it_names)
{
    uint64_t phoff = 0;
    size_t phlen = 0;

    builder_init();
    builder_serialise();
    memset(&why, 'x', sizeof(why));
    CHECK(elf_locate_phdrs(scratch, 64, b.size, &phoff, &phlen, &why) == 0);
    CHECK(phoff == PHDR_OFF && phlen == 4 * sizeof(struct elf64_phdr));
    CHECK(why.text[0] == '\0');
    b.eh.e_phnum = 0;
    builder_serialise();
    CHECK(elf_locate_phdrs(scratch, 64, b.size, &phoff, &phlen, &why) == 0);
    CHECK(phlen == 0);
}

/* Corrupted images get the same verdict, reason and plan both ways. */
TEST(elf_apart_agrees_with_the_whole_image_on_corrupted_images)
{
    static uint8_t image[GOOD_SIZE];
    uint64_t state = 0x2545f4914f6cdd1dul;
    size_t headers = PHDR_OFF + 4 * sizeof(struct elf64_phdr);
    struct elf_image whole, apart;
    struct elf_why why_whole;
    unsigned accepted = 0;

    builder_init();
    builder_serialise();
    for (unsigned iter = 0; iter < 5000; iter++) {
        uint64_t r = fuzz_next(&state);
        int rw, ra;

        memcpy(image, scratch, sizeof(image));
        image[(r >> 8) % headers] ^= (uint8_t)(1 + (r >> 40) % 255);
        rw = parse_bytes(image, sizeof(image), 0, USER_BASE, USER_TOP, &whole);
        why_whole = why;
        ra = parse_apart(image, sizeof(image), 64, &apart);
        CHECK(rw == ra);
        CHECK(strcmp(why_whole.text, why.text) == 0);
        if (rw == 0) {
            accepted++;
            CHECK(images_equal(&whole, &apart));
        }
    }
    CHECK(accepted > 100);
}

TEST(elf_accepts_up_to_max_phdrs_and_refuses_more)
{
    struct elf_image img;

    builder_init();
    while (b.nph < ELF_MAX_PHDRS)
        builder_add(PT_NOTE, PF_R, 0x200, TEXT_VADDR + 0x200, 0x20, 0x20);
    CHECK(builder_accepted(&img));
    CHECK(parse_apart(scratch, b.size, 64, &img) == 0);
    builder_add(PT_NOTE, PF_R, 0x200, TEXT_VADDR + 0x200, 0x20, 0x20);
    CHECK(builder_refused());
    memset(&img, 0xa5, sizeof(img));
    CHECK(refused_cleanly(parse_apart(scratch, b.size, 64, &img), &img));
}

TEST(elf_says_which_segment_is_writable_and_executable)
{
    builder_init();
    b.ph[1].p_flags = PF_R | PF_W | PF_X;
    CHECK(builder_refused());
    CHECK(strcmp(why.text, "segment 1 is writable and executable") == 0);
}

/* The loaders that only want the verdict (libc's) pass no struct elf_why. */
TEST(elf_parses_and_refuses_without_a_reason_buffer)
{
    struct elf_image img, untouched;

    builder_init();
    builder_serialise();
    CHECK(elf_parse(scratch, b.size, USER_BASE, USER_TOP, &img, NULL) == 0);
    CHECK(img.entry == ENTRY && img.segment_count == 2);
    b.eh.e_machine = 3; /* EM_386 */
    builder_serialise();
    memset(&img, 0xa5, sizeof(img));
    untouched = img;
    CHECK(elf_parse(scratch, b.size, USER_BASE, USER_TOP, &img, NULL) == -CAIRN_EINVAL);
    CHECK(memcmp(&img, &untouched, sizeof(img)) == 0);
}

/* A reason longer than struct elf_why is cut, still NUL-terminated. */
TEST(elf_cuts_a_long_reason_to_its_buffer)
{
    builder_init();
    b.eh.e_type = ET_DYN;
    CHECK(builder_refused());
    CHECK(strlen(why.text) < sizeof(why.text));
    CHECK(strncmp(why.text, "type ET_DYN", 11) == 0);
}

int
main(void)
{
    RUN(elf_parses_static_text_and_data);
    RUN(elf_parses_real_static_executable);
    RUN(elf_sorts_segments_by_vaddr);
    RUN(elf_reads_unaligned_image);
    RUN(elf_ignores_section_headers_and_other_program_headers);
    RUN(elf_accepts_gnu_os_abi);
    RUN(elf_accepts_zero_and_one_alignment);
    RUN(elf_accepts_segments_in_adjacent_pages);
    RUN(elf_accepts_segment_ending_at_user_top);
    RUN(elf_accepts_sixteen_segments);
    RUN(elf_refuses_every_truncation);
    RUN(elf_refuses_missing_image);
    RUN(elf_refuses_bad_magic);
    RUN(elf_refuses_32_bit_class);
    RUN(elf_refuses_big_endian);
    RUN(elf_refuses_version_other_than_current);
    RUN(elf_refuses_foreign_os_abi);
    RUN(elf_refuses_foreign_machine);
    RUN(elf_refuses_types_other_than_exec);
    RUN(elf_refuses_wrong_header_sizes);
    RUN(elf_refuses_phdr_table_outside_file);
    RUN(elf_refuses_huge_phnum);
    RUN(elf_refuses_segment_data_past_end);
    RUN(elf_refuses_filesz_above_memsz);
    RUN(elf_refuses_empty_segment);
    RUN(elf_refuses_overflowing_vaddr_plus_memsz);
    RUN(elf_refuses_segment_below_user_base);
    RUN(elf_refuses_segment_above_user_top);
    RUN(elf_refuses_alignment_not_power_of_two);
    RUN(elf_refuses_offset_misaligned_with_vaddr);
    RUN(elf_refuses_writable_executable_segment);
    RUN(elf_refuses_segment_neither_readable_nor_executable);
    RUN(elf_refuses_interpreter_and_dynamic_section);
    RUN(elf_refuses_executable_stack);
    RUN(elf_refuses_overlapping_segments);
    RUN(elf_refuses_segments_sharing_a_page);
    RUN(elf_refuses_too_many_segments);
    RUN(elf_refuses_no_loadable_segments);
    RUN(elf_refuses_entry_outside_text);
    RUN(elf_survives_random_byte_flips);
    RUN(elf_parses_headers_apart_as_the_whole_image);
    RUN(elf_parses_program_headers_at_a_far_offset);
    RUN(elf_apart_refuses_a_truncated_header);
    RUN(elf_apart_refuses_a_table_of_the_wrong_size);
    RUN(elf_apart_refuses_sizes_that_do_not_match_the_file);
    RUN(elf_apart_locates_the_table_it_names);
    RUN(elf_apart_agrees_with_the_whole_image_on_corrupted_images);
    RUN(elf_accepts_up_to_max_phdrs_and_refuses_more);
    RUN(elf_says_which_segment_is_writable_and_executable);
    RUN(elf_parses_and_refuses_without_a_reason_buffer);
    RUN(elf_cuts_a_long_reason_to_its_buffer);
    return check_exit();
}
