#!/bin/sh
# OCSP benchmark with wrk (keep-alive): cached responses by GET and POST (no nonce), then nonce
# requests (a fresh signature each, P-256 signer). Starts the packaged server on free loopback
# ports with a fresh data directory, issues one certificate through ACME (OcspPrep), runs wrk.
# If nginx is installed, the same wrk load against nginx serving a static 1.5 KB file comes first:
# the practical ceiling for a cached response on this machine.
#   bench/ocsp.sh                         # 15 s per case, 2 wrk threads, 32 then 64 connections
#   DURATION=10 CONNECTIONS="16 32" bench/ocsp.sh
set -eu
cd "$(dirname "$0")/.."                      # ca-server/
. bench/common.sh
DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-32 64}"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
build package
start_server
REQ="$DATA.req"
mkdir -p "$REQ"
java -cp "$CP" fr.habilis.ca.bench.OcspPrep "$DATA/endpoints.json" "$REQ"
HTTP="$(sed -n 's/.*"httpUrl" *: *"\([^"]*\)".*/\1/p' "$DATA/endpoints.json")"
echo "server ready at $HTTP; $(nproc) cores shared with wrk"
run() { # name, then wrk arguments
  name=$1; shift
  for c in $CONNECTIONS; do
    wrk -t2 -c"$c" -d5s "$@" >/dev/null     # warm-up (JIT, cache)
    echo "== $name, $c connections"
    wrk -t2 -c"$c" -d"${DURATION}s" --latency "$@" | grep -E 'Requests/sec|Non-2xx|Socket errors|^ +(50|90|99)%'
  done
}
if command -v nginx >/dev/null; then
  NGINX="$REQ/nginx"
  mkdir -p "$NGINX/www"
  head -c 1536 /dev/urandom >"$NGINX/www/static.der"
  NGINX_PORT=$((20000 + $$ % 20000))
  cat >"$NGINX/nginx.conf" <<CONF
worker_processes 2; daemon on; pid $NGINX/pid; error_log $NGINX/error.log;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$NGINX_PORT; root $NGINX/www; } }
CONF
  if nginx -c "$NGINX/nginx.conf" 2>/dev/null; then
    run "nginx, static 1.5 KB file (baseline)" "http://127.0.0.1:$NGINX_PORT/static.der"
    kill "$(cat "$NGINX/pid")"
  fi
fi
# Whichever case runs first otherwise pays for the JIT: warm both cached paths up once.
OCSP_REQ="$REQ/plain.der" wrk -t2 -c32 -d10s -s bench/wrk/ocsp-post.lua "$HTTP/ocsp" >/dev/null
wrk -t2 -c32 -d10s "$HTTP$(cat "$REQ/get-path")" >/dev/null
run "OCSP GET, cached" "$HTTP$(cat "$REQ/get-path")"
export OCSP_REQ="$REQ/plain.der"
run "OCSP POST, cached" -s bench/wrk/ocsp-post.lua "$HTTP/ocsp"
export OCSP_REQ="$REQ/nonce.der" OCSP_NONCE_OFFSET="$(cat "$REQ/nonce-offset")"
run "OCSP POST with a fresh nonce (signed per request, P-256)" -s bench/wrk/ocsp-nonce.lua "$HTTP/ocsp"
