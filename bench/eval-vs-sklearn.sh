#!/usr/bin/env bash
# Benchmark: `./vitals eval` against scikit-learn, end to end (file parsing included), on a
# binary classification CSV with scores (default 1,000,000 rows, fixed seed, in a temp dir).
#
#   bench/eval-vs-sklearn.sh [ROWS] [RUNS]        # defaults: 1000000 rows, 5 runs of each
#
# Needs: Debian's python3-sklearn (python3, numpy, scikit-learn; no pandas), GNU time
# (/usr/bin/time -v: wall time and peak RSS; `apt-get install -y time`), a JDK 17 and Maven for
# the first ./vitals build. The page cache is warmed before timing; each tool runs RUNS times,
# interleaved, and the median and minimum wall time, the median CPU time (user + system) and the
# largest peak RSS are reported.
#
# scikit-learn is timed twice: reading with numpy.loadtxt (numpy >= 1.23 parses in C; labels as
# integers, sklearn's fastest path) and with the csv module (labels as strings, like vitals). Both compute what vitals prints for
# this file: accuracy, per-class precision/recall/F1/support (and their averages), the confusion
# matrix, ROC AUC and log loss. The results of all three are compared at the end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-1000000}"
runs="${2:-5}"
py="${PYTHON:-/usr/bin/python3}"
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
" $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1); python $("$py" -c 'import platform, numpy, sklearn; print(platform.python_version(), "numpy", numpy.__version__, "sklearn", sklearn.__version__)')"

# ---- data: actual 0/1 (30% positives), a noisy score, predicted = score >= 0.5 -------------------
"$py" - "$tmp/preds.csv" "$rows" <<'PY'
import sys
import numpy as np
path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(20240501)
y = (rng.random(n) < 0.3).astype(int)
s = np.clip(rng.normal(np.where(y == 1, 0.65, 0.35), 0.2), 0, 1)
p = (s >= 0.5).astype(int)
with open(path, "w") as f:
    f.write("actual,predicted,score\n")
    f.write("".join(f"{a},{b},{c!r}\n" for a, b, c in zip(y.tolist(), p.tolist(), s.tolist())))
PY
echo "data: $rows rows, $(du -m "$tmp/preds.csv" | cut -f1) MB ($tmp/preds.csv)"
cat "$tmp/preds.csv" >/dev/null

cat >"$tmp/sk.py" <<'PY'
import csv, json, sys
import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, log_loss, precision_recall_fscore_support,
                             roc_auc_score)
path, reader = sys.argv[1], sys.argv[2]
if reader == "loadtxt":  # numbers only: integer labels, sklearn's fastest path
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    y, yp, s = data[:, 0].astype(int), data[:, 1].astype(int), data[:, 2]
    labels, positive = [0, 1], 1
else:  # csv module: labels as strings, like vitals
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        a, p, sc = [], [], []
        for row in r:
            a.append(row[0]); p.append(row[1]); sc.append(float(row[2]))
    y, yp, s = np.array(a), np.array(p), np.array(sc)
    labels, positive = ["0", "1"], "1"
pr, rc, f1, sup = precision_recall_fscore_support(y, yp, labels=labels, zero_division=0)
out = {
    "accuracy": accuracy_score(y, yp),
    "precision": pr.tolist(), "recall": rc.tolist(), "f1": f1.tolist(), "support": sup.tolist(),
    "macro_f1": float(f1.mean()), "weighted_f1": float((f1 * sup).sum() / sup.sum()),
    "confusion": confusion_matrix(y, yp, labels=labels).tolist(),
    "roc_auc": roc_auc_score(y == positive, s),
    "log_loss": log_loss(y == positive, s),
}
json.dump(out, sys.stdout)
PY

# ---- build the jar first (not timed) -------------------------------------------------------------
"$here/vitals" --version >/dev/null

