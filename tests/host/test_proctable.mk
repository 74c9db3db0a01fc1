# The process server's table (servers/proc/table.c).
test_proctable_SRCS := servers/proc/table.c
