// SPDX-License-Identifier: MIT
/*
 * ELF-64 executable validation (see elf.h for the contract and the
 * invariants of a parsed image).
 *
 * The image is untrusted, so the parse works in three passes and follows no
 * offset it has not checked: the file header (identification, then the
 * fields that locate the program header table), then each program header in
 * turn, then the relations between segments (overlap, entry point). Every
 * header is read out field by field with the little-endian readers of
 * common/bytes.h before it is looked at, because an image carries no
 * alignment guarantee, and because a header that another process can still
 * change must be read once and then only used from the copy. Sizes are compared by subtraction
 * from what is known to fit ("filesz <= size - offset" after
 * "offset <= size"), never by adding two untrusted numbers.
 *
 * The result is built in a local struct elf_image and copied to the caller
 * only when every check has passed, so a refused image leaves no partial
 * answer behind. Each refusal writes exactly one line into the caller's
 * struct elf_why, through elf_refuse(); the kernel logs it, libc drops it.
 *
 * Two entry points share every check: elf_parse over a whole image in
 * memory, and elf_locate_phdrs with elf_parse_headers over the file header
 * and the program header table copied apart from the file, with the file's
 * size given on its own (the kernel's loader, which copies out only those
 * and reads the segments' bytes from where they lie). Both read the file
 * header once into a struct and take the table's place from that struct
 * alone, then run the same elf_parse_table.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cairn/errors.h"
#include "common/align.h"
#include "common/bytes.h"
#include "common/elf.h"
#include "common/printf.h"
#include "common/string.h"

#define ELF_PAGE_SIZE 4096u
#define ELF_PAGE_MASK ((uint64_t)ELF_PAGE_SIZE - 1)

/* Says why the image is refused and yields the error: `return elf_refuse(why, ...);`. */
__attribute__((format(printf, 2, 3))) static int
elf_refuse(struct elf_why *why, const char *fmt, ...)
{
    va_list ap;

    if (why != NULL) {
        va_start(ap, fmt);
        COMMON_NAME(vsnprintf)(why->text, sizeof(why->text), fmt, ap);
        va_end(ap);
    }
    return -CAIRN_EINVAL;
}

/* The file header at p (64 bytes inside the image), in the gABI's field order. */
static void
elf_read_ehdr(const unsigned char *p, struct elf64_ehdr *eh)
{
    memcpy(eh->e_ident, p, EI_NIDENT);
    eh->e_type = bytes_rd16(p + 16);
    eh->e_machine = bytes_rd16(p + 18);
    eh->e_version = bytes_rd32(p + 20);
    eh->e_entry = bytes_rd64(p + 24);
    eh->e_phoff = bytes_rd64(p + 32);
    eh->e_shoff = bytes_rd64(p + 40);
    eh->e_flags = bytes_rd32(p + 48);
    eh->e_ehsize = bytes_rd16(p + 52);
    eh->e_phentsize = bytes_rd16(p + 54);
    eh->e_phnum = bytes_rd16(p + 56);
    eh->e_shentsize = bytes_rd16(p + 58);
    eh->e_shnum = bytes_rd16(p + 60);
    eh->e_shstrndx = bytes_rd16(p + 62);
}

/* The program header at p (56 bytes inside the image). */
static void
elf_read_phdr(const unsigned char *p, struct elf64_phdr *ph)
{
    ph->p_type = bytes_rd32(p);
    ph->p_flags = bytes_rd32(p + 4);
    ph->p_offset = bytes_rd64(p + 8);
    ph->p_vaddr = bytes_rd64(p + 16);
    ph->p_paddr = bytes_rd64(p + 24);
    ph->p_filesz = bytes_rd64(p + 32);
    ph->p_memsz = bytes_rd64(p + 40);
    ph->p_align = bytes_rd64(p + 48);
}

static bool
elf_is_pow2_or_zero(uint64_t x)
{
    return (x & (x - 1)) == 0;
}

/* Page numbers of the first and last page [vaddr, vaddr + memsz) touches; memsz > 0. */
static uint64_t
elf_first_page(const struct elf_segment *s)
{
    return s->vaddr >> 12;
}

static uint64_t
elf_last_page(const struct elf_segment *s)
{
    return (s->vaddr + s->memsz - 1) >> 12;
}

