# common/bytes.h is a header: nothing to link.
test_bytes_SRCS :=
