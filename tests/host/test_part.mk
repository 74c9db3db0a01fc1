# The partition table reader of lib/part, against disks made at test time by
# sfdisk (util-linux's fdisk package).
test_part_SRCS := lib/part/part.c
test_part_CFLAGS := -Ilib
