# common/align.h is a header: nothing to link.
test_align_SRCS :=
