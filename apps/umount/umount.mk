# umount: takes a mounted server's mount point away (docs/utilities.md).
PROGRAMS += umount
umount_SRCS := $(sort $(wildcard apps/umount/*.c))
