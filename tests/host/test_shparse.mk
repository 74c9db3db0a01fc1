# The shell's command-line parser of lib/shparse, built from its own folder.
test_shparse_SRCS := lib/shparse/shparse.c
test_shparse_CFLAGS := -Ilib
