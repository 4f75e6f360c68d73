#!/bin/sh
# Baseline for bench/acme-load.sh: the same load generator (AcmeLoad, same flows, levels and
# warm-up) against Pebble, Let's Encrypt's ACME test server, from Debian's package
# (apt-get install pebble), on free loopback ports. Pebble keeps everything in memory; it is run
# the way the issue describes its reference figures: validation switched off
# (PEBBLE_VA_ALWAYS_VALID), no artificial sleeps or nonce rejections, and authorizations reused
# (PEBBLE_AUTHZREUSE=100), so that after each worker's first flow an order is ready at once, as
# in Habilis. EAB is required, one key per worker, as in Habilis.
#   bench/pebble-load.sh                 # LEVELS, DURATION and WARMUP as for acme-load.sh
#   UNIQUE_NAMES=true PEBBLE_AUTHZREUSE=0 LOAD_JAVA_OPTS=-Dcsrs=60000 LEVELS=1,4 bench/pebble-load.sh
#                                        # a new name, hence a challenge, in every flow
# (Pebble 2.4 stopped answering orders for good under 16 concurrent challenge flows here: the
# generator's requests now time out after 30 s instead of waiting forever.)
set -eu
cd "$(dirname "$0")/.."                      # ca-server/
. bench/common.sh
command -v pebble >/dev/null || { echo "pebble is not installed: apt-get install pebble"; exit 1; }
LEVELS="${LEVELS:-1,4,16}"
build test-compile

WORK="$(mktemp -d /tmp/pebble-bench.XXXXXX)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
MAX=$(echo "$LEVELS" | tr ',' '\n' | sort -n | tail -1)
EAB=$(i=0; while [ $i -lt "$MAX" ]; do
  printf '%s"kid-%d": "%s"' "$([ $i -gt 0 ] && echo ,)" $i "$(openssl rand 32 | basenc --base64url | tr -d '=\n')"
  i=$((i + 1)); done)
cat > "$WORK/pebble.json" <<EOF
{ "pebble": {
  "listenAddress": "127.0.0.1:$PORT", "managementListenAddress": "127.0.0.1:$(free_port)",
  "certificate": "$WORK/cert.pem", "privateKey": "$WORK/key.pem",
  "httpPort": $(free_port), "tlsPort": $(free_port), "ocspResponderURL": "",
  "externalAccountBindingRequired": true, "externalAccountMACKeys": { $EAB } } }
EOF
cat > "$WORK/endpoints.json" <<EOF
{ "directoryUrl": "https://localhost:$PORT/dir", "trustPem": "$WORK/cert.pem", "eab": { $EAB }, "uniqueNames": ${UNIQUE_NAMES:-false} }
EOF
PEBBLE_VA_ALWAYS_VALID=1 PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=${PEBBLE_AUTHZREUSE:-100} \
  pebble -config "$WORK/pebble.json" >"$WORK/pebble.log" 2>&1 &
PEBBLE=$!
trap 'kill $PEBBLE 2>/dev/null; wait $PEBBLE 2>/dev/null || true; rm -rf "$WORK"' EXIT INT TERM
i=0
until grep -q "Listening on" "$WORK/pebble.log"; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 $PEBBLE 2>/dev/null; then echo "pebble did not start:"; cat "$WORK/pebble.log"; exit 1; fi
  sleep 0.1
done
echo "pebble $(dpkg-query -W -f '${Version}' pebble 2>/dev/null || true) ready on port $PORT; $(nproc) cores shared with the load generator"
java ${LOAD_JAVA_OPTS:-} -cp "$CP" fr.habilis.ca.bench.AcmeLoad "$WORK/endpoints.json" "$LEVELS" "${DURATION:-20}" "${WARMUP:-120}"
