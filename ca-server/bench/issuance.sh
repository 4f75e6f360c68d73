#!/bin/sh
# Runs the issuance JMH benchmarks (certificates/s on one thread for RSA-4096, RSA-2048 and P-384
# issuing keys, Bouncy Castle vs JDK providers), then the raw signature benchmark behind the
# provider choice. Extra arguments go to JMH, e.g. quick run:  bench/issuance.sh -wi 1 -i 2 -r 1s
# or one benchmark only:  bench/issuance.sh IssuanceBenchmark -p caKey=EC-P384
set -eu
cd "$(dirname "$0")/.."                      # ca-server/
. bench/common.sh
build test-compile
if [ "$#" -eq 0 ]; then set -- 'fr.habilis.ca.bench.*'; fi
exec java -cp "$CP" org.openjdk.jmh.Main "$@"
