#!/usr/bin/env python3
"""Generates vitals-core/src/test/resources/golden/quality.json, the reference values that
dev.vitals.quality's tests compare against.

Run from the repository root with Debian's packages (no pip):
    /usr/bin/python3 vitals-core/src/test/python/gen_quality_golden.py

Every data set uses a fixed seed, so the output is stable for one sklearn/nltk/numpy version; the
versions are recorded in the file. Undefined values (sklearn raises or returns nan) are written
as null. Texts are written as strings; the token lists NLTK sees are text.split(), which is what
TextMetrics.bleuTokens mirrors.
"""
import json
import platform
import sys
import warnings
from pathlib import Path

import nltk
import numpy as np
import scipy
import sklearn
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, modified_precision, closest_ref_length, brevity_penalty
from sklearn.metrics import (accuracy_score, confusion_matrix, log_loss, mean_absolute_error,
                             mean_absolute_percentage_error, mean_squared_error,
                             precision_recall_fscore_support, r2_score, roc_auc_score)

warnings.filterwarnings("ignore")  # zero_division and BLEU's zero-count warnings are expected here

OUT = Path(__file__).resolve().parents[1] / "resources" / "golden" / "quality.json"


def f(x):
    """A float for JSON, None for nan (JSON has no NaN)."""
    x = float(x)
    return None if np.isnan(x) else x


def classification_case(name, actual, predicted, task, labels=None, positive=None,
                        scores=None, classes=None, probabilities=None, exact_bins=False):
    actual = [str(a) for a in actual]
    predicted = [str(p) for p in predicted]
    union = sorted(set(actual) | set(predicted))  # np.unique's order: by code point
    assert union == list(np.unique(np.array(actual + predicted)))
    p, r, f1, s = precision_recall_fscore_support(actual, predicted, labels=union, zero_division=0)
    averages = {}
    for avg in ("macro", "micro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(actual, predicted, labels=union, average=avg,
                                                       zero_division=0)
        averages[avg] = {"precision": f(ap), "recall": f(ar), "f1": f(af)}
    expected = {
        "count": len(actual),
        "accuracy": f(accuracy_score(actual, predicted)),
        "labels": union,
        "precision": [f(x) for x in p],
        "recall": [f(x) for x in r],
        "f1": [f(x) for x in f1],
        "support": [int(x) for x in s],
        **averages,
        "confusion": confusion_matrix(actual, predicted, labels=union).tolist(),
        "roc_auc": None,
        "log_loss": None,
    }
    y = np.array(actual)
    if scores is not None:
        pos = (y == positive).astype(int)
        if len(set(pos)) == 2:
            expected["roc_auc"] = f(roc_auc_score(pos, scores))
        expected["log_loss"] = f(log_loss(actual, scores, labels=labels))
    if probabilities is not None:
        P = np.array(probabilities)
        present = sorted(set(actual))
        if len(present) > 1:
            assert present == classes, "sklearn's ovr needs every class in y_true"
            expected["roc_auc"] = f(roc_auc_score(actual, P, multi_class="ovr", average="macro",
                                                  labels=classes))
        expected["log_loss"] = f(log_loss(actual, P, labels=classes))
    return {
        "name": name, "task": task, "labels": labels, "positive": positive,
        "actual": actual, "predicted": predicted,
        "scores": None if scores is None else [float(x) for x in scores],
        "classes": classes,
        "probabilities": None if probabilities is None else [[float(x) for x in row] for row in probabilities],
        "exact_bins": exact_bins,
        "expected": expected,
    }


def binary_data(rng, n, decimals=None):
    y = rng.random(n) < 0.4
    # positives score higher on average; clip into [0, 1] and hit both ends
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0.0, 1.0)
    if decimals is not None:
        s = np.round(s, decimals)
    s[:3] = [0.0, 1.0, 0.5]
    actual = np.where(y, "pos", "neg")
    predicted = np.where(s >= 0.5, "pos", "neg")
    return actual, predicted, s


