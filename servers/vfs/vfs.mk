# The vfs server: the one namespace (docs/vfs.md).
PROGRAMS += vfs
vfs_SRCS := $(sort $(wildcard servers/vfs/*.c))
