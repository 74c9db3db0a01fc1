# mv: renaming and moving files (docs/utilities.md).
PROGRAMS += mv
mv_SRCS := $(sort $(wildcard apps/mv/*.c))
