"""Cross-validation, temperature calibration and quality figures for the question classifier."""

from __future__ import annotations

import hashlib
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from knowledge.classify import CATEGORIES, SEED_PATH, Classifier, Example, _softmax, vectorise

FOLDS = 5
# Candidate temperatures on a log grid; NB logits are far too sharp, so the fit usually lands well above 1.
_GRID = [round(0.5 * 1.12**i, 4) for i in range(45)]
# Uniform mass mixed into every prediction: seed data is cleaner than real mail, so never claim ~100%.
_SMOOTHING = [0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15]
MIN_SMOOTHING = 0.04


def stratified_folds(examples: Sequence[Example], k: int = FOLDS) -> list[int]:
    """Deterministic fold number per example, dealing each category round-robin over the folds."""
    seen: dict[str, int] = {}
    folds = []
    for ex in examples:
        n = seen.get(ex.category, 0)
        folds.append(n % k)
        seen[ex.category] = n + 1
    return folds


def cross_val_logits(examples: Sequence[Example], k: int = FOLDS) -> list[list[float]]:
    """Uncalibrated scores for each example from a model trained on the other folds."""
    vectors = [vectorise(ex.text, ex.subject).feats for ex in examples]
    folds = stratified_folds(examples, k)
    out: list[list[float]] = [[] for _ in examples]
    for fold in range(k):
        model = Classifier()
        for vec, ex, f in zip(vectors, examples, folds, strict=True):
            if f != fold:
                model.learn_vector(vec, CATEGORIES.index(ex.category), ex.weight)
        for i, (vec, f) in enumerate(zip(vectors, folds, strict=True)):
            if f == fold:
                out[i] = model.logits(vec)[0]
    return out


def calibrate(row: Sequence[float], temperature: float, smoothing: float) -> list[float]:
    """Probabilities from raw scores, as `Classifier` computes them."""
    probs = _softmax([v / temperature for v in row])
    return [(1 - smoothing) * p + smoothing / len(probs) for p in probs]


def nll(logits: Sequence[Sequence[float]], gold: Sequence[int], temperature: float, smoothing: float) -> float:
    """Mean negative log-likelihood of the gold labels at a temperature and smoothing."""
    total = 0.0
    for row, g in zip(logits, gold, strict=True):
        total -= math.log(max(calibrate(row, temperature, smoothing)[g], 1e-12))
    return total / max(len(gold), 1)


def fit_temperature(examples: Sequence[Example], k: int = FOLDS) -> tuple[float, float]:
    """(temperature, smoothing) minimising cross-validated NLL on the examples; (1, MIN) if too few."""
    if len({ex.category for ex in examples}) < 2 or len(examples) < 2 * k:
        return 1.0, MIN_SMOOTHING
    logits = cross_val_logits(examples, k)
    gold = [CATEGORIES.index(ex.category) for ex in examples]
    best: tuple[float, float, float] | None = None
    for t in _GRID:
        gold_p = [_softmax([v / t for v in row])[g] for row, g in zip(logits, gold, strict=True)]
        for e in _SMOOTHING:
            if e < MIN_SMOOTHING:
                continue
            loss = -sum(math.log(max((1 - e) * p + e / len(CATEGORIES), 1e-12)) for p in gold_p) / len(gold_p)
            if best is None or loss < best[0]:
                best = (loss, t, e)
    assert best is not None
    return best[1], best[2]


def accuracy_macro_f1(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """Accuracy and macro-F1 over the five categories."""
    if not gold:
        return 0.0, 0.0
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    f1s = []
    for c in CATEGORIES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return acc, sum(f1s) / len(f1s)


def reliability(confidences: Sequence[float], correct: Sequence[bool],
                edges: Sequence[float] = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)) -> list[tuple]:
    """Rows (low, high, n, mean confidence, accuracy) per confidence bin, plus the expected calibration error."""
    rows = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        idx = [i for i, c in enumerate(confidences) if lo <= c < hi]
        if idx:
            mean_conf = sum(confidences[i] for i in idx) / len(idx)
            acc = sum(correct[i] for i in idx) / len(idx)
            rows.append((lo, min(hi, 1.0), len(idx), mean_conf, acc))
    return rows


def expected_calibration_error(rows: Sequence[tuple]) -> float:
    """Weighted mean gap between confidence and accuracy over reliability rows."""
    total = sum(r[2] for r in rows)
    return sum(r[2] * abs(r[3] - r[4]) for r in rows) / total if total else 0.0


# The fit of the seed model takes most of a second: every process that classifies would pay for it at start.
# It is stored with a key over everything it depends on (the seeds and the code that turns them into numbers);
# when any of that changes the key no longer matches, the fit is done again at start, and a test says to run
# `python -m knowledge.classify_calibrate` to store the new one.
CALIBRATION_PATH = Path(__file__).with_name("training") / "calibration.json"
_INPUTS = ("classify.py", "classify_text.py", "classify_lexicon.py", "classify_calibrate.py")


def calibration_key(seed_path: Path | str = SEED_PATH) -> str:
    """A hash of the seed examples and the code the calibration depends on."""
    digest = hashlib.sha256(Path(seed_path).read_bytes())
    for name in _INPUTS:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def stored_temperature(seed_path: Path | str = SEED_PATH) -> tuple[float, float] | None:
    """(temperature, smoothing) stored for exactly these seeds and this code, or None."""
    try:
        stored = json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))
        if stored.get("key") == calibration_key(seed_path):
            return float(stored["temperature"]), float(stored["smoothing"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def write_calibration(examples: Sequence[Example], seed_path: Path | str = SEED_PATH) -> tuple[float, float]:
    """Fit on the examples and store the result under the current key."""
    temperature, smoothing = fit_temperature(examples)
    payload = {"key": calibration_key(seed_path), "temperature": temperature, "smoothing": smoothing}
    CALIBRATION_PATH.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return temperature, smoothing


if __name__ == "__main__":
    from knowledge.classify import load_examples

    fitted = write_calibration(load_examples())
    sys.stdout.write(f"{CALIBRATION_PATH}: temperature {fitted[0]}, smoothing {fitted[1]}\n")
