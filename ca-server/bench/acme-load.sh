#!/bin/sh
# ACME load benchmark: full issuance flows per second (newOrder -> finalize -> download, one account
# per worker, client keys and CSRs generated beforehand) at concurrency 1, 4 and 16, with p50/p99.
# Starts the packaged server on free loopback ports with a fresh, durable H2 data directory, runs
# fr.habilis.ca.bench.AcmeLoad against it, then stops it.
#   bench/acme-load.sh                       # RSA-4096 issuing CAs (the default hierarchy), 20 s per level
#   CA_KEY=EC-P384 DURATION=10 LEVELS=1,4 WARMUP=60 bench/acme-load.sh
# Nothing is measured before WARMUP seconds (default 120) of load at the highest concurrency: the
# JIT needs about two minutes on two shared cores, and flows/s doubles meanwhile.
# The server's rate limits are raised (a benchmark places thousands of orders per minute for one
# structure); BENCH_SERVER_ENV="HABILIS_X=y ..." passes extra settings to the server.
set -eu
cd "$(dirname "$0")/.."                      # ca-server/
. bench/common.sh
CA_KEY="${CA_KEY:-RSA-4096}"
LEVELS="${LEVELS:-1,4,16}"
SECONDS_PER_LEVEL="${DURATION:-20}"
build package
start_server HABILIS_CA_KEY_ALGORITHM="$CA_KEY" HABILIS_RATE_LIMIT_ORDERS_PER_ACCOUNT=100000000 \
  HABILIS_RATE_LIMIT_ORDERS_PER_STRUCTURE=100000000 ${BENCH_SERVER_ENV:-}
echo "server ready (CA keys $CA_KEY, data in $DATA); $(nproc) cores shared with the load generator"
java -cp "$CP" fr.habilis.ca.bench.AcmeLoad "$DATA/endpoints.json" "$LEVELS" "$SECONDS_PER_LEVEL" "${WARMUP:-120}"
