test_cmdline_SRCS := kernel/core/cmdline.c common/string.c
