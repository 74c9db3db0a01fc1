# mount: the namespace's mounts, as the vfs server lists them (docs/utilities.md).
PROGRAMS += mount
mount_SRCS := $(sort $(wildcard apps/mount/*.c))
