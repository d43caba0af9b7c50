"""Model choice by measurement: Naive Bayes, averaged perceptron, L2 logistic regression and the Naive Bayes +
logistic regression ensemble, all over the same features (main question weighted, character n-grams).

Usage: python bench/compare_models.py [--share S]. Prints accuracy and macro-F1 for 5-fold cross-validation on the
training files, for a cross-file split of them (train on the seed file, test on the later files, and back; a
stand-in for mail by other writers), and for the held-out sets (tests/knowledge_classify/heldout*.jsonl, never
trained or tuned on), plus training time and the size of the stored logistic regression. Choices (regularisation,
n-grams, ensemble share) are made on the two training-data columns only; the held-out columns are the final "keep
what wins" comparison.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import categories  # noqa: E402
from knowledge.classify import Classifier, Example, load_examples, logistic  # noqa: E402
from knowledge.classify import linear as perceptron  # noqa: E402
from knowledge.classify.calibration import accuracy_macro_f1, logistic_bytes  # noqa: E402
from knowledge.classify.examples import TRAINING_PATHS  # noqa: E402
from knowledge.classify.model import (  # noqa: E402
    LENGTH_CAP,
    LINEAR_WEIGHT,
    _train_logistic,
    fit_logistic,
    stratified_folds,
    vectorise,
)

HELDOUT = sorted((ROOT / "tests" / "knowledge_classify").glob("heldout*.jsonl"))
MODELS = ("naive bayes", "perceptron", "logistic", "ensemble")


def scores_of(train: list[Example], tests: list[list[Example]], share: float) -> dict[str, list[list[list[float]]]]:
    """Scores per model kind for each example of each test list, from models fitted on `train`."""
    keys = categories.CATEGORIES
    vectors = [(vectorise(ex.text, ex.subject).feats, keys.index(ex.category)) for ex in train]
    data = [(logistic.cap(v, LENGTH_CAP), cat) for v, cat in vectors]
    nb = Classifier.fit(train, linear_weight=0.0)
    weights, bias = _train_logistic(vectors, len(keys))
    percep = perceptron.train(data, len(keys))
    out: dict[str, list[list[list[float]]]] = {kind: [] for kind in MODELS}
    for test in tests:
        vecs = [vectorise(ex.text, ex.subject).feats for ex in test]
        capped = [logistic.cap(v, LENGTH_CAP) for v in vecs]
        nb_rows = [nb.logits(v)[0] for v in vecs]
        lr_rows = [logistic.scores(weights, bias, v) for v in capped]
        out["naive bayes"].append(nb_rows)
        out["perceptron"].append([perceptron.scores(percep, v, len(keys)) for v in capped])
        out["logistic"].append(lr_rows)
        out["ensemble"].append([[a + share * b for a, b in zip(x, y, strict=True)]
                                for x, y in zip(nb_rows, lr_rows, strict=True)])
    return out


def _labels(rows: list[list[float]]) -> list[str]:
    keys = categories.CATEGORIES
    return [keys[max(range(len(r)), key=r.__getitem__)] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=LINEAR_WEIGHT or 1.0, help="logistic share in the ensemble")
    args = parser.parse_args()
    train = load_examples()
    seeds = len(load_examples(TRAINING_PATHS[0]))
    print(f"training examples: {len(train)}; categories {', '.join(categories.CATEGORIES)}; "
          f"ensemble = Naive Bayes + {args.share:g} x logistic")
    folds = stratified_folds(train)
    cv: dict[str, list[str]] = {kind: [""] * len(train) for kind in MODELS}
    for fold in range(5):
        test_idx = [i for i, f in enumerate(folds) if f == fold]
        got = scores_of([ex for ex, f in zip(train, folds, strict=True) if f != fold],
                        [[train[i] for i in test_idx]], args.share)
        for kind in MODELS:
            for i, label in zip(test_idx, _labels(got[kind][0]), strict=True):
                cv[kind][i] = label
    # Cross-file: the seed file and the later files were written at different times in different styles.
    early, late = train[:seeds], train[seeds:]
    cross_a = scores_of(late, [early], args.share)
    cross_b = scores_of(early, [late], args.share)
    held = [load_examples(p) for p in HELDOUT]
    preds = scores_of(train, held, args.share)
    print(f"  {'model':<12} {'CV acc/F1':<12} {'cross-file':<12} " + " ".join(f"{p.stem:<12}" for p in HELDOUT))
    gold = [ex.category for ex in train]
    for kind in MODELS:
        cells = [accuracy_macro_f1(gold, cv[kind])]
        a = accuracy_macro_f1(gold[:seeds], _labels(cross_a[kind][0]))
        b = accuracy_macro_f1(gold[seeds:], _labels(cross_b[kind][0]))
        cells.append(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
        cells += [accuracy_macro_f1([ex.category for ex in h], _labels(p)) for h, p in zip(held, preds[kind],
                                                                                         strict=True)]
        print(f"  {kind:<12} " + " ".join(f"{acc:.3f}/{f1:.3f} " for acc, f1 in cells))
    started = time.process_time()
    weights, bias = fit_logistic(train)
    print(f"training the logistic regression: {time.process_time() - started:.2f} CPU s; {len(weights)} features "
          f"with weights; stored {len(logistic_bytes(weights, bias)) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
