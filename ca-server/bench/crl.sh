#!/bin/sh
# CRL at scale: N revoked certificates (default 1,000,000) in a durable H2 database, then a full
# CRL streamed from it and signed, timed, in a JVM capped at 512 MB of heap; the last CRL is
# checked with OpenSSL (signature and entry count).
#   bench/crl.sh                  # 1M entries, RSA-4096 CA, 3 runs
#   ENTRIES=200000 CA_KEY=EC-P384 bench/crl.sh
set -eu
cd "$(dirname "$0")/.."                      # ca-server/
. bench/common.sh
ENTRIES="${ENTRIES:-1000000}"
build test-compile
OUT="$(mktemp -d /tmp/habilis-crl.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT INT TERM
java -Xmx512m -cp "$CP" fr.habilis.ca.revocation.CrlScale "$ENTRIES" "${CA_KEY:-RSA-4096}" "${RUNS:-3}" "$OUT"
openssl crl -inform DER -in "$OUT/crl.der" -CAfile "$OUT/ca.pem" -noout 2>&1 | sed 's/^/openssl: /'
echo "openssl: $(openssl crl -inform DER -in "$OUT/crl.der" -noout -text | grep -c 'Serial Number:') entries listed"
