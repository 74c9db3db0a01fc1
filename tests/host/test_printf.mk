test_printf_SRCS := common/printf.c common/printf_float.c
test_printf_CFLAGS := -lm
