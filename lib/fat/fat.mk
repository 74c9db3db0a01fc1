# The FAT file system (fat.h): the read side, the write side and the
# ordered sector cache (cache.h), for the fat server: build/user/lib/libfat.a.
USER_LIB_NAMES += fat
lib_fat_SRCS := lib/fat/fat.c lib/fat/fat_alloc.c lib/fat/fat_dirw.c lib/fat/cache.c
