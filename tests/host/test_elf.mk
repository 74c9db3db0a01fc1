# The validator formats its refusals with the common formatter.
test_elf_SRCS := common/elf.c common/printf.c common/printf_float.c
