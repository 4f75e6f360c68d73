#!/bin/sh
# Renewal at scale: a state directory managing COUNT certificates (default 2000) whose renewal
# windows are all open, renewed by ONE `habilis cert renew --all` run of the packaged CLI at the
# concurrency it chooses (4; CONCURRENCY= to change). Reports certificates renewed per second, the
# client's CPU per certificate, the server's CPU per renewal, and then the server's own ACME load
# generator (ca-server AcmeLoad) against the same server at the same concurrency, for comparison.
#   client-sdk/bench/renew-at-scale.sh
#   COUNT=500 KEY_TYPE=EC_P256 CA_KEY=RSA-4096 client-sdk/bench/renew-at-scale.sh
# The server is the packaged jar with --demo on free loopback ports, a fresh durable H2 data
# directory, EC P-384 CAs by default (CA_KEY=), rate limits raised. Windows are opened with
# --renew-before (the policy path, not --force): every certificate is due.
set -eu
cd "$(dirname "$0")/../.."                   # repository root
COUNT="${COUNT:-2000}"
KEY_TYPE="${KEY_TYPE:-RSA_2048}"
CA_KEY="${CA_KEY:-EC-P384}"
CONCURRENCY="${CONCURRENCY:-4}"
MVN="${MVN:-$PWD/mvnw}"
mvn_run() { "$MVN" -q -B -o "$@" >/dev/null 2>&1 || "$MVN" -q -B "$@"; }

mvn_run -DskipTests install
(cd client-sdk && mvn_run org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
(cd ca-server && mvn_run org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
SDK_CP="client-sdk/target/test-classes:client-sdk/target/classes:$(cat client-sdk/target/bench.classpath)"
CA_CP="ca-server/target/test-classes:ca-server/target/classes:$(cat ca-server/target/bench.classpath)"

WORK="$(mktemp -d /tmp/habilis-renew-bench.XXXXXX)"
DATA="$WORK/server"
. ca-server/bench/common.sh
make_approver "$DATA" ca-server/target/habilis-ca-server.jar   # four-eyes: AcmeLoad's approvals
env HABILIS_DATA_DIR="$DATA" HABILIS_HTTPS_PORT=0 HABILIS_HTTP_PORT=0 HABILIS_CA_KEY_ALGORITHM="$CA_KEY" \
  HABILIS_RATE_LIMIT_ORDERS_PER_ACCOUNT=100000000 HABILIS_RATE_LIMIT_ORDERS_PER_STRUCTURE=100000000 \
  java -jar ca-server/target/habilis-ca-server.jar --demo >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT INT TERM
i=0
until [ -s "$DATA/demo.json" ]; do
  i=$((i + 1))
  if [ $i -gt 600 ] || ! kill -0 $SERVER 2>/dev/null; then echo "server did not start:"; cat "$WORK/server.log"; exit 1; fi
  sleep 0.2
done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user+system clock ticks
TICK=$(getconf CLK_TCK)

echo "server ready (CA keys $CA_KEY); $(nproc) cores shared by server and client"
java -cp "$SDK_CP" fr.habilis.client.bench.PopulateState "$DATA" "$WORK/state" "$WORK/out" "$COUNT" "$KEY_TYPE"

S0=$(cpu $SERVER)
/usr/bin/time -f "%e %U %S" -o "$WORK/time" java -jar client-sdk/target/habilis-cli.jar --quiet \
  --state-dir "$WORK/state" --trust-pem "$DATA/certs/root.pem" \
  cert renew --all --renew-before 3650d --concurrency "$CONCURRENCY" >"$WORK/renew.out" 2>&1 || { cat "$WORK/renew.out"; exit 1; }
S1=$(cpu $SERVER)
grep -E "renewed, .* not due" "$WORK/renew.out"
read -r WALL USER SYS <"$WORK/time"
awk -v n="$COUNT" -v w="$WALL" -v u="$USER" -v s="$SYS" -v sc=$((S1 - S0)) -v tick="$TICK" -v k="$KEY_TYPE" -v c="$CONCURRENCY" 'BEGIN {
  printf "cert renew --all: %d %s certificates in %.1f s = %.1f renewals/s at concurrency %d\n", n, k, w, n / w, c
  printf "client CPU: %.1f s user + %.1f s system = %.1f ms per certificate (JVM start included)\n", u, s, (u + s) * 1000 / n
  printf "server CPU: %.1f s = %.1f ms per renewal\n", sc / tick, sc / tick * 1000 / n }'

echo "server's own load generator (ca-server AcmeLoad), same server, concurrency $CONCURRENCY:"
java -cp "$CA_CP" fr.habilis.ca.bench.AcmeLoad "$DATA/endpoints.json" "$CONCURRENCY" "${DURATION:-20}" "${WARMUP:-20}"
