# ls: directories and files (docs/utilities.md).
PROGRAMS += ls
ls_SRCS := $(sort $(wildcard apps/ls/*.c))
