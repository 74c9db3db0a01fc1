# rm: removing files and directories (docs/utilities.md).
PROGRAMS += rm
rm_SRCS := $(sort $(wildcard apps/rm/*.c))
