# sh, the shell (docs/shell.md): build/user/sh.elf, in the initfs as bin/sh.
# sys.c holds the Cairn-only parts; the host build of the shell
# (tests/host/test_sh.mk) takes every other file with a stub of those.
PROGRAMS += sh
sh_SRCS := $(sort $(wildcard apps/sh/*.c))
