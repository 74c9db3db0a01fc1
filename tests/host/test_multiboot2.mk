test_multiboot2_SRCS := kernel/boot/multiboot2.c
