#!/usr/bin/env bash
# Benchmark (not a test): the offline tools against the Python pipelines, one table from one command.
#
#   bench/offline-tools.sh [ROWS=1000000] [ROUNDS=3]
#
#   eval:  ./vitals eval FILE --task classification --score-col score --json   (ROWS x 3 columns)
#          vs pandas.read_csv + scikit-learn and numpy.loadtxt + scikit-learn (accuracy, precision/recall/F1,
#          confusion matrix, ROC AUC, log loss: what vitals prints)
#   drift: ./vitals drift REF CUR --test c0=ks ... --json OUT                 (ROWS x 10 columns per file)
#          vs pandas.read_csv + scipy.stats.ks_2samp and numpy.loadtxt + ks_2samp, per column
#
# Every run is timed end to end by GNU time (/usr/bin/time -v: wall clock, peak RSS), process start and imports
# included; rounds are interleaved so that a change in load hits every tool; the table gives the median of the
# rounds with the range (min-max). Then it checks the results agree: ROC AUC equal to sklearn's within 1e-12,
# accuracy/F1/log loss, every ks p-value equal to SciPy's within 1e-12.
#
# BEFORE_JAR=path/to/vitals-server-all.jar adds "before" rows: that jar run as main's launcher ran it
# (eval: -XX:+UseSerialGC -Xmn16m; drift: JVM defaults). VITALS="java -cp ... dev.vitals.server.cli.VitalsCli"
# replaces ./vitals (the CI smoke test does, with small ROWS). PYTHON (default /usr/bin/python3: Debian's
# python3-pandas, python3-sklearn, python3-scipy). Needs GNU time at /usr/bin/time (Debian: apt-get install time).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-1000000}"
rounds="${2:-3}"
py="${PYTHON:-/usr/bin/python3}"
vitals="${VITALS:-$here/vitals}"
. "$here/bench/lib.sh"
require_tools "numpy, pandas, scipy, sklearn"
make_tmp

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
" $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
echo "java: $(java -version 2>&1 | head -1); $("$py" -c 'import platform, numpy, pandas, scipy, sklearn;
print("python", platform.python_version(), "numpy", numpy.__version__, "pandas", pandas.__version__,
"scipy", scipy.__version__, "sklearn", sklearn.__version__)')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- data (fixed seeds) ---------------------------------------------------------------------------------------
"$py" - "$tmp" "$rows" <<'PY'
import sys
import numpy as np
d, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(20240501)  # eval: 30% positives, noisy score, predicted = score >= 0.5
y = (rng.random(n) < 0.3).astype(int)
s = np.clip(rng.normal(np.where(y == 1, 0.65, 0.35), 0.2), 0, 1)
p = (s >= 0.5).astype(int)
with open(f"{d}/preds.csv", "w") as f:
    f.write("actual,predicted,score\n")
    f.write("".join(f"{a},{b},{c!r}\n" for a, b, c in zip(y.tolist(), p.tolist(), s.tolist())))
