test_cmdline_SRCS := kernel/core/cmdline.c kernel/lib/string.c
