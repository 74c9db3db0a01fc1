# The utilities' shared code (util.h), SHA-256 (sha256.h) and the power
# request of poweroff and reboot (power.h, Cairn only):
# build/user/lib/libutil.a.
USER_LIB_NAMES += util
lib_util_SRCS := lib/util/util.c lib/util/sha256.c lib/util/power.c
