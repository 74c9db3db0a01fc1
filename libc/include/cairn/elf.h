/* SPDX-License-Identifier: MIT */
/*
 * The ELF64 structures and values libc's loader reads (System V gABI and
 * its x86_64 supplement): what a program needs to build an image by hand,
 * as the tests that feed the loaders crafted images do.
 */
#ifndef CAIRN_LIBC_ELF_H
#define CAIRN_LIBC_ELF_H

#include <stdint.h>

struct elf64_ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");

#define ELF_CLASS64   2
#define ELF_DATA2LSB  1
#define ELF_ET_EXEC   2
#define ELF_EM_X86_64 62
#define ELF_PT_LOAD   1
#define ELF_PF_X      1
#define ELF_PF_W      2
#define ELF_PF_R      4

#endif
