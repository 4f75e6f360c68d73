# Shared by the bench scripts (sourced, not run): build, test classpath, and a server on free
# loopback ports with a fresh data directory.
MVN="${MVN:-mvn}"

# Offline first (the machine's ~/.m2 usually has everything), online if a plugin is missing.
mvn_run() { "$MVN" -q -B -o "$@" >/dev/null 2>&1 || "$MVN" -q -B "$@"; }

# build GOAL: runs GOAL (package or test-compile) for ca-server and sets CP to the test classpath.
build() {
  mvn_run -f ../pom.xml -pl ca-server -DskipTests "$1"
  mvn_run org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
  CP="target/test-classes:target/classes:$(cat target/bench.classpath)"
}

# make_approver DATA JAR: four-eyes (issue 19) needs a principal besides the shared RA token to
# approve the habilitations a bench records: an approver made with the jar's operator commands
# before the server starts, its API token in DATA/bench-approver-token (read by RaFixture.forBench).
make_approver() {
  printf 'bench approver password\n' >"$1.pw"
  HABILIS_DATA_DIR="$1" java -jar "$2" operator add --login bench-approver --name "Bench approver" \
    --email approver@bench.example.test --role approver --password-file "$1.pw" >/dev/null
  HABILIS_DATA_DIR="$1" java -jar "$2" operator token create bench-approver --name bench 2>/dev/null \
    >"$1/bench-approver-token"
  rm -f "$1.pw"
}

# start_server [VAR=value ...]: starts the packaged jar with a fresh data directory ($DATA, log in
# $DATA.log) and extra environment, sets SERVER to its pid, stops it and cleans up on exit, and
# returns once it has written endpoints.json.
start_server() {
  DATA="$(mktemp -d /tmp/habilis-bench.XXXXXX)"
  make_approver "$DATA" target/habilis-ca-server.jar
  env HABILIS_DATA_DIR="$DATA" HABILIS_HTTPS_PORT=0 HABILIS_HTTP_PORT=0 "$@" \
    java ${SERVER_JAVA_OPTS:-} -jar target/habilis-ca-server.jar >"$DATA.log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$DATA" "$DATA.log" "$DATA.req"' EXIT INT TERM
  i=0
  until [ -s "$DATA/endpoints.json" ]; do
    i=$((i + 1))
    if [ $i -gt 600 ] || ! kill -0 $SERVER 2>/dev/null; then echo "server did not start:"; cat "$DATA.log"; exit 1; fi
    sleep 0.2
  done
}
