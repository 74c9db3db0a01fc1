test_string_SRCS := common/string.c
