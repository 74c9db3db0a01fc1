# ps: the processes the process server knows (docs/utilities.md).
PROGRAMS += ps
ps_SRCS := $(sort $(wildcard apps/ps/*.c))
