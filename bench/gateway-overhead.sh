#!/usr/bin/env bash
# Gateway overhead benchmark: a fast fake OpenAI upstream on loopback; the same requests sent direct,
# through a bare Vert.x pass-through proxy (the floor), through Vitals and through Portkey's open-source
# gateway (the peer: @portkey-ai/gateway 1.15.2 from npm, installed here in a temporary folder), in three
# kinds of cell (non-streaming; a stream written at once; a stream written event by event), at
# concurrency 1 and 16, in --rounds rounds (default 3); see BENCHMARKS.md, "Gateway overhead".
#
# By default the gateways (bare proxy, Vitals, Portkey) run as their own processes pinned to the upper
# half of the CPUs, and the load client with the fake upstream to the lower half, so a gateway never
# competes with its own load for a core, as in production. The harness reads each gateway's CPU time
# from /proc/PID/stat and, for the two JVMs, its allocation from its GC log (-Xlog:gc) and jstat, per
# cell. --shared runs the bare proxy and Vitals inside the load process instead, with nothing pinned
# (no CPU or allocation figures then). Every cell is warmed (--warmup requests a pass, passes repeated
# for at least --warmup-seconds) before any is measured: on one core a gateway's JIT compiler threads
# take about half the CPU for the first minute of load.
#   bench/gateway-overhead.sh [--requests 20000] [--peer-requests 2000] [--warmup 5000] [--warmup-seconds 90] [--rounds 3]
#       [--concurrency 1,16] [--kinds non-stream,stream-one-write,stream-per-event] [--chunks 20] [--chunk-gap-ms 0]
#       [--no-portkey] [--shared]
# Both Java gateways run with the collector and heap `./vitals serve` chooses (GATEWAY_GC_OPTS, default
# "-XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch"), and the script prints their young-collection pauses from the GC
# logs at the end. Extra JVM options for both: VITALS_JAVA_OPTS. Another build of Vitals
# (e.g. the shaded jar of the commit before a change, for a before/after table with this harness):
# VITALS_CLASSPATH.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
requests=20000; peer_requests=2000; warmup=5000; warmup_seconds=90; rounds=3; concurrency=1,16; kinds=non-stream,stream-one-write,stream-per-event; chunks=20; gap=0; portkey=1; shared=0
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests="$2"; shift 2;;
    --peer-requests) peer_requests="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --warmup-seconds) warmup_seconds="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;;
    --concurrency) concurrency="$2"; shift 2;;
    --kinds) kinds="$2"; shift 2;;
    --chunks) chunks="$2"; shift 2;;
    --chunk-gap-ms) gap="$2"; shift 2;;
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
# built in the reactor, never installed into ~/.m2: each module writes its classpath to its own target/
mvn -B -q -DskipTests -pl vitals-bench -am package dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >&2
cp="vitals-bench/target/classes:$(cat vitals-bench/target/bench.classpath)"
vitals_cp="${VITALS_CLASSPATH:-$cp}"
gc_opts="${GATEWAY_GC_OPTS:--XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch}"
# free ports chosen now (the gateways must know the upstream's before the load process starts it)
upstream_port=${UPSTREAM_PORT:-$(free_port)}; bare_port=${BARE_PORT:-$(free_port)}
vitals_port=${VITALS_PORT:-$(free_port)}; portkey_port=${PORTKEY_PORT:-$(free_port)}
args=(--requests "$requests" --peer-requests "$peer_requests" --warmup "$warmup" --warmup-seconds "$warmup_seconds" --rounds "$rounds"
      --concurrency "$concurrency" --kinds "$kinds" --chunks "$chunks" --chunk-gap-ms "$gap" --clk-tck "$(getconf CLK_TCK)")
make_tmp
load=(); gw=()
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $cpus CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'));" \
  "$(java -version 2>&1 | head -1); node $(node --version 2>/dev/null || echo 'absent'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$shared" = 0 ]; then
  half=$((cpus / 2))
  load=(taskset -c "0-$((half - 1))")
  gw=(taskset -c "$half-$((cpus - 1))")
  echo "gateways on CPUs $half-$((cpus - 1)); load client and upstream on CPUs 0-$((half - 1)); gateway JVMs: $gc_opts ${VITALS_JAVA_OPTS:-}"
