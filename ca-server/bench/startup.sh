#!/bin/sh
# Start-up of an existing data directory to ready. Builds nothing: takes the packaged jar
# (./mvnw -B -o -q -pl ca-server -DskipTests package). Creates a data directory once (first start,
# then SIGTERM), then times RUNS starts of it, from process launch to the first 200 of
# GET /health/ready on the HTTP listener (free loopback ports), stopping each with SIGTERM.
# Prints per run and as min/median/max: wall seconds to ready, the process's CPU seconds at ready
# (user+system, all threads) and its peak resident memory at ready (VmHWM).
#   bench/startup.sh                                   # 7 runs
#   CDS=1 bench/startup.sh                             # with a CDS archive of the jar (docker/cds-archive.sh)
#   RUNS=11 JAVA_OPTS='-XX:SharedArchiveFile=/tmp/habilis.jsa' bench/startup.sh
#   bench/startup.sh once DATA_DIR                     # one start of DATA_DIR to ready, then SIGTERM
#   THREADS=/tmp/t bench/startup.sh once DATA_DIR      # and each thread's /proc stat line at ready in /tmp/t
set -eu
cd "$(dirname "$0")/.."                      # ca-server/
JAR="${JAR:-target/habilis-ca-server.jar}"
[ -f "$JAR" ] || { echo "no $JAR: ./mvnw -B -o -q -pl ca-server -DskipTests package"; exit 1; }
TICK="$(getconf CLK_TCK)"
now() { date +%s%N; }

# once DATA: one start of DATA to ready; prints "wall_s cpu_s rss_mb", exits once the server has stopped.
once() {
  data=$1
  rm -f "$data/endpoints.json"             # written again just before ready: gives the free HTTP port
  t0=$(now)
  env HABILIS_DATA_DIR="$data" HABILIS_HTTPS_PORT=0 HABILIS_HTTP_PORT=0 HABILIS_BIND_ADDRESS=127.0.0.1 \
    java ${JAVA_OPTS:-} -jar "$JAR" >>"$data.log" 2>&1 &
  pid=$!
  url=""
  until [ -n "$url" ] && curl -fs -o /dev/null "$url"; do
    kill -0 $pid 2>/dev/null || { echo "server exited:"; tail -20 "$data.log"; exit 1; }
    if [ -z "$url" ] && [ -s "$data/endpoints.json" ]; then
      url="$(sed -n 's/.*"healthUrl" *: *"\([^"]*\)".*/\1/p' "$data/endpoints.json")"
    fi
    [ -n "$url" ] || sleep 0.02
  done
  t1=$(now)
  # utime + stime are fields 14 and 15 of /proc/PID/stat (the command name, field 2, has no space here)
  cpu=$(awk -v t="$TICK" '{ printf "%.2f", ($14 + $15) / t }' /proc/$pid/stat)
  rss=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' /proc/$pid/status)
  [ -z "${THREADS:-}" ] || cat /proc/$pid/task/*/stat >"$THREADS"   # per-thread CPU at ready
  kill -TERM $pid
  wait $pid || true
  awk -v a="$t0" -v b="$t1" -v c="$cpu" -v r="$rss" 'BEGIN { printf "%.3f %s %s\n", (b - a) / 1e9, c, r }'
}

if [ "${1:-}" = once ]; then once "$2"; exit 0; fi

RUNS="${RUNS:-7}"
DATA="$(mktemp -d /tmp/habilis-startup.XXXXXX)/data"
trap 'rm -rf "$(dirname "$DATA")"' EXIT INT TERM
if [ -n "${CDS:-}" ]; then                   # with a Class Data Sharing archive of this jar, made first
  ../docker/cds-archive.sh "$JAR" "$DATA.jsa"
  JAVA_OPTS="${JAVA_OPTS:-} -XX:SharedArchiveFile=$DATA.jsa"
fi
echo "first start (creates $DATA): $(once "$DATA" | awk '{ print $1 " s" }')"
OUT="$DATA.runs"
i=0
while [ $i -lt "$RUNS" ]; do
  i=$((i + 1))
  once "$DATA" | tee -a "$OUT" | awk -v i=$i '{ printf "run %d: ready in %s s, CPU %s s, peak RSS %s MB\n", i, $1, $2, $3 }'
done
stat() { # column, label, unit
  sort -n -k"$1" "$OUT" | awk -v k="$1" -v l="$2" -v u="$3" '{ v[NR] = $k }
    END { printf "%-18s min %s  median %s  max %s %s\n", l, v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR], u }'
}
echo "$RUNS starts of an existing data directory, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), java ${JAVA_OPTS:-}"
stat 1 "wall to ready" s
stat 2 "CPU at ready" s
stat 3 "peak RSS at ready" MB
