#!/usr/bin/env bash
# Gateway overhead benchmark: a fast fake OpenAI upstream on loopback; the same requests sent direct,
# through Vitals and through Portkey's open-source gateway (@portkey-ai/gateway 1.15.2 from npm, started
# here in a temporary folder), non-streaming and streaming, at concurrency 1 and 16, in one run.
#   bench/gateway-overhead.sh [--requests 20000] [--warmup 5000] [--no-portkey]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=20000; warmup=5000; portkey=1
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests="$2"; shift 2;;
    --warmup) warmup="$2"; shift 2;;
    --no-portkey) portkey=0; shift;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
mvn -B -q -DskipTests -pl vitals-bench -am install >&2
cp="vitals-bench/target/classes:$(cd vitals-bench && mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
args=(--requests "$requests" --warmup "$warmup" --concurrency 1,16)
pid=""
tmp=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; [ -n "$tmp" ] && rm -rf "$tmp"; }
trap cleanup EXIT
if [ "$portkey" = 1 ]; then
  command -v node >/dev/null || { echo "node is needed for Portkey (or pass --no-portkey)" >&2; exit 1; }
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm install --silent --no-audit --no-fund @portkey-ai/gateway@1.15.2 >/dev/null)
  port=8787
  (cd "$tmp" && PORT=$port exec node node_modules/@portkey-ai/gateway/build/start-server.js --port=$port >"$tmp/portkey.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  args+=(--portkey "http://127.0.0.1:$port")
fi
java -Xms512m -Xmx512m -cp "$cp" dev.vitals.bench.GatewayLoad "${args[@]}"
