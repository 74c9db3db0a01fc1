# wc: counting lines, words and bytes (docs/utilities.md).
PROGRAMS += wc
wc_SRCS := $(sort $(wildcard apps/wc/*.c))
