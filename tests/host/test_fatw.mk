# The FAT write side of lib/fat and its ordered sector cache, against
# volumes made by mkfs.fat and checked by fsck.fat and mtools.
test_fatw_SRCS := lib/fat/fat.c lib/fat/fat_alloc.c lib/fat/fat_dirw.c lib/fat/cache.c
test_fatw_CFLAGS := -Ilib
