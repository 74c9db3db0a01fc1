# sandbox: runs a program with a view of one directory as its file system (docs/utilities.md).
PROGRAMS += sandbox
sandbox_SRCS := $(sort $(wildcard apps/sandbox/*.c))