rng = np.random.default_rng(20250611)  # drift: 10 normal columns, the current file shifts c0-c4
ref, cur = rng.standard_normal((n, 10)), rng.standard_normal((n, 10))
cur[:, :5] += np.array([0.02, 0.04, 0.06, 0.08, 0.1])
hdr = ",".join(f"c{i}" for i in range(10))
np.savetxt(f"{d}/ref.csv", ref, fmt="%.6f", delimiter=",", header=hdr, comments="")
np.savetxt(f"{d}/cur.csv", cur, fmt="%.6f", delimiter=",", header=hdr, comments="")
PY
echo "data: eval $rows rows ($(du -m "$tmp/preds.csv" | cut -f1) MB); drift $rows x 10 per file"\
" ($(du -m "$tmp/ref.csv" | cut -f1) MB + $(du -m "$tmp/cur.csv" | cut -f1) MB)"
cat "$tmp"/*.csv >/dev/null # page cache

cat >"$tmp/eval.py" <<'PY'
import json, sys
import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss, precision_recall_fscore_support, roc_auc_score
path, reader = sys.argv[1], sys.argv[2]
if reader == "pandas":
    import pandas as pd
    df = pd.read_csv(path)
    y, yp, s = df["actual"].to_numpy(), df["predicted"].to_numpy(), df["score"].to_numpy()
else:
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    y, yp, s = data[:, 0].astype(int), data[:, 1].astype(int), data[:, 2]
pr, rc, f1, sup = precision_recall_fscore_support(y, yp, labels=[0, 1], zero_division=0)
json.dump({"accuracy": accuracy_score(y, yp), "f1": f1.tolist(), "support": sup.tolist(),
           "confusion": confusion_matrix(y, yp, labels=[0, 1]).tolist(),
           "roc_auc": roc_auc_score(y == 1, s), "log_loss": log_loss(y == 1, s)}, sys.stdout)
PY
cat >"$tmp/drift.py" <<'PY'
import json, sys
import numpy as np
from scipy.stats import ks_2samp
ref_path, cur_path, reader = sys.argv[1], sys.argv[2], sys.argv[3]
if reader == "pandas":
    import pandas as pd
    ref, cur = pd.read_csv(ref_path), pd.read_csv(cur_path)
    cols = list(ref.columns)
    pairs = [(ref[c].to_numpy(), cur[c].to_numpy()) for c in cols]
else:
    r, c = np.loadtxt(ref_path, delimiter=",", skiprows=1), np.loadtxt(cur_path, delimiter=",", skiprows=1)
    cols = [f"c{i}" for i in range(r.shape[1])]
    pairs = [(r[:, i], c[:, i]) for i in range(r.shape[1])]
json.dump({name: ks_2samp(a, b).pvalue for name, (a, b) in zip(cols, pairs)}, sys.stdout)
PY

ks=""
for i in $(seq 0 9); do ks="$ks --test c$i=ks"; done
tools=()
[ -n "${BEFORE_JAR:-}" ] && tools+=("eval|vitals eval, before|java -XX:+UseSerialGC -Xmn16m -jar $BEFORE_JAR eval $tmp/preds.csv --task classification --score-col score --json")
tools+=("eval|vitals eval|$vitals eval $tmp/preds.csv --task classification --score-col score --json")
tools+=("eval|pandas.read_csv + sklearn|$py $tmp/eval.py $tmp/preds.csv pandas")
tools+=("eval|numpy.loadtxt + sklearn|$py $tmp/eval.py $tmp/preds.csv loadtxt")
[ -n "${BEFORE_JAR:-}" ] && tools+=("drift|vitals drift --test ks, before|java -jar $BEFORE_JAR drift $tmp/ref.csv $tmp/cur.csv$ks --json $tmp/before.json")
tools+=("drift|vitals drift --test ks|$vitals drift $tmp/ref.csv $tmp/cur.csv$ks --json $tmp/drift.json")
tools+=("drift|pandas.read_csv + scipy ks_2samp|$py $tmp/drift.py $tmp/ref.csv $tmp/cur.csv pandas")
tools+=("drift|numpy.loadtxt + scipy ks_2samp|$py $tmp/drift.py $tmp/ref.csv $tmp/cur.csv loadtxt")

# a first, untimed run of each vitals command: builds the jar if needed and writes its class-data archive
for t in "${!tools[@]}"; do
  case "${tools[$t]}" in *"|vitals "*) bash -c "${tools[$t]##*|}" >/dev/null 2>&1 || true ;; esac
done

for ((r = 1; r <= rounds; r++)); do
  for t in "${!tools[@]}"; do
    spec="${tools[$t]}"
    /usr/bin/time -v -o "$tmp/time.txt" bash -c "${spec##*|}" >"$tmp/out$t.txt" 2>"$tmp/err$t.txt" \
      || { echo "failed: ${spec##*|}" >&2; cat "$tmp/err$t.txt" >&2; exit 1; }
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + a[j]; print s}' "$tmp/time.txt")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
    echo "$t $wall $kb" >>"$tmp/samples.txt"
    printf '  round %d %-40s %7.2f s %6d MB  (load %s)\n' "$r" "$(echo "$spec" | cut -d'|' -f2)" "$wall" \
      "$((kb / 1024))" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done

echo
echo "| $rows rows, median of $rounds (range) | wall s | peak RSS MB | speed-up vs the fastest Python (wall) |"
echo "|---|---:|---:|---:|"
for task in eval drift; do
  # the fastest Python pipeline of the task, by median wall time
  best=""
  for t in "${!tools[@]}"; do
    [ "$(echo "${tools[$t]}" | cut -d'|' -f1)" = "$task" ] || continue
    case "$(echo "${tools[$t]}" | cut -d'|' -f2)" in vitals*) continue ;; esac
    m=$(awk -v t="$t" '$1 == t {print $2}' "$tmp/samples.txt" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
    if [ -z "$best" ] || awk -v a="$m" -v b="$best" 'BEGIN {exit !(a < b)}'; then best="$m"; fi
  done
  for t in "${!tools[@]}"; do
    [ "$(echo "${tools[$t]}" | cut -d'|' -f1)" = "$task" ] || continue
    awk -v t="$t" -v name="$(echo "${tools[$t]}" | cut -d'|' -f2)" -v best="$best" '
      $1 == t { w[++n] = $2; m[n] = $3 }
      END {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && w[j - 1] > w[j]; j--) { x = w[j]; w[j] = w[j - 1]; w[j - 1] = x }
        for (i = 2; i <= n; i++) for (j = i; j > 1 && m[j - 1] > m[j]; j--) { x = m[j]; m[j] = m[j - 1]; m[j - 1] = x }
        k = int((n + 1) / 2)
        printf "| %s | %.2f (%.2f-%.2f) | %d (%d-%d) | %s |\n", name, w[k], w[1], w[n], m[k] / 1024, m[1] / 1024,
          m[n] / 1024, sprintf("%.2fx", best / w[k])
      }' "$tmp/samples.txt"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- agreement --------------------------------------------------------------------------------------------------
idx() { for t in "${!tools[@]}"; do [ "$(echo "${tools[$t]}" | cut -d'|' -f2)" = "$1" ] && echo "$t"; done; }
"$py" - "$tmp/out$(idx 'vitals eval').txt" "$tmp/out$(idx 'pandas.read_csv + sklearn').txt" \
  "$tmp/drift.json" "$tmp/out$(idx 'pandas.read_csv + scipy ks_2samp').txt" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["classification"]
s = json.load(open(sys.argv[2]))
d_auc = abs(v["roc_auc"] - s["roc_auc"]) if "roc_auc" in v else abs(v["rocAuc"] - s["roc_auc"])
d_acc = abs(v["accuracy"] - s["accuracy"])
d_f1 = max(abs(c["f1"] - f) for c, f in zip(v["classes"], s["f1"]))
d_ll = abs(v.get("log_loss", v.get("logLoss")) - s["log_loss"])
assert v["confusion"]["counts"] == s["confusion"], "confusion matrices differ"
assert d_auc <= 1e-12 and d_acc <= 1e-12 and d_f1 <= 1e-12 and d_ll <= 1e-9, (d_auc, d_acc, d_f1, d_ll)
print(f"eval agrees with sklearn: |d ROC AUC| {d_auc:.1e}, |d accuracy| {d_acc:.1e}, |d F1| {d_f1:.1e},"
      f" |d log loss| {d_ll:.1e}; confusion matrices equal")
vd = {f["feature"]: f["score"] for f in json.load(open(sys.argv[3]))["features"]}
sd = json.load(open(sys.argv[4]))
d = max(abs(vd[k] - sd[k]) for k in sd)
assert set(vd) == set(sd) and d <= 1e-12, d
print(f"drift agrees with SciPy: largest |d ks p-value| over {len(sd)} columns {d:.1e}")
PY
