"""Confidence calibration of the classifier: temperature-scaled softmax, its fit, the stored fit, quality figures."""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections.abc import Sequence
from pathlib import Path

from knowledge import categories
from knowledge.classify.examples import TRAINING_PATHS

# Candidate temperatures on a log grid; NB logits are far too sharp, so the fit usually lands well above 1.
_GRID = [round(0.5 * 1.12**i, 4) for i in range(45)]
# Uniform mass mixed into every prediction: seed data is cleaner than real mail, so never claim ~100%.
_SMOOTHING = [0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15]
MIN_SMOOTHING = 0.04

_KNOWLEDGE = Path(__file__).resolve().parent.parent
# The fit of the seed model takes a noticeable part of start-up: every process that classifies would pay for it.
# It is stored with a key over everything it depends on (the seeds, the category list and the code that turns
# them into numbers); when any of that changes the key no longer matches, the fit is done again at start, and a
# test says to run `python -m knowledge.classify` to store the new one.
CALIBRATION_PATH = _KNOWLEDGE / "training" / "calibration.json"
# The logistic regression's weights, fitted at the same time for the same key (see `store_logistic`).
LOGISTIC_PATH = _KNOWLEDGE / "training" / "logistic.bin"
_INPUTS = (
    "classify/model.py", "classify/text.py", "classify/lexicon.py", "classify/calibration.py", "classify/examples.py",
    "classify/logistic.py", "question.py", "dutch.py", "lexicon.py", "stemmers/dutch.py", "stemmers/porter.py",
)


def softmax(logits: Sequence[float]) -> list[float]:
    """Probabilities from scores (shifted by the maximum, so large scores never overflow)."""
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def calibrate(row: Sequence[float], temperature: float, smoothing: float) -> list[float]:
    """Temperature-scaled softmax, mixed with a little uniform mass for what the seeds never show."""
    probs = softmax([v / temperature for v in row])
    return [(1 - smoothing) * p + smoothing / len(probs) for p in probs]


def fit_logits(logits: Sequence[Sequence[float]], gold: Sequence[int]) -> tuple[float, float]:
    """(temperature, smoothing) minimising the negative log-likelihood of the gold labels over the grid."""
    n = len(logits[0])
    best: tuple[float, float, float] | None = None
    for t in _GRID:
        gold_p = [softmax([v / t for v in row])[g] for row, g in zip(logits, gold, strict=True)]
        for e in _SMOOTHING:
            if e < MIN_SMOOTHING:
                continue
            loss = -sum(math.log(max((1 - e) * p + e / n, 1e-12)) for p in gold_p) / len(gold_p)
            if best is None or loss < best[0]:
                best = (loss, t, e)
    assert best is not None
    return best[1], best[2]


def calibration_key(paths: Sequence[Path | str] = TRAINING_PATHS) -> str:
    """A hash of the training examples, the category list and the code the calibration depends on."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    digest.update(json.dumps(list(categories.CATEGORIES)).encode())
    for name in _INPUTS:
        digest.update((_KNOWLEDGE / name).read_bytes())
    return digest.hexdigest()


def stored_temperature(paths: Sequence[Path | str] = TRAINING_PATHS) -> tuple[float, float] | None:
    """(temperature, smoothing) stored for exactly these training files and this code, or None."""
    try:
        stored = json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))
        if stored.get("key") == calibration_key(paths):
            return float(stored["temperature"]), float(stored["smoothing"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def store_temperature(temperature: float, smoothing: float, paths: Sequence[Path | str] = TRAINING_PATHS) -> None:
    """Store a fit under the current key."""
    payload = {"key": calibration_key(paths), "temperature": temperature, "smoothing": smoothing}
    CALIBRATION_PATH.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def logistic_bytes(weights: dict[str, list[float]], bias: Sequence[float],
                   paths: Sequence[Path | str] = TRAINING_PATHS) -> bytes:
    """The stored form of a fitted logistic regression: compressed, sorted JSON under the current key, so the
    same fit gives the same bytes on every machine."""
    payload = {"key": calibration_key(paths), "bias": list(bias), "weights": weights}
    return zlib.compress(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"), 9)


def stored_logistic(paths: Sequence[Path | str] = TRAINING_PATHS) -> tuple[dict[str, list[float]], list[float]] | None:
    """(weights, bias) stored for exactly these training files and this code, or None."""
    try:
        stored = json.loads(zlib.decompress(LOGISTIC_PATH.read_bytes()).decode("utf-8"))
        if stored.get("key") == calibration_key(paths):
            return ({str(k): [float(x) for x in v] for k, v in stored["weights"].items()},
                    [float(x) for x in stored["bias"]])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, zlib.error):
        pass
    return None


def store_logistic(weights: dict[str, list[float]], bias: Sequence[float],
                   paths: Sequence[Path | str] = TRAINING_PATHS) -> None:
    """Store a fit of the logistic regression under the current key."""
    LOGISTIC_PATH.write_bytes(logistic_bytes(weights, bias, paths))


def accuracy_macro_f1(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float]:
    """Accuracy and macro-F1 over the categories."""
    if not gold:
        return 0.0, 0.0
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    f1s = []
    for c in categories.CATEGORIES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return acc, sum(f1s) / len(f1s)


def reliability(confidences: Sequence[float], correct: Sequence[bool],
                edges: Sequence[float] = (0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)) -> list[tuple]:
    """Rows (low, high, n, mean confidence, accuracy) per confidence bin."""
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
