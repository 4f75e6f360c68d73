#!/usr/bin/env bash
# Server CPU per ACME issuance flow, A/B between server jars, with the team's independent
# generator (acme-go, golang.org/x/crypto/acme; /work/shared/bench/acme-go/README.md). Each run
# starts a fresh server (EC P-384 CAs, fresh durable H2 data dir, rate limits raised, fresh EAB
# credentials), warms it up at c=4 for WARMUP s (the JIT), then measures C (4) for DURATION (20) s;
# IDLE=35 reproduces compare.sh's sequence instead (warm-up, the server idle for 35 s, a
# measurement after 5 s). Runs alternate between the jars (A B A B ...) so that drift hits both.
#   ca-server/bench/cpu-ab.sh A.jar B.jar      # ROUNDS=3 WARMUP=120 DURATION=20 C=4 IDLE=0
# (120 s: after 75 s the JIT still blurs a 2 ms difference on 2 shared cores; put the jar you
# suspect first in half the runs, e.g. A B then B A, to cancel order effects)
# Per run: the generator's RESULT line (server_cpu_ms_per_flow is from /proc of the server), then
# the server's CPU over the same window by thread (JIT compiler threads apart: after 75-200 s of
# warm-up they still take 0.4-3 ms per flow on 2 shared cores) and its bytes written per flow
# (thread-cpu.py); at the end, mean and spread per jar. Needs the generator built (ACME_GO, default
# /tmp/acme-go: a copy of /work/shared/bench/acme-go after ./build.sh), java, curl, jq, openssl.
# SERVER_JAVA_OPTS='-XX:StartFlightRecording=...' profiles the servers (lib.sh passes it on).
set -euo pipefail
# The script's own timing (the CPU snapshots at the window's edges) must not lag behind builds
# sharing the machine: it runs at the servers' priority (nice -10, as root) too.
if [ -z "${CPU_AB_NICED:-}" ] && [ "$(id -u)" = 0 ]; then exec env CPU_AB_NICED=1 nice -n -10 "$0" "$@"; fi
NICE=${NICE:-0}  # lib.sh's nice for the server and the generator, relative to this script's
HERE=$(cd "$(dirname "$0")" && pwd)
ACME_GO=${ACME_GO:-/tmp/acme-go}
ROUNDS=${ROUNDS:-3}; WARMUP=${WARMUP:-120}; DURATION=${DURATION:-20}; C=${C:-4}; IDLE=${IDLE:-0}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/cpu-ab.XXXXXX")}; MAXC=$C; DOMAIN=load.test; LOG=$WORK/cpu-ab.log
GEN=$ACME_GO/target/acme-go
[ -x "$GEN" ] || { echo "no generator at $GEN (copy /work/shared/bench/acme-go there and run ./build.sh)"; exit 1; }
[ $# -ge 1 ] || { echo "usage: $0 A.jar [B.jar ...]"; exit 1; }
. "$ACME_GO/lib.sh"
trap 'set +e; habilis_stop' EXIT INT TERM
: >"$LOG"; K=0
gen() {  # LABEL WARMUP DURATION OUT : the generator, in the background (GEN_PID)
  "${NICECMD[@]}" "$GEN" --label "$1" --concurrency "$C" --warmup "$2" --duration "$3" \
    --names "k$K-w{worker}-{n}.$DOMAIN" --dir "$HAB_DIR" --trust-pem "$HAB_TRUST" --eab-file "$WORK/eab.txt" \
    --server-pid "$HAB_PID" >"$4" 2>&1 &
  GEN_PID=$!
  K=$((K + 1))
}
snap() { cat /proc/"$HAB_PID"/task/*/stat /proc/"$HAB_PID"/stat /proc/"$HAB_PID"/io >"$1" 2>/dev/null || true; }
run() {  # LABEL JAR
  local out=$WORK/gen-$K.txt flows
  JAR=$2
  habilis_start EC-P384 >/dev/null
  habilis_eab "$C" "$WORK/eab.txt"
  if [ "$IDLE" -gt 0 ]; then
    # compare.sh's sequence: warm-up, the server idle (Pebble's turn there), then the measurement
    gen "$1-warmup" "$((WARMUP - 10))" 10 "$WORK/warmup-$K.txt"; wait $GEN_PID || true
    grep -E '^(RESULT|error)' "$WORK/warmup-$((K - 1)).txt" | tee -a "$LOG" || true
    sleep "$IDLE"
    habilis_eab "$C" "$WORK/eab.txt"
    local measured_warmup=5
  else
    local measured_warmup=$WARMUP
  fi
  out=$WORK/gen-$K.txt
  gen "$1" "$measured_warmup" "$DURATION" "$out"
  # The server's threads' CPU over the generator's window (it starts $measured_warmup s after the
  # generator's "accounts registered" line): where the CPU goes
  until grep -qs 'accounts registered' "$out" || ! kill -0 $GEN_PID 2>/dev/null; do sleep 0.05; done
  sleep "$measured_warmup"; snap "$out.a"
  sleep "$DURATION"; snap "$out.b"
  wait $GEN_PID || echo "generator exit code $?" >>"$out"
  grep -E '^(RESULT|error|generator)' "$out" | tee -a "$LOG" || true
  flows=$(sed -n 's/^RESULT.* flows=\([0-9]*\) .*/\1/p' "$out")
  if [ "${flows:-0}" -gt 0 ]; then python3 "$HERE/thread-cpu.py" "$out.a" "$out.b" "$flows" | tee -a "$LOG"; fi
  habilis_stop >/dev/null
}
for r in $(seq 1 "$ROUNDS"); do
  i=0
  for jar in "$@"; do
    i=$((i + 1)); run "jar$i" "$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
  done
done
echo "## $LOG"
python3 - "$LOG" "$@" <<'PY'
import statistics, sys
rows = [dict(p.split("=", 1) for p in l.split()[1:] if "=" in p) for l in open(sys.argv[1]) if l.startswith("RESULT ")]
for i, jar in enumerate(sys.argv[2:], 1):
    rs = [r for r in rows if r["label"] == "jar%d" % i]  # not the warm-ups
    for k in ("server_cpu_ms_per_flow", "rate", "other_cores"):
        v = [float(r[k].rstrip("/s")) for r in rs]
        if v:
            print("jar%d %-22s mean %7.2f  min %7.2f  max %7.2f  sd %5.2f  n=%d  (%s)" % (i, k, statistics.mean(v), min(v), max(v),
                  statistics.stdev(v) if len(v) > 1 else 0, len(v), jar))
PY