def multiclass_data(rng, n, classes, exact):
    k = len(classes)
    y = rng.integers(0, k, n)
    alpha = np.ones((n, k))
    alpha[np.arange(n), y] += 2.0
    if exact:
        # integer thousandths that sum to 1000: every probability sits on a 1/1000 bin edge
        counts = np.array([rng.multinomial(1000, rng.dirichlet(a)) for a in alpha])
        P = counts / 1000.0
    else:
        P = np.array([rng.dirichlet(a) for a in alpha])
    actual = [classes[i] for i in y]
    predicted = [classes[i] for i in P.argmax(axis=1)]
    return actual, predicted, P


def classification_cases():
    rng = np.random.default_rng(20260101)
    cases = []
    a, p, s = binary_data(rng, 400, decimals=3)
    cases.append(classification_case("binary_scores_on_bin_edges", a, p, "binary", ["neg", "pos"], "pos",
                                     scores=s, exact_bins=True))
    a, p, s = binary_data(rng, 600)
    cases.append(classification_case("binary_continuous_scores", a, p, "binary", ["neg", "pos"], "pos",
                                     scores=s))
    classes = ["bird", "cat", "dog", "fish"]
    a, p, P = multiclass_data(rng, 500, classes, exact=True)
    cases.append(classification_case("multiclass_probabilities_on_bin_edges", a, p, "multiclass", classes,
                                     classes=classes, probabilities=P, exact_bins=True))
    a, p, P = multiclass_data(rng, 500, classes[:3], exact=False)
    cases.append(classification_case("multiclass_continuous_probabilities", a, p, "multiclass", classes[:3],
                                     classes=classes[:3], probabilities=P))
    # "c" occurs but is never predicted (precision 0/0 -> 0); "x" is predicted but never occurs (recall 0/0 -> 0)
    n = 120
    actual = rng.choice(["a", "b", "c"], n)
    predicted = np.where(actual == "c", rng.choice(["a", "b"], n), actual)
    flip = rng.random(n) < 0.2
    predicted = np.where(flip, rng.choice(["a", "b", "x"], n), predicted)
    predicted = np.where(predicted == "c", "a", predicted)
    cases.append(classification_case("class_never_predicted", actual, predicted, "multiclass"))
    # one class in the window: ROC AUC undefined; log loss defined with the task's labels
    n = 50
    s = np.round(rng.random(n), 3)
    cases.append(classification_case("single_class_window", ["pos"] * n, np.where(s >= 0.5, "pos", "neg"),
                                     "binary", ["neg", "pos"], "pos", scores=s, exact_bins=True))
    # labels sorted by code point: "B" < "a" < "é" < U+FF21 < U+1F600 (UTF-16 order would put the emoji first)
    labels = ["B", "a", "\u00e9", "\uff21", "\U0001F600"]
    actual = rng.choice(labels, 200)
    predicted = np.where(rng.random(200) < 0.7, actual, rng.choice(labels, 200))
    cases.append(classification_case("unicode_labels", actual, predicted, "multiclass"))
    return cases


