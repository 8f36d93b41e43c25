#!/usr/bin/python3
"""Writes vitals-server/src/test/resources/drift-cli/: small CSV files and the drift scores SciPy computes for
them (expected.json), for DriftCommandTest. The tests need no Python; rerun this only to change the data.

Run from the repository root with Debian's python3-scipy (SciPy 1.10.1, NumPy 1.24.2, the versions of the committed
files and of vitals-core's goldens; SciPy 1.17 / NumPy 2.4 write the same data and scores to 1e-15):
    /usr/bin/python3 vitals-server/src/test/python/gen_drift_cli_golden.py

Seeds are fixed. Values are written with Python's repr (shortest round-trip form), so the CLI parses exactly the
doubles SciPy saw. Scores follow dev.vitals.drift (vitals-core's package-info.java):
  ks            scipy.stats.ks_2samp(ref, cur) p-value (method='auto')
  chisquare     scipy.stats.chisquare(f_obs=cur counts, f_exp=ref counts * n_cur / n_ref) p-value
  z             Evidently's pooled two-proportion z-test on the first value (sorted), 2 * norm.sf(|z|)
  wasserstein   scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
  jensenshannon scipy.spatial.distance.jensenshannon(ref shares, cur shares) (natural log); categorical: one bin
                per value; numeric with > 5 distinct values: B = ceil(log2(n_ref + n_cur)) + 1 bins,
                np.histogram(x, np.linspace(min, max, B + 1))
Nulls (empty, NA, NaN, null) are written into some columns and left out of every score, as the CLI does.
"""
import json
import os
import platform

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "drift-cli")


def sturges_bins(n):
    return (n - 1).bit_length() + 1 if n > 1 else 1


def ks(ref, cur):
    return float(stats.ks_2samp(ref, cur).pvalue)


def wasserstein(ref, cur):
    return float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))


def counts(ref, cur):
    keys = sorted(set(ref) | set(cur))
    return keys, np.array([ref.count(k) for k in keys], float), np.array([cur.count(k) for k in keys], float)


def chisquare(ref, cur):
    keys, r, c = counts(ref, cur)
    return float(stats.chisquare(c, r * len(cur) / len(ref))[1])


def z(ref, cur):
    keys, r, c = counts(ref, cur)
    assert len(keys) == 2
    n1, n2 = len(ref), len(cur)
    p1, p2 = r[0] / n1, c[0] / n2
    pp = (p1 * n1 + p2 * n2) / (n1 + n2)
    zz = (p1 - p2) / np.sqrt(pp * (1 - pp) * (1.0 / n1 + 1.0 / n2))
    return float(2 * stats.norm.sf(abs(zz)))


def js_categorical(ref, cur):
    keys, r, c = counts(ref, cur)
    return float(distance.jensenshannon(r / len(ref), c / len(cur)))


def js_numeric(ref, cur):
    both = np.concatenate([ref, cur])
    assert len(np.unique(both)) > 5
    edges = np.linspace(both.min(), both.max(), sturges_bins(len(both)) + 1)
    r = np.histogram(ref, edges)[0] / len(ref)
    c = np.histogram(cur, edges)[0] / len(cur)
    return float(distance.jensenshannon(r, c))


P_VALUES = {"ks", "chisquare", "z"}


def verdict(test, score):
    if test in P_VALUES:
        return "DRIFT" if score < 0.05 else "NO_DRIFT"
    return "DRIFT" if score >= 0.1 else "NO_DRIFT"


def with_nulls(rng, values, share, markers=("", "NA", "NaN", "null")):
    """The values as CSV text, some replaced by null markers."""
    out = []
    for v in values:
        if rng.random() < share:
            out.append(str(rng.choice(markers)))
        else:
            out.append(repr(float(v)) if isinstance(v, (float, np.floating)) else str(v))
    return out


def write_csv(name, columns, delimiter=","):
    names = list(columns)
    n = len(columns[names[0]])
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        f.write(delimiter.join(names) + "\n")
        for i in range(n):
            f.write(delimiter.join(columns[k][i] for k in names) + "\n")


def non_null_numbers(texts):
    return np.array([float(t) for t in texts if t not in ("", "NA", "NaN", "null")])


def non_null_texts(texts):
    return [t for t in texts if t not in ("", "NA", "NaN", "null")]


def feature(test, ref_texts, cur_texts, score):
    ref_n = len([t for t in ref_texts if t not in ("", "NA", "NaN", "null")])
    cur_n = len([t for t in cur_texts if t not in ("", "NA", "NaN", "null")])
    return {"test": test, "score": score, "verdict": verdict(test, score),
            "referenceCount": ref_n, "currentCount": cur_n,
            "referenceNulls": len(ref_texts) - ref_n, "currentNulls": len(cur_texts) - cur_n}


