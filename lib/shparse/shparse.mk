# The shell's command-line parser (shparse.h): build/user/lib/libshparse.a.
USER_LIB_NAMES += shparse
lib_shparse_SRCS := lib/shparse/shparse.c
