#!/usr/bin/env bash
# Gateway overhead benchmark: a fast fake OpenAI upstream on loopback; the same requests sent direct,
# through a bare Vert.x pass-through proxy (the floor), through Vitals and through Portkey's open-source
# gateway (@portkey-ai/gateway 1.15.2 from npm, installed here in a temporary folder), non-streaming and
# streaming, at concurrency 1 and 16, in one run.
#
# By default the gateways (bare proxy, Vitals, Portkey) run as their own processes pinned to the upper
# half of the CPUs, and the load client with the fake upstream to the lower half, so a gateway never
# competes with its own load for a core, as in production. --shared runs the bare proxy and Vitals
# inside the load process instead, with nothing pinned. Every cell is warmed (5,000 requests a pass,
# passes repeated for at least 90 s) before any is measured: on one core a gateway's JIT compiler
# threads take about half the CPU for the first minute of load.
#   bench/gateway-overhead.sh [--requests 20000] [--warmup 5000] [--warmup-seconds 90] [--rounds 1] [--concurrency 1,16] [--no-portkey] [--shared]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=20000; warmup=5000; warmup_seconds=90; rounds=1; concurrency=1,16; portkey=1; shared=0
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --warmup-seconds) warmup_seconds="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;;
    --concurrency) concurrency="$2"; shift 2;;
    --no-portkey) portkey=0; shift;;
    --shared) shared=1; shift;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
cpus=$(nproc)
if [ "$shared" = 0 ] && { [ "$cpus" -lt 2 ] || ! command -v taskset >/dev/null; }; then
  echo "fewer than 2 CPUs or no taskset: running --shared" >&2
  shared=1
fi
mvn -B -q -DskipTests -pl vitals-bench -am install >&2
cp="vitals-bench/target/classes:$(cd vitals-bench && mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
upstream_port=${UPSTREAM_PORT:-18791}; bare_port=${BARE_PORT:-18792}; vitals_port=${VITALS_PORT:-18793}; portkey_port=${PORTKEY_PORT:-8787}
args=(--requests "$requests" --warmup "$warmup" --warmup-seconds "$warmup_seconds" --rounds "$rounds" --concurrency "$concurrency")
pids=()
tmp="$(mktemp -d)"
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
load=(); gw=()
if [ "$shared" = 0 ]; then
  half=$((cpus / 2))
  load=(taskset -c "0-$((half - 1))")
  gw=(taskset -c "$half-$((cpus - 1))")
  echo "gateways on CPUs $half-$((cpus - 1)); load client and upstream on CPUs 0-$((half - 1))" >&2
fi
wait_up() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "$2 did not start; see $3" >&2; cat "$3" >&2; exit 1; }
if [ "$shared" = 0 ]; then
  cat >"$tmp/vitals.yaml" <<EOF
server:
  host: 127.0.0.1
  port: $vitals_port
store:
  path: $tmp/vitals.db
defaultModel: bench-model
backends:
  - name: bench
    type: openai
    baseUrl: http://127.0.0.1:$upstream_port/v1
    models: [bench-model]
EOF
  "${gw[@]}" java -Xms512m -Xmx512m ${VITALS_JAVA_OPTS:-} -cp "$cp" dev.vitals.server.cli.VitalsCli serve --config "$tmp/vitals.yaml" >"$tmp/vitals.log" 2>&1 &
  pids+=($!)
  "${gw[@]}" java -Xms512m -Xmx512m ${VITALS_JAVA_OPTS:-} -cp "$cp" dev.vitals.bench.BareProxy --port "$bare_port" --upstream-port "$upstream_port" >"$tmp/bare.log" 2>&1 &
  pids+=($!)
  wait_up "http://127.0.0.1:$vitals_port/health" Vitals "$tmp/vitals.log"
  wait_up "http://127.0.0.1:$bare_port/" "the bare proxy" "$tmp/bare.log"
  args+=(--upstream-port "$upstream_port" --vitals "http://127.0.0.1:$vitals_port" --bare "http://127.0.0.1:$bare_port")
fi
if [ "$portkey" = 1 ]; then
  command -v node >/dev/null || { echo "node is needed for Portkey (or pass --no-portkey)" >&2; exit 1; }
  (cd "$tmp" && npm install --silent --no-audit --no-fund @portkey-ai/gateway@1.15.2 >/dev/null)
  (cd "$tmp" && PORT=$portkey_port exec "${gw[@]}" node node_modules/@portkey-ai/gateway/build/start-server.js --port=$portkey_port >"$tmp/portkey.log" 2>&1) &
  pids+=($!)
  wait_up "http://127.0.0.1:$portkey_port/" Portkey "$tmp/portkey.log"
  args+=(--portkey "http://127.0.0.1:$portkey_port")
fi
"${load[@]}" java -Xms512m -Xmx512m -cp "$cp" dev.vitals.bench.GatewayLoad "${args[@]}"
