#!/usr/bin/env bash
# The cost of scraping Vitals' own /metrics: a real server (its own registry and every callback it
# registers) fed calls for --models distinct models through its gateway, then scraped over loopback
# HTTP (Prometheus text, gzip, OpenMetrics) and in-process; time (median, min, max) and bytes of each.
# See BENCHMARKS.md, "Scraping Vitals' own /metrics".
#   bench/scrape-cost.sh [--models 1000] [--calls-per-model 2] [--scrapes 30] [--warmup 5] [--dump FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
# built in the reactor, never installed into ~/.m2: each module writes its classpath to its own target/
mvn -B -q -DskipTests -pl vitals-bench -am package dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >&2
cp="vitals-bench/target/classes:$(cat vitals-bench/target/bench.classpath)"
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $(nproc) CPUs; $(java -version 2>&1 | head -1)"
java -Xms512m -Xmx512m -cp "$cp" dev.vitals.bench.ServerScrape "$@"
