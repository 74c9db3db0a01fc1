test_slab_SRCS := kernel/mm/slab.c
