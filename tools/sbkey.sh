#!/bin/sh
# SPDX-License-Identifier: MIT
# sbkey.sh KEY CERT: make the development key the build signs the ISO's
# EFI loader with when no SB_KEY and SB_CERT are given (docs/boot.md,
# "Secure Boot"): an RSA 2048 key and a self-signed X.509 certificate,
# both PEM, made once and kept (out of git, and out of `make clean`'s
# reach, so that a variable store that trusts it goes on trusting it).
set -eu
key=$1 cert=$2
if [ -f "$key" ] && [ -f "$cert" ]; then
    exit 0
fi
mkdir -p "$(dirname "$key")" "$(dirname "$cert")"
umask 077
if ! openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -subj "/CN=Cairn development key $(date -u +%Y-%m-%d)/" \
    -keyout "$key.tmp" -out "$cert.tmp" >"$key.log" 2>&1; then
    cat "$key.log" >&2
    rm -f "$key.tmp" "$cert.tmp" "$key.log"
    echo "sbkey: openssl could not make the development key" >&2
    exit 1
fi
rm -f "$key.log"
mv "$key.tmp" "$key"
mv "$cert.tmp" "$cert"
echo "sbkey: made the development key $key and certificate $cert; the ISO's EFI"
echo "sbkey: loader is signed with it (make iso SB_KEY=... SB_CERT=... signs with yours)"
