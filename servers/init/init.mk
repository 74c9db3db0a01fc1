# init, the root task: boot module `init`, the one program the kernel starts.
PROGRAMS += init
init_SRCS := $(sort $(wildcard servers/init/*.c))
