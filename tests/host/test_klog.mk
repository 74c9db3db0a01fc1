test_klog_SRCS := kernel/console/klog.c
