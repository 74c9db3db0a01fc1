# rmdir: removing empty directories (docs/utilities.md).
PROGRAMS += rmdir
rmdir_SRCS := $(sort $(wildcard apps/rmdir/*.c))
