#!/usr/bin/env bash
# Where Vitals' CPU goes in one kind of cell of the gateway benchmark: runs bench/gateway-overhead.sh (one round,
# no Portkey) and, once the cells are warm, attaches async-profiler (tools.profiler:async-profiler from Maven Central)
# to the Vitals JVM through the JDK's attach API for the measured cells only, then prints the share of CPU samples
# per thread. With --sched it also records `perf sched` on the gateway's CPUs for 2 s of the first Vitals cell and
# prints, per thread, its slices and how often it waited for the core more than 1 ms (root, or perf_event_paranoid
# allowing it). A profiler's samples cost CPU: read shares, not the harness' µs per request, from a profiled run.
#   bench/profile.sh --out DIR [--sched] [gateway-overhead.sh options, e.g. --kinds stream-one-write --concurrency 16
#       --warmup-seconds 60 --requests 60000]
# Output in DIR: bench.txt (the harness' output), vitals.collapsed (folded stacks, one line per stack, the thread
# first: flame graphs and grep read it), threads.txt, and with --sched timehist.txt and sched.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
out=""; sched=0; args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2;;
    --sched) sched=1; shift;;
    *) args+=("$1"); shift;;
  esac
done
[ -n "$out" ] || { echo "--out DIR is required" >&2; exit 2; }
mkdir -p "$out"; out="$(cd "$out" && pwd)"
version=4.1
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
[ -f "$jar" ] || mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$version" -Dtransitive=false >&2
arch=$(uname -m); case "$arch" in x86_64) arch=x64;; aarch64) arch=arm64;; esac
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && unzip -q -o "$jar" "linux-$arch/libasyncProfiler.so")
lib="$work/linux-$arch/libasyncProfiler.so"
cat >"$work/Attach.java" <<'EOF'
public class Attach {
    public static void main(String[] a) throws Exception {
        com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(a[0]);
        try {
            vm.loadAgentPath(a[1], a[2]); // options verbatim: jcmd's JVMTI.agent_load splits them at '='
        } finally {
            vm.detach();
        }
    }
}
EOF
javac -d "$work" "$work/Attach.java"
attach() { java -cp "$work" Attach "$1" "$lib" "$2"; }

bench/gateway-overhead.sh --no-portkey --rounds 1 "${args[@]}" >"$out/bench.txt" 2>&1 &
bench_pid=$!
until grep -q 'warm; measuring' "$out/bench.txt"; do
  kill -0 "$bench_pid" 2>/dev/null || { cat "$out/bench.txt" >&2; exit 1; }
  sleep 0.2
done
vitals=""
for q in $(pgrep -f 'dev.vitals.server.cli.VitalsCli serve'); do # the JVM, not a shell whose command line names it
  if [ "$(cat "/proc/$q/comm" 2>/dev/null)" = java ]; then vitals=$q; break; fi
done
[ -n "$vitals" ] || { echo "no Vitals JVM found" >&2; exit 1; }
# with file=, the profiler also writes its profile when the JVM exits: the harness may end Vitals before the stop below
attach "$vitals" "start,event=cpu,interval=1ms,threads,collapsed,file=$out/vitals.collapsed" >/dev/null
if [ "$sched" = 1 ]; then
  # the first Vitals cell: wait until its CPU time grows fast (direct and the floor are measured before it)
  t0=$(awk '{print $14 + $15}' "/proc/$vitals/stat")
  while sleep 0.3; do
    t1=$(awk '{print $14 + $15}' "/proc/$vitals/stat")
    [ $((t1 - t0)) -gt 15 ] && break
    t0=$t1
  done
  cpus=$(taskset -cp "$vitals" | sed 's/.*: //')
  perf sched record -C "$cpus" -o "$work/perf.data" -- sleep 2 >/dev/null 2>&1 || echo "perf sched record failed" >&2
fi
# the measured cells end with their Vitals row; stop the profiler after the last one
cells=$(python3 - "${args[@]}" <<'EOF'
import sys
a = sys.argv[1:]
kinds = a[a.index("--kinds") + 1].split(",") if "--kinds" in a else ["non-stream", "stream-one-write", "stream-per-event"]
conc = a[a.index("--concurrency") + 1].split(",") if "--concurrency" in a else ["1", "16"]
print(len(kinds) * len(conc))
EOF
)
while kill -0 "$bench_pid" 2>/dev/null && [ "$(grep -c '^| vitals' "$out/bench.txt" || true)" -lt "$cells" ]; do sleep 0.05; done
attach "$vitals" "stop,file=$out/vitals.collapsed,collapsed,threads" >/dev/null 2>&1 || echo "Vitals had ended: its profile was written at its exit" >&2
wait "$bench_pid"
python3 - "$out/vitals.collapsed" >"$out/threads.txt" <<'EOF'
import collections, re, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    stack, n = line.rstrip().rsplit(" ", 1)
    c[re.sub(r"\d+", "#", stack.split(";")[0])] += int(n)
total = sum(c.values()) or 1
print(f"CPU samples per thread of Vitals ({total} in all):")
for name, n in c.most_common(15):
    print(f"{100 * n / total:5.1f}%  {name}")
EOF
cat "$out/threads.txt"
if [ "$sched" = 1 ] && [ -f "$work/perf.data" ]; then
  perf sched timehist -i "$work/perf.data" >"$out/timehist.txt" 2>/dev/null
  python3 - "$out/timehist.txt" >"$out/sched.txt" <<'EOF'
import collections, re, sys
st = collections.defaultdict(lambda: [0, 0.0, 0.0, 0])
for line in open(sys.argv[1]).readlines()[3:]:
    p = line.split()
    try:
        name = re.sub(r"\[\d+/?\d*\]$", "", p[2]); delay = float(p[-2]); run = float(p[-1])
    except (IndexError, ValueError):
        continue
    s = st[name]; s[0] += 1; s[1] += run; s[2] = max(s[2], run); s[3] += delay > 1
print("thread, slices, ms run, longest slice ms, waits for the core over 1 ms (2 s on the gateway's CPUs)")
for name, s in sorted(st.items(), key=lambda kv: -kv[1][1])[:12]:
    print(f"{name:24s} {s[0]:6d} {s[1]:9.1f} {s[2]:7.2f} {s[3]:5d}")
EOF
  cat "$out/sched.txt"
fi
