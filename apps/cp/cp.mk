# cp: copying files (docs/utilities.md).
PROGRAMS += cp
cp_SRCS := $(sort $(wildcard apps/cp/*.c))