fi
if [ -n "${VITALS_CLASSPATH:-}" ]; then echo "Vitals from VITALS_CLASSPATH=$VITALS_CLASSPATH"; fi
if [ "$shared" = 0 ]; then
  vitals_config "$tmp/vitals.yaml" "$vitals_port" "$tmp/vitals.db" "$upstream_port"
  # taskset execs java, so $! is the JVM's pid
  "${gw[@]}" java $gc_opts -Xlog:gc:file="$tmp/vitals-gc.log" ${VITALS_JAVA_OPTS:-} -cp "$vitals_cp" \
    dev.vitals.server.cli.VitalsCli serve --config "$tmp/vitals.yaml" >"$tmp/vitals.log" 2>&1 &
  pids+=($!); args+=(--pid "vitals=$!" --gc-log "vitals=$tmp/vitals-gc.log")
  "${gw[@]}" java $gc_opts -Xlog:gc:file="$tmp/bare-gc.log" ${VITALS_JAVA_OPTS:-} -cp "$cp" \
    dev.vitals.bench.BareProxy --port "$bare_port" --upstream-port "$upstream_port" >"$tmp/bare.log" 2>&1 &
  pids+=($!); args+=(--pid "bare=$!" --gc-log "bare=$tmp/bare-gc.log")
  wait_up "http://127.0.0.1:$vitals_port/health" Vitals "$tmp/vitals.log"
  wait_up "http://127.0.0.1:$bare_port/" "the bare proxy" "$tmp/bare.log"
  args+=(--upstream-port "$upstream_port" --vitals "http://127.0.0.1:$vitals_port" --bare "http://127.0.0.1:$bare_port")
fi
if [ "$portkey" = 1 ]; then
  command -v node >/dev/null || { echo "node is needed for Portkey (or pass --no-portkey)" >&2; exit 1; }
  # @portkey-ai/gateway 1.15.2 asks for @hono/node-server ^1.3.3, and npm picks the newest 1.x. From
  # 1.14 on, node-server's lightweight Response keeps a fetch() Response's own (immutable) Headers when
  # Portkey re-wraps a stream (new Response(body, upstreamResponse)); Portkey then appends its
  # x-portkey-* headers and undici throws "TypeError: immutable", so every stream fails with a 500
  # (Portkey-AI/gateway#1389; fixed in node-server 2.x by honojs/node-server#382). 1.13.8, inside
  # Portkey's declared range, delegates headers to a real Response and streams work.
  cat >"$tmp/package.json" <<'EOF'
{"name": "portkey-bench", "private": true,
 "dependencies": {"@portkey-ai/gateway": "1.15.2"},
 "overrides": {"@hono/node-server": "1.13.8"}}
EOF
  (cd "$tmp" && npm install --silent --no-audit --no-fund >/dev/null)
  echo "Portkey $(node -p "require('$tmp/node_modules/@portkey-ai/gateway/package.json').version") with @hono/node-server" \
    "$(node -p "require('$tmp/node_modules/@hono/node-server/package.json').version")"
  (cd "$tmp" && PORT=$portkey_port exec "${gw[@]}" node node_modules/@portkey-ai/gateway/build/start-server.js --port=$portkey_port >"$tmp/portkey.log" 2>&1) &
  pids+=($!); args+=(--pid "portkey=$!")
  wait_up "http://127.0.0.1:$portkey_port/" Portkey "$tmp/portkey.log"
  args+=(--portkey "http://127.0.0.1:$portkey_port")
fi
"${load[@]}" java -Xms512m -Xmx512m -cp "$cp" dev.vitals.bench.GatewayLoad "${args[@]}"
# young-collection pauses of each Java gateway over the whole run (warm-up included, start-up's
# metadata-triggered full collection not): count, p50, p99, max, from its -Xlog:gc log
pauses() {
  grep -oE 'Pause Young.* [0-9.]+ms$' "$2" | grep -oE '[0-9.]+ms$' | tr -d 'ms' | sort -n | awk -v name="$1" '
    { a[NR] = $1; sum += $1 }
    END { if (NR == 0) { print name ": no young pauses"; exit }
          i99 = int(NR * 0.99 + 0.999); if (i99 > NR) i99 = NR; i50 = int((NR + 1) / 2)
          printf "%s: %d young pauses, p50 %.2f ms, p99 %.2f ms, max %.2f ms, total %.0f ms\n", name, NR, a[i50], a[i99], a[NR], sum }'
}
if [ "$shared" = 0 ]; then
  echo; echo "GC pauses (-Xlog:gc, whole run):"
  pauses "bare (floor)" "$tmp/bare-gc.log"
  pauses "vitals" "$tmp/vitals-gc.log"
fi
