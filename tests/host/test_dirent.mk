# libc's parser of PROTO_IO_READDIR replies (libc/dirent_parse.c), which
# readdir runs on every reply.
test_dirent_SRCS := libc/dirent_parse.c
