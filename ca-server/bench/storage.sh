#!/usr/bin/env bash
# Database size per issued certificate: starts the packaged server (EC P-384 CAs, rate limits
# raised) on a fresh data directory, runs FLOWS issuance flows with the team's generator acme-go
# (/work/shared/bench/acme-go, copied to ACME_GO and built with its build.sh), stops the server
# (SIGTERM), restarts it on the same data (start-up time measured to endpoints.json), stops it
# again, and reports the size per issued certificate after the run and after the restart, then
# the rows and bytes of each table.
#   ca-server/bench/storage.sh                           # H2 (habilis.mv.db), 20,000 flows, c=4
#   STORE=postgres FLOWS=20000 ca-server/bench/storage.sh # PostgreSQL: a throw-away cluster
#   KEEP=1 ...                                           # keep the work directory (data, logs)
#   JAR=/tmp/other.jar SKIP_BUILD=1 ...                  # another build of the server
# H2: the size is that of habilis.mv.db; by table, DISK_SPACE_USED (the table, its indexes and
# LOBs; the rest of the file is free space and H2's own maps). PostgreSQL 15 (Debian's binaries,
# initdb/pg_ctl as in PostgresCluster; as root through runuser -u postgres): pg_database_size, and
# pg_total_relation_size by table (heap, indexes, TOAST). WAL is not counted. fsync is off on that
# cluster: sizes do not depend on it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."                                        # ca-server/
FLOWS=${FLOWS:-20000}; C=${C:-4}; STORE=${STORE:-h2}
ACME_GO=${ACME_GO:-/tmp/acme-go}; GEN=$ACME_GO/target/acme-go
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$GEN" ] || { echo "no generator at $GEN (copy /work/shared/bench/acme-go there and run ./build.sh)"; exit 1; }
[ "${SKIP_BUILD:-0}" = 1 ] || (cd .. && ./mvnw -B -o -q -pl ca-server -DskipTests package)
JAR=${JAR:-$PWD/target/habilis-ca-server.jar}     # JAR=/path/other.jar SKIP_BUILD=1: another build
WORK=$(mktemp -d /tmp/habilis-storage.XXXXXX); chmod 755 "$WORK"
DATA=$WORK/data; mkdir -p "$DATA"
DOMAIN=load.test; LOG=$WORK/storage.log
. "$ACME_GO/lib.sh"                                  # hra, habilis_seed, habilis_eab, free_port
NICECMD=(nice -n 0)
AS_PG=(); [ "$(id -u)" = 0 ] && AS_PG=(runuser -u postgres --)
PG_PORT=""
cleanup() {
  set +e
  [ -n "${HAB_PID:-}" ] && { kill "$HAB_PID"; wait "$HAB_PID"; }
  [ -n "$PG_PORT" ] && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w stop >/dev/null
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

EXTRA_ENV=()
if [ "$STORE" = postgres ]; then
  mkdir -p "$WORK/pg"; [ ${#AS_PG[@]} -gt 0 ] && chown postgres "$WORK/pg"
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U habilis --auth=trust --encoding=UTF8 --locale=C --no-sync >/dev/null
  PG_PORT=$(free_port)
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK/pg -c fsync=off" start >/dev/null
  PSQL=$(command -v psql || echo /usr/bin/psql)
  psql_() { "${AS_PG[@]}" "$PSQL" -X -q -A -t -F ' ' -h 127.0.0.1 -p "$PG_PORT" -U habilis "$@"; }
  psql_ -d postgres -c "CREATE DATABASE habilis" >/dev/null
  EXTRA_ENV=(HABILIS_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/habilis?user=habilis")
elif [ "$STORE" != h2 ]; then
  echo "STORE is h2 or postgres"; exit 1
fi

# start: the server on $DATA; sets HAB_PID and the endpoints, and STARTUP_S (launch to endpoints.json)
start() {
  rm -f "$DATA/endpoints.json"
  local t0; t0=$(date +%s.%N)
  env -u HABILIS_HOME -u HABILIS_JAR HABILIS_DATA_DIR="$DATA" HABILIS_HTTPS_PORT=0 HABILIS_HTTP_PORT=0 \
    HABILIS_CA_KEY_ALGORITHM=EC-P384 HABILIS_RATE_LIMIT_ORDERS_PER_ACCOUNT=100000000 \
    HABILIS_RATE_LIMIT_ORDERS_PER_STRUCTURE=100000000 "${EXTRA_ENV[@]}" ${BENCH_SERVER_ENV:-} \
    java ${SERVER_JAVA_OPTS:-} -jar "$JAR" >>"$WORK/server.log" 2>&1 &
  HAB_PID=$!
  until [ -s "$DATA/endpoints.json" ]; do
    kill -0 "$HAB_PID" 2>/dev/null || { tail -30 "$WORK/server.log"; echo "server exited"; exit 1; }
    sleep 0.02
  done
  STARTUP_S=$(echo "$(date +%s.%N) - $t0" | bc)
  sleep 0.2
  HAB_DIR=$(jq -r .directoryUrl "$DATA/endpoints.json"); HAB_RA=$(jq -r .raUrl "$DATA/endpoints.json")
  HAB_TRUST=$(jq -r .trustPem "$DATA/endpoints.json"); local tok; tok=$(jq -r .raTokenFile "$DATA/endpoints.json")
  case "$HAB_TRUST" in /*) ;; *) HAB_TRUST="$DATA/$HAB_TRUST";; esac
  case "$tok" in /*) ;; *) tok="$DATA/$tok";; esac
  HAB_TOKEN=$(tr -d '\n' <"$tok")
}
stop() {  # SIGTERM, as an operator's service manager; STOP_S = until the process is gone
  local t0; t0=$(date +%s.%N)
  kill -TERM "$HAB_PID"; wait "$HAB_PID" || true; HAB_PID=""
  STOP_S=$(echo "$(date +%s.%N) - $t0" | bc)
}
sql() {  # one query against the stopped server's database; prints rows "a b c"
  if [ "$STORE" = h2 ]; then
    java -cp "$JAR" org.h2.tools.Shell -url "jdbc:h2:file:$DATA/habilis" -user "" -password "" -sql "$1" \
      | sed -e '1d' -e '/^(.* rows\?.*)$/d' -e 's/ *| */ /g'
  else
    psql_ -d habilis -c "$1"
  fi
}
db_bytes() {
  if [ "$STORE" = h2 ]; then stat -c %s "$DATA/habilis.mv.db"; else psql_ -d habilis -c "SELECT pg_database_size('habilis')"; fi
}
certs() { sql "SELECT COUNT(*) FROM certificates" | tr -d ' '; }
report() {  # LABEL
  local bytes n; bytes=$(db_bytes); n=$(certs)
  printf '%-16s %6d certificates  database %8.1f MB  %6.1f KB per certificate\n' "$1" "$n" \
    "$(echo "$bytes / 1048576" | bc -l)" "$(echo "$bytes / 1024 / $n" | bc -l)" | tee -a "$LOG"
}

start
echo "server ready ($STORE, data in $DATA, started in ${STARTUP_S} s); $FLOWS flows at c=$C" | tee -a "$LOG"
habilis_seed
# Rounds of the generator (it runs for a duration, not a count) until FLOWS certificates are issued.
done_flows=0; round=0; rate=150
while [ "$done_flows" -lt "$FLOWS" ]; do
  round=$((round + 1))
  left=$((FLOWS - done_flows))
  secs=$(( left / rate + 1 )); [ "$secs" -lt 5 ] && secs=5; [ "$secs" -gt 120 ] && secs=120
  habilis_eab "$C" "$WORK/eab.txt"
  "$GEN" --label "storage$round" --concurrency "$C" --warmup 0 --duration "$secs" \
    --keys-per-worker $(( (secs * rate * 2) / C + 200 )) --names "r$round-w{worker}-{n}.$DOMAIN" \
    --dir "$HAB_DIR" --trust-pem "$HAB_TRUST" --eab-file "$WORK/eab.txt" --server-pid "$HAB_PID" \
    >"$WORK/gen-$round.txt" 2>&1 || { cat "$WORK/gen-$round.txt"; exit 1; }
  grep -E '^(RESULT|error)' "$WORK/gen-$round.txt" | tee -a "$LOG"
  n=$(sed -n 's/^RESULT.* flows=\([0-9]*\) .*/\1/p' "$WORK/gen-$round.txt")
  r=$(sed -n 's/^RESULT.* rate=\([0-9.]*\)\/s.*/\1/p' "$WORK/gen-$round.txt")
  done_flows=$((done_flows + ${n:-0}))
  r=${r%.*}; [ "${r:-0}" -gt 0 ] && rate=$r
  [ "${n:-0}" -gt 0 ] || { echo "no flow in round $round"; exit 1; }
done
# The file as it is between two stops (H2: before the stop's compaction), per flow counted.
printf '%-16s %6d flows         database %8.1f MB  %6.1f KB per flow\n' "while running" "$done_flows" \
  "$(echo "$(db_bytes) / 1048576" | bc -l)" "$(echo "$(db_bytes) / 1024 / $done_flows" | bc -l)" | tee -a "$LOG"
stop
echo "stopped in ${STOP_S} s" | tee -a "$LOG"
report "after the run"
start
echo "restarted in ${STARTUP_S} s" | tee -a "$LOG"
stop
echo "stopped in ${STOP_S} s" | tee -a "$LOG"
report "after a restart"
echo "table  rows  bytes  bytes/certificate" | tee -a "$LOG"
n=$(certs)
if [ "$STORE" = h2 ]; then
  q="SELECT TABLE_NAME, ROW_COUNT_ESTIMATE, DISK_SPACE_USED('PUBLIC.\"' || TABLE_NAME || '\"')
     FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY 3 DESC"
else
  q="SELECT relname, n_live_tup, pg_total_relation_size(relid) FROM pg_stat_user_tables ORDER BY 3 DESC"
fi
sql "$q" | while read -r t rows bytes; do
  [ -n "$t" ] && [ "$bytes" != 0 ] || continue
  printf '%-28s %8s %12s %9.0f\n' "$t" "$rows" "$bytes" "$(echo "$bytes / $n" | bc -l)"
done | tee -a "$LOG"
