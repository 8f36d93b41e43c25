#!/usr/bin/env python3
"""Writes vitals-core/src/test/resources/golden/drift.json: drift scores from SciPy for DriftGoldenTest.

Run from the repository root with Debian's python3-scipy (or any SciPy):
    python3 vitals-core/src/test/python/gen_drift_golden.py

Seeds are fixed, so a rerun with the same NumPy/SciPy versions writes the same file; the versions used
are recorded in the JSON. Statistics follow dev.vitals.drift (see its package-info.java):
  ks            scipy.stats.ks_2samp(ref, cur) (method='auto': exact when max(n1, n2) <= 10000), p-value
  chisquare     scipy.stats.chisquare(f_obs=cur counts, f_exp=ref counts * n_cur / n_ref), p-value (Evidently)
  z             two-proportion pooled z-test, 2 * (1 - norm.cdf(|z|)) (Evidently)
  wasserstein   scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001) (Evidently)
  jensenshannon scipy.spatial.distance.jensenshannon(ref shares, cur shares), natural log (base e)
  psi           sum((r - c) * ln(r / c)) over bins, empty-bin shares replaced (fill_zeroes)
  kl_div        scipy.stats.entropy(r, c) over bins, empty-bin shares replaced (fill_zeroes)
  hellinger     sqrt(0.5 * sum((sqrt(r) - sqrt(c))**2)) over bins, no replacement
Binning (psi, kl_div, jensenshannon, hellinger): categorical or a numeric column whose reference and current
values together take at most 5 distinct values: one bin per value; otherwise B = ceil(log2(n_ref + n_cur)) + 1
(Sturges) equal-width bins over [min, max] of both windows, edges np.linspace(min, max, B + 1), each bin
[e_i, e_i+1) and the last one closed (np.histogram).
"""
import json
import math
import os
import platform
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance
from scipy.stats import _stats_py

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden", "drift.json")
MAX_EXACT_DISTINCT = 5


def sturges_bins(n):
    return (n - 1).bit_length() + 1 if n > 1 else 1


def fill_zeroes(p):
    """Evidently's rule: empty-bin shares become min(non-zero share) / 1e6 when that minimum is <= 1e-4, else 1e-4."""
    p = p.copy()
    nz = p[p != 0]
    m = nz.min()
    p[p == 0] = m / 10 ** 6 if m <= 0.0001 else 0.0001
    return p


def shares(ref, cur, numeric):
    if numeric:
        allv = np.concatenate([ref, cur])
        uniq = np.unique(allv)
        if len(uniq) > MAX_EXACT_DISTINCT:
            b = sturges_bins(len(allv))
            edges = np.linspace(allv.min(), allv.max(), b + 1)
            r = np.histogram(ref, edges)[0] / len(ref)
            c = np.histogram(cur, edges)[0] / len(cur)
            return r, c, b
        keys = list(uniq)
    else:
        keys = sorted(set(ref) | set(cur))
    r = np.array([np.count_nonzero(ref == k) for k in keys]) / len(ref)
    c = np.array([np.count_nonzero(cur == k) for k in keys]) / len(cur)
    return r, c, len(keys)


def chisquare_p(ref, cur):
    keys = sorted(set(ref.tolist()) | set(cur.tolist()))
    if len(keys) == 1:
        return 1.0
    k_norm = len(cur) / len(ref)
    f_exp = [np.count_nonzero(ref == k) * k_norm for k in keys]
    f_obs = [np.count_nonzero(cur == k) for k in keys]
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(stats.chisquare(f_obs, f_exp)[1])


def z_p(ref, cur):
    keys = sorted(set(ref.tolist()) | set(cur.tolist()))
    if len(keys) > 2:
        return None
    if len(keys) == 1:
        return 1.0
    key = keys[0]
    n1, n2 = len(ref), len(cur)
    p1 = float(np.count_nonzero(ref == key)) / n1
    p2 = float(np.count_nonzero(cur == key)) / n2
    pp = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pp * (1 - pp) * (1.0 / n1 + 1.0 / n2))
    return float(2 * (1 - stats.norm.cdf(np.abs(z))))


def default_test(ref, cur, numeric):
    n = len(ref)
    u = len(set(ref.tolist()) | set(cur.tolist()))
    if n <= 1000:
        if numeric and u > 5:
            return "ks"
        return "chisquare" if u > 2 else "z"
    if numeric and u > 5:
        return "wasserstein"
    return "jensenshannon"


def expected(ref, cur, numeric):
    r, c, bins = shares(ref, cur, numeric)
    out = {
        "bins": bins,
        "default_test": default_test(ref, cur, numeric),
        "psi": float(np.sum((fill_zeroes(r) - fill_zeroes(c)) * np.log(fill_zeroes(r) / fill_zeroes(c)))),
        "kl_div": float(stats.entropy(fill_zeroes(r), fill_zeroes(c))),
        "jensenshannon": float(distance.jensenshannon(r, c)),
        "hellinger": float(np.sqrt(0.5 * np.sum((np.sqrt(r) - np.sqrt(c)) ** 2))),
    }
    uniq = len(set(ref.tolist()) | set(cur.tolist()))
    if numeric:
        ks = stats.ks_2samp(ref, cur)
        out["ks"] = float(ks.pvalue)
        out["ks_statistic"] = float(ks.statistic)
        out["wasserstein"] = float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))
    if not numeric or uniq <= MAX_EXACT_DISTINCT:
        out["chisquare"] = chisquare_p(ref, cur)
        zp = z_p(ref, cur)
        if zp is not None:
            out["z"] = zp
    return out


