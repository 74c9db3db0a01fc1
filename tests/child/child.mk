# The test child (child.h): boot module `child`.
PROGRAMS += child
child_SRCS := tests/child/child.c
