test_ksyms_SRCS := kernel/core/ksyms.c
