#!/usr/bin/env python3
"""Generates vitals-server/src/test/resources/quality-api/golden.json: evaluation batches for
POST /v1/evaluations and the scikit-learn (and NLTK) values GET /v1/quality must report for them.
dev.vitals.server.QualityApiTest reads the file, so the tests need no Python.

Run from the repository root with Debian's packages (no pip):
    /usr/bin/python3 vitals-server/src/test/python/gen_quality_api_golden.py

Fixed seeds: the output is stable for one sklearn/numpy/nltk version (recorded in the file).
Floats are written with Python's repr, which round-trips exactly, so the server sees the very
doubles sklearn saw. Undefined values are written as null.
"""
import json
import math
import platform
import warnings
from pathlib import Path

import nltk
import numpy as np
import sklearn
from nltk.translate.bleu_score import corpus_bleu
from sklearn.metrics import (accuracy_score, confusion_matrix, log_loss, mean_absolute_error,
                             mean_absolute_percentage_error, mean_squared_error,
                             precision_recall_fscore_support, r2_score, roc_auc_score)

warnings.filterwarnings("ignore")  # zero_division warnings are expected

OUT = Path(__file__).resolve().parents[1] / "resources" / "quality-api" / "golden.json"


def f(x):
    x = float(x)
    return None if math.isnan(x) else x


def classification_expected(actual, predicted):
    union = sorted(set(actual) | set(predicted))  # np.unique's order: by code point
    p, r, f1, s = precision_recall_fscore_support(actual, predicted, labels=union, zero_division=0)
    out = {
        "count": len(actual),
        "accuracy": f(accuracy_score(actual, predicted)),
        "labels": union,
        "precision": [f(x) for x in p],
        "recall": [f(x) for x in r],
        "f1": [f(x) for x in f1],
        "support": [int(x) for x in s],
        "confusion": confusion_matrix(actual, predicted, labels=union).tolist(),
    }
    for avg in ("macro", "micro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(actual, predicted, labels=union, average=avg, zero_division=0)
        out[avg] = {"precision": f(ap), "recall": f(ar), "f1": f(af)}
    return out


def binary_case(rng):
    """A binary fraud model (quality.binaryModels: {fraud-clf: [legit, fraud]}); 3 rows carry no score."""
    n = 120
    y = rng.random(n) < 0.35
    s = np.clip(rng.normal(0.3 + 0.35 * y, 0.2), 0.0, 1.0)
    actual = ["fraud" if v else "legit" for v in y]
    predicted = ["fraud" if v >= 0.5 else "legit" for v in s]
    records = []
    for i in range(n):
        rec = {"model": "fraud-clf", "predicted": predicted[i], "actual": actual[i]}
        if i >= 3:
            rec["score"] = float(s[i])
        records.append(rec)
    exp = classification_expected(actual, predicted)
    ya = np.array(actual[3:])
    sc = s[3:]
    exp["scored_count"] = len(sc)
    exp["positive_label"] = "fraud"
    exp["roc_auc"] = f(roc_auc_score((ya == "fraud").astype(int), sc))
    # sklearn's columns follow the sorted labels ["fraud", "legit"]: P(fraud) = score, P(legit) = 1 - score
    exp["log_loss"] = f(log_loss(ya, np.column_stack([sc, 1 - sc]), labels=["fraud", "legit"]))
    return {"model": "fraud-clf", "negative": "legit", "positive": "fraud", "records": records, "expected": exp}


def multiclass_case(rng):
    """An open multiclass intent model with class probabilities on every row."""
    classes = ["billing", "cancel", "other", "refund"]
    n = 150
    k = len(classes)
    y = rng.integers(0, k, n)
    alpha = np.ones((n, k))
    alpha[np.arange(n), y] += 1.5
    P = np.array([rng.dirichlet(a) for a in alpha])
    actual = [classes[i] for i in y]
    predicted = [classes[i] for i in P.argmax(axis=1)]
    records = [{"model": "intent-clf", "predicted": predicted[i], "actual": actual[i],
                "probabilities": {c: float(P[i, j]) for j, c in enumerate(classes)}} for i in range(n)]
    exp = classification_expected(actual, predicted)
    assert sorted(set(actual)) == classes, "sklearn's ovr needs every class in y_true"
    exp["scored_count"] = n
    exp["positive_label"] = None
    exp["roc_auc"] = f(roc_auc_score(actual, P, multi_class="ovr", average="macro", labels=classes))
    exp["log_loss"] = f(log_loss(actual, P, labels=classes))
    return {"model": "intent-clf", "records": records, "expected": exp}


def regression_case(rng):
    n = 80
    actual = rng.normal(100.0, 25.0, n)
    predicted = actual + rng.normal(2.0, 8.0, n)
    records = [{"model": "price-reg", "predicted": float(predicted[i]), "actual": float(actual[i])} for i in range(n)]
    exp = {
        "count": n,
        "rmse": f(math.sqrt(mean_squared_error(actual, predicted))),
        "mae": f(mean_absolute_error(actual, predicted)),
        "mape": f(mean_absolute_percentage_error(actual, predicted)),
        "r2": f(r2_score(actual, predicted)),
    }
    return {"model": "price-reg", "records": records, "expected": exp}


def text_case():
    pairs = [
        ("the cat sat on the mat", ["the cat is sitting on the mat", "a cat sat on the mat"]),
        ("there is a dog in the garden today", ["a dog is in the garden today"]),
        ("the quick brown fox jumps over the lazy dog", ["the quick brown fox jumped over the lazy dog"]),
        ("it is raining in the north of the country", ["rain is falling in the north of the country"]),
        ("please reset your password from the settings page", ["you can reset the password on the settings page"]),
    ]
    records = [{"model": "summarizer", "candidate": c, "references": refs} for c, refs in pairs]
    hyp = [c.split() for c, _ in pairs]
    refs = [[r.split() for r in rs] for _, rs in pairs]
    return {"model": "summarizer", "records": records, "expected": {"pairs": len(pairs), "bleu": f(corpus_bleu(refs, hyp))}}


def main():
    rng = np.random.default_rng(20260417)
    out = {
        "generator": "vitals-server/src/test/python/gen_quality_api_golden.py",
        "versions": {"python": platform.python_version(), "sklearn": sklearn.__version__, "numpy": np.__version__,
                     "nltk": nltk.__version__},
        "binary": binary_case(rng),
        "multiclass": multiclass_case(rng),
        "regression": regression_case(rng),
        "text": text_case(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, allow_nan=False) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
