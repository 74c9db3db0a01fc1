# kill: sending signals to processes (docs/utilities.md).
PROGRAMS += kill
kill_SRCS := $(sort $(wildcard apps/kill/*.c))
