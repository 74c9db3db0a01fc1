# mkdir: making directories (docs/utilities.md).
PROGRAMS += mkdir
mkdir_SRCS := $(sort $(wildcard apps/mkdir/*.c))
