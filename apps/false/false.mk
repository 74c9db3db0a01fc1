# false: failure (docs/utilities.md).
PROGRAMS += false
false_SRCS := $(sort $(wildcard apps/false/*.c))
