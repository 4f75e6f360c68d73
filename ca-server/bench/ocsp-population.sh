#!/bin/sh
# OCSP for a population of certificates queried uniformly at random, the responder's cache cold at
# the start (issue 18). Records N valid ORG certificates (default 100,000) in a fresh server's
# database while it is stopped (OcspPopulation: random serials; the responder answers from the
# serial's row), restarts it, and runs wrk with a GET path drawn at random per request: a first
# window from the cold cache, then a second one, with the server's resident memory and the cache's
# hits and misses (/metrics) after each. Against nginx serving N static 1.5 KB files drawn the
# same way (when nginx is installed) — the practical ceiling on this machine. The server's JIT is
# warmed first on WARM (20,000) other certificates, so the measured population is still cold.
#   bench/ocsp-population.sh                    # N=100000, 2 windows of 20 s, 64 connections
#   N=20000 DURATION=10 CONNECTIONS=32 bench/ocsp-population.sh
set -eu
cd "$(dirname "$0")/.."                      # ca-server/
. bench/common.sh
N="${N:-100000}"; WARM="${WARM:-20000}"; DURATION="${DURATION:-20}"; CONNECTIONS="${CONNECTIONS:-64}"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
build package
DATA="$(mktemp -d /tmp/habilis-population.XXXXXX)"
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA" "$DATA.log" "$DATA.all" "$DATA.warm" "$DATA.paths" "$DATA.www"' EXIT INT TERM
serve() {  # starts the jar on $DATA, returns once endpoints.json is written
  rm -f "$DATA/endpoints.json"
  env HABILIS_DATA_DIR="$DATA" HABILIS_HTTPS_PORT=0 HABILIS_HTTP_PORT=0 java ${SERVER_JAVA_OPTS:-} \
    -jar target/habilis-ca-server.jar >>"$DATA.log" 2>&1 &
  SERVER=$!
  i=0
  until [ -s "$DATA/endpoints.json" ]; do
    i=$((i + 1))
    if [ $i -gt 600 ] || ! kill -0 $SERVER 2>/dev/null; then echo "server did not start:"; cat "$DATA.log"; exit 1; fi
    sleep 0.2
  done
}
serve                                        # first start: the test hierarchy and the schema
kill $SERVER; wait $SERVER || true; SERVER=""
java -cp "$CP" fr.habilis.ca.bench.OcspPopulation "jdbc:h2:file:$DATA/habilis;DB_CLOSE_ON_EXIT=FALSE" \
  "$DATA/certs/org.pem" "$((N + WARM))" "$DATA.all"
head -n "$WARM" "$DATA.all" >"$DATA.warm"; tail -n "$N" "$DATA.all" >"$DATA.paths"
rss() { awk '/VmRSS/ {printf "%d MB", $2 / 1024}' /proc/"$1"/status; }
# The live heap after a full collection (what the cache really holds; RSS also counts the heap the
# JVM grew into and keeps).
heap() { jcmd "$1" GC.run >/dev/null 2>&1; jcmd "$1" GC.heap_info 2>/dev/null | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1 | awk '{printf "%d MB live heap", $1 / 1024}'; }
window() {  # name, base URL, paths file
  echo "== $1, $CONNECTIONS connections, ${DURATION} s"
  PATHS="$3" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/wrk/random-path.lua "$2" \
    | grep -E 'Requests/sec|Non-2xx|Socket errors|^ +(50|90|99)%|requests in'
}
if command -v nginx >/dev/null; then
  WWW="$DATA.www"; mkdir -p "$WWW"
  awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) print "/p/" i ".der" }' >"$WWW/paths"
  head -c 1536 /dev/urandom >"$WWW/one.der"
  # N distinct paths, one 1.5 KB file behind them all (nginx opens it per request, from the page cache).
  PORT=$((20000 + $$ % 20000))
  cat >"$WWW/nginx.conf" <<CONF
worker_processes 2; daemon on; pid $WWW/pid; error_log $WWW/error.log;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$PORT; root $WWW; location /p/ { try_files /one.der =404; } } }
CONF
  if nginx -c "$WWW/nginx.conf" 2>/dev/null; then
    window "nginx, $N static 1.5 KB files at random" "http://127.0.0.1:$PORT" "$WWW/paths"
    window "nginx, again" "http://127.0.0.1:$PORT" "$WWW/paths"
    kill "$(cat "$WWW/pid")"
  fi
fi
serve
HTTP="$(sed -n 's/.*"httpUrl" *: *"\([^"]*\)".*/\1/p' "$DATA/endpoints.json")"
echo "server ready at $HTTP with $N certificates; resident memory $(rss $SERVER); $(nproc) cores shared with wrk"
cache() { curl -s "$HTTP/metrics" | grep -E '^habilis_ocsp_cache' | tr '\n' ' '; echo; }
PATHS="$DATA.warm" wrk -t2 -c"$CONNECTIONS" -d10s -s bench/wrk/random-path.lua "$HTTP" >/dev/null  # the JIT
echo "after the warm-up on $WARM other certificates: resident memory $(rss $SERVER), $(heap $SERVER); $(cache)"
window "OCSP GET, $N certificates at random, cache cold at the start" "$HTTP" "$DATA.paths"
echo "resident memory $(rss $SERVER), $(heap $SERVER); $(cache)"
window "OCSP GET, the same, second window" "$HTTP" "$DATA.paths"
echo "resident memory $(rss $SERVER), $(heap $SERVER); $(cache)"
