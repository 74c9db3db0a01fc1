# tail: the last lines of files (docs/utilities.md).
PROGRAMS += tail
tail_SRCS := $(sort $(wildcard apps/tail/*.c))
