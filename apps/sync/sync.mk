# sync: write every file system's cached data to its disk (docs/utilities.md).
PROGRAMS += sync
sync_SRCS := $(sort $(wildcard apps/sync/*.c))
