# free: the machine's memory, used and free (docs/utilities.md).
PROGRAMS += free
free_SRCS := $(sort $(wildcard apps/free/*.c))
