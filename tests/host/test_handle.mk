# The test supplies kmalloc/kzalloc/kfree itself (malloc and free with a count).
test_handle_SRCS := kernel/obj/handle.c kernel/obj/object.c kernel/obj/quota.c kernel/obj/token.c common/string.c
