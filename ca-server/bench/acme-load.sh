#!/bin/sh
# ACME load benchmark: full issuance flows per second (newOrder -> finalize -> download, one account
# per worker, client keys and CSRs generated beforehand) at concurrency 1, 4 and 16, with p50/p99.
# Starts the packaged server on free loopback ports with a fresh, durable H2 data directory, runs
# fr.habilis.ca.bench.AcmeLoad against it, then stops it.
#   bench/acme-load.sh                       # RSA-4096 issuing CAs (the default hierarchy), 20 s per level
#   CA_KEY=EC-P384 DURATION=10 LEVELS=1,4 bench/acme-load.sh
# BENCH_SERVER_ENV="HABILIS_X=y ..." passes extra settings to the server (e.g. rate limits).
set -eu
cd "$(dirname "$0")/.."                      # ca-server/
MVN="${MVN:-mvn}"
CA_KEY="${CA_KEY:-RSA-4096}"
LEVELS="${LEVELS:-1,4,16}"
SECONDS_PER_LEVEL="${DURATION:-20}"
mvn_run() { "$MVN" -q -B -o "$@" 2>/dev/null || "$MVN" -q -B "$@"; }
mvn_run -f ../pom.xml -pl ca-server -DskipTests package
mvn_run org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"

DATA="$(mktemp -d /tmp/habilis-acme-load.XXXXXX)"
LOG="$DATA.log"
HABILIS_DATA_DIR="$DATA" HABILIS_HTTPS_PORT=0 HABILIS_HTTP_PORT=0 HABILIS_CA_KEY_ALGORITHM="$CA_KEY" \
  env ${BENCH_SERVER_ENV:-} java ${SERVER_JAVA_OPTS:-} -jar target/habilis-ca-server.jar >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA" "$LOG"' EXIT INT TERM
i=0
until [ -s "$DATA/endpoints.json" ]; do
  i=$((i + 1))
  if [ $i -gt 600 ] || ! kill -0 $SERVER 2>/dev/null; then echo "server did not start:"; cat "$LOG"; exit 1; fi
  sleep 0.2
done
echo "server ready (CA keys $CA_KEY, data in $DATA); $(nproc) cores shared with the load generator"
java -cp "$CP" fr.habilis.ca.bench.AcmeLoad "$DATA/endpoints.json" "$LEVELS" "$SECONDS_PER_LEVEL"
