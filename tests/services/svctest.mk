# svctest: the services of the test manifest (tests/services/services-test),
# started by init in a test boot with `services` on the command line.
PROGRAMS += svctest
svctest_SRCS := tests/services/svctest.c
