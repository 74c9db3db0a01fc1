# Path normalisation (path.h), for libc and the vfs server: build/user/lib/libpath.a.
USER_LIB_NAMES += path
lib_path_SRCS := lib/path/path.c
