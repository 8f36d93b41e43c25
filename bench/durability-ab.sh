#!/usr/bin/env bash
# Durability's cost on the gateway (issue #16): the same load against two builds of Vitals at once, the
# build before the durability work (default 1b516b4) and this checkout, in one load process that
# alternates them cell by cell and round by round (GatewayLoad's peer slot carries the "before" build),
# so both see the same machine load. Each runs alone with SQLite, auth off, one OpenAI backend: the fast
# fake upstream. The report's "portkey (peer)" rows are the BEFORE build, "vitals" rows this checkout;
# "Vitals against the peer" is the ratio of added latencies (after / before): the "may not grow by more
# than 10 %" criterion.
# --after-config FILE appends YAML to the after build's configuration, e.g. to switch off what came after
# the before build besides durability (code evaluators, the judge, the request log) and so isolate its cost.
#   bench/durability-ab.sh [--before 1b516b4] [--requests 3000] [--warmup-seconds 20] [--rounds 3] [--concurrency 16]
#                          [--after-config FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
before=1b516b4; requests=3000; warmup_seconds=20; rounds=3; concurrency=16; after_config=""
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before="$2"; shift 2;;
    --requests) requests="$2"; shift 2;;
    --warmup-seconds) warmup_seconds="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;;
    --concurrency) concurrency="$2"; shift 2;;
    --after-config) after_config="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
make_tmp
# both built in their own reactor, never installed into ~/.m2
mvn -B -q -o -DskipTests -pl vitals-bench -am package dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >&2
cp="vitals-bench/target/classes:$(cat vitals-bench/target/bench.classpath)"
mkdir "$tmp/before"
git archive "$before" | tar -x -C "$tmp/before"
(cd "$tmp/before" && mvn -B -q -o -DskipTests -pl vitals-bench -am package dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath >&2)
before_cp="$tmp/before/vitals-bench/target/classes:$(cat "$tmp/before/vitals-bench/target/bench.classpath")"
upstream_port=$(free_port); bare_port=$(free_port); after_port=$(free_port); before_port=$(free_port)
cpus=$(nproc); half=$((cpus / 2))
load=(taskset -c "0-$((half - 1))"); gw=(taskset -c "$half-$((cpus - 1))")
echo "after: commit $(git rev-parse --short HEAD); before: $before; $cpus CPUs; $(java -version 2>&1 | head -1);" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); gateways on CPUs $half-$((cpus - 1)), load on 0-$((half - 1))"
# each build alone: no host or GPU sampling
config() {
  vitals_config "$tmp/$1.yaml" "$2" "$tmp/$1/vitals.db" "$upstream_port"
  printf 'system:\n  enabled: false\ngpu:\n  enabled: false\n' >>"$tmp/$1.yaml"
}
mkdir -p "$tmp/after"
config after "$after_port"; config before "$before_port"
if [ -n "$after_config" ]; then cat "$after_config" >>"$tmp/after.yaml"; echo "after build's configuration adds: $(tr '\n' ' ' <"$after_config")"; fi
args=(--requests "$requests" --peer-requests "$requests" --warmup 1000 --warmup-seconds "$warmup_seconds" --rounds "$rounds"
      --concurrency "$concurrency" --clk-tck "$(getconf CLK_TCK)" --upstream-port "$upstream_port")
"${gw[@]}" java -Xms512m -Xmx512m -Xlog:gc:file="$tmp/after-gc.log" -cp "$cp" dev.vitals.server.cli.VitalsCli serve \
  --config "$tmp/after.yaml" >"$tmp/after.log" 2>&1 &
pids+=($!); args+=(--pid "vitals=$!" --gc-log "vitals=$tmp/after-gc.log")
"${gw[@]}" java -Xms512m -Xmx512m -Xlog:gc:file="$tmp/before-gc.log" -cp "$before_cp" dev.vitals.server.cli.VitalsCli serve \
  --config "$tmp/before.yaml" >"$tmp/before.log" 2>&1 &
pids+=($!); args+=(--pid "portkey=$!" --gc-log "portkey=$tmp/before-gc.log")
"${gw[@]}" java -Xms512m -Xmx512m -cp "$cp" dev.vitals.bench.BareProxy --port "$bare_port" --upstream-port "$upstream_port" \
  >"$tmp/bare.log" 2>&1 &
pids+=($!); args+=(--pid "bare=$!")
wait_up "http://127.0.0.1:$after_port/health" "Vitals (after)" "$tmp/after.log" 600
wait_up "http://127.0.0.1:$before_port/health" "Vitals (before)" "$tmp/before.log" 600
wait_up "http://127.0.0.1:$bare_port/" "the bare proxy" "$tmp/bare.log" 600
args+=(--vitals "http://127.0.0.1:$after_port" --bare "http://127.0.0.1:$bare_port" --portkey "http://127.0.0.1:$before_port")
"${load[@]}" java -Xms512m -Xmx512m -cp "$cp" dev.vitals.bench.GatewayLoad "${args[@]}" | sed 's/portkey (peer)/before (peer slot)/'
# what the call rows cost the after build: its group commits (the writer thread, off the call's path)
curl -s "http://127.0.0.1:$after_port/metrics" | grep -E '^vitals_store_commit_(seconds|writes)_(count|sum)' || true
