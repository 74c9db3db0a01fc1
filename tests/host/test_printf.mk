test_printf_SRCS := common/printf.c