static int
elf_check_ident(const unsigned char *ident, struct elf_why *why)
{
    if (ident[EI_MAG0] != ELFMAG0 || ident[EI_MAG1] != ELFMAG1 || ident[EI_MAG2] != ELFMAG2 ||
        ident[EI_MAG3] != ELFMAG3)
        return elf_refuse(why, "bad magic: not an ELF file");
    if (ident[EI_CLASS] != ELFCLASS64)
        return elf_refuse(why, "class %u is not ELFCLASS64", ident[EI_CLASS]);
    if (ident[EI_DATA] != ELFDATA2LSB)
        return elf_refuse(why, "data encoding %u is not little-endian (ELFDATA2LSB)",
                          ident[EI_DATA]);
    if (ident[EI_VERSION] != EV_CURRENT)
        return elf_refuse(why, "identification version %u is not EV_CURRENT", ident[EI_VERSION]);
    if (ident[EI_OSABI] != ELFOSABI_SYSV && ident[EI_OSABI] != ELFOSABI_GNU)
        return elf_refuse(why, "OS ABI %u is neither System V nor GNU", ident[EI_OSABI]);
    return 0;
}

/* Checks the file header, down to the program header table lying inside the image. */
static int
elf_check_header(const struct elf64_ehdr *eh, size_t size, struct elf_why *why)
{
    uint64_t table_size;
    int err;

    err = elf_check_ident(eh->e_ident, why);
    if (err)
        return err;
    if (eh->e_machine != EM_X86_64)
        return elf_refuse(why, "machine %u is not x86_64", (unsigned)eh->e_machine);
    if (eh->e_type == ET_DYN)
        return elf_refuse(
            why, "type ET_DYN (shared object or PIE) is not supported, only static ET_EXEC");
    if (eh->e_type != ET_EXEC)
        return elf_refuse(why, "type %u is not an executable (ET_EXEC)", (unsigned)eh->e_type);
    if (eh->e_version != EV_CURRENT)
        return elf_refuse(why, "version %u is not EV_CURRENT", (unsigned)eh->e_version);
    if (eh->e_ehsize != sizeof(struct elf64_ehdr))
        return elf_refuse(why, "header size %u is not %zu", (unsigned)eh->e_ehsize,
                          sizeof(struct elf64_ehdr));
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return elf_refuse(why, "program header size %u is not %zu", (unsigned)eh->e_phentsize,
                          sizeof(struct elf64_phdr));
    if (eh->e_phnum == PN_XNUM)
        return elf_refuse(why, "extended program header numbering (PN_XNUM) is not supported");
    if (eh->e_phnum > ELF_MAX_PHDRS)
        return elf_refuse(why, "%u program headers are more than %d", (unsigned)eh->e_phnum,
                          ELF_MAX_PHDRS);

    /* At most ELF_MAX_PHDRS * 56 bytes: the product cannot overflow. */
    table_size = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
    if (eh->e_phoff > size || table_size > size - eh->e_phoff)
        return elf_refuse(why,
                          "program header table (%u entries at offset 0x%lx) runs past the "
                          "%zu-byte image",
                          (unsigned)eh->e_phnum, eh->e_phoff, size);
    return 0;
}

/*
 * Checks PT_LOAD header ph (program header number i) on its own; how
 * segments relate to each other is checked once they are all known.
 */
static int
elf_check_load(const struct elf64_phdr *ph, unsigned i, size_t size, uint64_t user_base,
               uint64_t user_top, struct elf_why *why)
{
    uint64_t end, last_page;

    if (ph->p_memsz == 0)
        return elf_refuse(why, "segment %u is empty (p_memsz is 0)", i);
    if (ph->p_filesz > ph->p_memsz)
        return elf_refuse(why, "segment %u has p_filesz 0x%lx above its p_memsz 0x%lx", i,
                          ph->p_filesz, ph->p_memsz);
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return elf_refuse(why, "segment %u file bytes [0x%lx, +0x%lx) run past the %zu-byte image",
                          i, ph->p_offset, ph->p_filesz, size);
    if (ph->p_memsz > UINT64_MAX - ph->p_vaddr)
        return elf_refuse(why,
                          "segment %u at 0x%lx of 0x%lx bytes wraps past the top of the address "
                          "space",
                          i, ph->p_vaddr, ph->p_memsz);

    /* The loader maps whole pages, so whole pages must fit the bounds. */
    end = ph->p_vaddr + ph->p_memsz;
    last_page = align_down(end - 1, ELF_PAGE_SIZE);
    if (align_down(ph->p_vaddr, ELF_PAGE_SIZE) < user_base)
        return elf_refuse(why, "segment %u at 0x%lx lies below user space (base 0x%lx)", i,
                          ph->p_vaddr, user_base);
    if (last_page >= user_top || user_top - last_page < ELF_PAGE_SIZE)
        return elf_refuse(why, "segment %u ending at 0x%lx lies above user space (top 0x%lx)", i,
                          end, user_top);

    if (!elf_is_pow2_or_zero(ph->p_align))
        return elf_refuse(why, "segment %u has p_align 0x%lx, not a power of two", i, ph->p_align);
    if ((ph->p_vaddr & ELF_PAGE_MASK) != (ph->p_offset & ELF_PAGE_MASK))
        return elf_refuse(why, "segment %u address 0x%lx and offset 0x%lx differ within a page", i,
                          ph->p_vaddr, ph->p_offset);

    /* W^X: code the program can rewrite is code an attacker can write. */
    if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return elf_refuse(why, "segment %u is writable and executable", i);
    if (!(ph->p_flags & (PF_R | PF_X)))
        return elf_refuse(why, "segment %u is neither readable nor executable (flags 0x%x)", i,
                          ph->p_flags);
    return 0;
}

