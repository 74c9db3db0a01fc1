# head: the first lines of files (docs/utilities.md).
PROGRAMS += head
head_SRCS := $(sort $(wildcard apps/head/*.c))
