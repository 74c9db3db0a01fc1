# The terminal line discipline of lib/termline, built from its own folder.
test_termline_SRCS := lib/termline/termline.c
test_termline_CFLAGS := -Ilib