def small_case(rng):
    """n_ref = 300 <= 1000: default tests ks (numeric), chisquare (> 2 values), z (2 values)."""
    n_ref, n_cur = 300, 260
    cols_ref, cols_cur = {}, {}
    cols_ref["latency_ms"] = with_nulls(rng, np.round(rng.normal(200, 30, n_ref), 3), 0.03)
    cols_cur["latency_ms"] = with_nulls(rng, np.round(rng.normal(212, 30, n_cur), 3), 0.05)
    regions = ["zürich", "genève", "münchen", "paris"]
    cols_ref["region"] = list(rng.choice(regions, n_ref, p=[0.4, 0.3, 0.2, 0.1]))
    cols_cur["region"] = list(rng.choice(regions, n_cur, p=[0.3, 0.3, 0.2, 0.2]))
    cols_ref["cached"] = with_nulls(rng, rng.choice(["yes", "no"], n_ref, p=[0.7, 0.3]), 0.02, markers=("",))
    cols_cur["cached"] = with_nulls(rng, rng.choice(["yes", "no"], n_cur, p=[0.6, 0.4]), 0.02, markers=("",))
    cols_ref["score"] = [repr(float(v)) for v in np.round(rng.gamma(2.0, 1.5, n_ref), 4)]
    cols_cur["score"] = [repr(float(v)) for v in np.round(rng.gamma(2.2, 1.5, n_cur), 4)]
    cols_ref["tokens"] = [str(int(v)) for v in rng.poisson(120, n_ref)]
    cols_cur["tokens"] = [str(int(v)) for v in rng.poisson(118, n_cur)]
    write_csv("small-ref.csv", cols_ref)
    write_csv("small-cur.csv", cols_cur)
    exp = {
        "latency_ms": feature("ks", cols_ref["latency_ms"], cols_cur["latency_ms"],
                              ks(non_null_numbers(cols_ref["latency_ms"]), non_null_numbers(cols_cur["latency_ms"]))),
        "region": feature("chisquare", cols_ref["region"], cols_cur["region"],
                          chisquare(cols_ref["region"], cols_cur["region"])),
        "cached": feature("z", cols_ref["cached"], cols_cur["cached"],
                          z(non_null_texts(cols_ref["cached"]), non_null_texts(cols_cur["cached"]))),
        "score": feature("wasserstein", cols_ref["score"], cols_cur["score"],
                         wasserstein(non_null_numbers(cols_ref["score"]), non_null_numbers(cols_cur["score"]))),
        "tokens": feature("jensenshannon", cols_ref["tokens"], cols_cur["tokens"],
                          js_numeric(non_null_numbers(cols_ref["tokens"]), non_null_numbers(cols_cur["tokens"]))),
    }
    return {"name": "small", "reference": "small-ref.csv", "current": "small-cur.csv",
            "args": ["--test", "score=wasserstein", "--test", "tokens=jensenshannon"], "features": exp}


def large_case(rng):
    """n_ref = 1500 > 1000: default tests wasserstein (numeric) and jensenshannon (categorical)."""
    n_ref, n_cur = 1500, 1200
    cols_ref, cols_cur = {}, {}
    cols_ref["cost_usd"] = with_nulls(rng, np.round(rng.lognormal(-4, 0.8, n_ref), 6), 0.01)
    cols_cur["cost_usd"] = with_nulls(rng, np.round(rng.lognormal(-3.8, 0.8, n_cur), 6), 0.01)
    models = ["gpt-4o", "gpt-4o-mini", "claude-3.5", "llama-3", "mistral"]
    cols_ref["model"] = list(rng.choice(models, n_ref, p=[0.35, 0.3, 0.2, 0.1, 0.05]))
    cols_cur["model"] = list(rng.choice(models, n_cur, p=[0.3, 0.3, 0.2, 0.1, 0.1]))
    cols_ref["ttft_s"] = [repr(float(v)) for v in np.round(rng.normal(0.4, 0.1, n_ref), 5)]
    cols_cur["ttft_s"] = [repr(float(v)) for v in np.round(rng.normal(0.41, 0.1, n_cur), 5)]
    write_csv("large-ref.csv", cols_ref)
    write_csv("large-cur.csv", cols_cur)
    exp = {
        "cost_usd": feature("wasserstein", cols_ref["cost_usd"], cols_cur["cost_usd"],
                            wasserstein(non_null_numbers(cols_ref["cost_usd"]), non_null_numbers(cols_cur["cost_usd"]))),
        "model": feature("jensenshannon", cols_ref["model"], cols_cur["model"],
                         js_categorical(cols_ref["model"], cols_cur["model"])),
        "ttft_s": feature("ks", cols_ref["ttft_s"], cols_cur["ttft_s"],
                          ks(non_null_numbers(cols_ref["ttft_s"]), non_null_numbers(cols_cur["ttft_s"]))),
    }
    return {"name": "large", "reference": "large-ref.csv", "current": "large-cur.csv",
            "args": ["--test", "ttft_s=ks"], "features": exp}


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20250611)
    cases = [small_case(rng), large_case(rng)]
    for c in cases:
        verdicts = [f["verdict"] for f in c["features"].values()]
        drifted = verdicts.count("DRIFT")
        c["driftedFeatures"] = drifted
        c["driftShare"] = drifted / len(verdicts)
        c["verdict"] = "DRIFT" if drifted / len(verdicts) >= 0.5 else "NO_DRIFT"
    doc = {
        "generator": "vitals-server/src/test/python/gen_drift_cli_golden.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__},
        "cases": cases,
    }
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