def regression_case(name, actual, predicted):
    actual = np.asarray(actual, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    return {
        "name": name,
        "actual": actual.tolist(),
        "predicted": predicted.tolist(),
        "expected": {
            "count": len(actual),
            "rmse": f(mean_squared_error(actual, predicted, squared=False)),
            "mae": f(mean_absolute_error(actual, predicted)),
            "mape": f(mean_absolute_percentage_error(actual, predicted)),
            "r2": f(r2_score(actual, predicted)),
        },
    }


def regression_cases():
    rng = np.random.default_rng(7)
    y = rng.normal(50, 20, 300)
    yhat = y + rng.normal(0, 5, 300)
    y[[3, 50, 120]] = 0.0  # zero actuals: MAPE divides by float64 eps
    return [
        regression_case("random_with_zero_actuals", y, yhat),
        regression_case("small_values", [0.5, -1.25, 3.0, 2.0, -0.75], [0.25, -1.0, 2.5, 2.5, 0.0]),
        regression_case("constant_actuals_perfect", [2.5] * 4, [2.5] * 4),
        regression_case("constant_actuals_imperfect", [2.5] * 4, [2.0, 3.0, 2.5, 2.5]),
        regression_case("all_zero", [0.0] * 3, [0.0] * 3),
        regression_case("two_samples", [1.0, 2.0], [1.5, 1.5]),
        regression_case("single_sample", [4.0], [3.0]),
    ]


def bleu_case(name, hypotheses, references):
    hyp = [h.split() for h in hypotheses]
    refs = [[r.split() for r in rs] for rs in references]
    precisions, matches, totals = [], [], []
    for n in range(1, 5):
        num = sum(modified_precision(r, h, n).numerator for r, h in zip(refs, hyp))
        den = sum(modified_precision(r, h, n).denominator for r, h in zip(refs, hyp))
        matches.append(num)
        totals.append(den)
    hyp_len = sum(len(h) for h in hyp)
    ref_len = sum(closest_ref_length(r, len(h)) for r, h in zip(refs, hyp))
    return {
        "name": name,
        "hypotheses": hypotheses,
        "references": references,
        "expected": {
            "none": float(corpus_bleu(refs, hyp)),
            "method1": float(corpus_bleu(refs, hyp, smoothing_function=SmoothingFunction().method1)),
            "matches": matches,
            "totals": totals,
            "hyp_len": hyp_len,
            "ref_len": ref_len,
            "brevity_penalty": float(brevity_penalty(ref_len, hyp_len)),
        },
    }


def bleu_cases():
    rng = np.random.default_rng(11)
    vocab = ["the", "a", "cat", "dog", "sat", "on", "mat", "rug", "quickly", "slowly", "red", "big", "and", "ran"]
    hyps, refs = [], []
    for _ in range(60):
        ref_count = int(rng.integers(1, 4))
        base = list(rng.choice(vocab, int(rng.integers(4, 12))))
        rs = []
        for _ in range(ref_count):
            r = [w if rng.random() < 0.8 else str(rng.choice(vocab)) for w in base]
            rs.append(" ".join(r))
        h = [w for w in base if rng.random() < 0.9]
        hyps.append(" ".join(h))
        refs.append(rs)
    return [
        bleu_case("nltk_doc_example",
                  ["It is a guide to action which ensures that the military always obeys the commands of the party",
                   "he read the book because he was interested in world history"],
                  [["It is a guide to action that ensures that the military will forever heed Party commands",
                    "It is the guiding principle which guarantees the military forces always being under the command of the Party",
                    "It is the practical guide for the army always to heed the directions of the party"],
                   ["he was interested in world history because he read the book"]]),
        bleu_case("random_corpus", hyps, refs),
        # hypotheses shorter than 4 tokens: their n-gram denominators are max(1, 0) = 1; an empty one too
        bleu_case("short_hypotheses",
                  ["the cat", "on", "", "the cat sat on the mat"],
                  [["the cat sat on the mat"], ["on the mat"], ["a dog"], ["the cat sat on the mat"]]),
        # unigram to trigram matches but no 4-gram match: no smoothing gives a tiny value, method1 does not
        bleu_case("zero_4gram_matches",
                  ["the cat sat on a red mat", "a big dog ran"],
                  [["the cat sat in the red mat"], ["the big dog ran away"]]),
        # unigram matches only: every higher order is smoothed
        bleu_case("zero_bigram_matches", ["mat on cat"], [["the cat on the mat"]]),
        bleu_case("zero_unigram_matches", ["alpha beta gamma delta"], [["one two three four"]]),
        # equally close references (3 and 5 tokens for a 4-token hypothesis): the shorter one counts
        bleu_case("closest_reference_tie", ["a b c d"], [["a b c d e", "a b c"]]),
        # tabs, newlines and no-break spaces are whitespace for str.split()
        bleu_case("python_whitespace", ["the\tcat\u00a0sat  on\nthe mat\u3000today"],
                  [["the cat sat on the mat today"]]),
    ]


def main():
    golden = {
        "generator": "vitals-core/src/test/python/gen_quality_golden.py",
        "versions": {"python": platform.python_version(), "sklearn": sklearn.__version__,
                     "nltk": nltk.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
        "float64_eps": float(np.finfo(np.float64).eps),
        "classification": classification_cases(),
        "regression": regression_cases(),
        "bleu": bleu_cases(),
        "python_whitespace": [c for c in range(sys.maxunicode + 1) if chr(c).isspace()],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(golden, indent=1, ensure_ascii=True, allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
