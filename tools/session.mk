# The session driver, tools/session (a host program): runs a boot with its
# serial port on pipes and follows a script of expect and send steps
# (tools/session.c, docs/testing.md "Session tests").
build/tools/session: tools/session.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<
