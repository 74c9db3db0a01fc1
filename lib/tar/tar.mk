# The tar reader (tar.h), for the initfs: build/user/lib/libtar.a.
USER_LIB_NAMES += tar
lib_tar_SRCS := lib/tar/tar.c