def case(name, ref, cur, numeric=True, decimals=None):
    if numeric and decimals is not None:
        ref, cur = np.round(ref, decimals), np.round(cur, decimals)
    ref_json = [float(v) for v in ref] if numeric else [str(v) for v in ref]
    cur_json = [float(v) for v in cur] if numeric else [str(v) for v in cur]
    return {"name": name, "type": "numeric" if numeric else "categorical",
            "reference": ref_json, "current": cur_json, "expected": expected(ref, cur, numeric)}


def categorical(rng, n, values, probs):
    return np.array(values, dtype=object)[rng.choice(len(values), size=n, p=probs)].astype(str)


def main():
    rng = np.random.default_rng(20240611)
    cases = [
        case("same_normal", rng.normal(0, 1, 800), rng.normal(0, 1, 700), decimals=6),
        case("mean_shift", rng.normal(0, 1, 1200), rng.normal(0.3, 1, 1000), decimals=6),
        case("variance_change", rng.normal(5, 1, 2000), rng.normal(5, 1.5, 1800), decimals=6),
        case("small_exact", rng.normal(0, 1, 20), rng.normal(0.8, 1, 25), decimals=6),
        case("small_equal_n", rng.normal(0, 1, 30), rng.normal(0.5, 1, 30), decimals=6),
        case("ties_poisson", rng.poisson(3, 400).astype(float), rng.poisson(3.4, 500).astype(float)),
        case("few_values", rng.integers(0, 3, 500).astype(float), rng.choice([0.0, 1.0, 2.0], 600, p=[0.5, 0.3, 0.2])),
        case("binary_numeric", rng.binomial(1, 0.3, 700).astype(float), rng.binomial(1, 0.4, 800).astype(float)),
        case("constant_same", np.full(300, 2.5), np.full(200, 2.5)),
        case("lognormal_large", rng.lognormal(0, 1, 3000), rng.lognormal(0.1, 1, 2500), decimals=6),
        case("n5000_auto_exact", rng.normal(0, 1, 5000), rng.normal(0.05, 1, 5000), decimals=4),
        case("asymp_same", rng.normal(0, 1, 10001), rng.normal(0, 1, 10500), decimals=3),
        case("asymp_shift", rng.normal(0, 1, 10001), rng.normal(0.03, 1, 10200), decimals=3),
        case("cat_same", categorical(rng, 900, ["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1]),
             categorical(rng, 800, ["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1]), numeric=False),
        case("cat_shift", categorical(rng, 1500, ["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1]),
             categorical(rng, 1400, ["a", "b", "c", "d"], [0.25, 0.25, 0.25, 0.25]), numeric=False),
        case("cat_new_value", categorical(rng, 600, ["x", "y", "z"], [0.5, 0.3, 0.2]),
             categorical(rng, 500, ["x", "y", "z", "w"], [0.4, 0.3, 0.2, 0.1]), numeric=False),
        case("cat_binary", categorical(rng, 400, ["yes", "no"], [0.7, 0.3]),
             categorical(rng, 450, ["yes", "no"], [0.6, 0.4]), numeric=False),
    ]

    # kstwo.sf (used by ks_2samp's asymptotic mode) over every branch of scipy.stats._ksstats._kolmogn.
    kstwo = []
    for n in [1, 2, 5, 20, 50, 140, 141, 500, 2000, 5739, 20000, 99999, 100001, 500000, 1500000]:
        for x in [0.3 / n, 0.7 / n, 1.5 / n, 0.001, 0.004, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.2, 0.35, 0.5, 0.7,
                  1 - 1.5 / n, 0.999]:
            if 0 < x < 1:
                kstwo.append([n, x, float(stats.kstwo.sf(x, n))])

    # Exact two-sample p-values for (n1, n2, d) straight from SciPy's exact routine.
    ks2 = []
    for n1, n2 in [(5, 7), (20, 20), (30, 45), (100, 100), (250, 400), (999, 1000), (3000, 2000), (10000, 10000)]:
        for frac in [0.02, 0.05, 0.1, 0.2, 0.4, 0.8]:
            g = math.gcd(n1, n2)
            lcm = (n1 // g) * n2
            d = round(frac * lcm) / lcm
            ok, dd, p = _stats_py._attempt_exact_2kssamp(n1, n2, g, d, "two-sided")
            ks2.append([n1, n2, d, float(p) if ok else None])

    chi2 = [[x, df, float(stats.chi2.sf(x, df))]
            for df in [1, 2, 3, 7, 20, 150]
            for x in [0.001, 0.5, 1.0, 3.84, 10.0, 30.0, 200.0]]
    norm = [[z, float(2 * (1 - stats.norm.cdf(abs(z))))] for z in [0.0, 0.1, 0.5, 1.0, 1.96, 3.0, 5.0, 8.0]]

    doc = {
        "generator": "vitals-core/src/test/python/gen_drift_golden.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__},
        "cases": cases,
        "kstwo_sf": kstwo,
        "ks2_exact": ks2,
        "chi2_sf": chi2,
        "z_two_sided": norm,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}: {len(cases)} cases, {len(kstwo)} kstwo points", file=sys.stderr)


if __name__ == "__main__":
    main()
