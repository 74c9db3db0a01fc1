# Function names for addresses in a program's image (elfsym.h), for
# proc's crash reports: build/user/lib/libelfsym.a.
USER_LIB_NAMES += elfsym
lib_elfsym_SRCS := lib/elfsym/elfsym.c
