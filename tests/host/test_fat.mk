# The FAT reader of lib/fat, against volumes made at test time by mkfs.fat
# (dosfstools) and mtools.
test_fat_SRCS := lib/fat/fat.c lib/fat/fat_alloc.c lib/fat/fat_dirw.c lib/fat/cache.c
test_fat_CFLAGS := -Ilib
