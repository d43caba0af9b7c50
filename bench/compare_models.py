"""Model choice by measurement: Naive Bayes (the shipped model), averaged perceptron and their ensemble, each with
and without main-question weighting in the features.

Usage: python bench/compare_models.py. Prints accuracy and macro-F1 for 5-fold cross-validation on the training
files and for the three held-out sets (tests/knowledge_classify/heldout*.jsonl, never trained or tuned on), plus
training speed and model size. Choices (weights, margin, ensemble share) are made on the cross-validation column
only; the held-out columns are the final "keep what wins" comparison.
"""

from __future__ import annotations

import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import categories  # noqa: E402
from knowledge.classify import (  # noqa: E402
    Classifier,
    Example,
    load_examples,
    text,  # noqa: E402
)
from knowledge.classify import linear as perceptron  # noqa: E402
from knowledge.classify.calibration import accuracy_macro_f1  # noqa: E402
from knowledge.classify.model import LENGTH_CAP, stratified_folds, vectorise  # noqa: E402

HELDOUT = [ROOT / "tests" / "knowledge_classify" / name for name in ("heldout.jsonl", "heldout_v2.jsonl",
                                                                   "heldout_v3.jsonl")]
MODELS = ("naive bayes", "perceptron", "ensemble")
ENSEMBLE_SHARE = 0.5  # the perceptron's share: best of 0.5, 1, 2, 4 in cross-validation


def predict(model: Classifier, kind: str, ex: Example) -> str:
    feats = vectorise(ex.text, ex.subject).feats
    if kind == "perceptron":
        scores = perceptron.scores(model._linear, perceptron.cap(feats, LENGTH_CAP), len(model.categories))
    else:
        scores = model.logits(feats)[0]
    return model.categories[max(range(len(scores)), key=scores.__getitem__)]


def evaluate(train: list[Example], tests: list[list[Example]]) -> dict[str, list[list[str]]]:
    """Predictions per model kind for each test list, from models fitted on `train`."""
    nb = Classifier.fit(train, linear_weight=0.0)
    full = Classifier.fit(train, linear_weight=ENSEMBLE_SHARE)
    models = {"naive bayes": nb, "perceptron": full, "ensemble": full}
    return {kind: [[predict(models[kind], kind, ex) for ex in test] for test in tests] for kind in MODELS}


def run(label: str) -> None:
    train = load_examples()
    folds = stratified_folds(train)
    cv: dict[str, list[str]] = {kind: [] for kind in MODELS}
    gold_cv: list[str] = []
    for fold in range(5):
        part = [ex for ex, f in zip(train, folds, strict=True) if f != fold]
        test = [ex for ex, f in zip(train, folds, strict=True) if f == fold]
        for kind, (pred,) in evaluate(part, [test]).items():
            cv[kind] += pred
        gold_cv += [ex.category for ex in test]
    held = [load_examples(p) for p in HELDOUT]
    preds = evaluate(train, held)
    for kind in MODELS:
        cells = [accuracy_macro_f1(gold_cv, cv[kind])]
        cells += [accuracy_macro_f1([ex.category for ex in h], p) for h, p in zip(held, preds[kind], strict=True)]
        print(f"  {label:<22} {kind:<12} " + "  ".join(f"{a:.3f}/{f:.3f}" for a, f in cells))


def main() -> None:
    print(f"training examples: {len(load_examples())}; categories {', '.join(categories.CATEGORIES)}")
    print(f"  {'features':<22} {'model':<12} CV acc/F1     " + " ".join(f"{p.name:<13}" for p in HELDOUT))
    weight = text.MAIN_QUESTION_WEIGHT
    text.MAIN_QUESTION_WEIGHT = 0.0
    run("no main question")
    text.MAIN_QUESTION_WEIGHT = weight
    run(f"main question x{weight:g}")
    started = time.process_time()
    model = Classifier.fit(load_examples(), linear_weight=ENSEMBLE_SHARE)
    print(f"training the ensemble: {time.process_time() - started:.2f} CPU s; {len(model._counts)} features, "
          f"{len(model._linear)} with perceptron weights; cache {len(model.to_bytes()) / 1024:.0f} KB "
          f"(perceptron alone {len(zlib.compress(repr(model._linear).encode())) / 1024:.0f} KB compressed)")


if __name__ == "__main__":
    main()
