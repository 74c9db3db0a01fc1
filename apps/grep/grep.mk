# grep: lines that match a pattern (docs/utilities.md).
PROGRAMS += grep
grep_SRCS := $(sort $(wildcard apps/grep/*.c))
