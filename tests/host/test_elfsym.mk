# The function table reader of lib/elfsym (proc's crash reports).
test_elfsym_SRCS := lib/elfsym/elfsym.c
test_elfsym_CFLAGS := -Ilib
