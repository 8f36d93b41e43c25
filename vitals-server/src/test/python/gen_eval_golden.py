#!/usr/bin/env python3
"""Generates the CSV files and expected values that EvalCommandTest compares `vitals eval` against,
in vitals-server/src/test/resources/eval/.

Run from the repository root with Debian's packages (no pip, no pandas):
    /usr/bin/python3 vitals-server/src/test/python/gen_eval_golden.py

Each case is one CSV file (some written again with another delimiter, a byte order mark or CRLF
line ends) and <case>.json: the arguments to give `vitals eval` and scikit-learn's values,
computed from the file as written (read back with the csv module, floats with float()). Every
data set uses a fixed seed; the sklearn/numpy versions are recorded. Undefined values are null.
"""
import csv
import json
import platform
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, confusion_matrix, log_loss, mean_absolute_error,
                             mean_absolute_percentage_error, mean_squared_error,
                             precision_recall_fscore_support, r2_score, roc_auc_score)

warnings.filterwarnings("ignore")  # zero_division warnings are expected

OUT = Path(__file__).resolve().parents[1] / "resources" / "eval"
VERSIONS = {"python": platform.python_version(), "numpy": np.__version__, "sklearn": sklearn.__version__}


def f(x):
    x = float(x)
    return None if np.isnan(x) else x


def write_csv(name, header, rows, delimiter=",", bom=False, crlf=False):
    path = OUT / name
    with open(path, "w", newline="", encoding="utf-8") as out:
        if bom:
            out.write("\ufeff")
        w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def read_csv(path, delimiter=","):
    with open(path, newline="", encoding="utf-8-sig") as f_in:
        rows = [r for r in csv.reader(f_in, delimiter=delimiter) if r]
    header, data = rows[0], rows[1:]
    return {name: [r[i] for r in data] for i, name in enumerate(header)}


def classification_expected(actual, predicted):
    labels = sorted(set(actual) | set(predicted))  # np.unique's order: code points
    p, r, f1, s = precision_recall_fscore_support(actual, predicted, labels=labels, zero_division=0)
    e = {
        "count": len(actual),
        "accuracy": f(accuracy_score(actual, predicted)),
        "labels": labels,
        "precision": [f(x) for x in p],
        "recall": [f(x) for x in r],
        "f1": [f(x) for x in f1],
        "support": [int(x) for x in s],
        "confusion": confusion_matrix(actual, predicted, labels=labels).tolist(),
        "roc_auc": None,
        "log_loss": None,
        "positive": None,
    }
    for avg in ("macro", "micro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(actual, predicted, labels=labels, average=avg,
                                                       zero_division=0)
        e[avg] = {"precision": f(ap), "recall": f(ar), "f1": f(af)}
    return e


