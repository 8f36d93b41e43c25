#!/usr/bin/env bash
# Benchmark (not a test): `./vitals drift` end to end against SciPy's ks_2samp on the same data.
#
# Generates ROWS (default 1,000,000) rows x 10 numeric columns for a reference and a current CSV file (NumPy,
# fixed seed, in a temporary directory), then times with /usr/bin/time -v (wall time, peak RSS):
#   1. ./vitals drift REF CUR --json OUT                  default tests (n > 1000: wasserstein on every column)
#   2. ./vitals drift REF CUR --json OUT --test cI=ks ... ks on every column, like for like with SciPy
#   3. python: numpy.loadtxt both files, then scipy.stats.ks_2samp per column (load and tests timed apart)
#   4. python: the same load, then wasserstein_distance / std per column (the default test's SciPy twin)
# and checks that the scores agree, then prints the serialized size of one numeric feature profile
# (DatasetProfile, KLL k = 1000) after all ROWS values: the library's memory measure (target < 64 KiB).
#
# Needs JDK 17, Maven (the first ./vitals builds the jar, not timed), Python with NumPy and SciPy (PYTHON, default
# Debian's /usr/bin/python3 with python3-scipy), GNU time (Debian: apt-get install -y time).
# Usage: bench/drift-vs-scipy.sh   (ROWS=100000 for a quick run)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${ROWS:-1000000}"
py="${PYTHON:-/usr/bin/python3}"
. "$here/bench/lib.sh"
require_tools "numpy, scipy"
make_tmp

echo "== machine"
echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB; java: $(java -version 2>&1 | head -1)"
"$py" -c 'import sys, numpy, scipy; print("python", sys.version.split()[0], "numpy", numpy.__version__, "scipy", scipy.__version__)'

echo "== generating $rows rows x 10 columns (seed 20250611) in $tmp"
"$py" - "$tmp" "$rows" <<'PY'
import sys
import numpy as np
out, rows = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(20250611)
header = ",".join(f"c{i}" for i in range(10))
# current: columns 0-4 shifted by 0.02..0.10 std, 5-9 unchanged
for name, shift in (("ref.csv", np.zeros(10)), ("cur.csv", np.array([0.02, 0.04, 0.06, 0.08, 0.1, 0, 0, 0, 0, 0]))):
    data = rng.normal(0.0, 1.0, size=(rows, 10)) + shift
    np.savetxt(f"{out}/{name}", data, delimiter=",", fmt="%.6f", header=header, comments="")
PY
ls -l "$tmp"/*.csv | awk '{print $5, $9}'

echo "== building the jar if needed (not timed)"
"$here/vitals" --version >/dev/null

timed() { # label, command...
  local label="$1"; shift
  echo "-- $label (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  /usr/bin/time -v "$@" >"$tmp/$label.out" 2>"$tmp/$label.time" || { cat "$tmp/$label.out" "$tmp/$label.time"; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tmp/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/$label.time")
  echo "   wall $wall  peak RSS $((rss / 1024)) MiB  (user $(awk -F': ' '/User time/ {print $2}' "$tmp/$label.time") s," \
       "sys $(awk -F': ' '/System time/ {print $2}' "$tmp/$label.time") s)"
}

echo "== timing"
timed vitals-default "$here/vitals" drift "$tmp/ref.csv" "$tmp/cur.csv" --json "$tmp/default.json"
ks_args=()
for i in $(seq 0 9); do ks_args+=(--test "c$i=ks"); done
timed vitals-ks "$here/vitals" drift "$tmp/ref.csv" "$tmp/cur.csv" --json "$tmp/ks.json" "${ks_args[@]}"
cat > "$tmp/scipy_drift.py" <<'PY'
import json, sys, time
import numpy as np
from scipy import stats
test, out = sys.argv[3], sys.argv[4]
t0 = time.perf_counter()
ref = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
cur = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
t1 = time.perf_counter()
if test == "ks":
    scores = [float(stats.ks_2samp(ref[:, i], cur[:, i]).pvalue) for i in range(ref.shape[1])]
else:
    scores = [float(stats.wasserstein_distance(ref[:, i], cur[:, i]) / max(np.std(ref[:, i]), 0.001))
              for i in range(ref.shape[1])]
t2 = time.perf_counter()
json.dump({"load_s": t1 - t0, "test_s": t2 - t1, "scores": scores}, open(out, "w"))
PY
timed scipy-ks "$py" "$tmp/scipy_drift.py" "$tmp/ref.csv" "$tmp/cur.csv" ks "$tmp/scipy-ks.json"
timed scipy-wasserstein "$py" "$tmp/scipy_drift.py" "$tmp/ref.csv" "$tmp/cur.csv" wasserstein "$tmp/scipy-w.json"

echo "== results"
"$py" - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
sk = json.load(open(f"{t}/scipy-ks.json"))
sw = json.load(open(f"{t}/scipy-w.json"))
ks = {f["feature"]: f for f in json.load(open(f"{t}/ks.json"))["features"]}
de = {f["feature"]: f for f in json.load(open(f"{t}/default.json"))["features"]}
print(f"scipy-ks: numpy.loadtxt of both files {sk['load_s']:.2f} s, ks_2samp x 10 {sk['test_s']:.2f} s")
print(f"scipy-wasserstein: numpy.loadtxt of both files {sw['load_s']:.2f} s, wasserstein_distance x 10 {sw['test_s']:.2f} s")
print("column  vitals ks p        scipy ks p         |diff|     vitals wasserstein  scipy wasserstein  verdict")
worst = 0.0
for i, (pk, pw) in enumerate(zip(sk["scores"], sw["scores"])):
    f, d = ks[f"c{i}"], de[f"c{i}"]
    diff = max(abs(f["score"] - pk), abs(d["score"] - pw))
    worst = max(worst, diff)
    print(f"c{i}      {f['score']:<18.10g} {pk:<18.10g} {diff:<10.2e} {d['score']:<19.10g} {pw:<18.10g} {d['verdict']}")
print(f"largest difference from SciPy: {worst:.2e}")
PY

echo "== memory per profiled feature (serialized DatasetProfile, the library's measure; target < 64 KiB)"
cat > "$tmp/ProfileSize.java" <<'JAVA'
import dev.vitals.drift.DatasetProfile;
import dev.vitals.drift.NumericProfile;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;

public class ProfileSize {
    public static void main(String[] args) throws Exception {
        int empty = DatasetProfile.builder().numeric("c0").build().toBytes().length;
        DatasetProfile p = DatasetProfile.builder().numeric("c0").build();
        NumericProfile c0 = p.numeric("c0");
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(Path.of(args[0]))) {
            r.readLine();
            for (String line; (line = r.readLine()) != null; n++) {
                c0.update(Double.parseDouble(line.substring(0, line.indexOf(','))));
            }
        }
        int size = p.toBytes().length;
        System.out.printf("numeric feature c0 after %,d values (KLL k = %d): %,d bytes serialized (%.1f KiB); "
                + "empty profile %,d bytes%n", n, NumericProfile.DEFAULT_K, size, size / 1024.0, empty);
    }
}
JAVA
java -cp "$here/vitals-server/target/vitals-server-0.1.0-SNAPSHOT-all.jar" "$tmp/ProfileSize.java" "$tmp/ref.csv"