/*
 * Walks the program header table at phdrs (e_phnum entries, all readable
 * there), checks each header against the file's size and collects the
 * PT_LOAD segments into img, with the program header number of each in
 * phdr_index for messages.
 */
static int
elf_collect_segments(const unsigned char *phdrs, size_t size, const struct elf64_ehdr *eh,
                     uint64_t user_base, uint64_t user_top, struct elf_image *img,
                     unsigned *phdr_index, struct elf_why *why)
{
    struct elf64_phdr ph;
    struct elf_segment *s;
    int err;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        elf_read_phdr(phdrs + (size_t)i * sizeof(ph), &ph);
        switch (ph.p_type) {
        case PT_LOAD:
            if (img->segment_count == ELF_MAX_SEGMENTS)
                return elf_refuse(why, "more than %d loadable segments", ELF_MAX_SEGMENTS);
            err = elf_check_load(&ph, i, size, user_base, user_top, why);
            if (err)
                return err;
            phdr_index[img->segment_count] = i;
            s = &img->segments[img->segment_count++];
            s->vaddr = ph.p_vaddr;
            s->memsz = ph.p_memsz;
            s->offset = ph.p_offset;
            s->filesz = ph.p_filesz;
            s->flags = ph.p_flags & (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X);
            break;
        case PT_INTERP:
            return elf_refuse(why,
                              "dynamic executables are not supported (segment %u is PT_INTERP)", i);
        case PT_DYNAMIC:
            return elf_refuse(
                why, "dynamic executables are not supported (segment %u is PT_DYNAMIC)", i);
        case PT_GNU_STACK:
            if (ph.p_flags & PF_X)
                return elf_refuse(why, "segment %u (PT_GNU_STACK) asks for an executable stack", i);
            break;
        default:
            /* PT_NOTE, PT_PHDR, PT_TLS, PT_GNU_PROPERTY, ...: nothing for the loader. */
            break;
        }
    }
    if (img->segment_count == 0)
        return elf_refuse(why, "no loadable (PT_LOAD) segments");
    return 0;
}

/* Insertion sort by vaddr: at most ELF_MAX_SEGMENTS entries, usually already in order. */
static void
elf_sort_segments(struct elf_image *img, unsigned *phdr_index)
{
    for (unsigned i = 1; i < img->segment_count; i++) {
        struct elf_segment s = img->segments[i];
        unsigned idx = phdr_index[i];
        unsigned j = i;

        while (j > 0 && img->segments[j - 1].vaddr > s.vaddr) {
            img->segments[j] = img->segments[j - 1];
            phdr_index[j] = phdr_index[j - 1];
            j--;
        }
        img->segments[j] = s;
        phdr_index[j] = idx;
    }
}

/*
 * Two segments in one page would need the union of their permissions there
 * (data next to text would become executable), so sharing a page is refused
 * like a true overlap. Sorted input makes neighbours the only candidates.
 */
static int
elf_check_overlap(const struct elf_image *img, const unsigned *phdr_index, struct elf_why *why)
{
    for (unsigned i = 1; i < img->segment_count; i++) {
        const struct elf_segment *a = &img->segments[i - 1];
        const struct elf_segment *b = &img->segments[i];

        if (elf_first_page(b) > elf_last_page(a))
            continue;
        if (b->vaddr - a->vaddr < a->memsz)
            return elf_refuse(why, "segments %u and %u overlap", phdr_index[i - 1], phdr_index[i]);
        return elf_refuse(why, "segments %u and %u share the page at 0x%lx", phdr_index[i - 1],
                          phdr_index[i], align_down(b->vaddr, ELF_PAGE_SIZE));
    }
    return 0;
}