def save(case, args, expected):
    doc = {"case": case, "args": args, "versions": VERSIONS, "expected": expected}
    (OUT / f"{case}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


NOTES = ["", "ok", "has, a comma", "semi; colon", 'a "quoted" word', "tab\there", "two\nlines"]


def binary_scores():
    rng = np.random.default_rng(20240501)
    n = 600
    rows = []
    for i in range(n):
        fraud = rng.random() < 0.3
        s = float(np.clip(rng.normal(0.65 if fraud else 0.35, 0.2), 0, 1))
        if i % 7 == 0:
            s = round(s, 2)  # ties
        if i == 5:
            s = 0.0
        if i == 6:
            s = 1.0
        actual = "fraud" if fraud else "legit"
        predicted = "fraud" if s >= 0.5 else "legit"
        rows.append([str(i), actual, predicted, repr(s), NOTES[i % len(NOTES)]])
    header = ["id", "actual", "predicted", "score", "note"]
    path = write_csv("binary_scores.csv", header, rows)
    write_csv("binary_scores_semicolon.csv", header, rows, delimiter=";")
    write_csv("binary_scores_tab.tsv", header, rows, delimiter="\t")
    write_csv("binary_scores_bom_crlf.csv", header, rows, bom=True, crlf=True)
    cols = read_csv(path)
    actual, predicted = cols["actual"], cols["predicted"]
    scores = np.array([float(x) for x in cols["score"]])
    e = classification_expected(actual, predicted)
    y = (np.array(actual) == "fraud").astype(int)
    e["roc_auc"] = f(roc_auc_score(y, scores))
    # log_loss takes a 1-d y_pred as P(greater label); "legit" > "fraud", so it gets P(legit)
    e["log_loss"] = f(log_loss(actual, 1 - scores, labels=["fraud", "legit"]))
    assert abs(e["log_loss"] - f(log_loss(y, scores))) < 1e-12
    e["positive"] = "fraud"
    save("binary_scores", ["--task", "classification", "--score-col", "score", "--positive", "fraud"], e)


def binary_default_positive():
    rng = np.random.default_rng(7)
    n = 300
    rows = []
    for i in range(n):
        y = int(rng.random() < 0.5)
        s = float(np.clip(rng.normal(0.6 if y else 0.4, 0.25), 0, 1))
        rows.append([str(y), str(int(s >= 0.5)), repr(s)])
    path = write_csv("binary01.csv", ["label", "pred", "p1"], rows)
    cols = read_csv(path)
    actual, predicted = cols["label"], cols["pred"]
    scores = np.array([float(x) for x in cols["p1"]])
    e = classification_expected(actual, predicted)
    e["roc_auc"] = f(roc_auc_score(np.array(actual).astype(int), scores))
    e["log_loss"] = f(log_loss(np.array(actual).astype(int), scores))
    e["positive"] = "1"
    save("binary01", ["--task", "classification", "--label-col", "label", "--pred-col", "pred",
                      "--score-col", "p1"], e)


def multiclass_proba():
    rng = np.random.default_rng(42)
    classes = ["bird", "cat", "dog", "fish"]
    n = 500
    rows = []
    for _ in range(n):
        a = int(rng.integers(0, 4))
        logits = rng.normal(0, 1, 4)
        logits[a] += 1.2
        p = np.exp(logits) / np.exp(logits).sum()
        if rng.random() < 0.05:
            p = np.zeros(4)
            p[int(rng.integers(0, 4))] = 1.0  # certain rows, zeros included
        pred = classes[int(np.argmax(p))]
        rows.append([classes[a], pred] + [repr(float(x)) for x in p])
    header = ["actual", "predicted", "p_bird", "p_cat", "prob_dog", "p_fish"]
    path = write_csv("multiclass_proba.csv", header, rows)
    cols = read_csv(path)
    actual, predicted = cols["actual"], cols["predicted"]
    P = np.array([[float(x) for x in cols[c]] for c in ["p_bird", "p_cat", "prob_dog", "p_fish"]]).T
    e = classification_expected(actual, predicted)
    e["roc_auc"] = f(roc_auc_score(actual, P, multi_class="ovr", average="macro", labels=classes))
    e["log_loss"] = f(log_loss(actual, P, labels=classes))
    save("multiclass_proba", ["--task", "classification", "--proba-cols", "p_bird,p_cat,dog=prob_dog,p_fish"], e)


def multiclass_labels():
    rng = np.random.default_rng(3)
    labels = ["naïve", "café", "zebra", "Apple", "apple"]
    rows = []
    for _ in range(250):
        a = labels[int(rng.integers(0, 5))]
        p = a if rng.random() < 0.6 else labels[int(rng.integers(0, 5))]
        rows.append([a, p])
    path = write_csv("multiclass_labels.csv", ["actual", "predicted"], rows)
    cols = read_csv(path)
    e = classification_expected(cols["actual"], cols["predicted"])
    save("multiclass_labels", ["--task", "classification"], e)


def regression():
    rng = np.random.default_rng(11)
    n = 400
    rows = []
    for _ in range(n):
        y = float(rng.uniform(1, 50)) * (1 if rng.random() < 0.8 else -1)
        yhat = y + float(rng.normal(0, 3))
        rows.append([repr(y), repr(yhat) if rng.random() < 0.9 else f"{yhat:.3e}"])
    path = write_csv("regression.csv", ["y", "y_hat"], rows)
    cols = read_csv(path)
    y = np.array([float(x) for x in cols["y"]])
    yhat = np.array([float(x) for x in cols["y_hat"]])
    e = {
        "count": n,
        "rmse": f(mean_squared_error(y, yhat, squared=False)),
        "mae": f(mean_absolute_error(y, yhat)),
        "mape": f(mean_absolute_percentage_error(y, yhat)),
        "r2": f(r2_score(y, yhat)),
    }
    save("regression", ["--task", "regression", "--label-col", "y", "--pred-col", "y_hat"], e)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    binary_scores()
    binary_default_positive()
    multiclass_proba()
    multiclass_labels()
    regression()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
