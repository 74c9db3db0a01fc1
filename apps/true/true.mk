# true: success (docs/utilities.md).
PROGRAMS += true
true_SRCS := $(sort $(wildcard apps/true/*.c))
