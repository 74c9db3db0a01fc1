/* SPDX-License-Identifier: MIT */
/*
 * The ELF-64 loader front end: validates an executable image and lists the
 * segments a loader must map (the load plan). It maps nothing, logs nothing
 * and touches no state, so the same code runs in the kernel (for init, the
 * one program the kernel loads itself, and process_spawn), in libc's
 * cairn_spawn_elf and in the host tests and fuzzer under the sanitizers. The
 * loaders keep only what is theirs: mapping memory, charging quotas.
 *
 * Only what Cairn can run is accepted: a static, non-PIE x86_64 executable
 * (ET_EXEC, ELFCLASS64, little-endian, System V or GNU OS ABI) with between
 * 1 and ELF_MAX_SEGMENTS PT_LOAD segments among at most ELF_MAX_PHDRS program
 * headers, and no interpreter. The format's
 * layout and constants come from the System V gABI ("Object Files" and
 * "Program Loading") and the x86_64 psABI; the names below are the spec's.
 *
 * Invariants of a parsed struct elf_image (the host test checks each one
 * against randomly corrupted images):
 *   - every segment's file bytes [offset, offset + filesz) lie inside the
 *     image, and filesz <= memsz, memsz > 0;
 *   - every page a segment touches lies inside [user_base, user_top);
 *   - segments are sorted by vaddr and no two of them touch the same page,
 *     so each page gets exactly one set of permissions;
 *   - no segment is both writable and executable, each is readable or
 *     executable, and vaddr == offset modulo the 4096-byte page (so the file
 *     can be mapped or copied page by page);
 *   - entry lies inside the file bytes of an executable segment.
 * Section headers are never read, so they are not checked either.
 */
#ifndef CAIRN_COMMON_ELF_H
#define CAIRN_COMMON_ELF_H

#include <stddef.h>
#include <stdint.h>

/* e_ident: the first EI_NIDENT bytes of the file (gABI, "ELF Identification"). */
#define EI_MAG0       0
#define EI_MAG1       1
#define EI_MAG2       2
#define EI_MAG3       3
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define EI_OSABI      7
#define EI_ABIVERSION 8
#define EI_NIDENT     16

#define ELFMAG0       0x7f
#define ELFMAG1       'E'
#define ELFMAG2       'L'
#define ELFMAG3       'F'
#define ELFCLASS32    1
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define ELFDATA2MSB   2
#define EV_CURRENT    1
#define ELFOSABI_SYSV 0
#define ELFOSABI_GNU  3 /* what GNU ld writes when an object uses GNU extensions */

/* e_type and e_machine. */
#define ET_NONE   0
#define ET_REL    1
#define ET_EXEC   2
#define ET_DYN    3
#define ET_CORE   4
#define EM_X86_64 62

/* e_phnum's escape value: the real count then sits in section header 0. */
#define PN_XNUM 0xffff

/* p_type. The GNU values are in the OS-specific range of the gABI. */
#define PT_NULL         0
#define PT_LOAD         1
#define PT_DYNAMIC      2
#define PT_INTERP       3
#define PT_NOTE         4
#define PT_SHLIB        5
#define PT_PHDR         6
#define PT_TLS          7
#define PT_GNU_EH_FRAME 0x6474e550
#define PT_GNU_STACK    0x6474e551
#define PT_GNU_RELRO    0x6474e552
#define PT_GNU_PROPERTY 0x6474e553

/* p_flags. */
#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

/* The file header, at offset 0. */
struct elf64_ehdr {
    unsigned char e_ident[EI_NIDENT];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff; /* file offset of the program header table */
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

/* One program header: a segment, or a note about the program (PT_NOTE, ...). */
struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF-64 header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF-64 program header is 56 bytes");

#define ELF_MAX_SEGMENTS 16

/*
 * The most program headers an image may have, of any type. Linkers write a
 * dozen or so; the bound lets a loader that copies the table out (the
 * kernel's) size its buffer from the file header alone, at most
 * ELF_MAX_PHDRS * 56 bytes, before it trusts anything else.
 */
#define ELF_MAX_PHDRS 64

/* Segment permissions; the same bits as PF_R, PF_W and PF_X. */
#define ELF_SEG_R 4
#define ELF_SEG_W 2
#define ELF_SEG_X 1

_Static_assert(ELF_SEG_R == PF_R && ELF_SEG_W == PF_W && ELF_SEG_X == PF_X,
               "segment flags are p_flags");

/*
 * A loadable segment: map [vaddr, vaddr + memsz) with flags, copy filesz
 * bytes from image offset `offset` to vaddr, and zero the rest (the bss).
 */
struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    uint32_t flags; /* ELF_SEG_* */
};

struct elf_image {
    uint64_t entry;
    unsigned segment_count;
    struct elf_segment segments[ELF_MAX_SEGMENTS]; /* sorted by vaddr */
};

/* Why elf_parse refused an image: one line ("segment 2 is writable and executable"). */
#define ELF_WHY_MAX 128

struct elf_why {
    char text[ELF_WHY_MAX];
};

/*
 * Validates the whole image at data (size bytes, any alignment) and lists its
 * loadable segments, sorted by vaddr. user_base and user_top (both expected
 * page-aligned) bound the addresses the segments may occupy: every page a
 * segment touches must lie inside [user_base, user_top).
 *
 * Returns 0 and fills *out, or returns -CAIRN_EINVAL and, when why is not
 * NULL, says in why->text exactly what is wrong; *out is then left
 * untouched. On success why->text is the empty string. Reads nothing
 * outside [data, data + size), allocates nothing and does not block. The
 * image is only read, each header copied out once before it is checked, and
 * the plan in *out holds every value a loader needs: a loader copies file
 * bytes by the plan's offsets and never reads the headers again, so an
 * image that another process can still change cannot slip a value past a
 * check. The caller may discard the image once the segments are copied.
 */
int elf_parse(const void *data, size_t size, uint64_t user_base, uint64_t user_top,
              struct elf_image *out, struct elf_why *why);

/*
 * The same validation for a loader that reads the file in pieces and keeps
 * only its headers (the kernel's process_spawn, whose image lies in a
 * memory object that its other holders may write while it loads), in two
 * steps over one copy of the file header:
 *
 * elf_locate_phdrs checks the file header at ehdr (the file's first
 * ehdr_len bytes; fewer than 64 are refused) against the file's size and
 * says where the program header table lies: *phoff and *phlen, the table
 * lying inside the file and *phlen at most ELF_MAX_PHDRS * 56 (0 when there
 * is none). Returns 0, or -CAIRN_EINVAL with the reason in why.
 *
 * elf_parse_headers then validates ehdr again with the table the loader
 * copied from *phoff into phdrs (phlen bytes; NULL when phlen is 0), and
 * answers as elf_parse would for the whole file: every file offset is
 * checked against size, the file's size, not against what was copied. A
 * phlen other than the table's size, or header bytes past the file's end,
 * are refused. ehdr must be the same bytes elf_locate_phdrs saw (the
 * loader's own copy), or phdrs may not be the table that ehdr names.
 * Reads nothing outside [ehdr, ehdr + ehdr_len) and [phdrs, phdrs + phlen).
 */
int elf_locate_phdrs(const void *ehdr, size_t ehdr_len, size_t size, uint64_t *phoff, size_t *phlen,
                     struct elf_why *why);

int elf_parse_headers(const void *ehdr, size_t ehdr_len, const void *phdrs, size_t phlen,
                      size_t size, uint64_t user_base, uint64_t user_top, struct elf_image *out,
                      struct elf_why *why);

#endif
