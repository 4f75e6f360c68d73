#!/bin/sh
# Makes a Class Data Sharing archive for the server jar (JDK 17 dynamic AppCDS): the classes a
# start-up loads, parsed and verified once, mapped by every later start. It halves the CPU a
# start spends before it is ready and lowers its resident memory (README, Benchmarks).
#   docker/cds-archive.sh JAR ARCHIVE
#   CDS_JAVA_OPTS='-XX:MaxRAMPercentage=75' docker/cds-archive.sh JAR ARCHIVE   # the options the server runs with
# then run with: java -XX:SharedArchiveFile=ARCHIVE -jar JAR
# The archive is only valid for the same JVM build and the same jar at the same path: make it
# again after an upgrade of either (the JVM ignores a stale one, with a warning, and starts as
# without). It starts the server twice on a throw-away test data directory (the first start
# creates it, the second, the ordinary start of an existing directory, is archived), on free
# loopback ports, and stops each with SIGTERM once /health/ready answers 200.
set -eu
JAR=$1
ARCHIVE=$2
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT INT TERM
start() { # java options...
  rm -f "$WORK/data/endpoints.json"
  # Its own test database and keystore, whatever the environment configures.
  env -u HABILIS_DB_URL -u HABILIS_DB_USER -u HABILIS_DB_PASSWORD -u HABILIS_CA_KEYSTORE -u HABILIS_KEYSTORE_PASSWORD \
    -u HABILIS_METRICS_PORT -u HABILIS_PUBLIC_URL -u HABILIS_PUBLIC_HTTP_URL HABILIS_ENVIRONMENT=test HABILIS_DATA_DIR="$WORK/data" \
    HABILIS_HTTPS_PORT=0 HABILIS_HTTP_PORT=0 HABILIS_BIND_ADDRESS=127.0.0.1 java ${CDS_JAVA_OPTS:-} "$@" -jar "$JAR" >>"$WORK/log" 2>&1 &
  pid=$!
  i=0
  until [ -s "$WORK/data/endpoints.json" ] \
      && curl -fs -o /dev/null "$(sed -n 's/.*"healthUrl" *: *"\([^"]*\)".*/\1/p' "$WORK/data/endpoints.json")"; do
    i=$((i + 1))
    if [ $i -gt 3000 ] || ! kill -0 $pid 2>/dev/null; then echo "cds-archive: the server did not start:"; cat "$WORK/log"; exit 1; fi
    sleep 0.1
  done
  kill -TERM $pid
  wait $pid || true
}
start
rm -f "$ARCHIVE"
start -XX:ArchiveClassesAtExit="$ARCHIVE" -Xlog:cds=off -Xlog:cds+dynamic=off
[ -s "$ARCHIVE" ] || { echo "cds-archive: no archive written"; cat "$WORK/log"; exit 1; }
echo "cds-archive: $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1))"
