test_paging_SRCS := kernel/arch/x86_64/paging.c
