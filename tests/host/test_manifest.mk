# init's service manifest parser (servers/init/manifest.c), outside init.
test_manifest_SRCS := servers/init/manifest.c
