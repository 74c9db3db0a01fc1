test_acpi_SRCS := kernel/acpi/acpi.c
