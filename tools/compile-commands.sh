#!/bin/sh
# SPDX-License-Identifier: MIT
# compile-commands.sh "KERNEL CC AND FLAGS" "HOST CC AND FLAGS" > compile_commands.json
# Kernel and common/ sources get the kernel's flags, host tests the host flags.
set -eu
kernel=$1
host=$2
dir=$(pwd)
first=1
entry() { # entry FILE COMMAND
    [ $first = 1 ] && first=0 || printf ',\n'
    cmd=$(printf '%s' "$2 -c $1" | sed 's/\\/\\\\/g; s/"/\\"/g')
    printf '  {"directory": "%s", "file": "%s", "command": "%s"}' "$dir" "$1" "$cmd"
}
echo "["
for f in $(find kernel common -name '*.c' | sort); do entry "$f" "$kernel"; done
for f in $(find tests/host tools -name '*.c' | sort); do entry "$f" "$host"; done
printf '\n]\n'
