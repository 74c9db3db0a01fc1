# The terminal line discipline (termline.h): build/user/lib/libtermline.a.
USER_LIB_NAMES += termline
lib_termline_SRCS := lib/termline/termline.c
