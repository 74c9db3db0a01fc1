test_buddy_SRCS := kernel/mm/buddy.c