/* The first instruction must come from the file, in a segment that may execute. */
static int
elf_check_entry(const struct elf_image *img, struct elf_why *why)
{
    for (unsigned i = 0; i < img->segment_count; i++) {
        const struct elf_segment *s = &img->segments[i];

        if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr && img->entry - s->vaddr < s->filesz)
            return 0;
    }
    return elf_refuse(why, "entry point 0x%lx is not inside an executable segment's file bytes",
                      img->entry);
}

/*
 * Everything after the file header, shared by both entry points: eh has
 * passed elf_check_header against size, and phdrs holds its e_phnum
 * program headers. Fills *out only when every check has passed.
 */
static int
elf_parse_table(const struct elf64_ehdr *eh, const unsigned char *phdrs, size_t size,
                uint64_t user_base, uint64_t user_top, struct elf_image *out, struct elf_why *why)
{
    unsigned phdr_index[ELF_MAX_SEGMENTS];
    struct elf_image img;
    int err;

    memset(&img, 0, sizeof(img));
    img.entry = eh->e_entry;
    err = elf_collect_segments(phdrs, size, eh, user_base, user_top, &img, phdr_index, why);
    if (err)
        return err;
    elf_sort_segments(&img, phdr_index);
    err = elf_check_overlap(&img, phdr_index, why);
    if (err)
        return err;
    err = elf_check_entry(&img, why);
    if (err)
        return err;

    *out = img;
    return 0;
}

/* Reads the file header out of the ehdr_len bytes at ehdr (the file's start) and checks it. */
static int
elf_take_header(const void *ehdr, size_t ehdr_len, size_t size, struct elf64_ehdr *eh,
                struct elf_why *why)
{
    if (why != NULL)
        why->text[0] = '\0';
    if (ehdr == NULL)
        return elf_refuse(why, "no image");
    if (ehdr_len > size)
        return elf_refuse(why, "%zu header bytes given for a %zu-byte image", ehdr_len, size);
    if (size < sizeof(*eh))
        return elf_refuse(why, "image of %zu bytes is shorter than the %zu-byte ELF header", size,
                          sizeof(*eh));
    if (ehdr_len < sizeof(*eh))
        return elf_refuse(why, "%zu header bytes given, short of the %zu-byte ELF header", ehdr_len,
                          sizeof(*eh));
    elf_read_ehdr(ehdr, eh);
    return elf_check_header(eh, size, why);
}

int
elf_parse(const void *data, size_t size, uint64_t user_base, uint64_t user_top,
          struct elf_image *out, struct elf_why *why)
{
    struct elf64_ehdr eh;
    int err;

    /* The header is read once; the table is then found by that copy's offset. */
    err = elf_take_header(data, size, size, &eh, why);
    if (err)
        return err;
    return elf_parse_table(&eh, (const unsigned char *)data + eh.e_phoff, size, user_base, user_top,
                           out, why);
}

int
elf_locate_phdrs(const void *ehdr, size_t ehdr_len, size_t size, uint64_t *phoff, size_t *phlen,
                 struct elf_why *why)
{
    struct elf64_ehdr eh;
    int err;

    err = elf_take_header(ehdr, ehdr_len, size, &eh, why);
    if (err)
        return err;
    *phoff = eh.e_phoff;
    *phlen = (size_t)eh.e_phnum * sizeof(struct elf64_phdr);
    return 0;
}

int
elf_parse_headers(const void *ehdr, size_t ehdr_len, const void *phdrs, size_t phlen, size_t size,
                  uint64_t user_base, uint64_t user_top, struct elf_image *out, struct elf_why *why)
{
    struct elf64_ehdr eh;
    size_t table_size;
    int err;

    err = elf_take_header(ehdr, ehdr_len, size, &eh, why);
    if (err)
        return err;
    /* Only the table this header names, whole, is read below. */
    table_size = (size_t)eh.e_phnum * sizeof(struct elf64_phdr);
    if (phlen != table_size || (phdrs == NULL && phlen != 0))
        return elf_refuse(why, "%zu bytes of program headers given for a table of %u entries",
                          phlen, (unsigned)eh.e_phnum);
    return elf_parse_table(&eh, phdrs, size, user_base, user_top, out, why);
}
