test_elf_SRCS := kernel/obj/elf.c kernel/lib/string.c
