# cat: files or standard input to standard output (docs/utilities.md).
PROGRAMS += cat
cat_SRCS := $(sort $(wildcard apps/cat/*.c))
