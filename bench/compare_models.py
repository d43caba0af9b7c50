"""Model choice by measurement: the Naive Bayes against a linear model (multinomial logistic regression) over the
same word, compound, cue and character 4-gram features, and their ensemble (mean of probabilities).

Usage: python bench/compare_models.py. Prints accuracy and macro-F1 for 5-fold cross-validation on the training
files and for the two held-out sets (tests/knowledge_classify/heldout*.jsonl, never trained or tuned on), plus
training and prediction speed. The logistic regression is pure Python (deterministic SGD), so trying it needs no
new dependency; scikit-learn's would train the same model faster but would add numpy/scipy to every install.
"""

from __future__ import annotations

import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import categories  # noqa: E402
from knowledge.classify import Classifier, Example, load_examples  # noqa: E402
from knowledge.classify.model import stratified_folds, vectorise  # noqa: E402

HELDOUT = [ROOT / "tests" / "knowledge_classify" / "heldout.jsonl", ROOT / "tests" / "knowledge_classify" /
           "heldout_v2.jsonl"]
EPOCHS, RATE, L2 = 12, 0.5, 1e-5


def _unit(feats: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in feats.values())) or 1.0
    return {k: v / norm for k, v in feats.items()}


class LogReg:
    """Multinomial logistic regression, sparse, trained by SGD with a decaying rate and a fixed shuffle seed."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.w: dict[str, list[float]] = {}
        self.b = [0.0] * n

    def scores(self, x: dict[str, float]) -> list[float]:
        s = list(self.b)
        for k, v in x.items():
            row = self.w.get(k)
            if row is not None:
                for c in range(self.n):
                    s[c] += row[c] * v
        return s

    def probs(self, x: dict[str, float]) -> list[float]:
        s = self.scores(x)
        m = max(s)
        e = [math.exp(v - m) for v in s]
        t = sum(e)
        return [v / t for v in e]

    def fit(self, data: list[tuple[dict[str, float], int]]) -> LogReg:
        order = list(range(len(data)))
        rng = random.Random(13)
        step = 0
        for _ in range(EPOCHS):
            rng.shuffle(order)
            for i in order:
                x, y = data[i]
                step += 1
                rate = RATE / (1 + step / len(data))
                p = self.probs(x)
                p[y] -= 1.0
                for c in range(self.n):
                    self.b[c] -= rate * p[c]
                for k, v in x.items():
                    row = self.w.setdefault(k, [0.0] * self.n)
                    for c in range(self.n):
                        row[c] -= rate * (p[c] * v + L2 * row[c])
        return self


def _nb(examples: list[Example]) -> Classifier:
    base = Classifier.default()
    model = Classifier(base.temperature, base.smoothing)
    model.train(examples)
    return model


def _data(examples: list[Example]) -> list[tuple[dict[str, float], int]]:
    keys = categories.CATEGORIES
    return [(_unit(vectorise(ex.text, ex.subject).feats), keys.index(ex.category)) for ex in examples]


def predict_all(train: list[Example], test: list[Example]) -> dict[str, list[int]]:
    nb = _nb(train)
    lr = LogReg(len(categories.CATEGORIES)).fit(_data(train))
    out: dict[str, list[int]] = {"naive bayes": [], "logistic regression": [], "ensemble": []}
    for ex in test:
        p_nb = nb.probabilities(vectorise(ex.text, ex.subject).feats)
        p_lr = lr.probs(_unit(vectorise(ex.text, ex.subject).feats))
        p_en = [(a + b) / 2 for a, b in zip(p_nb, p_lr, strict=True)]
        for name, p in (("naive bayes", p_nb), ("logistic regression", p_lr), ("ensemble", p_en)):
            out[name].append(max(range(len(p)), key=p.__getitem__))
    return out


def figures(gold: list[int], pred: list[int]) -> tuple[float, float]:
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    f1s = []
    for c in range(len(categories.CATEGORIES)):
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return acc, sum(f1s) / len(f1s)


def report(label: str, gold: list[int], preds: dict[str, list[int]]) -> None:
    for name, pred in preds.items():
        acc, f1 = figures(gold, pred)
        print(f"  {label:<22} {name:<20} accuracy {acc:.3f}  macro-F1 {f1:.3f}")


def main() -> None:
    keys = categories.CATEGORIES
    train = load_examples()
    folds = stratified_folds(train)
    cv: dict[str, list[int]] = {}
    gold_cv: list[int] = []
    for fold in range(5):
        part = [ex for ex, f in zip(train, folds, strict=True) if f != fold]
        test = [ex for ex, f in zip(train, folds, strict=True) if f == fold]
        for name, pred in predict_all(part, test).items():
            cv.setdefault(name, []).extend(pred)
        gold_cv += [keys.index(ex.category) for ex in test]
    print(f"training examples: {len(train)}")
    report("5-fold CV (training)", gold_cv, cv)
    for path in HELDOUT:
        test = load_examples(path)
        report(path.name, [keys.index(ex.category) for ex in test], predict_all(train, test))
    started = time.process_time()
    lr = LogReg(len(keys)).fit(_data(train))
    print(f"  logistic regression training: {time.process_time() - started:.2f} CPU s, {len(lr.w)} features")


if __name__ == "__main__":
    main()
