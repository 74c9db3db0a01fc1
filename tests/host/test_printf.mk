test_printf_SRCS := kernel/lib/printf.c
