test_memmap_SRCS := kernel/mm/memmap.c