# tools: name | command (run with bash -c; $CSV is the data file, output to stdout)
tools=(
  "./vitals eval|\"$here/vitals\" eval \"\$CSV\" --task classification --score-col score --json"
  "./vitals eval, VITALS_JAVA_OPTS=-Xmx64m|VITALS_JAVA_OPTS=-Xmx64m \"$here/vitals\" eval \"\$CSV\" --task classification --score-col score --json"
  "sklearn, numpy.loadtxt|\"$py\" \"$tmp/sk.py\" \"\$CSV\" loadtxt"
  "sklearn, csv module|\"$py\" \"$tmp/sk.py\" \"\$CSV\" csv"
)
export CSV="$tmp/preds.csv"
# runs are interleaved (tool 1, 2, 3, 4, tool 1, ...) so that a change in the machine's load hits all
for ((i = 1; i <= runs; i++)); do
  for t in "${!tools[@]}"; do
    name="${tools[$t]%%|*}"
    /usr/bin/time -v -o "$tmp/time.txt" bash -c "${tools[$t]#*|}" >"$tmp/out$t.json"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, a, ":"); s = 0; for (j = 1; j <= n; j++) s = s * 60 + a[j]; print s}' "$tmp/time.txt")
    cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$tmp/time.txt")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
    echo "$t $wall $cpu $kb" >>"$tmp/samples.txt"
    printf '  run %d %-40s %6.2f s wall %6.2f s cpu %5d MB  (load %s)\n' "$i" "$name" "$wall" "$cpu" "$((kb / 1024))" \
      "$(cut -d' ' -f1 /proc/loadavg)"
  done
done

echo
printf '%-40s %10s %10s %10s %10s\n' "$rows rows, $runs runs each" "median wall" "min wall" "median cpu" "peak RSS"
for t in "${!tools[@]}"; do
  awk -v t="$t" -v name="${tools[$t]%%|*}" '
    $1 == t { w[++n] = $2; c[n] = $3; if ($4 > r) r = $4 }
    END {
      # medians by insertion sort
      for (i = 2; i <= n; i++) for (j = i; j > 1 && w[j - 1] > w[j]; j--) { x = w[j]; w[j] = w[j - 1]; w[j - 1] = x }
      for (i = 2; i <= n; i++) for (j = i; j > 1 && c[j - 1] > c[j]; j--) { x = c[j]; c[j] = c[j - 1]; c[j - 1] = x }
      printf "%-40s %9.2fs %9.2fs %9.2fs %7d MB\n", name, w[int((n + 1) / 2)], w[1], c[int((n + 1) / 2)], r / 1024
    }' "$tmp/samples.txt"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$py" - "$tmp/out0.json" "$tmp/out2.json" "$tmp/out3.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["classification"]
for path in sys.argv[2:]:
    s = json.load(open(path))
    d = {
        "accuracy": abs(v["accuracy"] - s["accuracy"]),
        "f1": max(abs(c["f1"] - f) for c, f in zip(v["classes"], s["f1"])),
        "log_loss": abs(v["logLoss"] - s["log_loss"]),
        "roc_auc": abs(v["rocAuc"] - s["roc_auc"]),
    }
    assert v["confusion"]["counts"] == s["confusion"], "confusion matrices differ"
    assert d["accuracy"] < 1e-12 and d["f1"] < 1e-12 and d["log_loss"] < 1e-9, d
    assert d["roc_auc"] <= v["rocAucErrorBound"] + 1e-12, d
    print(f"agreement with {'sklearn, numpy.loadtxt' if path.endswith('out2.json') else 'sklearn, csv module'}: |d accuracy| {d['accuracy']:.1e}, |d f1| {d['f1']:.1e},"
          f" |d log loss| {d['log_loss']:.1e}, |d ROC AUC| {d['roc_auc']:.1e}"
          f" (vitals' bound {v['rocAucErrorBound']:.1e}); confusion matrices equal")
PY
