# The utilities' shared code (util.h) and SHA-256 (sha256.h):
# build/user/lib/libutil.a.
USER_LIB_NAMES += util
lib_util_SRCS := lib/util/util.c lib/util/sha256.c
