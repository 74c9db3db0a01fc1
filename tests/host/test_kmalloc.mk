test_kmalloc_SRCS := kernel/mm/kmalloc.c kernel/mm/slab.c
