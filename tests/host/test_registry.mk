# init's service registry table (servers/init/registry.c) with the
# manifest parser that gives it its permissions.
test_registry_SRCS := servers/init/registry.c servers/init/manifest.c
